"""Sending an issue: now or at a set time, one outbox message per recipient, and following how it goes.

Sending is all or none. One transaction moves the issue to "sending", snapshots the recipient list and writes
an outbox message for each person; the outbox worker does the rest. The move is a conditional UPDATE, so of two
clicks, two browsers or a click and the scheduler, exactly one wins and the others are refused.

The email is rendered once per issue, with stand-ins where each person's name, address and unsubscribe link
go; filling those in is a string replacement per person, and the rows go to the database in a fixed number of
statements (a few per thousand recipients), so a large audience costs no round trip per person.
"""

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from markupsafe import escape
from sqlalchemy import ColumnElement, Exists, String, and_, cast, exists, insert, literal, select, update

from portal.accounts import audit
from portal.accounts.models import Role, User
from portal.common.time import format_datetime, utcnow
from portal.extensions import db
from portal.newsletters import audience
from portal.newsletters.email import email_message_for, rendered_parts
from portal.newsletters.models import Channel, IssueStatus, NewsletterIssue, Recipient
from portal.newsletters.services import NewsletterError, send_blocker
from portal.newsletters.unsubscribe import unsubscribe_urls
from portal.outbox.models import MessageStatus, OutboxMessage
from portal.outbox.services import enqueue_many, status_counts
from portal.settings.services import current_settings

# States from which "Send now" and "Schedule" may start (services.can_send has the last word on the first three);
# an overdue issue waits for an officer's decision.
SENDABLE = (IssueStatus.DRAFT, IssueStatus.AWAITING_APPROVAL, IssueStatus.APPROVED, IssueStatus.SCHEDULED)
WAITING = (IssueStatus.SCHEDULED, IssueStatus.NEEDS_CONFIRMATION)
OVERDUE = (IssueStatus.NEEDS_CONFIRMATION,)
SENT_OR_SENDING = (IssueStatus.SENDING, IssueStatus.SENT)
# A scheduled issue found this late (the system was down) waits for an officer rather than going out unasked.
OVERDUE_LIMIT = timedelta(days=1)

EMPTY_AUDIENCE = "No one is in this audience: choose another audience, or check that its members have accounts"
ALREADY_SENDING = "This issue has already been sent, or is being sent now"

# Stand-ins for what differs between recipients; none can occur in real text, and escaping leaves them as they are.
NAME_STAND_IN = "x-recipient-name-c41d7a"
EMAIL_STAND_IN = "x-recipient-email-c41d7a@stand-in.invalid"
URL_STAND_IN = "https://stand-in.invalid/x-unsubscribe-link-c41d7a"


# ---- sending now ---------------------------------------------------------------------------------------


def send_now(issue: NewsletterIssue, by: User | None, *, expected_count: int | None = None) -> int:
    """Enqueue the issue to everyone in its audience now, in the caller's transaction; returns how many.

    `by` is None when the scheduler sends. `expected_count` is the number the sender was shown: when the
    audience has changed since, nothing is sent and they are asked to look again. Raises NewsletterError when the
    issue may not be sent (approval), its audience is empty, or it is already sending or sent.
    """
    return _send(issue, by, SENDABLE, expected_count)


def confirm_overdue(issue: NewsletterIssue, by: User) -> int:
    """An officer's go-ahead for an issue whose time passed while the system was down: it goes out now."""
    if issue.status != IssueStatus.NEEDS_CONFIRMATION:
        raise NewsletterError("This issue is not waiting for a decision")
    return _send(issue, by, OVERDUE, None)


def _send(issue: NewsletterIssue, by: User | None, from_states: tuple, expected_count: int | None) -> int:
    _refuse_unless_allowed(issue, from_states)
    people = _audience_now(issue)
    if not people:
        raise NewsletterError(EMPTY_AUDIENCE)
    if expected_count is not None and expected_count != len(people):
        raise NewsletterError(
            f"The audience has changed: it now has {_people(len(people))}, not {expected_count}. "
            "Check the preview and send again."
        )
    _start_sending(issue, by, len(people), from_states)
    _enqueue(issue, people)
    audit.record(by, "newsletters.sent", f"Sent “{issue.subject}” to {_people(len(people))}", target=issue)
    return len(people)


