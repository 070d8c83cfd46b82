"""Raw answers are deleted after the retention period the admin sets; released aggregates stay.

Only released rounds lose their raw answers: their figures are frozen already. A closed round nobody has
released keeps its answers (release needs them) and its review page warns the officers instead.
"""

from datetime import date, datetime

from sqlalchemy import delete, select

from portal.common.time import COUNCIL_TZ
from portal.extensions import db
from portal.jobs.registry import register
from portal.settings.services import current_settings
from portal.surveys.models import RoundStatus, SurveyAnswer, SurveyResponse, SurveyRound
from portal.training.status import add_months


def retention_ends_on(survey_round: SurveyRound) -> date:
    """The day after which the round's raw answers are deleted (counted from its close)."""
    return add_months(survey_round.closes_on, current_settings().survey_retention_months)


def past_retention(survey_round: SurveyRound, today: date) -> bool:
    return retention_ends_on(survey_round) < today


def _council_today() -> date:
    return datetime.now(COUNCIL_TZ).date()


@register("surveys.retention", "day", "Delete raw survey answers of released rounds past the retention period")
def delete_expired_answers(today: date | None = None) -> int:
    """Delete the responses and answers of released rounds past retention; returns how many rounds.

    Idempotent: a round whose answers are gone is marked and not looked at again.
    """
    today = today or _council_today()
    candidates = db.session.scalars(
        select(SurveyRound).where(
            SurveyRound.status == RoundStatus.RELEASED, SurveyRound.raw_answers_deleted_on.is_(None)
        )
    )
    expired = [survey_round for survey_round in candidates if past_retention(survey_round, today)]
    for survey_round in expired:
        db.session.execute(delete(SurveyAnswer).where(SurveyAnswer.round_id == survey_round.id))
        db.session.execute(delete(SurveyResponse).where(SurveyResponse.round_id == survey_round.id))
        survey_round.raw_answers_deleted_on = today
    return len(expired)
