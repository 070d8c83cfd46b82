"""A submitted response is written apart from the member, once."""

import pytest
from sqlalchemy import inspect

from portal.accounts.models import Role
from portal.extensions import db
from portal.surveys import store
from portal.surveys.models import SurveyAnswer, SurveyDraft, SurveyInvitation, SurveyResponse
from tests.surveys.factories import answer, invite, make_round, make_template

WHO5_ALL_MOST = {f"who5.{n}": 4 for n in range(1, 6)}


def test_a_response_holds_nothing_that_names_the_member(app_context):
    columns = {column.name for column in inspect(SurveyResponse).columns}
    assert columns == {"id", "round_id"}
    answer_columns = {column.name for column in inspect(SurveyAnswer).columns}
    assert not answer_columns & {"user_id", "invitation_id", "created_at", "submitted_at", "ip", "user_agent"}


def test_submitting_writes_the_answers_flips_the_flag_and_deletes_the_draft(app_context, make_user):
    member = make_user(Role.COUNCILLOR)
    survey_round = make_round(make_template("who5", "experience"))
    db.session.add(SurveyDraft(round_id=survey_round.id, user_id=member.id, answers={"x": 1}))
    answer(survey_round, member, {**WHO5_ALL_MOST, "exp.channels": [1, 3], "exp.experienced": 0})
    db.session.commit()

    response = db.session.query(SurveyResponse).one()
    assert len(response.id) == 32 and not response.id.isdigit()
    assert db.session.query(SurveyAnswer).count() == 5 + 2 + 1
    assert db.session.query(SurveyInvitation).one().answered is True
    assert db.session.query(SurveyDraft).count() == 0


def test_a_second_submit_is_refused_and_writes_nothing(app_context, make_user):
    member = make_user(Role.COUNCILLOR)
    survey_round = make_round(make_template("who5"))
    answer(survey_round, member, WHO5_ALL_MOST)
    db.session.commit()
    with pytest.raises(store.AlreadyAnswered):
        answer(survey_round, member, WHO5_ALL_MOST)
    db.session.rollback()
    assert db.session.query(SurveyResponse).count() == 1


def test_someone_never_invited_cannot_submit(app_context, make_user):
    survey_round = make_round(make_template("who5"))
    invite(survey_round, make_user(Role.COUNCILLOR))
    stranger = make_user(Role.COUNCILLOR)
    with pytest.raises(store.AlreadyAnswered):
        store.record_response(survey_round, stranger.id, {}, survey_round.template.questions)
