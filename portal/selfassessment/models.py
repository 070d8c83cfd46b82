"""The council self-assessment: the framework (principles and statements), assessment cycles, scores, evidence
and actions.

The framework lives in its own tables and is edited by admins; each edit raises `FrameworkState.version` and is
kept in `FrameworkChange`. An assessment copies the wording of every statement when it starts, so that editing
the framework never changes what a past assessment recorded.
"""

import enum
from datetime import date, datetime

from sqlalchemy import JSON, CheckConstraint, ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from portal.accounts.models import User
from portal.common.time import utcnow
from portal.extensions import db

MAX_SCORE = 2  # 0 Not addressed, 1 Partial implementation, 2 Comprehensive implementation


class Score(enum.IntEnum):
    NOT_ADDRESSED = 0
    PARTIAL = 1
    COMPREHENSIVE = 2

    @property
    def label(self) -> str:
        return {0: "Not addressed", 1: "Partial implementation", 2: "Comprehensive implementation"}[self.value]


class AssessmentStatus(enum.StrEnum):
    DRAFT = "draft"
    FINALISED = "finalised"

    @property
    def label(self) -> str:
        return self.value.capitalize()


class ActionStatus(enum.StrEnum):
    NOT_STARTED = "not_started"
    IN_PROGRESS = "in_progress"
    DONE = "done"

    @property
    def label(self) -> str:
        return self.value.replace("_", " ").capitalize()


class FrameworkState(db.Model):
    """One row: the framework's current version number."""

    __tablename__ = "framework_state"

    id: Mapped[int] = mapped_column(primary_key=True)
    version: Mapped[int] = mapped_column(default=1)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)


class Principle(db.Model):
    __tablename__ = "framework_principles"

    id: Mapped[int] = mapped_column(primary_key=True)
    number: Mapped[int] = mapped_column(unique=True)  # 1 to 5
    title: Mapped[str] = mapped_column(String(200))
    introduction: Mapped[str] = mapped_column(Text, default="")

    statements: Mapped[list["Statement"]] = relationship(
        back_populates="principle", order_by="Statement.number", cascade="all, delete-orphan"
    )


