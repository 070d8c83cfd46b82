"""Wellbeing surveys: templates and their questions, rounds, invitations, and answers that cannot be linked.

Who may answer and who has answered (`SurveyInvitation`) is kept apart from what was answered
(`SurveyResponse`, `SurveyAnswer`): a response holds no user, invitation, token, address or time, and its id is
random. On SQLite the answer tables are WITHOUT ROWID, so not even the hidden row number records the order in
which members submitted. Released figures are frozen in `SurveyAggregate`, which outlives the raw answers.
"""

import enum
import secrets
from datetime import date, datetime

from sqlalchemy import JSON, CheckConstraint, ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy import false as sa_false
from sqlalchemy.orm import Mapped, mapped_column, relationship

from portal.accounts.models import User
from portal.common.time import utcnow
from portal.extensions import db


def random_id() -> str:
    """An id that says nothing about when or in what order a row was written."""
    return secrets.token_hex(16)


class QuestionKind(enum.StrEnum):
    AGREEMENT = "agreement"  # five points, strongly disagree to strongly agree
    SINGLE_CHOICE = "single_choice"
    MULTIPLE_CHOICE = "multiple_choice"
    SCALE = "scale"  # 0 to 10
    FREE_TEXT = "free_text"
    FREQUENCY = "frequency"  # WHO-5's six points, 0 "At no time" to 5 "All of the time"

    @property
    def label(self) -> str:
        return {
            "agreement": "Agreement scale (five points)",
            "single_choice": "Single choice",
            "multiple_choice": "Multiple choice",
            "scale": "0 to 10 scale",
            "free_text": "Free text",
            "frequency": "How often (WHO-5, 0 to 5)",
        }[self.value]


class RoundStatus(enum.StrEnum):
    SCHEDULED = "scheduled"  # thresholds may still change
    OPEN = "open"  # members answer; officers see the response rate only
    CLOSED = "closed"  # waiting for an officer to review and release
    RELEASED = "released"  # question-level results visible to officers, a summary to members

    @property
    def label(self) -> str:
        return self.value.capitalize()


class SurveyTemplate(db.Model):
    """An ordered list of questions. Once a round uses it, it is locked: officers copy it to change it."""

    __tablename__ = "survey_templates"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    description: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)
    archived: Mapped[bool] = mapped_column(default=False, server_default=sa_false())

    questions: Mapped[list["SurveyQuestion"]] = relationship(
        back_populates="template", order_by="SurveyQuestion.position", cascade="all, delete-orphan"
    )
    rounds: Mapped[list["SurveyRound"]] = relationship(back_populates="template")

    @property
    def locked(self) -> bool:
        return bool(self.rounds)


