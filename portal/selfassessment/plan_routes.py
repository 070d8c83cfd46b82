"""Actions on a statement, the forward plan of every action, and progress between two assessment cycles."""

from flask import flash, redirect, render_template, request, url_for
from flask_login import current_user

from portal.accounts.models import Role, User
from portal.accounts.permissions import role_required
from portal.selfassessment import actions, assessments, bp, progress
from portal.selfassessment.action_forms import ActionForm, DeleteActionForm, PlanFilterForm, ProgressForm
from portal.selfassessment.models import Action, ActionStatus, AssessedStatement, Assessment

CONFLICT = 409


def _me() -> User:
    return current_user._get_current_object()


@bp.app_template_test("overdue_action")
def _overdue_action(action: Action) -> bool:
    """`{% if action is overdue_action %}`: the same rule as the plan and the reminders."""
    return actions.is_overdue(action)


@bp.app_template_filter("action_status")
def _action_status(status: str) -> str:
    """`{{ action.status | action_status }}`: "In progress" rather than the stored value."""
    return ActionStatus(status).label


def _back_to_statement(statement: AssessedStatement):
    return redirect(url_for(".statement", assessment_id=statement.assessment_id, statement_id=statement.id))


def _refused_as_finalised(assessment: Assessment, statement: AssessedStatement):
    flash(f"{assessment.title} is finalised, so its actions can no longer be changed", "info")
    return _back_to_statement(statement)


def _action_form(action: Action | None = None) -> ActionForm:
    form = ActionForm(data=ActionForm.data_for(action) if action is not None and request.method == "GET" else None)
    form.set_owners(actions.possible_owners(including=action.owner if action is not None else None))
    return form


def _action_page(form: ActionForm, assessment, statement, action=None, status: int = 200, current=None):
    return render_template(
        "selfassessment/plan/action_form.html",
        form=form,
        assessment=assessment,
        statement=statement,
        action=action,
        current=current,
        delete_form=DeleteActionForm() if action is not None else None,
    ), status


def _refusal_beside_field(form: ActionForm, error: actions.ActionError) -> None:
    form[error.field or "what"].errors.append(str(error))


@bp.route("/<int:assessment_id>/statements/<int:statement_id>/actions/new", methods=["GET", "POST"])
@role_required(Role.OFFICER)
def new_action(assessment_id: int, statement_id: int):
    assessment = assessments.get_assessment_or_404(assessment_id)
    statement = assessments.get_statement_or_404(assessment, statement_id)
    if assessment.finalised:
        return _refused_as_finalised(assessment, statement)
    form = _action_form()
    if not form.validate_on_submit():
        return _action_page(form, assessment, statement, status=422 if form.errors else 200)
    try:
        actions.add_action(statement, form.to_input(), by=_me())
    except actions.ActionError as error:
        _refusal_beside_field(form, error)
        return _action_page(form, assessment, statement, status=422)
    flash(f"Action added to statement {statement.key}")
    return _back_to_statement(statement)


@bp.route("/<int:assessment_id>/actions/<int:action_id>/edit", methods=["GET", "POST"])
@role_required(Role.OFFICER)
def edit_action(assessment_id: int, action_id: int):
    assessment = assessments.get_assessment_or_404(assessment_id)
    action = actions.get_action_or_404(assessment, action_id)
    statement = action.statement
    if assessment.finalised:
        return _refused_as_finalised(assessment, statement)
    form = _action_form(action)
    if not form.validate_on_submit():
        return _action_page(form, assessment, statement, action, status=422 if form.errors else 200)
    try:
        actions.update_action(action, form.to_input(), revision=form.expected_revision(), by=_me())
    except actions.StaleAction as stale:
        # What they typed stays in the form; the saved version is shown beside it, and saving again keeps theirs.
        form.show_revision(stale.action.revision)
        form.set_owners(actions.possible_owners(including=stale.action.owner))
        return _action_page(form, assessment, statement, action, status=CONFLICT, current=stale.action)
    except actions.ActionError as error:
        _refusal_beside_field(form, error)
        return _action_page(form, assessment, statement, action, status=422)
    flash(f"Action on statement {statement.key} saved")
    return _back_to_statement(statement)


@bp.post("/<int:assessment_id>/actions/<int:action_id>/delete")
@role_required(Role.OFFICER)
def delete_action(assessment_id: int, action_id: int):
    assessment = assessments.get_assessment_or_404(assessment_id)
    action = actions.get_action_or_404(assessment, action_id)
    statement = action.statement
    if assessment.finalised:
        return _refused_as_finalised(assessment, statement)
    if DeleteActionForm().validate_on_submit():
        actions.delete_action(action, by=_me())
        flash(f"Action on statement {statement.key} deleted")
    return _back_to_statement(statement)


# ---- the forward plan -------------------------------------------------------------------------------------


@bp.get("/plan")
@role_required(Role.OFFICER)
def plan():
    form = PlanFilterForm(request.args)
    form.set_choices(actions.assessments_newest_first(), actions.plan_owners())
    form.validate()
    filters = form.filters()
    today = actions.council_today()
    rows = actions.forward_plan(filters, today)
    return render_template(
        "selfassessment/plan/plan.html",
        form=form,
        filters=filters,
        rows=rows,
        overdue_count=sum(row.overdue for row in rows),
        today=today,
    )


# ---- progress between cycles ------------------------------------------------------------------------------


@bp.get("/progress", endpoint="progress")
@role_required(Role.OFFICER)
def progress_page():
    every = actions.assessments_newest_first()
    form = ProgressForm(request.args)
    form.set_choices(every)
    form.validate()
    earlier, later = progress.chosen_pair(every, form.chosen("earlier"), form.chosen("later"))
    form.show(earlier, later)
    comparison = progress.compare(earlier, later) if earlier and later else None
    return render_template("selfassessment/progress/progress.html", form=form, comparison=comparison)
