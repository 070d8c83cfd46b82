"""Send what the outbox holds over SMTP.

A worker claims a batch of due messages, sends them over one SMTP connection, and marks each message sent
in its own commit straight after the server accepts it. Killed mid-batch, it leaves at most the message in
flight unmarked; the rest of its claim is offered to other workers once the claim's lease runs out, and a
worker that outlives its lease stops sending and hands the rest back rather than race the one taking over.
On PostgreSQL several workers claim side by side with FOR UPDATE SKIP LOCKED; SQLite serialises writers.
"""

import logging
import smtplib
import ssl
import time
import uuid
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from email.utils import formataddr, parseaddr

from flask import current_app
from flask_mail import BadHeaderError, Connection, Message, sanitize_address, sanitize_addresses
from sqlalchemy import or_, select, update
from sqlalchemy.engine import Connection as DatabaseConnection

from portal.common.time import utcnow
from portal.extensions import db
from portal.outbox.models import MessageStatus, OutboxMessage

log = logging.getLogger(__name__)

# Errors after which the same message may well go through later (smtplib's errors are OSErrors too).
TRANSIENT_ERRORS = (smtplib.SMTPException, OSError)
# The server turned down one message but the connection is still good for the next one.
MESSAGE_REFUSED = (
    smtplib.SMTPRecipientsRefused,
    smtplib.SMTPSenderRefused,
    smtplib.SMTPDataError,
    smtplib.SMTPNotSupportedError,
)


@dataclass
class DrainResult:
    sent: int = 0
    retried: int = 0
    failed: int = 0
    batches: int = 0
    errors: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class Claim:
    """A batch of messages this worker holds until `lease_ends`; every change to them checks `token`."""

    token: str
    lease_ends: datetime
    messages: list[OutboxMessage]


@dataclass(frozen=True)
class _Sender:
    address: str
    from_header: str
    reply_to: str | None
    envelope_from: str  # the address as MAIL FROM gives it


@dataclass
class _Outgoing:
    """What one claimed row needs for sending, read before any commit expires the ORM rows."""

    outbox_id: int
    attempts: int
    to_address: str
    raw: bytes | None = None  # the whole email as it goes on the wire, built once
    envelope_to: list[str] = field(default_factory=list)
    problem: str | None = None  # why the row cannot become an email at all


def claim_batch(limit: int, due_by: datetime | None = None) -> Claim:
    """Mark up to `limit` messages due by `due_by` (default now) as ours and return them, oldest first."""
    now = utcnow()
    lease = timedelta(seconds=current_app.config["OUTBOX_LEASE_SECONDS"])
    due = (
        select(OutboxMessage.id)
        .where(
            or_(
                (OutboxMessage.status == MessageStatus.PENDING) & (OutboxMessage.next_attempt_at <= (due_by or now)),
                # Claimed by a worker that died or lost its lease.
                (OutboxMessage.status == MessageStatus.SENDING) & (OutboxMessage.claimed_at < now - lease),
            )
        )
        .order_by(OutboxMessage.id)
        .limit(limit)
    )
    if db.engine.dialect.name == "postgresql":
        due = due.with_for_update(skip_locked=True)
    token = str(uuid.uuid4())
    db.session.execute(
        update(OutboxMessage)
        .where(OutboxMessage.id.in_(due.scalar_subquery()))
        .values(status=MessageStatus.SENDING, claim_token=token, claimed_at=now, attempts=OutboxMessage.attempts + 1)
        .execution_options(synchronize_session=False)
    )
    db.session.commit()
    rows = db.session.scalars(
        select(OutboxMessage).where(OutboxMessage.claim_token == token).order_by(OutboxMessage.id)
    )
    return Claim(token=token, lease_ends=now + lease, messages=list(rows))


def message_id_for(message: OutboxMessage) -> str:
    """The same Message-ID on every try of a row, so that receivers can spot the rare resend after a crash.

    The creation time makes it unique across databases whose ids start again from 1.
    """
    domain = parseaddr(current_app.config["MAIL_DEFAULT_SENDER"])[1].rpartition("@")[2] or "localhost"
    return f"<outbox.{message.id}.{message.created_at:%Y%m%d%H%M%S%f}@{domain}>"


def _current_sender() -> _Sender:
    from portal.settings.services import current_settings

    settings = current_settings()
    address = parseaddr(current_app.config["MAIL_DEFAULT_SENDER"])[1]
    from_header = formataddr((settings.mail_from_name, address))
    return _Sender(address, from_header, settings.mail_reply_to or None, sanitize_address(address))


