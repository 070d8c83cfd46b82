"""Sixty members submitting at once on PostgreSQL: every response kept, none twice; a double submit refused.

Each submit is a real request from its own thread (its own app context, session and connection) through the
answering page and the after-request commit, started together by a barrier.
"""

import threading

import pytest
from sqlalchemy import func, select

from portal.accounts.models import Role
from portal.extensions import db
from portal.surveys import blocks
from portal.surveys.models import SurveyAnswer, SurveyInvitation, SurveyResponse
from tests.pages import redirect_path
from tests.surveys.factories import invite, make_round, make_template

MEMBERS = 60


@pytest.fixture
def postgres_only(backend):
    if backend != "postgresql":
        pytest.skip("concurrency of real transactions is tested on PostgreSQL")


def submit_all_at_once(app, survey_round, people) -> list[str]:
    """Each person submits from a thread of their own; returns where each was redirected."""
    form = {"action": "submit"}
    form.update({f"q{question.id}": "3" for question in survey_round.template.questions})
    barrier = threading.Barrier(len(people))
    outcomes: list[str] = [""] * len(people)
    login_ids = [person.get_id() for person in people]  # read here: the threads have no session of ours

    def submit(index: int, login_id: str) -> None:
        client = app.test_client()
        with client.session_transaction() as session:
            session["_user_id"], session["_fresh"] = login_id, True
        barrier.wait()
        response = client.post(f"/surveys/{survey_round.id}", data=form)
        outcomes[index] = redirect_path(response) or str(response.status_code)

    threads = [threading.Thread(target=submit, args=(i, login_id)) for i, login_id in enumerate(login_ids)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    return outcomes


def count(model) -> int:
    db.session.expire_all()
    return db.session.scalar(select(func.count()).select_from(model).where(model.round_id.is_not(None)))


def test_sixty_members_submitting_at_once_are_all_recorded_once(postgres_only, app_context, make_user):
    survey_round = make_round(make_template("who5"))
    members = [make_user(Role.COUNCILLOR) for _ in range(MEMBERS)]
    invite(survey_round, *members)
    db.session.commit()

    outcomes = submit_all_at_once(app_context, survey_round, members)

    assert outcomes == [f"/surveys/{survey_round.id}/thanks"] * MEMBERS
    assert count(SurveyResponse) == MEMBERS
    assert count(SurveyAnswer) == MEMBERS * len(blocks.WHO5.questions)
    answered = select(func.count()).where(SurveyInvitation.answered.is_(True))
    assert db.session.scalar(answered) == MEMBERS
    per_response = (
        select(SurveyAnswer.response_id, func.count()).group_by(SurveyAnswer.response_id).having(func.count() != 5)
    )
    assert db.session.execute(per_response).all() == []  # no response half written


def test_one_members_two_simultaneous_submits_make_one_response(postgres_only, app_context, make_user):
    survey_round = make_round(make_template("who5"))
    member = make_user(Role.COUNCILLOR)
    invite(survey_round, member)
    db.session.commit()

    outcomes = submit_all_at_once(app_context, survey_round, [member, member])

    assert sorted(outcomes) == sorted([f"/surveys/{survey_round.id}/thanks", f"/surveys/{survey_round.id}"])
    assert count(SurveyResponse) == 1
    assert count(SurveyAnswer) == len(blocks.WHO5.questions)
