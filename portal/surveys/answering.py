"""Members answering: the rounds open to them, their drafts, and submitting once.

Nothing here logs, audits or timestamps a submission: the response is written by `store.record_response`,
which holds nothing that names the member, in the same transaction as the invitation's flag flips.
"""

import enum
from dataclasses import dataclass
from datetime import date, timedelta

from flask import abort
from sqlalchemy import select

from portal.accounts.models import User
from portal.extensions import db
from portal.surveys import store
from portal.surveys.models import RoundStatus, SurveyDraft, SurveyInvitation, SurveyQuestion, SurveyRound
from portal.surveys.store import AlreadyAnswered, AnswerValue

__all__ = ["AlreadyAnswered", "RoundNotOpen"]


class RoundNotOpen(Exception):
    """The round closed before the answers arrived."""


class Progress(enum.StrEnum):
    ANSWERED = "answered"
    DRAFT_SAVED = "draft saved"
    NOT_STARTED = "not started"


@dataclass(frozen=True)
class MemberRound:
    survey_round: SurveyRound
    progress: Progress

    @property
    def last_day(self) -> date:
        return last_day(self.survey_round)


def open_rounds_for(member: User) -> list[MemberRound]:
    """The open rounds the member is invited to, each with how far they have got."""
    query = (
        select(SurveyRound, SurveyInvitation.answered, SurveyDraft.id)
        .join(SurveyInvitation, (SurveyInvitation.round_id == SurveyRound.id) & (SurveyInvitation.user_id == member.id))
        .outerjoin(SurveyDraft, (SurveyDraft.round_id == SurveyRound.id) & (SurveyDraft.user_id == member.id))
        .where(SurveyRound.status == RoundStatus.OPEN)
        .order_by(SurveyRound.closes_on)
    )
    return [
        MemberRound(survey_round, _progress(answered, draft))
        for survey_round, answered, draft in db.session.execute(query)
    ]


def waiting_for(member: User) -> list[MemberRound]:
    """Open rounds the member has been invited to and not yet answered: what the home page invites them to do."""
    return [item for item in open_rounds_for(member) if item.progress is not Progress.ANSWERED]


def _progress(answered: bool, draft_id: int | None) -> Progress:
    if answered:
        return Progress.ANSWERED
    return Progress.DRAFT_SAVED if draft_id else Progress.NOT_STARTED


def released_rounds() -> list[SurveyRound]:
    query = select(SurveyRound).where(SurveyRound.status == RoundStatus.RELEASED).order_by(SurveyRound.closes_on.desc())
    return list(db.session.scalars(query))


def invitation_or_404(round_id: int, member: User) -> SurveyInvitation:
    """The member's invitation to an open round; 404 when the round is not open or they were not invited."""
    survey_round = db.session.get(SurveyRound, round_id)
    if survey_round is None or survey_round.status != RoundStatus.OPEN:
        abort(404)
    invitation = db.session.scalar(select(SurveyInvitation).filter_by(round_id=round_id, user_id=member.id))
    return invitation or abort(404)


def last_day(survey_round: SurveyRound) -> date:
    """The last day answers are taken: the round closes at the start of its close date."""
    return survey_round.closes_on - timedelta(days=1)


def get_round(round_id: int) -> SurveyRound:
    return db.session.get(SurveyRound, round_id) or abort(404)


def questions_of(survey_round: SurveyRound) -> list[SurveyQuestion]:
    return list(survey_round.template.questions)


def _draft(survey_round: SurveyRound, member: User) -> SurveyDraft | None:
    return db.session.scalar(select(SurveyDraft).filter_by(round_id=survey_round.id, user_id=member.id))


def saved_answers(survey_round: SurveyRound, member: User) -> dict[int, AnswerValue]:
    """The member's draft, question id -> value (JSON keeps the ids as strings)."""
    draft = _draft(survey_round, member)
    return {int(question_id): value for question_id, value in (draft.answers if draft else {}).items()}


def save_draft(survey_round: SurveyRound, member: User, answers: dict[int, AnswerValue]) -> None:
    """Keep the member's answers so far; theirs alone, replaced by each save, deleted on submit and at close."""
    draft = _draft(survey_round, member) or SurveyDraft(round_id=survey_round.id, user_id=member.id)
    draft.answers = {str(question_id): value for question_id, value in answers.items()}
    db.session.add(draft)
    db.session.flush()


def submit(survey_round: SurveyRound, member: User, answers: dict[int, AnswerValue]) -> None:
    """Record the answers once, in the caller's transaction; raises AlreadyAnswered or RoundNotOpen.

    The round's row is read with a shared lock: closing takes an exclusive one, so a round cannot close
    between this check and the commit and miss this response in its count.
    """
    status = db.session.scalar(
        select(SurveyRound.status).where(SurveyRound.id == survey_round.id).with_for_update(read=True)
    )
    if status != RoundStatus.OPEN:
        raise RoundNotOpen
    store.record_response(survey_round, member.id, answers, questions_of(survey_round))
