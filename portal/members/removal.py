"""Removing a member's personal data when they leave office, while the council's anonymised figures stay.

The account row stays, renamed "Former member <id>", so that every record of who did what (the audit log,
newsletters written, results released) still points at an account, now one that names no one. Rows that are
about the person go; rows that are the council's lose the person's name; the person's name and email are
replaced wherever they appear as text. Survey responses are untouched: they never held the person's name.
All in the caller's transaction, so it happens entirely or not at all.
"""

from dataclasses import dataclass, field

from sqlalchemy import delete, func, select, update

from portal.accounts import audit
from portal.accounts.models import Role, User, UserRole, new_security_stamp
from portal.extensions import db
from portal.members.references import USER_REFERENCES, OnRemoval
from portal.members.text_search import replace_everywhere
from portal.newsletters.models import Recipient
from portal.outbox.models import MessageStatus, OutboxMessage

REMOVED_EMAIL_BODY = "This email was removed with the personal data of the member it was sent to."
# A name this short could be part of ordinary words: it is not replaced in text elsewhere.
SHORTEST_NAME_REPLACED = 4


class RemovalRefused(ValueError):
    """The rules forbid removing this person's data now."""


@dataclass
class RemovalReport:
    placeholder: str
    rows_deleted: dict[str, int] = field(default_factory=dict)
    rows_unassigned: dict[str, int] = field(default_factory=dict)
    emails_deleted: int = 0
    emails_blanked: int = 0
    text_replaced: int = 0
    name_left_in_text: bool = False  # another account has the same name, so text mentions could be theirs


def placeholder_name(user_id: int) -> str:
    return f"Former member {user_id}"


def placeholder_email(user_id: int) -> str:
    # Unique, and undeliverable: .invalid is reserved for names that can never resolve (RFC 2606).
    return f"removed-{user_id}@invalid"


def is_removed(user: User) -> bool:
    return user.email == placeholder_email(user.id)


def why_not_removable(person: User, *, by: User) -> str | None:
    """The reason the removal is refused, or None when it may go ahead."""
    if is_removed(person):
        return "This person's personal data has already been removed"
    if person.id == by.id:
        return "You cannot remove your own personal data: ask another admin"
    if person.active and Role.ADMIN in person.roles and not _other_active_admins(person):
        return "The portal must keep at least one active admin"
    return None


def _other_active_admins(person: User) -> int:
    return db.session.scalar(
        select(func.count())
        .select_from(UserRole)
        .join(User)
        .where(UserRole.role == Role.ADMIN.value, User.active.is_(True), User.id != person.id)
    )


def remove_personal_data(person: User, *, by: User) -> RemovalReport:
    """Remove `person`'s personal data (see the module's docstring); raises RemovalRefused."""
    problem = why_not_removable(person, by=by)
    if problem:
        raise RemovalRefused(problem)
    old_name, old_email = person.name, person.email
    report = RemovalReport(placeholder=placeholder_name(person.id))
    report.name_left_in_text = not _name_is_safe_to_replace(person)
    _anonymise_account(person)
    db.session.flush()
    _follow_references(person.id, report)
    _remove_emails(old_email, person.id, report)
    replacements = {old_email: placeholder_email(person.id)}
    if not report.name_left_in_text:
        replacements[old_name] = report.placeholder
    # The accounts table is left out: another person's row must never change, and this one is done above.
    report.text_replaced = replace_everywhere(replacements, skip_tables=frozenset({"users"}))
    db.session.expire_all()  # the rows changed above in SQL: objects read before must be read again
    audit.record(
        by,
        "members.personal-data-removed",
        f"Removed the personal data of {report.placeholder}",
        target=person,
        detail={"rows_deleted": report.rows_deleted, "rows_unassigned": report.rows_unassigned},
    )
    return report


def _name_is_safe_to_replace(person: User) -> bool:
    name = person.name.strip()
    if len(name) < SHORTEST_NAME_REPLACED:
        return False
    namesakes = select(func.count()).where(func.lower(User.name) == name.lower(), User.id != person.id)
    return not db.session.scalar(namesakes)


def _anonymise_account(person: User) -> None:
    person.name = placeholder_name(person.id)
    person.email = placeholder_email(person.id)
    person.password_hash = None
    person.security_stamp = new_security_stamp()  # every session and emailed link stops working
    person.active = False
    person.ward = person.political_group = person.date_elected = person.last_signed_in_at = None
    person.wants_newsletters = person.wants_reminders = False


def _follow_references(user_id: int, report: RemovalReport) -> None:
    """Delete or unassign the rows that point at the person, as USER_REFERENCES says; keep the rest."""
    for name, reference in USER_REFERENCES.items():
        table_name, column_name = name.split(".")
        table = db.metadata.tables[table_name]
        column = table.columns[column_name]
        if reference.on_removal is OnRemoval.DELETE:
            count = db.session.execute(delete(table).where(column == user_id)).rowcount
            report.rows_deleted[table_name] = report.rows_deleted.get(table_name, 0) + count
        elif reference.on_removal is OnRemoval.UNASSIGN:
            count = db.session.execute(update(table).where(column == user_id).values({column_name: None})).rowcount
            report.rows_unassigned[table_name] = report.rows_unassigned.get(table_name, 0) + count
    # The recipient list keeps the row (the counts stay right), not the address or name.
    db.session.execute(
        update(Recipient).where(Recipient.user_id == user_id).values(email=placeholder_email(user_id), name="")
    )


def _remove_emails(old_email: str, user_id: int, report: RemovalReport) -> None:
    """Unsent mail to the person is cancelled; sent or failed mail keeps its row without address or body."""
    to_them = func.lower(OutboxMessage.to_address) == old_email.lower()
    unsent = (MessageStatus.PENDING, MessageStatus.SENDING)
    report.emails_deleted = db.session.execute(
        delete(OutboxMessage).where(to_them, OutboxMessage.status.in_(unsent))
    ).rowcount
    report.emails_blanked = db.session.execute(
        update(OutboxMessage)
        .where(to_them)
        .values(
            to_address=placeholder_email(user_id),
            body_text=REMOVED_EMAIL_BODY,
            body_html=REMOVED_EMAIL_BODY,
            headers={},
        )
    ).rowcount
