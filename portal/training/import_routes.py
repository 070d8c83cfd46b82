"""Importing training records from a CSV file, for officers: every row checked, then all imported or none."""

from flask import Response, current_app, flash, redirect, render_template, url_for
from flask_login import current_user

from portal.accounts.models import Role
from portal.accounts.permissions import role_required
from portal.training import bp, transfer
from portal.training.import_forms import ImportCompletionsForm
from portal.training.services import TrainingError

SHOWN_PROBLEMS = 500


def _page(form: ImportCompletionsForm, check: transfer.Check | None = None) -> str:
    return render_template(
        "training/import.html",
        form=form,
        check=check,
        columns=transfer.COLUMNS,
        shown_problems=SHOWN_PROBLEMS,
    )


def _refuse(form: ImportCompletionsForm, check: transfer.Check) -> tuple[str, int]:
    count = len(check.problems)
    form.file.errors = [f"The file has {count} problem{'s' if count != 1 else ''}, listed below. Nothing was imported."]
    return _page(form, check), 422


def _after_import() -> str:
    if "training.matrix" in current_app.view_functions:
        return url_for("training.matrix")
    return url_for(".import_completions")


@bp.route("/import", methods=["GET", "POST"])
@role_required(Role.OFFICER)
def import_completions():
    form = ImportCompletionsForm()
    if not form.validate_on_submit():
        return _page(form), 422 if form.errors else 200
    check = transfer.check_completions_csv(form.file.data.read(transfer.MAX_BYTES + 1))
    if not check.ok:
        return _refuse(form, check)
    try:
        count = transfer.import_completions(check, by=current_user)
    except TrainingError as error:  # a record added by someone else since the check
        return _refuse(form, transfer.Check(problems=[transfer.Problem(None, None, str(error))]))
    flash(f"Imported {count} training record{'s' if count != 1 else ''}")
    return redirect(_after_import())


@bp.get("/import/template.csv")
@role_required(Role.OFFICER)
def import_template():
    return Response(
        transfer.template_csv(),
        mimetype="text/csv",
        headers={"Content-Disposition": 'attachment; filename="training-records-template.csv"'},
    )
