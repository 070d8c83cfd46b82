"""Training: the course catalogue, who completed what and when, and the reminders already sent."""

import enum
from datetime import date, datetime

from sqlalchemy import ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from portal.accounts.models import User
from portal.common.time import utcnow
from portal.extensions import db


class CourseCategory(enum.StrEnum):
    PERSONAL_SAFETY = "personal_safety"
    SOCIAL_MEDIA = "social_media"
    COMMUNICATIONS = "communications"
    EMOTIONAL_INTELLIGENCE = "emotional_intelligence"
    DE_ESCALATION = "de_escalation"
    CODE_OF_CONDUCT = "code_of_conduct"
    COUNCIL_OWN = "council_own"

    @property
    def label(self) -> str:
        return CATEGORY_LABELS[self]


CATEGORY_LABELS = {
    CourseCategory.PERSONAL_SAFETY: "Personal safety and risk assessment",
    CourseCategory.SOCIAL_MEDIA: "Social media and digital citizenship",
    CourseCategory.COMMUNICATIONS: "Communications and healthy debate",
    CourseCategory.EMOTIONAL_INTELLIGENCE: "Emotional intelligence",
    CourseCategory.DE_ESCALATION: "Conflict de-escalation",
    CourseCategory.CODE_OF_CONDUCT: "Code of conduct",
    CourseCategory.COUNCIL_OWN: "The council's own",
}


class CourseFormat(enum.StrEnum):
    E_LEARNING = "e_learning"
    WORKSHOP = "workshop"
    WEBINAR = "webinar"
    BRIEFING = "briefing"
    ONE_TO_ONE = "one_to_one"

    @property
    def label(self) -> str:
        return {"e_learning": "E-learning", "one_to_one": "One to one"}.get(self.value, self.value.capitalize())


class Course(db.Model):
    __tablename__ = "training_courses"

    id: Mapped[int] = mapped_column(primary_key=True)
    title: Mapped[str] = mapped_column(String(200), unique=True)
    category: Mapped[str] = mapped_column(String(30), index=True)
    description: Mapped[str] = mapped_column(Text, default="")
    provider: Mapped[str] = mapped_column(String(200), default="In-house")
    link: Mapped[str | None] = mapped_column(String(500))
    format: Mapped[str] = mapped_column(String(20), default=CourseFormat.WORKSHOP)
    mandatory: Mapped[bool] = mapped_column(default=False)
    # None: once is enough. Otherwise a completion is valid for this many months.
    refresher_months: Mapped[int | None]
    # None: no deadline. Otherwise new members should take it within this many months of election.
    due_within_months_of_election: Mapped[int | None]
    active: Mapped[bool] = mapped_column(default=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class Completion(db.Model):
    """A member completed a course on a date. Corrections change the row and leave a CompletionChange."""

    __tablename__ = "training_completions"
    __table_args__ = (
        UniqueConstraint("user_id", "course_id", "completed_on"),
        Index("ix_training_completions_latest", "user_id", "course_id", "completed_on"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    course_id: Mapped[int] = mapped_column(ForeignKey("training_courses.id", ondelete="CASCADE"), index=True)
    completed_on: Mapped[date]
    note: Mapped[str] = mapped_column(String(500), default="")
    recorded_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    recorded_at: Mapped[datetime] = mapped_column(default=utcnow)

    user: Mapped[User] = relationship(foreign_keys=[user_id])
    course: Mapped[Course] = relationship(lazy="joined")
    recorded_by: Mapped[User | None] = relationship(foreign_keys=[recorded_by_id])
    changes: Mapped[list["CompletionChange"]] = relationship(
        back_populates="completion", cascade="all, delete-orphan", order_by="CompletionChange.changed_at"
    )


class CompletionChange(db.Model):
    """History of a completion record: who recorded or corrected what, and when."""

    __tablename__ = "training_completion_changes"

    id: Mapped[int] = mapped_column(primary_key=True)
    completion_id: Mapped[int] = mapped_column(ForeignKey("training_completions.id", ondelete="CASCADE"), index=True)
    changed_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    changed_at: Mapped[datetime] = mapped_column(default=utcnow)
    action: Mapped[str] = mapped_column(String(20))  # recorded, corrected
    before: Mapped[str] = mapped_column(String(600), default="")
    after: Mapped[str] = mapped_column(String(600), default="")

    completion: Mapped[Completion] = relationship(back_populates="changes")
    changed_by: Mapped[User | None] = relationship()


DEFAULT_DUE_SOON_DAYS = 60


class TrainingSettings(db.Model):
    """One row: how long before expiry a course counts as due soon."""

    __tablename__ = "training_settings"

    id: Mapped[int] = mapped_column(primary_key=True)
    due_soon_days: Mapped[int] = mapped_column(default=DEFAULT_DUE_SOON_DAYS)


class ReminderSent(db.Model):
    """A member was reminded about a course with this due date: never again for the same pair."""

    __tablename__ = "training_reminders_sent"
    __table_args__ = (UniqueConstraint("user_id", "course_id", "due_on"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    course_id: Mapped[int] = mapped_column(ForeignKey("training_courses.id", ondelete="CASCADE"))
    due_on: Mapped[date]
    sent_at: Mapped[datetime] = mapped_column(default=utcnow)
