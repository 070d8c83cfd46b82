"""Send what the outbox holds over SMTP.

A worker claims a batch of due messages, sends them over one SMTP connection, and marks each message sent
in its own commit straight after the server accepts it. Killed mid-batch, it leaves at most the message in
flight unmarked; the rest of its claim is offered to other workers once the claim's lease runs out.
On PostgreSQL several workers claim side by side with FOR UPDATE SKIP LOCKED; SQLite serialises writers.
"""

import contextlib
import logging
import smtplib
import socket
import uuid
from dataclasses import dataclass, field
from datetime import timedelta
from email.utils import formataddr, make_msgid

from flask import current_app
from flask_mail import BadHeaderError, Message
from sqlalchemy import or_, select, update

from portal.common.time import utcnow
from portal.extensions import db, mail
from portal.outbox.models import MessageStatus, OutboxMessage

log = logging.getLogger(__name__)

# Errors after which the same message may well go through later.
TRANSIENT_ERRORS = (smtplib.SMTPException, OSError, socket.timeout)


@dataclass
class DrainResult:
    sent: int = 0
    retried: int = 0
    failed: int = 0
    batches: int = 0
    errors: list[str] = field(default_factory=list)


def claim_batch(limit: int) -> list[OutboxMessage]:
    """Mark up to `limit` due messages as ours and return them, oldest first."""
    now = utcnow()
    lease_ended = now - timedelta(seconds=current_app.config["OUTBOX_LEASE_SECONDS"])
    due = (
        select(OutboxMessage.id)
        .where(
            or_(
                (OutboxMessage.status == MessageStatus.PENDING) & (OutboxMessage.next_attempt_at <= now),
                (OutboxMessage.status == MessageStatus.SENDING) & (OutboxMessage.claimed_at < lease_ended),
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
    return list(
        db.session.scalars(select(OutboxMessage).where(OutboxMessage.claim_token == token).order_by(OutboxMessage.id))
    )


def _mail_message(row: OutboxMessage, sender: str) -> Message:
    message = Message(
        subject=row.subject,
        recipients=[row.to_address],
        body=row.body_text,
        html=row.body_html,
        sender=sender,
        extra_headers=dict(row.headers or {}),
    )
    # A stable Message-ID per outbox row lets receivers spot the rare resend after a crash.
    domain = sender.rsplit("@", 1)[-1].strip(">") or "localhost"
    message.msgId = make_msgid(idstring=f"outbox-{row.id}", domain=domain)
    return message


def _sender() -> str:
    from portal.settings.services import current_settings

    config = current_app.config
    return formataddr((current_settings().mail_from_name, config["MAIL_DEFAULT_SENDER"]))


def _mark_sent(row: OutboxMessage) -> None:
    row.status, row.sent_at, row.claim_token, row.last_error = MessageStatus.SENT, utcnow(), None, None
    db.session.commit()


def _mark_unsent(rows: list[OutboxMessage], error: str, result: DrainResult) -> None:
    """Schedule another try with exponential backoff, or give up after the set number of tries."""
    config = current_app.config
    for row in rows:
        row.claim_token, row.last_error = None, error[:1000]
        if row.attempts >= config["OUTBOX_MAX_ATTEMPTS"]:
            row.status = MessageStatus.FAILED
            result.failed += 1
        else:
            row.status = MessageStatus.PENDING
            delay = config["OUTBOX_RETRY_BASE_SECONDS"] * 2 ** (row.attempts - 1)
            row.next_attempt_at = utcnow() + timedelta(seconds=delay)
            result.retried += 1
    db.session.commit()


def _give_up(row: OutboxMessage, error: str, result: DrainResult) -> None:
    """A message that can never be sent as it stands: no point trying again."""
    row.status, row.claim_token, row.last_error = MessageStatus.FAILED, None, error
    db.session.commit()
    result.failed += 1


def send_batch(rows: list[OutboxMessage], result: DrainResult) -> None:
    sender = _sender()
    try:
        connection = mail.connect()
        connection.__enter__()
        connection.host.sock.settimeout(current_app.config["MAIL_TIMEOUT_SECONDS"])
    except TRANSIENT_ERRORS as error:
        _mark_unsent(rows, f"could not connect to the mail server: {error}", result)
        result.errors.append(str(error))
        return
    try:
        for index, row in enumerate(rows):
            try:
                connection.send(_mail_message(row, sender))
            except smtplib.SMTPRecipientsRefused as error:
                _mark_unsent([row], f"recipient refused: {error.recipients}", result)
                continue
            except BadHeaderError:
                _give_up(row, "the subject or a header contains a line break", result)
                continue
            except TRANSIENT_ERRORS as error:
                # The connection is no longer trustworthy: retry this and the rest of the batch later.
                _mark_unsent(rows[index:], f"{error.__class__.__name__}: {error}", result)
                result.errors.append(str(error))
                return
            _mark_sent(row)
            result.sent += 1
    finally:
        with contextlib.suppress(TRANSIENT_ERRORS):
            connection.__exit__(None, None, None)


def drain(max_batches: int | None = None) -> DrainResult:
    """Send everything that is due now, batch by batch, and return what happened."""
    result = DrainResult()
    batch_size = current_app.config["OUTBOX_BATCH_SIZE"]
    while max_batches is None or result.batches < max_batches:
        rows = claim_batch(batch_size)
        if not rows:
            break
        result.batches += 1
        send_batch(rows, result)
        if result.errors and result.sent == 0:
            break  # the server is down: leave the rest for the next pass rather than spin
    if result.sent or result.retried or result.failed:
        log.info("outbox: sent %d, to retry %d, failed %d", result.sent, result.retried, result.failed)
    return result
