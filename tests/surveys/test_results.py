"""Release freezes figures by GROUP BY; reading them back follows every suppression rule."""

import pytest
from sqlalchemy import select

from portal.accounts.models import AuditEvent, Role
from portal.extensions import db
from portal.surveys import results
from portal.surveys.models import RoundStatus, SurveyAggregate
from tests.surveys.factories import make_round, make_template
from tests.surveys.results_factories import closed_round, later, released_round, who5

INDEPENDENT, PARTY, PREFER_NOT = 0, 1, 2


def _aggregates(survey_round, metric, question_id=None, attribute=None) -> dict[str, int]:
    query = select(SurveyAggregate.value, SurveyAggregate.count).where(
        SurveyAggregate.round_id == survey_round.id,
        SurveyAggregate.metric == metric,
        SurveyAggregate.question_id.is_(None) if question_id is None else SurveyAggregate.question_id == question_id,
        SurveyAggregate.attribute_option.is_(None)
        if attribute is None
        else SurveyAggregate.attribute_option == attribute,
    )
    return dict(db.session.execute(query).tuples().all())


def _question(survey_round, key):
    return next(q for q in survey_round.template.questions if q.key == key)


def test_release_stores_counts_scores_and_cross_tabs(app_context, make_user):
    officer = make_user(Role.OFFICER)
    answers = [
        {**who5(2), "exp.know_support": 4, "exp.channels": [0, 1], "attr.group": INDEPENDENT},
        {**who5(3), "exp.know_support": 5, "exp.channels": [1], "attr.group": INDEPENDENT},
        {**who5(3), "exp.know_support": 2, "attr.group": PARTY},
        {"who5.1": 5, "exp.know_support": 4},  # WHO-5 incomplete: no score
    ]
    survey_round = closed_round(answers)
    results.release(survey_round, by=officer)

    assert survey_round.status == RoundStatus.RELEASED and survey_round.released_by_id == officer.id
    assert survey_round.released_at is not None
    assert _aggregates(survey_round, "responses") == {"": 4}
    assert _aggregates(survey_round, "who5_score") == {"40": 1, "60": 2}
    know = _question(survey_round, "exp.know_support")
    assert _aggregates(survey_round, "number", know.id) == {"2": 1, "4": 2, "5": 1}
    assert _aggregates(survey_round, "answers", know.id) == {"": 4}
    channels = _question(survey_round, "exp.channels")
    assert _aggregates(survey_round, "option", channels.id) == {"0": 1, "1": 2}
    assert _aggregates(survey_round, "answers", channels.id) == {"": 2}  # respondents, not ticks
    # Cross-tabs: the independents' answers, their WHO-5 scores and the group's size.
    assert _aggregates(survey_round, "number", know.id, INDEPENDENT) == {"4": 1, "5": 1}
    assert _aggregates(survey_round, "who5_score", None, INDEPENDENT) == {"40": 1, "60": 1}
    assert _aggregates(survey_round, "responses", None, INDEPENDENT) == {"": 2}
    assert _aggregates(survey_round, "responses", None, PARTY) == {"": 1}
    event = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "survey.released")).one()
    assert event.actor_id == officer.id


@pytest.mark.parametrize("status", [RoundStatus.SCHEDULED, RoundStatus.OPEN, RoundStatus.RELEASED])
def test_only_a_closed_round_can_be_released(app_context, make_user, status):
    survey_round = make_round(make_template("who5"), status)
    with pytest.raises(results.ReleaseError):
        results.release(survey_round, by=make_user(Role.OFFICER))
    assert db.session.query(SurveyAggregate).count() == 0


def test_results_of_an_unreleased_round_are_refused(app_context):
    survey_round = closed_round([who5(3)] * 6)
    with pytest.raises(results.ReleaseError):
        results.round_results(survey_round)


def test_who5_mean_and_share_at_or_below_50(app_context):
    survey_round = released_round([who5(2)] * 2 + [who5(3)] * 3 + [who5(5)] * 1)  # 40, 40, 60, 60, 60, 100
    found = results.round_results(survey_round)
    assert found.who5.scores == 6
    assert found.who5.mean == pytest.approx(60)
    assert found.who5.low_share == pytest.approx(100 * 2 / 6)


def test_a_round_with_fewer_than_k_responses_shows_nothing(app_context):
    survey_round = released_round([who5(3)] * 4)
    found = results.round_results(survey_round)
    assert not found.shows_figures
    assert found.who5 is None and all(result.distribution is None for result in found.questions)


def test_a_question_answered_by_fewer_than_k_is_not_shown(app_context):
    survey_round = released_round([{**who5(3), "exp.know_support": 4}] * 4 + [who5(3)] * 4)
    found = results.round_results(survey_round)
    by_key = {result.question.key: result for result in found.questions}
    assert by_key["exp.know_support"].distribution is None
    assert by_key["who5.1"].distribution.answers == 8


def test_a_breakdown_hides_a_group_of_one_and_the_next_smallest(app_context):
    answer_sets = (
        [{**who5(3), "attr.group": INDEPENDENT}] * 1
        + [{**who5(2), "attr.group": PARTY}] * 12
        + [{**who5(4), "attr.group": PREFER_NOT}] * 0
    )
    survey_round = released_round(answer_sets + [{**who5(3)}] * 0)
    found = results.breakdown(survey_round, _question(survey_round, "attr.group"))
    assert [group.shown for group in found.groups] == [False, False]  # party hidden too: 13 - 12 = 1
    assert all(cell is None for cell in found.who5.values())


