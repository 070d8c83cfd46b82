"""The framework: officers and admins read it; admins edit the wording, and every edit makes a new version."""

from collections.abc import Callable

from flask import flash, redirect, render_template, request, url_for
from flask_login import current_user

from portal.accounts.models import Role
from portal.accounts.permissions import role_required
from portal.selfassessment import bp, framework
from portal.selfassessment.framework_forms import PrincipleForm, RetireForm, StatementForm, VersionedForm


def _me():
    return current_user._get_current_object()


def _framework_page():
    return redirect(url_for(".framework"))


@bp.get("/framework", endpoint="framework")
@role_required(Role.OFFICER, Role.ADMIN)
def show_framework():
    return render_template(
        "selfassessment/framework/index.html",
        principles=framework.principles(include_retired=True),
        version=framework.current_version(),
        last_changed_at=framework.last_changed_at(),
        changes=framework.history(),
        indicator_label=framework.indicator_label,
        may_edit=current_user.has_role(Role.ADMIN),
    )


def _save(form: VersionedForm, edit: Callable[[], object], fallback_field: str) -> tuple[bool, object]:
    """Run an edit from a valid form: (True, what it returned), or (False, None) when the form says why not.

    A stale form keeps what the admin typed and moves on to the current version, so saving again is a choice
    made having seen the current wording.
    """
    if not form.validate_on_submit():
        return False, None
    try:
        return True, edit()
    except framework.FrameworkChanged as stale:
        form.stale = str(stale)
        form.loaded_at(stale.current_version)
    except framework.FrameworkError as error:
        form._fields.get(error.field or fallback_field, form._fields[fallback_field]).errors.append(str(error))
    return False, None


def _form_page(template: str, form: VersionedForm, **context):
    stale = getattr(form, "stale", None)
    status = 409 if stale else 422 if form.errors else 200
    return render_template(template, form=form, stale=stale, **context), status


def _fresh(form_class: type[VersionedForm], data: dict) -> VersionedForm:
    """On GET, the form filled from the framework as it stands and the version it stands at."""
    form = form_class(data=data if request.method == "GET" else None)
    if request.method == "GET":
        form.loaded_at(framework.current_version())
    return form


@bp.route("/framework/principles/<int:principle_id>/edit", methods=["GET", "POST"])
@role_required(Role.ADMIN)
def edit_principle(principle_id: int):
    principle = framework.get_principle_or_404(principle_id)
    form = _fresh(PrincipleForm, PrincipleForm.data_for(principle))
    saved, change = _save(
        form,
        lambda: framework.edit_principle(
            principle,
            title=form.title.data,
            introduction=form.introduction.data,
            loaded_version=form.version.data,
            by=_me(),
        ),
        "title",
    )
    if saved:
        flash(f"Principle {principle.number} saved" if change else "Nothing had changed")
        return _framework_page()
    return _form_page("selfassessment/framework/principle_form.html", form, principle=principle)


@bp.route("/framework/statements/<int:statement_id>/edit", methods=["GET", "POST"])
@role_required(Role.ADMIN)
def edit_statement(statement_id: int):
    statement = framework.get_statement_or_404(statement_id)
    if statement.retired:
        flash(f"Statement {statement.key} is retired and is kept as it was", "info")
        return _framework_page()
    form = _fresh(StatementForm, StatementForm.data_for(statement))
    saved, change = _save(
        form,
        lambda: framework.edit_statement(
            statement,
            text=form.text.data,
            guidance=form.guidance.data,
            indicators=form.indicators.data or [],
            loaded_version=form.version.data,
            by=_me(),
        ),
        "text",
    )
    if saved:
        flash(f"Statement {statement.key} saved" if change else "Nothing had changed")
        return _framework_page()
    return _form_page(
        "selfassessment/framework/statement_form.html", form, statement=statement, principle=statement.principle
    )


@bp.route("/framework/principles/<int:principle_id>/statements/new", methods=["GET", "POST"])
@role_required(Role.ADMIN)
def add_statement(principle_id: int):
    principle = framework.get_principle_or_404(principle_id)
    form = _fresh(StatementForm, StatementForm.data_for(None))
    saved, statement = _save(
        form,
        lambda: framework.add_statement(
            principle,
            text=form.text.data,
            guidance=form.guidance.data,
            indicators=form.indicators.data or [],
            loaded_version=form.version.data,
            by=_me(),
        ),
        "text",
    )
    if saved:
        flash(f"Statement {statement.key} added")
        return _framework_page()
    return _form_page("selfassessment/framework/statement_form.html", form, statement=None, principle=principle)


@bp.route("/framework/statements/<int:statement_id>/retire", methods=["GET", "POST"])
@role_required(Role.ADMIN)
def retire_statement(statement_id: int):
    statement = framework.get_statement_or_404(statement_id)
    if statement.retired:
        flash(f"Statement {statement.key} was already retired", "info")
        return _framework_page()
    form = _fresh(RetireForm, {})
    saved, _change = _save(
        form, lambda: framework.retire_statement(statement, loaded_version=form.version.data, by=_me()), "submit"
    )
    if saved:
        flash(f"Statement {statement.key} retired: new assessments will not include it")
        return _framework_page()
    return _form_page("selfassessment/framework/retire.html", form, statement=statement)
