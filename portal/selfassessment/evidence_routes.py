"""The figures the portal gathers for each statement, and attaching them as frozen evidence."""

from flask import flash, redirect, request, url_for
from flask_login import current_user
from flask_wtf import FlaskForm

from portal.accounts.models import Role
from portal.accounts.permissions import role_required
from portal.selfassessment import assessments, bp, evidence


def _back(assessment_id: int, statement_id: int):
    return redirect(url_for(".statement", assessment_id=assessment_id, statement_id=statement_id, _anchor="gathered"))


@bp.post("/<int:assessment_id>/statements/<int:statement_id>/evidence")
@role_required(Role.OFFICER)
def attach_evidence(assessment_id: int, statement_id: int):
    assessment = assessments.get_assessment_or_404(assessment_id)
    statement = assessments.get_statement_or_404(assessment, statement_id)
    if not FlaskForm().validate_on_submit():  # the CSRF token only
        flash("That did not work; please try again", "info")
        return _back(assessment_id, statement_id)
    try:
        attached = evidence.attach(statement, request.form.get("indicator", ""), by=current_user._get_current_object())
    except (evidence.EvidenceError, assessments.AssessmentError) as error:
        flash(str(error), "info")
    else:
        flash(f"Attached “{attached.label}” as it stands today")
    return _back(assessment_id, statement_id)


@bp.post("/<int:assessment_id>/statements/<int:statement_id>/evidence/<int:evidence_id>/remove")
@role_required(Role.OFFICER)
def detach_evidence(assessment_id: int, statement_id: int, evidence_id: int):
    assessment = assessments.get_assessment_or_404(assessment_id)
    statement = assessments.get_statement_or_404(assessment, statement_id)
    attached = evidence.get_evidence_or_404(statement, evidence_id)
    if not FlaskForm().validate_on_submit():
        flash("That did not work; please try again", "info")
        return _back(assessment_id, statement_id)
    try:
        evidence.detach(statement, attached, by=current_user._get_current_object())
    except assessments.AssessmentError as error:
        flash(str(error), "info")
    else:
        flash(f"Removed “{attached.label}”")
    return _back(assessment_id, statement_id)