def test_a_breakdown_shows_groups_when_the_left_out_group_is_big_enough(app_context):
    answer_sets = (
        [{**who5(3), "attr.group": INDEPENDENT}] * 6
        + [{**who5(2), "attr.group": PARTY}] * 7
        + [{**who5(4), "attr.group": PREFER_NOT}] * 3
        + [who5(4)] * 2
    )
    survey_round = released_round(answer_sets)
    found = results.breakdown(survey_round, _question(survey_round, "attr.group"))
    assert [(group.label, group.size) for group in found.groups] == [("Independent", 6), ("Party member", 7)]
    assert found.who5[INDEPENDENT].mean == pytest.approx(60)


def test_a_left_out_group_under_k_hides_the_smallest_group(app_context):
    answer_sets = (
        [{**who5(3), "attr.group": INDEPENDENT}] * 6
        + [{**who5(2), "attr.group": PARTY}] * 9
        + [{**who5(4), "attr.group": PREFER_NOT}] * 2
    )
    survey_round = released_round(answer_sets)
    found = results.breakdown(survey_round, _question(survey_round, "attr.group"))
    assert [group.shown for group in found.groups] == [False, True]


def test_a_group_that_changed_by_one_since_the_previous_round_is_refused(app_context):
    first = [{**who5(3), "attr.group": INDEPENDENT}] * 6 + [{**who5(2), "attr.group": PARTY}] * 10
    first += [{**who5(3), "attr.group": PREFER_NOT}] * 5
    released_round(first)
    second = [{**who5(3), "attr.group": INDEPENDENT}] * 7 + [{**who5(2), "attr.group": PARTY}] * 10
    second += [{**who5(3), "attr.group": PREFER_NOT}] * 5
    survey_round = released_round(second, **later(200))
    found = results.breakdown(survey_round, _question(survey_round, "attr.group"))
    shown = {group.label: group.shown for group in found.groups}
    assert shown == {"Independent": False, "Party member": True}
    assert found.compared_with is not None


def test_summary_gives_the_share_who_know_where_to_get_support(app_context):
    answer_sets = [{**who5(3), "exp.know_support": 5}] * 3 + [{**who5(2), "exp.know_support": 2}] * 3
    survey_round = released_round(answer_sets, invited_extra=4)
    found = results.summary(survey_round)
    assert found.know_support == pytest.approx(50)
    assert found.rate == pytest.approx(60)
    assert found.who5.low_share == pytest.approx(50)


def test_the_overall_trend_skips_rounds_under_k(app_context):
    template = make_template("who5", "experience", attributes={"Group": ["Independent", "Party member"]})
    released_round([who5(3)] * 6, template=template)
    released_round([who5(2)] * 3, template=template, **later(100))
    released_round([who5(4)] * 5, template=template, **later(200))
    found = results.trend(results.WHO5_KEY)
    assert [point.shown for point in found.points] == [True, False, True]
    assert [point.figure.mean for point in found.shown_points] == [pytest.approx(60), pytest.approx(80)]


def test_a_trend_breakdown_refuses_a_group_that_differs_by_one_from_the_round_beside_it(app_context):
    template = make_template("who5", attributes={"Group": ["Independent", "Party member"]})
    base = [{**who5(2), "attr.group": PARTY}] * 10 + [{**who5(2), "attr.group": PREFER_NOT}] * 5
    released_round(base + [{**who5(3), "attr.group": INDEPENDENT}] * 6, template=template)
    released_round(base + [{**who5(3), "attr.group": INDEPENDENT}] * 7, template=template, **later(100))
    found = results.trend("who5.1", "attr.group")
    assert [point.groups["Independent"] for point in found.points] == [None, None]
    assert all(point.groups["Party member"] is not None for point in found.points)


def test_free_text_shows_only_above_its_threshold_and_redaction_is_for_good(app_context, make_user):
    template = make_template("who5")
    from portal.surveys.models import QuestionKind, SurveyQuestion

    template.questions.append(
        SurveyQuestion(position=99, key="comments", kind=QuestionKind.FREE_TEXT, text="Anything else?")
    )
    db.session.flush()
    survey_round = released_round(
        [{**who5(3), "comments": f"comment {n}"} for n in range(10)], template=template, free_text_threshold=10
    )
    (item,) = results.free_text(survey_round)
    assert item.shown and sorted(answer.text for answer in item.answers) == sorted(f"comment {n}" for n in range(10))
    officer = make_user(Role.OFFICER)
    results.redact(survey_round, item.answers[0].id, by=officer)
    db.session.flush()
    (item,) = results.free_text(survey_round)
    assert sum(answer.redacted for answer in item.answers) == 1
    assert "" in [answer.text for answer in item.answers]
    event = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "survey.free_text_redacted")).one()
    assert "comment" not in str(event.detail) + event.summary


def test_free_text_under_its_threshold_is_not_shown(app_context):
    template = make_template("who5")
    from portal.surveys.models import QuestionKind, SurveyQuestion

    template.questions.append(
        SurveyQuestion(position=99, key="comments", kind=QuestionKind.FREE_TEXT, text="Anything else?")
    )
    db.session.flush()
    survey_round = released_round(
        [{**who5(3), "comments": f"comment {n}"} for n in range(9)] + [who5(3)] * 3, template=template
    )
    (item,) = results.free_text(survey_round)
    assert not item.shown and item.answers == []
