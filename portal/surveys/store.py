"""Writing a submitted response so that nothing can link it to the member who sent it.

The one place that writes `SurveyResponse` and `SurveyAnswer` rows. The invitation's flag flips and the
response is written in the caller's transaction, so both happen or neither. Nothing here logs or audits.
"""

import secrets

from sqlalchemy import update

from portal.extensions import db
from portal.surveys.models import (
    QuestionKind,
    SurveyAnswer,
    SurveyDraft,
    SurveyInvitation,
    SurveyQuestion,
    SurveyResponse,
    SurveyRound,
)

# What a validated answer may be, keyed by question id: an option index (single choice and attributes), a
# list of option indexes (multiple choice), a number (agreement 1-5, scale 0-10, frequency 0-5) or text.
AnswerValue = int | list[int] | str


class AlreadyAnswered(Exception):
    """The member has answered this round already (or was never invited to it)."""


def claim_invitation(survey_round: SurveyRound, user_id: int) -> None:
    """Flip the member's invitation to answered, or raise if it already was.

    A conditional UPDATE rather than read-then-write: two submits racing from one member cannot both pass,
    because only one of them finds the flag still false.
    """
    flipped = db.session.execute(
        update(SurveyInvitation)
        .where(
            SurveyInvitation.round_id == survey_round.id,
            SurveyInvitation.user_id == user_id,
            SurveyInvitation.answered.is_(False),
        )
        .values(answered=True)
        .execution_options(synchronize_session=False)
    )
    if flipped.rowcount != 1:
        raise AlreadyAnswered


def record_response(
    survey_round: SurveyRound, user_id: int, answers: dict[int, AnswerValue], questions: list[SurveyQuestion]
) -> None:
    """Claim the invitation, write the answers with random ids, and delete the member's draft."""
    claim_invitation(survey_round, user_id)
    response = SurveyResponse(round_id=survey_round.id)
    rows = [
        row
        for question in questions
        if question.id in answers
        for row in _answer_rows(response, question, answers[question.id])
    ]
    # Row order says nothing either: the rows go in shuffled.
    secrets.SystemRandom().shuffle(rows)
    db.session.add(response)
    db.session.add_all(rows)
    db.session.query(SurveyDraft).filter_by(round_id=survey_round.id, user_id=user_id).delete()


def _answer_rows(response: SurveyResponse, question: SurveyQuestion, value: AnswerValue) -> list[SurveyAnswer]:
    def row(**fields) -> SurveyAnswer:
        return SurveyAnswer(response=response, round_id=response.round_id, question_id=question.id, **fields)

    kind = QuestionKind(question.kind)
    if kind is QuestionKind.FREE_TEXT:
        return [row(text=value)] if isinstance(value, str) and value.strip() else []
    if kind is QuestionKind.MULTIPLE_CHOICE:
        return [row(option_index=index) for index in sorted(set(value))]
    if kind is QuestionKind.SINGLE_CHOICE:
        return [row(option_index=value)]
    return [row(number=value)]
