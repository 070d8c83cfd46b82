"""The rules for accounts: signing in, inviting, resetting passwords, roles and profiles."""

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from urllib.parse import urlsplit

from flask import current_app
from sqlalchemy import func, select
from sqlalchemy.orm import lazyload

from portal.accounts import audit
from portal.accounts.models import Role, User, UserRole, new_security_stamp
from portal.accounts.passwords import hash_password, needs_rehash, verify_password
from portal.accounts.tokens import Purpose, make_token
from portal.common.time import utcnow
from portal.extensions import db
from portal.outbox.services import enqueue_email, enqueue_many, render_email


class AccountError(ValueError):
    """A request that the rules refuse; `field` names the form field it concerns."""

    def __init__(self, message: str, field: str | None = None):
        super().__init__(message)
        self.field = field


def normalise_email(email: str) -> str:
    return email.strip().lower()


def find_by_email(email: str) -> User | None:
    # Roles load when first read: sign-in and reset must not spend a query on them that an unknown address
    # would not, or the time would tell which addresses have accounts.
    query = select(User).where(User.email == normalise_email(email)).options(lazyload(User.role_rows))
    return db.session.scalar(query)


def get_user_or_404(user_id: int) -> User:
    return db.get_or_404(User, user_id)


def authenticate(email: str, password: str) -> User | None:
    """The active account with this email and password, or None; takes similar time either way."""
    user = find_by_email(email)
    password_ok = verify_password(user.password_hash if user else None, password)
    if user is None or not password_ok or not user.active:
        return None
    if needs_rehash(user.password_hash):
        user.password_hash = hash_password(password)  # the same password at today's cost: sessions stay
    return user


def record_sign_in(user: User) -> None:
    user.last_signed_in_at = utcnow()


def set_password(user: User, password: str) -> None:
    """Set a new password; links and sessions made before now stop working."""
    user.password_hash = hash_password(password)
    user.security_stamp = new_security_stamp()


def absolute_url(endpoint: str, **values) -> str:
    """A link for an email, built from PUBLIC_BASE_URL so that it works outside a request too (jobs, the CLI).

    url_for cannot build a URL outside a request unless SERVER_NAME is set, which would also restrict the host
    names the app answers to; binding the URL map to the public address needs neither.
    """
    base = urlsplit(current_app.config["PUBLIC_BASE_URL"])
    adapter = current_app.url_map.bind(base.netloc, script_name=base.path or "/", url_scheme=base.scheme)
    return adapter.build(endpoint, values, force_external=True)


@dataclass
class Invitation:
    email: str
    name: str
    roles: set[Role]


def invite_user(invitation: Invitation, *, by: User) -> User:
    """Create an account without a password and email its holder a link to set one."""
    email = normalise_email(invitation.email)
    if find_by_email(email) is not None:
        raise AccountError("An account with this email address already exists", field="email")
    if not invitation.roles:
        raise AccountError("Select at least one role", field="roles")
    user = User(email=email, name=invitation.name.strip())
    user.role_rows = [UserRole(role=role.value) for role in sorted(invitation.roles)]
    db.session.add(user)
    db.session.flush()
    send_invitation(user)
    audit.record(
        by,
        "account.invited",
        f"Invited {user.name} ({user.email})",
        target=user,
        detail={"roles": sorted(invitation.roles)},
    )
    return user


