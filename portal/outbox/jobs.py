"""Outbox housekeeping: sent mail is not kept for ever, since it holds members' details."""

from datetime import timedelta

from flask import current_app
from sqlalchemy import delete

from portal.common.time import utcnow
from portal.extensions import db
from portal.jobs.registry import register
from portal.outbox.models import MessageStatus, OutboxMessage


@register("outbox.prune-sent", "day", "Delete sent messages older than OUTBOX_KEEP_SENT_DAYS")
def prune_sent_messages() -> int:
    cutoff = utcnow() - timedelta(days=current_app.config["OUTBOX_KEEP_SENT_DAYS"])
    result = db.session.execute(
        delete(OutboxMessage).where(OutboxMessage.status == MessageStatus.SENT, OutboxMessage.sent_at < cutoff)
    )
    return result.rowcount
