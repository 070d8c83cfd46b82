"""Newsletters and safety notices: what champions write, who it went to, and how the sending went."""

import enum
from datetime import datetime

from sqlalchemy import JSON, ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from portal.accounts.models import User
from portal.common.time import utcnow
from portal.extensions import db


class Channel(enum.StrEnum):
    NEWSLETTER = "newsletter"  # members may opt out
    SAFETY_NOTICE = "safety_notice"  # reaches everyone in the audience; no opting out

    @property
    def label(self) -> str:
        return "Newsletter" if self is Channel.NEWSLETTER else "Safety notice"


class Audience(enum.StrEnum):
    ALL_COUNCILLORS = "all_councillors"
    ALL_USERS = "all_users"
    CHAMPIONS = "champions"
    WARDS = "wards"
    GROUPS = "groups"


class IssueStatus(enum.StrEnum):
    DRAFT = "draft"
    AWAITING_APPROVAL = "awaiting_approval"
    APPROVED = "approved"
    SCHEDULED = "scheduled"
    # A scheduled issue whose time passed more than a day ago (the system was down): an officer decides.
    NEEDS_CONFIRMATION = "needs_confirmation"
    SENDING = "sending"
    SENT = "sent"

    @property
    def label(self) -> str:
        return self.value.replace("_", " ").capitalize()


class NewsletterIssue(db.Model):
    __tablename__ = "newsletter_issues"
    __table_args__ = (Index("ix_newsletter_issues_status_scheduled", "status", "scheduled_for"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    subject: Mapped[str] = mapped_column(String(200))
    summary: Mapped[str] = mapped_column(String(500), default="")
    body_markdown: Mapped[str] = mapped_column(Text, default="")
    # Rendered from the Markdown when saved: sanitised HTML, and a plain-text part for the email.
    body_html: Mapped[str] = mapped_column(Text, default="")
    body_text: Mapped[str] = mapped_column(Text, default="")
    channel: Mapped[str] = mapped_column(String(20), default=Channel.NEWSLETTER)
    audience: Mapped[str] = mapped_column(String(20), default=Audience.ALL_COUNCILLORS)
    audience_values: Mapped[list] = mapped_column(JSON, default=list)  # the wards or groups chosen
    status: Mapped[str] = mapped_column(String(20), default=IssueStatus.DRAFT, index=True)
    author_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)
    approved_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    approved_at: Mapped[datetime | None]
    scheduled_for: Mapped[datetime | None]  # naive UTC
    sent_at: Mapped[datetime | None]  # when sending began: the date the archive shows
    sent_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    recipient_count: Mapped[int] = mapped_column(default=0)

    author: Mapped[User | None] = relationship(foreign_keys=[author_id])
    approved_by: Mapped[User | None] = relationship(foreign_keys=[approved_by_id])
    sent_by: Mapped[User | None] = relationship(foreign_keys=[sent_by_id])

    @property
    def group_key(self) -> str:
        """How this issue's messages are marked in the outbox."""
        return f"newsletter:{self.id}"


class Recipient(db.Model):
    """The recipient list as it stood when the issue was sent, with each person's outbox message."""

    __tablename__ = "newsletter_recipients"
    __table_args__ = (UniqueConstraint("issue_id", "email"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    issue_id: Mapped[int] = mapped_column(ForeignKey("newsletter_issues.id", ondelete="CASCADE"), index=True)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    email: Mapped[str] = mapped_column(String(254))
    name: Mapped[str] = mapped_column(String(200), default="")
    outbox_message_id: Mapped[int | None] = mapped_column(index=True)