class Statement(db.Model):
    __tablename__ = "framework_statements"
    __table_args__ = (UniqueConstraint("principle_id", "number"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    principle_id: Mapped[int] = mapped_column(ForeignKey("framework_principles.id", ondelete="CASCADE"), index=True)
    number: Mapped[int]
    text: Mapped[str] = mapped_column(Text)
    guidance: Mapped[str] = mapped_column(Text, default="")  # what evidence would show it
    # Names of the portal's evidence sources that bear on it (see evidence.py), from the framework file.
    indicators: Mapped[list] = mapped_column(JSON, default=list)
    retired: Mapped[bool] = mapped_column(default=False)

    principle: Mapped[Principle] = relationship(back_populates="statements")

    @property
    def key(self) -> str:
        """ "1.2": how survey questions are tagged with this statement."""
        return f"{self.principle.number}.{self.number}"


class FrameworkChange(db.Model):
    """What an admin changed in the framework, and the version it made."""

    __tablename__ = "framework_changes"

    id: Mapped[int] = mapped_column(primary_key=True)
    version: Mapped[int]
    changed_at: Mapped[datetime] = mapped_column(default=utcnow)
    changed_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    summary: Mapped[str] = mapped_column(String(500))
    before: Mapped[dict] = mapped_column(JSON, default=dict)
    after: Mapped[dict] = mapped_column(JSON, default=dict)

    changed_by: Mapped[User | None] = relationship()


class Assessment(db.Model):
    __tablename__ = "assessments"

    id: Mapped[int] = mapped_column(primary_key=True)
    title: Mapped[str] = mapped_column(String(100), unique=True)  # "2026/27"
    status: Mapped[str] = mapped_column(String(20), default=AssessmentStatus.DRAFT, index=True)
    framework_version: Mapped[int]
    copied_from_id: Mapped[int | None] = mapped_column(ForeignKey("assessments.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    finalised_at: Mapped[datetime | None]
    finalised_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))

    statements: Mapped[list["AssessedStatement"]] = relationship(
        back_populates="assessment",
        order_by="(AssessedStatement.principle_number, AssessedStatement.statement_number)",
        cascade="all, delete-orphan",
    )
    created_by: Mapped[User | None] = relationship(foreign_keys=[created_by_id])
    finalised_by: Mapped[User | None] = relationship(foreign_keys=[finalised_by_id])

    @property
    def finalised(self) -> bool:
        return self.status == AssessmentStatus.FINALISED


class AssessedStatement(db.Model):
    """A statement as worded when the assessment started, with its score and written evidence.

    `revision` is SQLAlchemy's version counter: a save made from an out-of-date form is refused rather than
    overwriting another officer's change.
    """

    __tablename__ = "assessed_statements"
    __table_args__ = (
        UniqueConstraint("assessment_id", "principle_number", "statement_number"),
        CheckConstraint("score IS NULL OR score BETWEEN 0 AND 2", name="score_on_the_scale"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    assessment_id: Mapped[int] = mapped_column(ForeignKey("assessments.id", ondelete="CASCADE"), index=True)
    statement_id: Mapped[int | None] = mapped_column(ForeignKey("framework_statements.id", ondelete="SET NULL"))
    principle_number: Mapped[int]
    principle_title: Mapped[str] = mapped_column(String(200))
    statement_number: Mapped[int]
    text: Mapped[str] = mapped_column(Text)
    guidance: Mapped[str] = mapped_column(Text, default="")
    indicators: Mapped[list] = mapped_column(JSON, default=list)
    score: Mapped[int | None]
    evidence: Mapped[str] = mapped_column(Text, default="")
    links: Mapped[list] = mapped_column(JSON, default=list)  # web addresses
    revision: Mapped[int] = mapped_column(default=1)
    updated_at: Mapped[datetime | None]
    updated_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))

    assessment: Mapped[Assessment] = relationship(back_populates="statements")
    updated_by: Mapped[User | None] = relationship()
    actions: Mapped[list["Action"]] = relationship(
        back_populates="statement", order_by="Action.id", cascade="all, delete-orphan"
    )
    gathered: Mapped[list["AttachedEvidence"]] = relationship(
        back_populates="statement", order_by="AttachedEvidence.id", cascade="all, delete-orphan"
    )

    __mapper_args__ = {"version_id_col": revision}  # noqa: RUF012 (SQLAlchemy's declarative form)

    @property
    def key(self) -> str:
        return f"{self.principle_number}.{self.statement_number}"


class Action(db.Model):
    __tablename__ = "assessment_actions"
    __table_args__ = (Index("ix_assessment_actions_status_due", "status", "due_on"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    statement_id: Mapped[int] = mapped_column(ForeignKey("assessed_statements.id", ondelete="CASCADE"), index=True)
    what: Mapped[str] = mapped_column(Text)
    owner_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"), index=True)
    due_on: Mapped[date | None]
    status: Mapped[str] = mapped_column(String(20), default=ActionStatus.NOT_STARTED)
    # The overdue reminder is sent once per due date: moving the date makes the action eligible again.
    reminded_for_due_on: Mapped[date | None]
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)
    revision: Mapped[int] = mapped_column(default=1)

    statement: Mapped[AssessedStatement] = relationship(back_populates="actions")
    owner: Mapped[User | None] = relationship()

    __mapper_args__ = {"version_id_col": revision}  # noqa: RUF012


class AttachedEvidence(db.Model):
    """A figure the portal gathered, frozen as it was on the day an officer attached it."""

    __tablename__ = "assessment_evidence"

    id: Mapped[int] = mapped_column(primary_key=True)
    statement_id: Mapped[int] = mapped_column(ForeignKey("assessed_statements.id", ondelete="CASCADE"), index=True)
    indicator: Mapped[str] = mapped_column(String(100))  # the source's name, e.g. "training.coverage"
    label: Mapped[str] = mapped_column(String(300))
    value: Mapped[str] = mapped_column(String(300))
    source: Mapped[str] = mapped_column(String(300))  # where it came from, in words
    as_of: Mapped[date]
    attached_at: Mapped[datetime] = mapped_column(default=utcnow)
    attached_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))

    statement: Mapped[AssessedStatement] = relationship(back_populates="gathered")
    attached_by: Mapped[User | None] = relationship()