def _compose(row: OutboxMessage, sender: _Sender) -> Message:
    """The Flask-Mail message for `row`, checked now: what fails here would fail on every try."""
    message = Message(
        subject=row.subject,
        recipients=[row.to_address],
        body=row.body_text,
        html=row.body_html,
        sender=sender.from_header,
        reply_to=sender.reply_to,
        extra_headers=dict(row.headers or {}),
        date=time.time(),
    )
    message.msgId = message_id_for(row)
    if message.has_bad_headers():
        raise BadHeaderError("a header contains a line break")
    return message


def _prepare(row: OutboxMessage, sender: _Sender) -> _Outgoing:
    outgoing = _Outgoing(outbox_id=row.id, attempts=row.attempts, to_address=row.to_address)
    try:
        message = _compose(row, sender)
        # Built into bytes once, here: malformed content shows up before sending, and building the MIME document
        # is most of a message's cost, which Flask-Mail's Connection.send would pay a second time.
        outgoing.raw = message.as_bytes()
        outgoing.envelope_to = list(sanitize_addresses(message.send_to))
    except Exception as error:  # composing depends on the row alone, so what fails now would fail on every try
        outgoing.problem = f"cannot be sent as it stands: {error.__class__.__name__}: {error}"
    return outgoing


class _MailConnection(Connection):
    """Flask-Mail's connection, opened from the configuration as it is now, with a timeout on every step
    (connecting included) and TLS that checks the server's certificate, which smtplib's default does not."""

    def configure_host(self) -> smtplib.SMTP:
        config = current_app.config
        host, port, timeout = config["MAIL_SERVER"], config["MAIL_PORT"], config["MAIL_TIMEOUT_SECONDS"]
        if config["MAIL_USE_SSL"]:
            smtp = smtplib.SMTP_SSL(host, port, timeout=timeout, context=ssl.create_default_context())
        else:
            smtp = smtplib.SMTP(host, port, timeout=timeout)
        try:
            if config["MAIL_USE_TLS"]:
                smtp.starttls(context=ssl.create_default_context())
            if config["MAIL_USERNAME"] and config["MAIL_PASSWORD"]:
                smtp.login(config["MAIL_USERNAME"], config["MAIL_PASSWORD"])
        except BaseException:
            smtp.close()
            raise
        return smtp


def open_connection() -> Connection:
    """An open Flask-Mail connection to the mail server; one serves a whole batch."""
    return _MailConnection(current_app.extensions["mail"]).__enter__()


def _hang_up(connection: Connection) -> None:
    try:
        connection.__exit__(None, None, None)
    except TRANSIENT_ERRORS:
        if connection.host is not None:
            connection.host.close()


def _describe(error: Exception) -> str:
    if isinstance(error, smtplib.SMTPRecipientsRefused):
        refusals = (f"{code} {reply.decode(errors='replace')}" for code, reply in error.recipients.values())
        return "recipient refused: " + "; ".join(refusals)
    if isinstance(error, smtplib.SMTPResponseException):
        return f"{error.__class__.__name__}: {error.smtp_code} {error.smtp_error.decode(errors='replace')}"
    return f"{error.__class__.__name__}: {error}"


def _ours(claim: Claim, ids: Iterable[int]):
    """An UPDATE of those of `ids` this claim still holds: a worker that lost its lease changes nothing."""
    return (
        update(OutboxMessage)
        .where(OutboxMessage.id.in_(list(ids)), OutboxMessage.claim_token == claim.token)
        .execution_options(synchronize_session=False)
    )


@contextmanager
def _connection_for_marks() -> Iterator[DatabaseConnection]:
    """One database connection that records each send of a batch, every mark in a commit of its own.

    Going through the session, each mark took a pooled connection (check-out, ping, reset on return) and cost
    several times the UPDATE itself. On PostgreSQL these commits also do not wait for the write-ahead log to reach
    the disk (synchronous_commit off, on this connection and only for the batch). A killed worker loses nothing
    by it: what it committed is the database server's to write. Only a crash of the database server itself could
    lose the last few marks, and the messages they concern would then be offered again after the lease.
    """
    connection = db.engine.connect()
    postgresql = connection.dialect.name == "postgresql"
    try:
        if postgresql:
            connection.exec_driver_sql("SET synchronous_commit = off")
            connection.commit()
        yield connection
    finally:
        try:
            connection.rollback()
            if postgresql:
                connection.exec_driver_sql("RESET synchronous_commit")
                connection.commit()
        except Exception:
            connection.invalidate()  # never hand the setting on to whoever takes the connection next
        connection.close()


def _mark_sent(marks: DatabaseConnection, claim: Claim, outgoing: _Outgoing) -> None:
    done = marks.execute(
        _ours(claim, [outgoing.outbox_id]).values(
            status=MessageStatus.SENT, sent_at=utcnow(), claim_token=None, last_error=None
        )
    )
    marks.commit()
    if done.rowcount == 0:
        log.warning("outbox message %d was sent after another worker took it over", outgoing.outbox_id)


