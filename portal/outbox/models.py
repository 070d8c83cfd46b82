"""Outbox messages: one row per email, durable until sent or given up on."""

import enum
from datetime import datetime

from sqlalchemy import JSON, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from portal.common.time import utcnow
from portal.extensions import db


class MessageStatus(enum.StrEnum):
    PENDING = "pending"  # waiting to be sent, now or at next_attempt_at
    SENDING = "sending"  # claimed by a worker; offered again when the claim's lease runs out
    SENT = "sent"
    FAILED = "failed"  # gave up after the set number of tries


class OutboxMessage(db.Model):
    __tablename__ = "outbox_messages"
    __table_args__ = (
        Index("ix_outbox_messages_due", "status", "next_attempt_at"),
        Index("ix_outbox_messages_group", "group_key"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    to_address: Mapped[str] = mapped_column(String(254))
    subject: Mapped[str] = mapped_column(String(300))
    body_text: Mapped[str] = mapped_column(Text)
    body_html: Mapped[str] = mapped_column(Text)
    # Extra headers such as List-Unsubscribe, as a name-to-value mapping.
    headers: Mapped[dict] = mapped_column(JSON, default=dict)
    # What the message belongs to (for example "newsletter:12"), so a feature can follow its own sends.
    group_key: Mapped[str | None] = mapped_column(String(80))

    status: Mapped[str] = mapped_column(String(10), default=MessageStatus.PENDING)
    attempts: Mapped[int] = mapped_column(default=0)
    next_attempt_at: Mapped[datetime] = mapped_column(default=utcnow)
    claim_token: Mapped[str | None] = mapped_column(String(36), index=True)
    claimed_at: Mapped[datetime | None]
    sent_at: Mapped[datetime | None]
    last_error: Mapped[str | None] = mapped_column(String(1000))
