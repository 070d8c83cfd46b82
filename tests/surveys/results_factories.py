"""Closed and released rounds with many members' answers, for the results tests."""

import itertools
from datetime import date, timedelta

from portal.accounts.models import Role, User, UserRole
from portal.extensions import db
from portal.surveys import results
from portal.surveys.models import RoundStatus, SurveyRound
from tests.surveys.factories import answer, make_round, make_template

_numbers = itertools.count(1)
TEMPLATE_ATTRIBUTES = {"Group": ["Independent", "Party member"]}


def who5(score_per_item: int) -> dict[str, int]:
    """WHO-5 answers scoring `score_per_item` × 5 × 4 (so 2 gives 40, 3 gives 60)."""
    return {f"who5.{n}": score_per_item for n in range(1, 6)}


def members(count: int) -> list[User]:
    """Councillors without passwords (quick to make in bulk)."""
    people = []
    for _ in range(count):
        number = next(_numbers)
        people.append(
            User(
                name=f"Member {number}",
                email=f"member{number}@council.example",
                role_rows=[UserRole(role=Role.COUNCILLOR.value)],
            )
        )
    db.session.add_all(people)
    db.session.flush()
    return people


def closed_round(answer_sets: list[dict], template=None, invited_extra: int = 0, **fields) -> SurveyRound:
    """A round every one of whose `answer_sets` was submitted by a different member, then closed."""
    template = template or make_template("who5", "experience", attributes=TEMPLATE_ATTRIBUTES)
    survey_round = make_round(template, RoundStatus.OPEN, **fields)
    for member, by_key in zip(members(len(answer_sets)), answer_sets, strict=True):
        answer(survey_round, member, by_key)
    survey_round.invited_count += invited_extra
    survey_round.status = RoundStatus.CLOSED
    survey_round.response_count = len(answer_sets)
    db.session.flush()
    return survey_round


def released_round(answer_sets: list[dict], template=None, by: User | None = None, **fields) -> SurveyRound:
    survey_round = closed_round(answer_sets, template, **fields)
    results.release(survey_round, by=by or members(1)[0])
    db.session.flush()
    return survey_round


def later(days: int) -> dict:
    """Round dates `days` after the usual ones, for a second round."""
    opens_on = date.today() - timedelta(days=7) + timedelta(days=days)
    return {"opens_on": opens_on, "closes_on": opens_on + timedelta(days=21)}