def _reschedule(claim: Claim, messages: list[_Outgoing], error: str, result: DrainResult) -> None:
    """Schedule another try with exponential backoff, or give up after the set number of tries."""
    config = current_app.config
    for outgoing in messages:
        if outgoing.attempts >= config["OUTBOX_MAX_ATTEMPTS"]:
            values = {"status": MessageStatus.FAILED}
            result.failed += 1
        else:
            delay = config["OUTBOX_RETRY_BASE_SECONDS"] * 2 ** (outgoing.attempts - 1)
            values = {"status": MessageStatus.PENDING, "next_attempt_at": utcnow() + timedelta(seconds=delay)}
            result.retried += 1
        db.session.execute(
            _ours(claim, [outgoing.outbox_id]).values(claim_token=None, last_error=error[:1000], **values)
        )
    db.session.commit()


def _give_up(claim: Claim, outgoing: _Outgoing, result: DrainResult) -> None:
    """A message that can never be sent as it stands: no point trying again."""
    db.session.execute(
        _ours(claim, [outgoing.outbox_id]).values(
            status=MessageStatus.FAILED, claim_token=None, last_error=outgoing.problem[:1000]
        )
    )
    db.session.commit()
    result.failed += 1


def _hand_back(claim: Claim, messages: list[_Outgoing]) -> None:
    """Untried messages go back as they were, their claim's try not counted, for any worker to take."""
    db.session.execute(
        _ours(claim, [outgoing.outbox_id for outgoing in messages]).values(
            status=MessageStatus.PENDING, claim_token=None, attempts=OutboxMessage.attempts - 1
        )
    )
    db.session.commit()


def _send_each(
    connection: Connection,
    marks: DatabaseConnection,
    claim: Claim,
    sender: _Sender,
    batch: list[_Outgoing],
    result: DrainResult,
) -> bool:
    for index, outgoing in enumerate(batch):
        if utcnow() >= claim.lease_ends:
            # Another worker may take these over from now on; sending them as well would send them twice.
            _hand_back(claim, batch[index:])
            return True
        if outgoing.problem:
            _give_up(claim, outgoing, result)
            continue
        try:
            connection.host.sendmail(sender.envelope_from, outgoing.envelope_to, outgoing.raw)
        except MESSAGE_REFUSED as error:
            _reschedule(claim, [outgoing], _describe(error), result)
            continue
        except Exception as error:
            # The connection is no longer trustworthy: retry this and the rest of the batch later. Something
            # unforeseen is handled the same way, so that a row which always triggers it fails after its tries.
            if not isinstance(error, TRANSIENT_ERRORS):
                log.exception("outbox message %d: unexpected error while sending", outgoing.outbox_id)
            _reschedule(claim, batch[index:], _describe(error), result)
            result.errors.append(_describe(error))
            return False
        _mark_sent(marks, claim, outgoing)
        result.sent += 1
    return True


def send_batch(claim: Claim, result: DrainResult) -> bool:
    """Send a claimed batch over one connection; False when the server could not be reached or dropped us."""
    sender = _current_sender()
    batch = [_prepare(row, sender) for row in claim.messages]
    # Everything needed is read: detached, the rows are not expired again by every commit, and the session's read
    # ends here rather than stay open, idle, for the whole batch.
    for row in claim.messages:
        db.session.expunge(row)
    db.session.commit()
    try:
        connection = open_connection()
    except TRANSIENT_ERRORS as error:
        _reschedule(claim, batch, f"could not connect to the mail server: {_describe(error)}", result)
        result.errors.append(_describe(error))
        return False
    try:
        with _connection_for_marks() as marks:
            return _send_each(connection, marks, claim, sender, batch, result)
    finally:
        _hang_up(connection)


def drain(max_batches: int | None = None) -> DrainResult:
    """Send everything that was due when the drain began, batch by batch, and return what happened.

    A message put back for another try waits for a later drain, even with no backoff, so a drain always ends;
    a mail server that cannot be reached ends it at once rather than spend every message's tries.
    """
    result = DrainResult()
    began = utcnow()
    batch_size = current_app.config["OUTBOX_BATCH_SIZE"]
    while max_batches is None or result.batches < max_batches:
        claim = claim_batch(batch_size, due_by=began)
        if not claim.messages:
            break
        result.batches += 1
        if not send_batch(claim, result):
            break
    if result.sent or result.retried or result.failed:
        log.info("outbox: sent %d, to retry %d, failed %d", result.sent, result.retried, result.failed)
    return result
