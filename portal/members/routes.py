"""A member's own data (page and download), and the admin's removal of a departed member's personal data."""

from flask import Response, flash, redirect, render_template, url_for
from flask_login import current_user

from portal.accounts import services as accounts
from portal.accounts.forms import ConfirmForm
from portal.accounts.models import Role
from portal.accounts.permissions import role_required, signed_in
from portal.common.time import to_local, utcnow
from portal.members import bp, removal, services


@bp.get("/my-data")
@signed_in
def my_data():
    return render_template("members/my_data.html", data=services.personal_data(current_user))


@bp.get("/my-data.json")
@signed_in
def my_data_json():
    services.record_download(current_user)
    content = services.as_json(services.personal_data(current_user, include_photo=True))
    filename = f"my-data-{to_local(utcnow()).date().isoformat()}.json"
    return Response(
        content,
        content_type="application/json; charset=utf-8",
        headers={"Content-Disposition": f'attachment; filename="{filename}"'},
    )


@bp.get("/admin/users/<int:user_id>/remove-personal-data")
@role_required(Role.ADMIN)
def confirm_removal(user_id: int):
    person = accounts.get_user_or_404(user_id)
    return _confirm_page(person, ConfirmForm(), removal.why_not_removable(person, by=current_user))


@bp.post("/admin/users/<int:user_id>/remove-personal-data")
@role_required(Role.ADMIN)
def remove_personal_data(user_id: int):
    person = accounts.get_user_or_404(user_id)
    form = ConfirmForm()
    if not form.validate_on_submit():
        return _confirm_page(person, form, "That did not work; please try again", status=400)
    try:
        report = removal.remove_personal_data(person, by=current_user)
    except removal.RemovalRefused as refused:
        return _confirm_page(person, form, str(refused), status=422)
    flash(f"Personal data removed: this account is now {report.placeholder}")
    if report.name_left_in_text:
        flash("Their name was not replaced in text elsewhere, because another account has the same name", "info")
    return redirect(url_for("admin.user", user_id=person.id))


def _confirm_page(person, form: ConfirmForm, problem: str | None, status: int = 200):
    return render_template(
        "members/confirm_removal.html",
        person=person,
        form=form,
        problem=problem,
        already_removed=removal.is_removed(person),
        placeholder=removal.placeholder_name(person.id),
    ), status
