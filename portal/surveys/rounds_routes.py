"""Officers run rounds and schedules; members answer at /surveys (see answer_routes)."""

from flask import flash, redirect, render_template, request, url_for
from flask_login import current_user

from portal.accounts.models import Role
from portal.accounts.permissions import role_required
from portal.surveys import bp, request_logs, rounds
from portal.surveys.models import RoundStatus
from portal.surveys.rounds_forms import ConfirmForm, RoundForm, ScheduleForm

# Loggers are process-wide; the filter goes on once, when the blueprint is first registered on an app.
bp.record_once(lambda _state: request_logs.install())


def _me():
    return current_user._get_current_object()


def _show_error(form, error: rounds.RoundError) -> None:
    field = form._fields.get(error.field) or form.title
    field.errors.append(str(error))


def _status(form) -> int:
    return 422 if form.errors else 200


# ---- rounds ----------------------------------------------------------------------------------------------


@bp.get("/surveys/rounds", endpoint="rounds")
@role_required(Role.OFFICER)
def rounds_list():
    return render_template("surveys/rounds/index.html", grouped=rounds.rounds_by_status(), RoundStatus=RoundStatus)


def _round_form(survey_round=None) -> RoundForm:
    form = RoundForm(data=RoundForm.data_for(survey_round) if request.method == "GET" else None)
    form.set_templates(rounds.templates_to_choose(), survey_round.template_id if survey_round else None)
    return form


def _save(form, save) -> bool:
    data = form.to_input()
    if data is None:
        return False
    try:
        save(data)
    except rounds.RoundError as error:
        _show_error(form, error)
        return False
    return True


@bp.route("/surveys/rounds/new", methods=["GET", "POST"])
@role_required(Role.OFFICER)
def new_round():
    form = _round_form()
    created = []
    if form.validate_on_submit() and _save(form, lambda data: created.append(rounds.create_round(data, by=_me()))):
        flash(f"{created[0].title} scheduled")
        return redirect(url_for(".show_round", round_id=created[0].id))
    return render_template("surveys/rounds/form.html", form=form, survey_round=None), _status(form)


@bp.route("/surveys/rounds/<int:round_id>/edit", methods=["GET", "POST"])
@role_required(Role.OFFICER)
def edit_round(round_id: int):
    survey_round = rounds.get_round_or_404(round_id)
    try:
        rounds.refuse_unless_scheduled(survey_round)
    except rounds.RoundError as error:
        flash(str(error), "info")
        return redirect(url_for(".show_round", round_id=round_id))
    form = _round_form(survey_round)
    if form.validate_on_submit() and _save(form, lambda data: rounds.update_round(survey_round, data, by=_me())):
        flash(f"{survey_round.title} saved")
        return redirect(url_for(".show_round", round_id=round_id))
    return render_template("surveys/rounds/form.html", form=form, survey_round=survey_round), _status(form)


@bp.get("/surveys/rounds/<int:round_id>")
@role_required(Role.OFFICER)
def show_round(round_id: int):
    survey_round = rounds.get_round_or_404(round_id)
    return render_template(
        "surveys/rounds/show.html",
        survey_round=survey_round,
        rate=rounds.response_rate(survey_round),
        RoundStatus=RoundStatus,
    )


def _confirm(round_id: int, action, template: str, done: str):
    survey_round = rounds.get_round_or_404(round_id)
    form = ConfirmForm()
    if form.validate_on_submit():
        try:
            action(survey_round)
        except rounds.RoundError as error:
            flash(str(error), "info")
        else:
            flash(done.format(title=survey_round.title))
            return redirect(url_for(".rounds"))
        return redirect(url_for(".show_round", round_id=round_id))
    return render_template(template, form=form, survey_round=survey_round)


@bp.route("/surveys/rounds/<int:round_id>/close", methods=["GET", "POST"])
@role_required(Role.OFFICER)
def close_round(round_id: int):
    return _confirm(
        round_id,
        lambda survey_round: rounds.close_early(survey_round, by=_me()),
        "surveys/rounds/close.html",
        "{title} closed. It is waiting for review before anyone sees results.",
    )


@bp.route("/surveys/rounds/<int:round_id>/cancel", methods=["GET", "POST"])
@role_required(Role.OFFICER)
def cancel_round(round_id: int):
    return _confirm(
        round_id,
        lambda survey_round: rounds.cancel_round(survey_round, by=_me()),
        "surveys/rounds/cancel.html",
        "{title} cancelled",
    )


# ---- schedules -------------------------------------------------------------------------------------------


@bp.get("/surveys/schedules")
@role_required(Role.OFFICER)
def schedules():
    return render_template("surveys/rounds/schedules.html", schedules=rounds.schedules())


def _schedule_page(schedule):
    form = ScheduleForm(data=ScheduleForm.data_for(schedule) if request.method == "GET" else None)
    form.set_templates(rounds.templates_to_choose(), schedule.template_id if schedule else None)
    if form.validate_on_submit() and _save(form, lambda data: rounds.save_schedule(schedule, data, by=_me())):
        flash(f"Schedule {form.title.data} saved")
        return redirect(url_for(".schedules"))
    return render_template("surveys/rounds/schedule_form.html", form=form, schedule=schedule), _status(form)


@bp.route("/surveys/schedules/new", methods=["GET", "POST"])
@role_required(Role.OFFICER)
def new_schedule():
    return _schedule_page(None)


@bp.route("/surveys/schedules/<int:schedule_id>/edit", methods=["GET", "POST"])
@role_required(Role.OFFICER)
def edit_schedule(schedule_id: int):
    return _schedule_page(rounds.get_schedule_or_404(schedule_id))


from portal.surveys import answer_routes  # noqa: E402,F401