def _audience_now(issue: NewsletterIssue) -> list[audience.Person]:
    return audience.recipients(issue.audience, issue.audience_values or [], issue.channel)


def why_not_sendable(issue: NewsletterIssue, from_states: tuple = SENDABLE) -> str | None:
    """Why `issue` may not start sending (or be scheduled) from its present state, in words; None if it may."""
    if issue.status in OVERDUE and issue.status not in from_states:
        return "This issue's time passed while the portal was not running: an officer must decide"
    if issue.status not in from_states:
        return ALREADY_SENDING
    # A scheduled issue passed the approval rule when it was scheduled, and cannot be changed while it waits.
    return None if issue.status in WAITING else send_blocker(issue, current_settings())


def _refuse_unless_allowed(issue: NewsletterIssue, from_states: tuple) -> None:
    blocker = why_not_sendable(issue, from_states)
    if blocker:
        raise NewsletterError(blocker)


def _start_sending(issue: NewsletterIssue, by: User | None, count: int, from_states: tuple) -> None:
    """Move the issue to "sending" if, and only if, no one else has: the guard against sending twice."""
    values: dict[str, Any] = {"status": IssueStatus.SENDING, "sent_at": utcnow(), "recipient_count": count}
    if by is not None:
        values["sent_by_id"] = by.id
    moved = db.session.execute(
        update(NewsletterIssue)
        .where(NewsletterIssue.id == issue.id, NewsletterIssue.status.in_(from_states))
        .values(**values)
        .execution_options(synchronize_session=False)
    )
    if moved.rowcount != 1:
        raise NewsletterError(ALREADY_SENDING)
    db.session.refresh(issue)


def _enqueue(issue: NewsletterIssue, people: list[audience.Person]) -> None:
    """One outbox row and one recipient row per person, in a number of statements that does not grow per person."""
    template = _render_once(issue)
    links = unsubscribe_urls([person.user_id for person in people]) if _opt_out_allowed(issue) else {}
    enqueue_many(_personalise(template, person, links.get(person.user_id)) for person in people)
    outbox_ids = dict(
        db.session.execute(
            select(OutboxMessage.to_address, OutboxMessage.id).where(OutboxMessage.group_key == issue.group_key)
        ).all()
    )
    rows = [
        {
            "issue_id": issue.id,
            "user_id": person.user_id,
            "email": person.email,
            "name": person.name,
            "outbox_message_id": outbox_ids[person.email],
        }
        for person in people
    ]
    db.session.execute(insert(Recipient), rows)


def _opt_out_allowed(issue: NewsletterIssue) -> bool:
    return Channel(issue.channel) is Channel.NEWSLETTER


def _render_once(issue: NewsletterIssue) -> dict[str, Any]:
    """The issue's outbox row as the one composer makes it (portal.newsletters.email), for a stand-in person."""
    stand_in = audience.Person(user_id=0, email=EMAIL_STAND_IN, name=NAME_STAND_IN)
    message = email_message_for(issue, stand_in, URL_STAND_IN if _opt_out_allowed(issue) else None)
    body_text, body_html = rendered_parts(message)
    return {
        "to_address": EMAIL_STAND_IN,
        "subject": message.subject,
        "body_text": body_text,
        "body_html": body_html,
        "headers": dict(message.headers),
        "group_key": issue.group_key,
    }


def _personalise(template: Mapping[str, Any], person: audience.Person, link: str | None) -> dict[str, Any]:
    """`template` with this person's details in place of the stand-ins (escaped in the HTML part)."""
    plain = {NAME_STAND_IN: person.name, EMAIL_STAND_IN: person.email, URL_STAND_IN: link or ""}
    html = {token: str(escape(value)) for token, value in plain.items()}
    row = {}
    for key, value in template.items():
        if isinstance(value, str):
            row[key] = _fill(value, html if key == "body_html" else plain)
        elif isinstance(value, Mapping):
            row[key] = {name: _fill(text, plain) for name, text in value.items()}
        else:
            row[key] = value
    return row