def send_invitation(user: User) -> None:
    link = absolute_url("accounts.accept_invitation", token=make_token(user, Purpose.INVITATION))
    enqueue_email(
        user.email,
        "You have been invited to Councillor Support Hub",
        "accounts/invitation",
        {"user": user, "link": link, "valid_days": current_app.config["INVITATION_MAX_AGE_SECONDS"] // 86400},
    )


def resend_invitation(user: User, *, by: User) -> None:
    _refuse_if_removed(user)
    if user.has_password:
        raise AccountError("This person has already set a password")
    if not user.active:
        # The link would not work: links for deactivated accounts are refused.
        raise AccountError("Reactivate the account before sending a new invitation")
    user.security_stamp = new_security_stamp()  # the earlier link stops working
    send_invitation(user)
    audit.record(by, "account.invitation-resent", f"Resent the invitation to {user.email}", target=user)


def request_password_reset(email: str) -> None:
    """Email a reset link when the address has an active account; do nothing visible otherwise.

    Both take the same steps, so the time the answer takes does not tell which addresses have accounts: without
    an account the email is written for a stand-in that is never saved, and added to the outbox in a savepoint
    that is rolled back instead of kept.
    """
    user = find_by_email(email)
    has_account = user is not None and user.active
    message = _reset_email(user if has_account else User(email=normalise_email(email), name=""))
    savepoint = db.session.begin_nested()
    enqueue_many([message])
    if has_account:
        savepoint.commit()
    else:
        savepoint.rollback()


def _reset_email(user: User) -> dict[str, str]:
    """The reset email for `user`, rendered, as an outbox row."""
    link = absolute_url("accounts.reset_password", token=make_token(user, Purpose.RESET))
    valid_minutes = current_app.config["RESET_MAX_AGE_SECONDS"] // 60
    body_text, body_html = render_email(
        "accounts/password_reset", {"user": user, "link": link, "valid_minutes": valid_minutes}
    )
    subject = "Reset your Councillor Support Hub password"
    return {"to_address": user.email, "subject": subject, "body_text": body_text, "body_html": body_html}


def accept_invitation(user: User, password: str) -> None:
    set_password(user, password)
    audit.record(user, "account.activated", f"{user.email} set their password and activated the account", target=user)


def complete_password_reset(user: User, password: str) -> None:
    set_password(user, password)
    audit.record(user, "account.password-reset", f"{user.email} reset their password", target=user)


def update_roles(user: User, roles: Iterable[Role], *, by: User) -> None:
    roles = set(roles)
    if not roles:
        raise AccountError("Select at least one role", field="roles")
    if user.id == by.id and Role.ADMIN in user.roles and Role.ADMIN not in roles:
        raise AccountError("You cannot remove your own admin role", field="roles")
    if Role.ADMIN in user.roles and Role.ADMIN not in roles:
        _refuse_if_last_admin(user)
    before = sorted(user.roles)
    user.role_rows = [row for row in user.role_rows if Role(row.role) in roles]
    user.role_rows.extend(UserRole(role=role.value) for role in sorted(roles - user.roles))
    audit.record(
        by,
        "account.roles-changed",
        f"Changed the roles of {user.email}",
        target=user,
        detail={"before": before, "after": sorted(roles)},
    )


def set_active(user: User, active: bool, *, by: User) -> None:
    if user.id == by.id and not active:
        raise AccountError("You cannot deactivate your own account")
    if not active and Role.ADMIN in user.roles:
        _refuse_if_last_admin(user)
    if active:
        _refuse_if_removed(user)
    user.active = active
    if not active:
        user.security_stamp = new_security_stamp()  # signs them out everywhere
    verb = "Reactivated" if active else "Deactivated"
    audit.record(by, "account.reactivated" if active else "account.deactivated", f"{verb} {user.email}", target=user)


def _refuse_if_removed(user: User) -> None:
    """A former member's account holds only placeholders: waking it would mail removed-N@invalid."""
    from portal.members.removal import is_removed  # members builds on accounts, not the other way round

    if is_removed(user):
        raise AccountError("This person's data was removed when they left office: invite them as a new account")


def _refuse_if_last_admin(user: User) -> None:
    other_admins = db.session.scalar(
        select(func.count())
        .select_from(UserRole)
        .join(User)
        .where(UserRole.role == Role.ADMIN.value, User.active.is_(True), User.id != user.id)
    )
    if not other_admins:
        raise AccountError("The portal must keep at least one active admin", field="roles")


@dataclass
class ProfileChanges:
    name: str
    ward: str | None
    political_group: str | None
    date_elected: date | None
    wants_newsletters: bool
    wants_reminders: bool


def update_profile(user: User, changes: ProfileChanges) -> None:
    user.name = changes.name.strip()
    user.ward = (changes.ward or "").strip() or None
    user.political_group = (changes.political_group or "").strip() or None
    user.date_elected = changes.date_elected
    user.wants_newsletters = changes.wants_newsletters
    user.wants_reminders = changes.wants_reminders


def list_users(search: str = "", role: Role | None = None) -> list[User]:
    query = select(User).order_by(func.lower(User.name))
    if search:
        like = f"%{search.strip().lower()}%"
        query = query.where(func.lower(User.name).like(like) | User.email.like(like))
    if role is not None:
        query = query.where(User.role_rows.any(UserRole.role == role.value))
    return list(db.session.scalars(query))


def members() -> list[User]:
    """Active councillors, by name: the people the member-facing features serve."""
    return [user for user in list_users(role=Role.COUNCILLOR) if user.active]
