"""Officers build survey templates: questions, standard blocks, attributes and tags."""

from flask import flash, redirect, render_template, request, url_for
from flask_login import current_user
from flask_wtf import FlaskForm

from portal.accounts.forms import ConfirmForm
from portal.accounts.models import Role
from portal.accounts.permissions import role_required
from portal.surveys import authoring, blocks, bp
from portal.surveys.authoring_forms import KIND_HINTS, QuestionForm, TagsForm, TemplateForm
from portal.surveys.models import QuestionKind, SurveyTemplate


def _me():
    return current_user._get_current_object()


def _show_error(form: FlaskForm, error: authoring.AuthoringError, fallback: str) -> None:
    """Put a refusal from the service layer beside the field it concerns."""
    field = form._fields.get(error.field or "") or form._fields[fallback]
    field.errors = [*field.errors, str(error)]


def _status(form: FlaskForm) -> int:
    return 422 if form.errors else 200


def _to_template(template: SurveyTemplate):
    return redirect(url_for(".show_template", template_id=template.id))


def _refused(template: SurveyTemplate, error: authoring.AuthoringError):
    """A button's action refused: say why on the template page, which changed in nothing."""
    flash(str(error), "error")
    return _to_template(template)


def _locked_guard(template: SurveyTemplate):
    """Forms of a locked template are not offered at all: back to its page, which explains and offers a copy."""
    return _refused(template, authoring.TemplateLocked()) if template.locked else None


# ---- templates -----------------------------------------------------------------------------------------


@bp.get("/surveys/templates")
@role_required(Role.OFFICER)
def templates():
    return render_template("surveys/authoring/templates.html", templates=authoring.templates(), archived=False)


@bp.get("/surveys/templates/archived")
@role_required(Role.OFFICER)
def archived_templates():
    return render_template(
        "surveys/authoring/templates.html", templates=authoring.templates(archived=True), archived=True
    )


@bp.route("/surveys/templates/new", methods=["GET", "POST"])
@role_required(Role.OFFICER)
def new_template():
    form = TemplateForm()
    if form.validate_on_submit():
        try:
            template = authoring.create_template(form.name.data, form.description.data or "", by=_me())
        except authoring.AuthoringError as error:
            _show_error(form, error, "name")
        else:
            flash(f"{template.name} created. Add its questions.")
            return _to_template(template)
    return render_template("surveys/authoring/template_form.html", form=form, template=None), _status(form)


@bp.get("/surveys/templates/<int:template_id>")
@role_required(Role.OFFICER)
def show_template(template_id: int):
    template = authoring.get_template_or_404(template_id)
    return render_template(
        "surveys/authoring/template.html",
        template=template,
        template_blocks=authoring.blocks_in(template),
        blocks_to_add=authoring.blocks_to_add(template),
        ready_attributes=authoring.ready_attributes_to_add(template),
        all_blocks=blocks.BLOCKS,
        kind_labels={kind.value: kind.label for kind in QuestionKind},
        confirm=ConfirmForm(),
    )


@bp.route("/surveys/templates/<int:template_id>/edit", methods=["GET", "POST"])
@role_required(Role.OFFICER)
def edit_template(template_id: int):
    template = authoring.get_template_or_404(template_id)
    if refused := _locked_guard(template):
        return refused
    form = TemplateForm(obj=template if request.method == "GET" else None)
    if form.validate_on_submit():
        try:
            authoring.update_template(template, form.name.data, form.description.data or "", by=_me())
        except authoring.AuthoringError as error:
            _show_error(form, error, "name")
        else:
            flash(f"{template.name} saved")
            return _to_template(template)
    return render_template("surveys/authoring/template_form.html", form=form, template=template), _status(form)


@bp.post("/surveys/templates/<int:template_id>/archive")
@role_required(Role.OFFICER)
def archive_template(template_id: int):
    template = authoring.get_template_or_404(template_id)
    if ConfirmForm().validate_on_submit():
        authoring.set_archived(template, True, by=_me())
        flash(f"{template.name} archived. It is no longer offered for new rounds.")
    return _to_template(template)


@bp.post("/surveys/templates/<int:template_id>/restore")
@role_required(Role.OFFICER)
def restore_template(template_id: int):
    template = authoring.get_template_or_404(template_id)
    if ConfirmForm().validate_on_submit():
        authoring.set_archived(template, False, by=_me())
        flash(f"{template.name} brought back. It is offered for new rounds again.")
    return _to_template(template)


