from flask import flash, redirect, render_template, request, url_for
from flask_login import current_user

from portal.accounts import audit, services
from portal.accounts.forms import ConfirmForm, InviteForm, RolesForm
from portal.accounts.models import Role
from portal.accounts.permissions import role_required
from portal.admin import bp


@bp.get("/users")
@role_required(Role.ADMIN)
def users():
    search = request.args.get("q", "")[:200]
    return render_template("admin/users.html", users=services.list_users(search), search=search)


@bp.route("/users/invite", methods=["GET", "POST"])
@role_required(Role.ADMIN)
def invite():
    form = InviteForm()
    if form.validate_on_submit():
        try:
            user = services.invite_user(
                services.Invitation(email=form.email.data, name=form.name.data, roles=form.roles.roles), by=current_user
            )
        except services.AccountError as error:
            getattr(form, error.field or "email").errors.append(str(error))
        else:
            flash(f"Invitation sent to {user.email}")
            return redirect(url_for(".user", user_id=user.id))
    return render_template("admin/invite.html", form=form), 422 if form.errors else 200


@bp.route("/users/<int:user_id>", methods=["GET", "POST"])
@role_required(Role.ADMIN)
def user(user_id: int):
    person = services.get_user_or_404(user_id)
    form = RolesForm(data={"roles": sorted(person.roles)} if request.method == "GET" else None)
    if form.validate_on_submit():
        try:
            services.update_roles(person, form.roles.roles, by=current_user)
        except services.AccountError as error:
            form.roles.errors.append(str(error))
        else:
            flash("Roles saved")
            return redirect(url_for(".user", user_id=person.id))
    return render_template(
        "admin/user.html", person=person, form=form, confirm=ConfirmForm()
    ), 422 if form.errors else 200


def _confirmed_action(user_id: int, action, message: str):
    person = services.get_user_or_404(user_id)
    if not ConfirmForm().validate_on_submit():
        flash("That did not work; please try again", "info")
        return redirect(url_for(".user", user_id=person.id))
    try:
        action(person)
    except services.AccountError as error:
        return render_template(
            "admin/user.html",
            person=person,
            form=RolesForm(data={"roles": sorted(person.roles)}),
            confirm=ConfirmForm(),
            action_error=str(error),
        ), 422
    flash(message.format(email=person.email))
    return redirect(url_for(".user", user_id=person.id))


@bp.post("/users/<int:user_id>/deactivate")
@role_required(Role.ADMIN)
def deactivate(user_id: int):
    return _confirmed_action(
        user_id, lambda person: services.set_active(person, False, by=current_user), "{email} can no longer sign in"
    )


@bp.post("/users/<int:user_id>/reactivate")
@role_required(Role.ADMIN)
def reactivate(user_id: int):
    return _confirmed_action(
        user_id, lambda person: services.set_active(person, True, by=current_user), "{email} can sign in again"
    )


@bp.post("/users/<int:user_id>/resend-invitation")
@role_required(Role.ADMIN)
def resend_invitation(user_id: int):
    return _confirmed_action(
        user_id,
        lambda person: services.resend_invitation(person, by=current_user),
        "A new invitation is on its way to {email}",
    )


@bp.get("/audit-log")
@role_required(Role.ADMIN)
def audit_log():
    page = request.args.get("page", 1, type=int)
    return render_template("admin/audit_log.html", events=audit.recent_events(page=max(page, 1)))