def _fill(text: str, values: Mapping[str, str]) -> str:
    for token, value in values.items():
        if token in text:
            text = text.replace(token, value)
    return text


def _people(count: int) -> str:
    return f"{count} {'person' if count == 1 else 'people'}"


# ---- scheduling ----------------------------------------------------------------------------------------


def schedule(issue: NewsletterIssue, when_utc: datetime, by: User) -> None:
    """Send the issue at `when_utc` (naive UTC), through the minute job; rescheduling moves the time.

    Raises NewsletterError for a time that has passed, an empty audience, or an issue that may not be sent. Only
    an officer may give an overdue issue a new time.
    """
    from_states = SENDABLE + OVERDUE if by.has_role(Role.OFFICER) else SENDABLE
    _refuse_unless_allowed(issue, from_states)
    if when_utc <= utcnow():
        raise NewsletterError("The time to send must be in the future")
    if not _audience_now(issue):
        raise NewsletterError(EMPTY_AUDIENCE)
    _move(issue, from_states, IssueStatus.SCHEDULED, scheduled_for=when_utc, sent_by_id=by.id)
    audit.record(
        by, "newsletters.scheduled", f"Scheduled “{issue.subject}” for {format_datetime(when_utc)}", target=issue
    )


def unschedule(issue: NewsletterIssue, by: User) -> None:
    """Take a scheduled (or overdue) issue off the schedule; it goes back to approved, or to draft."""
    back_to = IssueStatus.APPROVED if issue.approved_at is not None else IssueStatus.DRAFT
    _move(issue, WAITING, back_to, scheduled_for=None, sent_by_id=None)
    audit.record(by, "newsletters.unscheduled", f"Took “{issue.subject}” off the schedule", target=issue)


def _move(issue: NewsletterIssue, from_states: tuple, to_state: IssueStatus, **values: Any) -> None:
    moved = db.session.execute(
        update(NewsletterIssue)
        .where(NewsletterIssue.id == issue.id, NewsletterIssue.status.in_(from_states))
        .values(status=to_state, **values)
        .execution_options(synchronize_session=False)
    )
    if moved.rowcount != 1:
        raise NewsletterError(
            ALREADY_SENDING if issue.status in SENT_OR_SENDING else "This issue has changed: try again"
        )
    db.session.refresh(issue)


@dataclass
class ScheduledRun:
    sent: list[int]
    needs_confirmation: list[int]
    finished: int


def run_scheduled(now: datetime | None = None) -> ScheduledRun:
    """The minute job: send scheduled issues that are due, and hold back those overdue by more than a day.

    Each issue is sent in a savepoint of its own, so one that is refused (its audience emptied, its approval
    withdrawn) waits for an officer without holding back the others. Also marks finished sends as sent.
    """
    now = now or utcnow()
    run = ScheduledRun(sent=[], needs_confirmation=[], finished=mark_finished())
    due = db.session.scalars(
        select(NewsletterIssue)
        .where(NewsletterIssue.status == IssueStatus.SCHEDULED, NewsletterIssue.scheduled_for <= now)
        .order_by(NewsletterIssue.scheduled_for, NewsletterIssue.id)
    ).all()
    for issue in due:
        if now - issue.scheduled_for > OVERDUE_LIMIT:
            _hold_overdue(issue, "its time passed more than a day ago, while the portal was not running")
            run.needs_confirmation.append(issue.id)
        elif _send_scheduled(issue):
            run.sent.append(issue.id)
        else:
            run.needs_confirmation.append(issue.id)
    return run


def _send_scheduled(issue: NewsletterIssue) -> bool:
    try:
        with db.session.begin_nested():
            send_now(issue, None)
        return True
    except NewsletterError as refusal:
        db.session.refresh(issue)
        if issue.status == IssueStatus.SCHEDULED:
            _hold_overdue(issue, f"it could not go out: {refusal}")
        return False


