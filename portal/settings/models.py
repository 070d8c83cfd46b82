"""One row of council-wide settings."""

from sqlalchemy import CheckConstraint, LargeBinary, String
from sqlalchemy import false as sa_false
from sqlalchemy.orm import Mapped, mapped_column

from portal.extensions import db

DEFAULT_COUNCIL_NAME = "Your council"


class CouncilSettings(db.Model):
    __tablename__ = "council_settings"
    __table_args__ = (
        CheckConstraint("anonymity_threshold >= 3", name="anonymity_threshold_floor"),
        CheckConstraint("free_text_threshold >= anonymity_threshold", name="free_text_threshold_floor"),
        CheckConstraint("survey_retention_months >= 1", name="survey_retention_months_floor"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    council_name: Mapped[str] = mapped_column(String(200), default=DEFAULT_COUNCIL_NAME)
    logo: Mapped[bytes | None] = mapped_column(LargeBinary, deferred=True)  # read only when served
    logo_mimetype: Mapped[str | None] = mapped_column(String(40))
    logo_alt_text: Mapped[str | None] = mapped_column(String(200))
    # Survey results rest on at least this many responses (never below 3); free text on more.
    anonymity_threshold: Mapped[int] = mapped_column(default=5)
    free_text_threshold: Mapped[int] = mapped_column(default=10)
    # Raw survey answers are deleted this many months after their round closes; released figures stay.
    survey_retention_months: Mapped[int] = mapped_column(default=24, server_default="24")
    mail_from_name: Mapped[str] = mapped_column(String(200), default="Councillor Support Hub")
    mail_reply_to: Mapped[str | None] = mapped_column(String(254))
    support_email: Mapped[str | None] = mapped_column(String(254))
    # When on, a champion's newsletter waits for an officer's approval before it can be sent.
    newsletter_approval_required: Mapped[bool] = mapped_column(default=False, server_default=sa_false())
