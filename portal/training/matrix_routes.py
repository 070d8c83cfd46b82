"""The compliance matrix for officers: the page, and the same view as CSV and as a spreadsheet."""

from flask import Response, current_app, render_template, request, url_for
from flask_wtf import FlaskForm
from wtforms.validators import ValidationError

from portal.accounts.models import Role
from portal.accounts.permissions import role_required
from portal.common.forms import GovSelect, SelectField
from portal.training import bp, services
from portal.training import matrix as matrix_service
from portal.training.models import CourseCategory

MEMBER_PAGE = "training.member_record"
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


class FilterSelect(SelectField):
    """A filter whose unknown value (an old bookmark, a hand-edited address) is explained, then ignored."""

    def pre_validate(self, form) -> None:
        if self.data not in {value for value, _ in self.choices}:
            raise ValidationError(f"Choose a {self.label.text.lower()} from the list")


class MatrixFilterForm(FlaskForm):
    """The matrix filters (GET, so no CSRF token)."""

    class Meta:
        csrf = False

    ward = FilterSelect("Ward", widget=GovSelect(), default="")
    group = FilterSelect("Political group", widget=GovSelect(), default="")
    category = FilterSelect("Course category", widget=GovSelect(), default="")


def _filter_form() -> tuple[MatrixFilterForm, matrix_service.MatrixFilters]:
    """The form from the query string, and the filters it holds that are known (unknown ones are dropped)."""
    form = MatrixFilterForm(request.args)
    wards, groups = services.wards_and_groups()
    form.ward.choices = [("", "All wards"), *((ward, ward) for ward in wards)]
    form.group.choices = [("", "All groups"), *((group, group) for group in groups)]
    form.category.choices = [("", "All categories"), *((c.value, c.label) for c in CourseCategory)]
    form.validate()
    chosen = {name: form[name].data or None for name in ("ward", "group", "category") if not form[name].errors}
    return form, matrix_service.MatrixFilters(**chosen)


def _member_urls(table: matrix_service.MatrixTable) -> dict[int, str]:
    """Links to each member's training record, once that page exists (another part of the work adds it)."""
    if MEMBER_PAGE not in current_app.view_functions:
        return {}
    (argument,) = next(current_app.url_map.iter_rules(MEMBER_PAGE)).arguments
    return {row.member_id: url_for(MEMBER_PAGE, **{argument: row.member_id}) for row in table.rows}


@bp.get("/compliance-matrix")
@role_required(Role.OFFICER)
def matrix():
    form, filters = _filter_form()
    table = matrix_service.matrix_table(filters)
    return render_template(
        "training/matrix.html",
        form=form,
        table=table,
        statuses=matrix_service.STATUSES,
        total_headings=matrix_service.TOTAL_HEADINGS,
        due_soon_days=services.due_soon_days(),
        member_urls=_member_urls(table),
    )


def _download(content: bytes, content_type: str, table: matrix_service.MatrixTable, extension: str) -> Response:
    filename = f"compliance-matrix-{table.today.isoformat()}.{extension}"
    return Response(
        content, content_type=content_type, headers={"Content-Disposition": f'attachment; filename="{filename}"'}
    )


@bp.get("/compliance-matrix.csv")
@role_required(Role.OFFICER)
def matrix_csv():
    table = matrix_service.matrix_table(_filter_form()[1])
    return _download(matrix_service.matrix_csv(table), "text/csv; charset=utf-8", table, "csv")


@bp.get("/compliance-matrix.xlsx")
@role_required(Role.OFFICER)
def matrix_xlsx():
    table = matrix_service.matrix_table(_filter_form()[1])
    return _download(matrix_service.matrix_xlsx(table), XLSX_TYPE, table, "xlsx")
