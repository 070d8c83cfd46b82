"""Raw answers go after the retention period; the released figures stay and still show."""

from datetime import date, timedelta

from portal.accounts.models import Role
from portal.extensions import db
from portal.jobs.registry import JOBS
from portal.surveys import jobs, results, retention  # noqa: F401  (jobs registers the retention job)
from portal.surveys.models import RoundStatus, SurveyAnswer, SurveyResponse
from tests.pages import Page
from tests.surveys.results_factories import closed_round, released_round, who5

LONG_AGO = {"opens_on": date(2020, 1, 1), "closes_on": date(2020, 1, 22)}


def test_the_job_is_registered_daily():
    assert JOBS["surveys.retention"].period == "day"


def test_raw_answers_of_a_released_round_past_retention_are_deleted_and_figures_stay(app_context):
    old = released_round([who5(3)] * 6, **LONG_AGO)
    recent = released_round([who5(2)] * 6)
    assert retention.delete_expired_answers(today=date.today()) == 1
    db.session.flush()
    assert old.raw_answers_deleted_on == date.today()
    assert db.session.query(SurveyResponse).filter_by(round_id=old.id).count() == 0
    assert db.session.query(SurveyAnswer).filter_by(round_id=old.id).count() == 0
    assert db.session.query(SurveyResponse).filter_by(round_id=recent.id).count() == 6
    assert recent.raw_answers_deleted_on is None
    assert results.round_results(old).who5.mean == 60  # from the frozen aggregates
    assert retention.delete_expired_answers(today=date.today()) == 0  # idempotent


def test_the_period_counts_from_the_close_in_months(app_context):
    survey_round = released_round([who5(3)] * 6, **LONG_AGO)
    end = date(2022, 1, 22)  # 24 months, the default
    assert retention.delete_expired_answers(today=end) == 0
    assert retention.delete_expired_answers(today=end + timedelta(days=1)) == 1
    assert survey_round.raw_answers_deleted_on == end + timedelta(days=1)


def test_a_closed_round_nobody_released_keeps_its_answers_and_warns_officers(client_as):
    survey_round = closed_round([who5(3)] * 6, **LONG_AGO)
    assert retention.delete_expired_answers(today=date.today()) == 0
    assert survey_round.status == RoundStatus.CLOSED
    assert db.session.query(SurveyResponse).filter_by(round_id=survey_round.id).count() == 6
    db.session.commit()
    page = Page(client_as(Role.OFFICER).get(f"/surveys/rounds/{survey_round.id}/review"))
    assert "more than 24 months ago" in page.text


def test_results_say_the_raw_answers_are_gone(client_as):
    survey_round = released_round([who5(3)] * 6, **LONG_AGO)
    retention.delete_expired_answers(today=date.today())
    db.session.commit()
    client = client_as(Role.OFFICER)
    page = Page(client.get(f"/surveys/rounds/{survey_round.id}/results"))
    assert "raw answers were deleted" in page.text and "Mean score (0 to 100) 60.0" in page.text
    assert "deleted" in Page(client.get(f"/surveys/rounds/{survey_round.id}/free-text")).text
