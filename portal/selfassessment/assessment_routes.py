"""Officers run assessment cycles: start one, score statements with evidence, finalise."""

from flask import flash, redirect, render_template, request, url_for
from flask_login import current_user

from portal.accounts.models import Role
from portal.accounts.permissions import role_required
from portal.selfassessment import assessments, bp, evidence, scoring
from portal.selfassessment.assessment_forms import ConfirmForm, StartForm, StatementForm
from portal.selfassessment.models import Score

CONFLICT = 409


def _me():
    return current_user._get_current_object()


@bp.get("/", endpoint="index")
@role_required(Role.OFFICER)
def index():
    return render_template(
        "selfassessment/assessments/index.html",
        rows=[(assessment, scoring.totals(assessment)) for assessment in assessments.assessments()],
    )


@bp.route("/new", methods=["GET", "POST"])
@role_required(Role.OFFICER)
def new_assessment():
    previous = assessments.assessments()
    form = StartForm()
    form.set_previous(previous)
    if form.validate_on_submit():
        copy_from = next((assessment for assessment in previous if assessment.id == form.copy_from.data), None)
        try:
            assessment = assessments.start_assessment(form.title.data, copy_from, by=_me())
        except assessments.AssessmentError as error:
            form.title.errors.append(str(error))
        else:
            flash(f"{assessment.title} started")
            return redirect(url_for(".show_assessment", assessment_id=assessment.id))
    status = 422 if form.errors else 200
    return render_template("selfassessment/assessments/new.html", form=form), status


@bp.get("/<int:assessment_id>")
@role_required(Role.OFFICER)
def show_assessment(assessment_id: int):
    assessment = assessments.get_assessment_or_404(assessment_id)
    return render_template(
        "selfassessment/assessments/show.html",
        assessment=assessment,
        totals=scoring.totals(assessment),
        score_labels={score.value: score.label for score in Score},
    )


def _statement_page(assessment, statement, form, status: int = 200, conflict=None):
    return render_template(
        "selfassessment/assessments/statement.html",
        assessment=assessment,
        statement=statement,
        form=form,
        conflict=conflict,
        typed=form.typed_version() if conflict else None,
        saved=assessments.saved_version(statement),
        indicators=[] if assessment.finalised else evidence.indicators_for(statement),
        neighbours=_neighbours(assessment, statement),
    ), status


def _neighbours(assessment, statement):
    """The statements before and after this one, for moving through the assessment."""
    position = assessment.statements.index(statement)
    before = assessment.statements[position - 1] if position > 0 else None
    after = assessment.statements[position + 1] if position + 1 < len(assessment.statements) else None
    return before, after


@bp.route("/<int:assessment_id>/statements/<int:statement_id>", methods=["GET", "POST"])
@role_required(Role.OFFICER)
def statement(assessment_id: int, statement_id: int):
    assessment = assessments.get_assessment_or_404(assessment_id)
    assessed = assessments.get_statement_or_404(assessment, statement_id)
    if assessment.finalised:
        if request.method == "POST":
            flash(f"{assessment.title} is finalised, so it can no longer be changed", "info")
            return redirect(url_for(".statement", assessment_id=assessment_id, statement_id=statement_id))
        return _statement_page(assessment, assessed, form=None)
    form = StatementForm(data=StatementForm.data_for(assessed) if request.method == "GET" else None)
    if not form.validate_on_submit():
        return _statement_page(assessment, assessed, form, 422 if form.errors else 200)
    try:
        assessments.save_statement(assessed, form.to_input(), form.expected_revision(), by=_me())
    except assessments.StatementConflict as conflict:
        form.show_revision(conflict.current.revision)
        return _statement_page(assessment, assessed, form, CONFLICT, conflict=conflict.current)
    except assessments.AssessmentError as error:
        form[error.field or "evidence"].errors.append(str(error))
        return _statement_page(assessment, assessed, form, 422)
    flash(f"Statement {assessed.key} saved")
    anchor = f"statement-{assessed.key.replace('.', '-')}"
    return redirect(url_for(".show_assessment", assessment_id=assessment_id, _anchor=anchor))


@bp.route("/<int:assessment_id>/finalise", methods=["GET", "POST"])
@role_required(Role.OFFICER)
def finalise(assessment_id: int):
    assessment = assessments.get_assessment_or_404(assessment_id)
    if assessment.finalised:
        flash(f"{assessment.title} is already finalised", "info")
        return redirect(url_for(".show_assessment", assessment_id=assessment_id))
    form = ConfirmForm()
    refusal = None
    if form.validate_on_submit():
        try:
            assessments.finalise(assessment, by=_me())
        except assessments.AssessmentError as error:
            refusal = str(error)
        else:
            flash(f"{assessment.title} finalised. It can no longer be changed.")
            return redirect(url_for(".show_assessment", assessment_id=assessment_id))
    return render_template(
        "selfassessment/assessments/finalise.html",
        form=form,
        assessment=assessment,
        unscored=assessments.unscored(assessment),
        refusal=refusal,
    ), (422 if refusal else 200)
