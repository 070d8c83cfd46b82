"""Training pages: a member's own record, and for officers the catalogue, records, attendance and settings."""

from flask import current_app, flash, redirect, render_template, request, url_for
from flask_login import current_user
from flask_wtf import FlaskForm

from portal.accounts.models import Role
from portal.accounts.permissions import role_required, signed_in
from portal.training import bp, services
from portal.training.forms import AttendanceForm, CompletionForm, CorrectionForm, CourseForm, TrainingSettingsForm
from portal.training.models import CourseCategory, CourseFormat

# Links between the officers' training pages; pages that other modules add show once their endpoint exists.
OFFICER_LINKS = [
    ("Course catalogue", "training.courses"),
    ("Members' training records", "training.members"),
    ("Compliance matrix", "training.matrix"),
    ("Record a session's attendance", "training.record_attendance"),
    ("Import completions", "training.import_completions"),
    ("When courses count as due soon", "training.settings"),
]


@bp.context_processor
def _officer_links() -> dict:
    views = current_app.view_functions
    return {"officer_links": [(label, url_for(endpoint)) for label, endpoint in OFFICER_LINKS if endpoint in views]}


def _me():
    """The signed-in person as a plain model object, to store in records and history."""
    return current_user._get_current_object()


def _show_error(form: FlaskForm, error: services.TrainingError, fallback: str) -> None:
    """Put a refusal from the service layer beside the field it concerns."""
    field = form._fields.get(error.field) or form._fields[fallback]
    field.errors.append(str(error))


def _status(form: FlaskForm) -> int:
    return 422 if form.errors else 200


# ---- a member's own record -----------------------------------------------------------------------------


@bp.get("")
@signed_in
def my_training():
    person = _me()
    record = services.member_record(person)
    return render_template(
        "training/my_training.html",
        record=record,
        due_next=services.due_next(record),
        history=services.completions_of(person),
        is_officer=person.has_role(Role.OFFICER),
    )


# ---- the catalogue -------------------------------------------------------------------------------------


@bp.get("/courses")
@role_required(Role.OFFICER)
def courses():
    return render_template(
        "training/courses.html",
        courses=services.courses(active_only=False),
        category_labels={category.value: category.label for category in CourseCategory},
        format_labels={course_format.value: course_format.label for course_format in CourseFormat},
    )


def _save_course(form: CourseForm, save) -> bool:
    try:
        save(form.to_input())
    except services.TrainingError as error:
        _show_error(form, error, "title")
        return False
    return True


@bp.route("/courses/new", methods=["GET", "POST"])
@role_required(Role.OFFICER)
def new_course():
    form = CourseForm(data=CourseForm.data_for(None) if request.method == "GET" else None)
    if form.validate_on_submit() and _save_course(form, lambda data: services.create_course(data, by=_me())):
        flash(f"{form.title.data} added to the catalogue")
        return redirect(url_for(".courses"))
    return render_template("training/course_form.html", form=form, course=None), _status(form)


@bp.route("/courses/<int:course_id>/edit", methods=["GET", "POST"])
@role_required(Role.OFFICER)
def edit_course(course_id: int):
    course = services.get_course_or_404(course_id)
    form = CourseForm(data=CourseForm.data_for(course) if request.method == "GET" else None)
    saved = form.validate_on_submit() and _save_course(
        form, lambda data: services.update_course(course, data, by=_me())
    )
    if saved:
        flash(f"{course.title} saved")
        return redirect(url_for(".courses"))
    return render_template("training/course_form.html", form=form, course=course), _status(form)


# ---- members' records ----------------------------------------------------------------------------------


@bp.get("/members")
@role_required(Role.OFFICER)
def members():
    return render_template("training/members.html", summaries=services.member_summaries())


def _member_page(member, form: CompletionForm):
    return render_template(
        "training/member_record.html",
        member=member,
        record=services.member_record(member),
        history=services.completions_of(member),
        form=form,
    ), _status(form)


def _completion_form() -> CompletionForm:
    form = CompletionForm()
    form.set_courses(services.courses())
    return form


@bp.get("/members/<int:user_id>")
@role_required(Role.OFFICER)
def member_record(user_id: int):
    return _member_page(services.get_member_or_404(user_id), _completion_form())


@bp.post("/members/<int:user_id>/completions")
@role_required(Role.OFFICER)
def record_completion(user_id: int):
    member = services.get_member_or_404(user_id)
    form = _completion_form()
    if form.validate_on_submit():
        course = services.get_course_or_404(form.course_id.data)
        try:
            services.record_completion(member, course, form.completed_on.data, form.note.data, by=_me())
        except services.TrainingError as error:
            _show_error(form, error, "completed_on")
        else:
            flash(f"{course.title} recorded for {member.name}")
            return redirect(url_for(".member_record", user_id=member.id))
    return _member_page(member, form)


@bp.route("/completions/<int:completion_id>/edit", methods=["GET", "POST"])
@role_required(Role.OFFICER)
def correct_completion(completion_id: int):
    completion = services.get_completion_or_404(completion_id)
    form = CorrectionForm(obj=completion if request.method == "GET" else None)
    if form.validate_on_submit():
        try:
            services.correct_completion(completion, form.completed_on.data, form.note.data, by=_me())
        except services.TrainingError as error:
            _show_error(form, error, "completed_on")
        else:
            flash(f"Record of {completion.course.title} for {completion.user.name} corrected")
            return redirect(url_for(".member_record", user_id=completion.user_id))
    return render_template("training/correct_completion.html", form=form, completion=completion), _status(form)


# ---- attendance and settings ---------------------------------------------------------------------------


@bp.route("/attendance", methods=["GET", "POST"])
@role_required(Role.OFFICER)
def record_attendance():
    form = AttendanceForm()
    form.set_courses(services.courses())
    members = services.current_members()
    form.set_people(members)
    if form.validate_on_submit():
        course = services.get_course_or_404(form.course_id.data)
        attended = [member for member in members if member.id in set(form.people.data)]
        try:
            services.record_attendance(course, attended, form.completed_on.data, form.note.data, by=_me())
        except services.TrainingError as error:
            _show_error(form, error, "people")
        else:
            people = "1 person" if len(attended) == 1 else f"{len(attended)} people"
            flash(f"{course.title}: attendance recorded for {people}")
            return redirect(url_for(".members"))
    return render_template("training/attendance.html", form=form), _status(form)


@bp.route("/settings", methods=["GET", "POST"])
@role_required(Role.OFFICER)
def settings():
    form = TrainingSettingsForm(data={"due_soon_days": services.due_soon_days()} if request.method == "GET" else None)
    if form.validate_on_submit():
        try:
            services.set_due_soon_days(form.due_soon_days.data, by=_me())
        except services.TrainingError as error:
            _show_error(form, error, "due_soon_days")
        else:
            flash(f"Courses now count as due soon {form.due_soon_days.data} days before they expire")
            return redirect(url_for(".settings"))
    return render_template("training/settings.html", form=form), _status(form)