class SurveyQuestion(db.Model):
    __tablename__ = "survey_questions"
    __table_args__ = (UniqueConstraint("template_id", "key"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    template_id: Mapped[int] = mapped_column(ForeignKey("survey_templates.id", ondelete="CASCADE"), index=True)
    position: Mapped[int] = mapped_column(default=0)
    # Stable across copies of a template, so that trends follow the same question from round to round.
    key: Mapped[str] = mapped_column(String(64))
    kind: Mapped[str] = mapped_column(String(20))
    text: Mapped[str] = mapped_column(String(500))
    help_text: Mapped[str] = mapped_column(String(1000), default="")
    required: Mapped[bool] = mapped_column(default=False, server_default=sa_false())
    options: Mapped[list] = mapped_column(JSON, default=list)  # labels, for choice questions
    # "who5", "ons4" or "experience" when the question came from a standard block.
    block: Mapped[str | None] = mapped_column(String(20))
    # A self-reported attribute ("independent councillor"): results can be broken down by it. Its last option
    # is always "Prefer not to say".
    is_attribute: Mapped[bool] = mapped_column(default=False, server_default=sa_false())
    # Self-assessment statements the question bears on, such as "1.3".
    statement_tags: Mapped[list] = mapped_column(JSON, default=list)

    template: Mapped[SurveyTemplate] = relationship(back_populates="questions")


class SurveySchedule(db.Model):
    """Opens a round of a template every few months."""

    __tablename__ = "survey_schedules"
    __table_args__ = (CheckConstraint("interval_months IN (3, 6, 12)", name="interval_months_allowed"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    template_id: Mapped[int] = mapped_column(ForeignKey("survey_templates.id", ondelete="CASCADE"), index=True)
    title: Mapped[str] = mapped_column(String(200))  # each round is named "<title> <month year>"
    audience: Mapped[str] = mapped_column(String(20), default="all_councillors")
    interval_months: Mapped[int] = mapped_column(default=6)
    open_days: Mapped[int] = mapped_column(default=21)
    reminder_days: Mapped[list] = mapped_column(JSON, default=list)  # days before the close
    next_opens_on: Mapped[date]
    active: Mapped[bool] = mapped_column(default=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    template: Mapped[SurveyTemplate] = relationship()


class SurveyRound(db.Model):
    __tablename__ = "survey_rounds"
    __table_args__ = (
        CheckConstraint("anonymity_threshold >= 3", name="round_anonymity_threshold_floor"),
        CheckConstraint("free_text_threshold >= anonymity_threshold", name="round_free_text_threshold_floor"),
        CheckConstraint("closes_on > opens_on", name="round_closes_after_opening"),
        Index("ix_survey_rounds_status_dates", "status", "opens_on", "closes_on"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    template_id: Mapped[int] = mapped_column(ForeignKey("survey_templates.id"), index=True)
    schedule_id: Mapped[int | None] = mapped_column(ForeignKey("survey_schedules.id", ondelete="SET NULL"))
    title: Mapped[str] = mapped_column(String(200))
    audience: Mapped[str] = mapped_column(String(20), default="all_councillors")
    opens_on: Mapped[date]
    closes_on: Mapped[date]  # the last day answers are taken is the day before
    status: Mapped[str] = mapped_column(String(20), default=RoundStatus.SCHEDULED, index=True)
    # Copied from the council settings when the round is created, stated to members, frozen once it opens.
    anonymity_threshold: Mapped[int] = mapped_column(default=5)
    free_text_threshold: Mapped[int] = mapped_column(default=10)
    reminder_days: Mapped[list] = mapped_column(JSON, default=list)  # days before the close
    invited_count: Mapped[int] = mapped_column(default=0)
    # The live response rate officers see is this daily snapshot, never the live count, so that watching it
    # cannot time one member's submission.
    response_count_snapshot: Mapped[int] = mapped_column(default=0)
    response_count_snapshot_on: Mapped[date | None]
    response_count: Mapped[int] = mapped_column(default=0)  # final, set at close
    released_at: Mapped[datetime | None]
    released_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    raw_answers_deleted_on: Mapped[date | None]
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    template: Mapped[SurveyTemplate] = relationship(back_populates="rounds")
    released_by: Mapped[User | None] = relationship()

    @property
    def group_key(self) -> str:
        """How this round's invitations and reminders are marked in the outbox."""
        return f"survey:{self.id}"


class SurveyInvitation(db.Model):
    """Who may answer a round and a bare yes/no for whether they have: no time, no link to the response."""

    __tablename__ = "survey_invitations"
    __table_args__ = (UniqueConstraint("round_id", "user_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    round_id: Mapped[int] = mapped_column(ForeignKey("survey_rounds.id", ondelete="CASCADE"), index=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    answered: Mapped[bool] = mapped_column(default=False, server_default=sa_false())
    reminders_sent: Mapped[list] = mapped_column(JSON, default=list)  # the reminder days already sent

    user: Mapped[User] = relationship()


class SurveyDraft(db.Model):
    """A member's unfinished answers: theirs alone, deleted in the submit's transaction and when the round closes."""

    __tablename__ = "survey_drafts"
    __table_args__ = (UniqueConstraint("round_id", "user_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    round_id: Mapped[int] = mapped_column(ForeignKey("survey_rounds.id", ondelete="CASCADE"), index=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    answers: Mapped[dict] = mapped_column(JSON, default=dict)
    saved_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)


class SurveyResponse(db.Model):
    """One member's submitted answers, unlinkable: a random id and the round, nothing else."""

    __tablename__ = "survey_responses"
    __table_args__ = ({"sqlite_with_rowid": False},)

    id: Mapped[str] = mapped_column(String(32), primary_key=True, default=random_id)
    round_id: Mapped[int] = mapped_column(ForeignKey("survey_rounds.id", ondelete="CASCADE"), index=True)

    answers: Mapped[list["SurveyAnswer"]] = relationship(back_populates="response", cascade="all, delete-orphan")


class SurveyAnswer(db.Model):
    """One value of a response: a choice (one row per option chosen), a number, or text."""

    __tablename__ = "survey_answers"
    __table_args__ = (
        # Release counts straight from these two covering indexes: everyone's answers by (round, question,
        # value), and each response's answers by (response, question, value) for the breakdowns.
        Index(
            "ix_survey_answers_round_question_value", "round_id", "question_id", "option_index", "number", "response_id"
        ),
        Index("ix_survey_answers_response_question_value", "response_id", "question_id", "option_index", "number"),
        {"sqlite_with_rowid": False},
    )

    id: Mapped[str] = mapped_column(String(32), primary_key=True, default=random_id)
    response_id: Mapped[str] = mapped_column(ForeignKey("survey_responses.id", ondelete="CASCADE"))
    # Repeated from the response so that results are one GROUP BY over this table.
    round_id: Mapped[int] = mapped_column(ForeignKey("survey_rounds.id", ondelete="CASCADE"))
    question_id: Mapped[int] = mapped_column(ForeignKey("survey_questions.id", ondelete="CASCADE"))
    option_index: Mapped[int | None]  # choice questions and attributes
    number: Mapped[int | None]  # agreement (1-5), scale (0-10), frequency (0-5)
    text: Mapped[str | None] = mapped_column(Text)
    redacted: Mapped[bool] = mapped_column(default=False, server_default=sa_false())

    response: Mapped[SurveyResponse] = relationship(back_populates="answers")


class SurveyAggregate(db.Model):
    """A count frozen when a round is released: kept after the raw answers are deleted.

    `value` is the option index or number counted ("" for a question's answer count); `metric` names what
    is counted ("answers", "option", "number", "who5_score"); a breakdown row also names the attribute
    question and its option.
    """

    __tablename__ = "survey_aggregates"
    __table_args__ = (Index("ix_survey_aggregates_round_question", "round_id", "question_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    round_id: Mapped[int] = mapped_column(ForeignKey("survey_rounds.id", ondelete="CASCADE"))
    question_id: Mapped[int | None] = mapped_column(ForeignKey("survey_questions.id", ondelete="CASCADE"))
    metric: Mapped[str] = mapped_column(String(20))
    value: Mapped[str] = mapped_column(String(20), default="")
    attribute_question_id: Mapped[int | None] = mapped_column(ForeignKey("survey_questions.id", ondelete="CASCADE"))
    attribute_option: Mapped[int | None]
    count: Mapped[int] = mapped_column(default=0)