def _hold_overdue(issue: NewsletterIssue, why: str) -> None:
    _move(issue, (IssueStatus.SCHEDULED,), IssueStatus.NEEDS_CONFIRMATION)
    audit.record(None, "newsletters.held", f"Held back the scheduled “{issue.subject}”: {why}", target=issue)


# ---- following a send ----------------------------------------------------------------------------------


def progress(issue: NewsletterIssue) -> dict[str, int]:
    """How the issue's messages stand: sent, pending (waiting or being sent), failed, of the total.

    Sent messages pruned from the outbox later still count as sent; a finished send is marked as sent.
    """
    counts = status_counts(issue.group_key)
    pending = counts[MessageStatus.PENDING] + counts[MessageStatus.SENDING]
    failed = counts[MessageStatus.FAILED]
    total = issue.recipient_count
    if pending == 0 and issue.status == IssueStatus.SENDING:
        mark_finished(issue.id)
    return {"sent": max(total - pending - failed, 0), "pending": pending, "failed": failed, "total": total}


def _still_going(issue_id_column: ColumnElement[int]) -> Exists:
    """Whether the issue whose id is in `issue_id_column` has messages waiting or being sent."""
    key = literal("newsletter:") + cast(issue_id_column, String)
    return exists().where(
        and_(
            OutboxMessage.group_key == key,
            OutboxMessage.status.in_((MessageStatus.PENDING, MessageStatus.SENDING)),
        )
    )


def mark_finished(issue_id: int | None = None) -> int:
    """Issues still "sending" with nothing left waiting in the outbox become "sent" (and so join the archive)."""
    statement = update(NewsletterIssue).where(
        NewsletterIssue.status == IssueStatus.SENDING, ~_still_going(NewsletterIssue.id)
    )
    if issue_id is not None:
        statement = statement.where(NewsletterIssue.id == issue_id)
    result = db.session.execute(
        statement.values(status=IssueStatus.SENT).execution_options(synchronize_session="fetch")
    )
    return result.rowcount


@dataclass(frozen=True)
class DeliveryRow:
    name: str
    email: str
    status: str  # a MessageStatus value
    attempts: int
    sent_at: datetime | None
    last_error: str | None


def delivery_rows(issue: NewsletterIssue, status: str | None = None) -> list[DeliveryRow]:
    """Each recipient with how their message stands, by name; `status` keeps only those in that status.

    A recipient whose outbox row is gone was sent: the outbox prunes sent mail after a while.
    """
    query = (
        select(
            Recipient.name,
            Recipient.email,
            OutboxMessage.status,
            OutboxMessage.attempts,
            OutboxMessage.sent_at,
            OutboxMessage.last_error,
        )
        .outerjoin(OutboxMessage, OutboxMessage.id == Recipient.outbox_message_id)
        .where(Recipient.issue_id == issue.id)
        .order_by(Recipient.name, Recipient.email)
    )
    rows = [
        DeliveryRow(name, email, state or MessageStatus.SENT, attempts or 0, sent_at, error)
        for name, email, state, attempts, sent_at, error in db.session.execute(query)
    ]
    if status:
        rows = [row for row in rows if row.status == status]
    return rows


def retry_failed(issue: NewsletterIssue, by: User) -> int:
    """Put the issue's failed messages back in the outbox for another full set of tries; returns how many.

    A sent issue stays "sent" meanwhile, so it stays in the archive; its progress shows the messages waiting.
    """
    result = db.session.execute(
        update(OutboxMessage)
        .where(OutboxMessage.group_key == issue.group_key, OutboxMessage.status == MessageStatus.FAILED)
        .values(status=MessageStatus.PENDING, attempts=0, next_attempt_at=utcnow(), claim_token=None)
        .execution_options(synchronize_session=False)
    )
    count = result.rowcount
    if count:
        audit.record(by, "newsletters.retried", f"Retried {count} failed messages of “{issue.subject}”", target=issue)
    return count
