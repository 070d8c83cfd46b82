"""The release's GROUP BY queries give exactly the counts a plain count of every answer gives.

The release is written for speed (a few GROUP BYs joined to each response's attribute answers); this checks
it against a straightforward computation in Python over the raw answer rows, on a varied round: two
attributes (some members skip them or prefer not to say), multiple choice with none, one or several ticks,
incomplete WHO-5, free text, and a second round whose answers must not leak in. Speed itself is measured by
bench/survey_results.py, not here.
"""

import random
from collections import Counter

from sqlalchemy import select

from portal.extensions import db
from portal.surveys import blocks, results
from portal.surveys.models import QuestionKind, SurveyAggregate, SurveyAnswer, SurveyQuestion, SurveyResponse
from tests.surveys.factories import make_template
from tests.surveys.results_factories import closed_round, later, members

ATTRIBUTES = {"Group": ["Largest party", "Other party", "Independent"], "Role": ["Cabinet", "Backbench"]}


def _template():
    template = make_template("who5", "ons4", "experience", attributes=ATTRIBUTES)
    template.questions.append(
        SurveyQuestion(position=99, key="comments", kind=QuestionKind.FREE_TEXT, text="Anything else?")
    )
    db.session.flush()
    return template


def _random_answers(template, rng: random.Random, count: int) -> list[dict]:
    answer_sets = []
    for _ in range(count):
        by_key = {}
        for question in template.questions:
            if rng.random() < 0.15 and not question.key.startswith("who5"):
                continue  # skipped
            kind = QuestionKind(question.kind)
            if question.key.startswith("who5") and rng.random() < 0.05:
                continue  # an incomplete WHO-5: no score
            if kind is QuestionKind.FREE_TEXT:
                by_key[question.key] = rng.choice(["Fine", "Busy", "Too many emails"])
            elif kind is QuestionKind.MULTIPLE_CHOICE:
                by_key[question.key] = rng.sample(range(len(question.options)), rng.randint(0, 3))
            elif kind is QuestionKind.SINGLE_CHOICE:
                by_key[question.key] = rng.randrange(len(question.options))
            elif kind is QuestionKind.AGREEMENT:
                by_key[question.key] = rng.randint(1, 5)
            elif kind is QuestionKind.SCALE:
                by_key[question.key] = rng.randint(0, 10)
            else:
                by_key[question.key] = rng.randint(0, 5)
        answer_sets.append(by_key)
    return answer_sets


def _expected(survey_round) -> Counter:
    """Every aggregate, counted one answer at a time."""
    questions = {question.id: question for question in survey_round.template.questions}
    who5_ids = {qid for qid, question in questions.items() if question.key in blocks.WHO5_KEYS}
    by_response: dict[str, list[SurveyAnswer]] = {
        response_id: []
        for response_id in db.session.scalars(select(SurveyResponse.id).filter_by(round_id=survey_round.id))
    }
    for row in db.session.scalars(select(SurveyAnswer).filter_by(round_id=survey_round.id)):
        by_response[row.response_id].append(row)

    counts: Counter = Counter()
    for rows in by_response.values():
        scopes = [(None, None)] + [
            (row.question_id, row.option_index) for row in rows if questions[row.question_id].is_attribute
        ]
        who5_rows = [row for row in rows if row.question_id in who5_ids]
        score = sum(row.number for row in who5_rows) * 4 if len(who5_rows) == 5 else None
        for attribute_id, attribute_option in scopes:
            counts[("responses", None, "", attribute_id, attribute_option)] += 1
            if score is not None:
                counts[("who5_score", None, str(score), attribute_id, attribute_option)] += 1
            answered = {row.question_id for row in rows if row.question_id != attribute_id}
            for question_id in answered:
                counts[("answers", question_id, "", attribute_id, attribute_option)] += 1
            for row in rows:
                if row.question_id == attribute_id or (row.option_index is None and row.number is None):
                    continue
                metric, value = ("option", row.option_index) if row.option_index is not None else ("number", row.number)
                counts[(metric, row.question_id, str(value), attribute_id, attribute_option)] += 1
    return counts


def _released(survey_round) -> Counter:
    query = select(
        SurveyAggregate.metric,
        SurveyAggregate.question_id,
        SurveyAggregate.value,
        SurveyAggregate.attribute_question_id,
        SurveyAggregate.attribute_option,
        SurveyAggregate.count,
    ).where(SurveyAggregate.round_id == survey_round.id)
    found: Counter = Counter()
    for *key, count in db.session.execute(query):
        assert count > 0, key
        assert tuple(key) not in found, f"{key} stored twice"
        found[tuple(key)] = count
    return found


def test_release_counts_exactly_what_a_plain_count_of_every_answer_gives(app_context):
    template = _template()
    rng = random.Random(6)
    survey_round = closed_round(_random_answers(template, rng, 45), template)
    other = closed_round(_random_answers(template, rng, 12), template, **later(40))
    db.session.query(SurveyAnswer).filter_by(round_id=survey_round.id, text="Busy").update({"redacted": True})

    results.release(survey_round, by=members(1)[0])
    db.session.flush()

    expected = _expected(survey_round)
    assert _released(survey_round) == expected
    # The dataset exercised every family, overall and by both attributes.
    metrics = {(metric, attribute_id is not None) for metric, _, _, attribute_id, _ in expected}
    assert metrics == {
        (metric, broken_down)
        for metric in ("responses", "answers", "option", "number", "who5_score")
        for broken_down in (False, True)
    }
    assert not _released(other)


def test_release_of_a_round_without_attributes_or_who5(app_context):
    template = make_template("experience")
    survey_round = closed_round(_random_answers(template, random.Random(7), 8), template)
    results.release(survey_round, by=members(1)[0])
    db.session.flush()
    assert _released(survey_round) == _expected(survey_round)
