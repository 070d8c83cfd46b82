"""CSV import and export of the directory, for officers."""

from datetime import date

from flask import Response, flash, redirect, render_template, url_for
from flask_login import current_user

from portal.accounts.models import Role
from portal.accounts.permissions import role_required
from portal.directory import bp, transfer
from portal.directory.transfer_forms import ImportForm

MAX_PROBLEMS_SHOWN = 200


@bp.get("/directory/export.csv")
@role_required(Role.OFFICER)
def export_services():
    return _csv_download(transfer.export_csv(), f"support-directory-{date.today().isoformat()}.csv")


@bp.get("/directory/import/template.csv")
@role_required(Role.OFFICER)
def import_template():
    return _csv_download(transfer.template_csv(), "support-directory-template.csv")


@bp.route("/directory/import", methods=["GET", "POST"])
@role_required(Role.OFFICER)
def import_services():
    form = ImportForm()
    if not form.validate_on_submit():
        return _import_page(form)
    try:
        # At most one byte past the limit is read, so a huge upload is refused without reading all of it.
        upload = form.csv_file.data.stream.read(transfer.MAX_UPLOAD_BYTES + 1)
        check = transfer.check_rows(transfer.decode_upload(upload))
        if check.problems:
            form.csv_file.errors.append(_problems_summary(len(check.problems)))
            return _import_page(form, check.problems)
        transfer.import_rows(check, by=current_user)
    except transfer.ImportProblem as problem:
        form.csv_file.errors.append(str(problem))
        return _import_page(form)
    flash(f"Imported {check.describe()}")
    return redirect(url_for(".index"))


def _import_page(form: ImportForm, problems: list[transfer.RowProblem] | None = None):
    # An error status also rolls the request's transaction back (see _commit_or_roll_back in portal/__init__.py).
    problems = problems or []
    page = render_template(
        "directory/import.html",
        form=form,
        problems=problems[:MAX_PROBLEMS_SHOWN],
        problem_count=len(problems),
        max_rows=transfer.MAX_ROWS,
    )
    return page, 422 if form.errors else 200


def _problems_summary(count: int) -> str:
    problems = "1 problem" if count == 1 else f"{count:,} problems"
    return f"The file has {problems}, listed below. Nothing has been imported: correct the file and upload it again"


def _csv_download(text: str, filename: str) -> Response:
    response = Response(text, mimetype="text/csv")
    response.headers["Content-Disposition"] = f'attachment; filename="{filename}"'
    response.headers["Cache-Control"] = "no-store"
    return response
