"""The whole assessment as PDF, xlsx and CSV for a committee report; every export is audited."""

from flask import Response
from flask_login import current_user

from portal.accounts import audit
from portal.accounts.models import Role
from portal.accounts.permissions import role_required
from portal.selfassessment import assessments, bp, export
from portal.selfassessment.models import Assessment


def _download(assessment: Assessment, content: bytes, content_type: str, extension: str) -> Response:
    audit.record(
        current_user._get_current_object(),
        "assessment.exported",
        f"Exported the self-assessment {assessment.title} as {extension.upper()}",
        target=assessment,
        detail={"format": extension},
    )
    name = export.filename(assessment, extension)
    return Response(
        content, content_type=content_type, headers={"Content-Disposition": f'attachment; filename="{name}"'}
    )


@bp.get("/<int:assessment_id>/assessment.pdf")
@role_required(Role.OFFICER)
def export_pdf(assessment_id: int):
    assessment = assessments.get_assessment_or_404(assessment_id)
    return _download(assessment, export.assessment_pdf(assessment), "application/pdf", "pdf")


@bp.get("/<int:assessment_id>/assessment.xlsx")
@role_required(Role.OFFICER)
def export_xlsx(assessment_id: int):
    assessment = assessments.get_assessment_or_404(assessment_id)
    return _download(assessment, export.assessment_xlsx(assessment), export.XLSX_TYPE, "xlsx")


@bp.get("/<int:assessment_id>/assessment.csv")
@role_required(Role.OFFICER)
def export_csv(assessment_id: int):
    assessment = assessments.get_assessment_or_404(assessment_id)
    return _download(assessment, export.assessment_csv(assessment), "text/csv; charset=utf-8", "csv")