@bp.post("/surveys/templates/<int:template_id>/copy")
@role_required(Role.OFFICER)
def copy_template(template_id: int):
    template = authoring.get_template_or_404(template_id)
    if not ConfirmForm().validate_on_submit():
        return _to_template(template)
    copy = authoring.copy_template(template, by=_me())
    flash(f"Copied. This is the new template {copy.name}: change it as you need.")
    return _to_template(copy)


# ---- questions -----------------------------------------------------------------------------------------


def _question_page(template, form, question=None):
    return render_template(
        "surveys/authoring/question_form.html",
        form=form,
        template=template,
        question=question,
        kind_hints=KIND_HINTS,
        all_blocks=blocks.BLOCKS,
    ), _status(form)


@bp.route("/surveys/templates/<int:template_id>/questions/new", methods=["GET", "POST"])
@role_required(Role.OFFICER)
def new_question(template_id: int):
    template = authoring.get_template_or_404(template_id)
    if refused := _locked_guard(template):
        return refused
    form = QuestionForm()
    if form.validate_on_submit():
        try:
            authoring.add_question(template, form.to_input(), by=_me())
        except authoring.AuthoringError as error:
            _show_error(form, error, "text")
        else:
            flash("Question added")
            return _to_template(template)
    return _question_page(template, form)


@bp.route("/surveys/templates/<int:template_id>/questions/<int:question_id>/edit", methods=["GET", "POST"])
@role_required(Role.OFFICER)
def edit_question(template_id: int, question_id: int):
    template = authoring.get_template_or_404(template_id)
    question = authoring.get_question_or_404(template, question_id)
    if refused := _locked_guard(template):
        return refused
    form_class = TagsForm if question.block else QuestionForm
    data = QuestionForm.data_for(question) if request.method == "GET" else None
    form = form_class(data=data)
    if form.validate_on_submit():
        try:
            if question.block:
                authoring.update_statement_tags(question, form.statement_tags.data or "", by=_me())
            else:
                authoring.update_question(question, form.to_input(), by=_me())
        except authoring.AuthoringError as error:
            _show_error(form, error, "statement_tags" if question.block else "text")
        else:
            flash("Question saved")
            return _to_template(template)
    return _question_page(template, form, question)


def _button_action(template_id: int, action) -> object:
    """Run a button's action on a template, or explain on its page why it was refused."""
    template = authoring.get_template_or_404(template_id)
    if not ConfirmForm().validate_on_submit():
        return _to_template(template)
    try:
        message = action(template)
    except authoring.AuthoringError as error:
        return _refused(template, error)
    flash(message)
    return _to_template(template)


@bp.post("/surveys/templates/<int:template_id>/questions/<int:question_id>/delete")
@role_required(Role.OFFICER)
def delete_question(template_id: int, question_id: int):
    def delete(template):
        question = authoring.get_question_or_404(template, question_id)
        authoring.delete_question(question, by=_me())
        return f"Question removed: {question.text}"

    return _button_action(template_id, delete)


@bp.post("/surveys/templates/<int:template_id>/questions/<int:question_id>/move-<any(up, down):direction>")
@role_required(Role.OFFICER)
def move_question(template_id: int, question_id: int, direction: str):
    def move(template):
        question = authoring.get_question_or_404(template, question_id)
        authoring.move_question(question, -1 if direction == "up" else 1, by=_me())
        return f"Question moved {direction}: {question.text}"

    return _button_action(template_id, move)


@bp.post("/surveys/templates/<int:template_id>/blocks")
@role_required(Role.OFFICER)
def add_block(template_id: int):
    code = request.form.get("block", "")

    def add(template):
        authoring.add_block(template, code, by=_me())
        return f"{blocks.BLOCKS[code].name} added"

    return _button_action(template_id, add)


@bp.post("/surveys/templates/<int:template_id>/blocks/<code>/remove")
@role_required(Role.OFFICER)
def remove_block(template_id: int, code: str):
    def remove(template):
        authoring.remove_block(template, code, by=_me())
        return f"{blocks.BLOCKS[code].name} removed"

    return _button_action(template_id, remove)


@bp.post("/surveys/templates/<int:template_id>/attributes")
@role_required(Role.OFFICER)
def add_ready_attribute(template_id: int):
    code = request.form.get("attribute", "")

    def add(template):
        question = authoring.add_ready_attribute(template, code, by=_me())
        return f"Question added: {question.text}"

    return _button_action(template_id, add)
