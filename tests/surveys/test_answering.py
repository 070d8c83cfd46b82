"""Members answer: the statement comes first, drafts save and come back, errors keep answers, submit once."""

import pytest
from sqlalchemy import select

from portal.accounts.models import AuditEvent, Role
from portal.extensions import db
from portal.surveys import answering, blocks
from portal.surveys.answer_forms import answer_form
from portal.surveys.models import (
    QuestionKind,
    RoundStatus,
    SurveyAnswer,
    SurveyDraft,
    SurveyInvitation,
    SurveyQuestion,
    SurveyResponse,
)
from portal.surveys.rounds import close_round, council_today
from tests.pages import Page, redirect_path
from tests.surveys.factories import invite, make_round, make_template

WHO5_KEYS = blocks.WHO5_KEYS


@pytest.fixture
def survey(app_context):
    """An open round of WHO-5, one attribute, and a free-text question of our own."""
    template = make_template("who5", attributes={"Independent councillor": ["Yes", "No"]})
    template.questions.append(
        SurveyQuestion(position=99, key="own.comments", kind=QuestionKind.FREE_TEXT, text="Anything else to tell us?")
    )
    db.session.flush()
    return make_round(template, title="Autumn wellbeing survey", anonymity_threshold=6, free_text_threshold=12)


def question(survey_round, key: str) -> SurveyQuestion:
    return next(q for q in survey_round.template.questions if q.key == key)


def name_of(survey_round, key: str) -> str:
    return f"q{question(survey_round, key).id}"


def who5_answers(survey_round, value: int = 4) -> dict:
    return {name_of(survey_round, key): str(value) for key in WHO5_KEYS}


@pytest.fixture
def member_client(client, make_user, survey):
    from tests.conftest import sign_in_as

    member = make_user(Role.COUNCILLOR)
    invite(survey, member)
    db.session.commit()
    sign_in_as(client, member)
    client.user = member
    return client


def test_the_statement_of_who_sees_what_comes_before_the_first_question(member_client, survey):
    page = Page(member_client.get(f"/surveys/{survey.id}"))
    assert page.status == 200
    statement = page.soup.find(id="who-sees-what")
    first_question = page.soup.find("fieldset")
    assert statement is not None and statement.find_next("fieldset") is first_question
    words = " ".join(statement.get_text().split())
    assert "Officers see only anonymised totals" in words and "after the survey has closed" in words
    assert "at least 6 people answered" in words
    assert "at least 12 people answered" in words and "redact" in words
    assert "cannot be traced to you" in words and "without your name" in words and "no time" in words
    assert blocks.WHO5.source in page.text


def test_questions_are_shown_by_kind_in_order(member_client, survey):
    page = Page(member_client.get(f"/surveys/{survey.id}"))
    first = name_of(survey, "who5.1")
    labels = [label.get_text(strip=True) for label in page.soup.select(f"input[name={first}] + label")]
    assert labels == blocks.FREQUENCY_OPTIONS
    values = [box["value"] for box in page.soup.select(f"input[name={first}]")]
    assert values == ["0", "1", "2", "3", "4", "5"]
    attribute = name_of(survey, "attr.independent_councillor")
    assert [label.get_text(strip=True) for label in page.soup.select(f"input[name={attribute}] + label")][-1] == (
        "Prefer not to say"
    )
    assert "(optional)" in page.soup.find(id=attribute).find_parent("fieldset").legend.get_text()
    assert page.soup.find("textarea", attrs={"name": name_of(survey, "own.comments")}) is not None
    buttons = [button.get_text(strip=True) for button in page.soup.select("form button[name=action]")]
    assert buttons == ["Submit answers", "Save and come back later"]


def test_a_draft_saves_and_comes_back_and_is_the_members_alone(member_client, survey, make_user):
    answers = {name_of(survey, "who5.1"): "2", name_of(survey, "own.comments"): "Long evenings", "action": "save"}
    response = member_client.post(f"/surveys/{survey.id}", data=answers)
    assert redirect_path(response) == f"/surveys/{survey.id}"
    assert db.session.query(SurveyResponse).count() == 0  # required questions unanswered, yet saved
    assert db.session.scalar(select(SurveyInvitation.answered)) is False

    page = Page(member_client.get(f"/surveys/{survey.id}"))
    assert page.checked(name_of(survey, "who5.1")) == {"2"}
    assert page.soup.find("textarea", attrs={"name": name_of(survey, "own.comments")}).get_text() == "Long evenings"
    assert "Draft saved" in Page(member_client.get("/surveys")).text

    other = make_user(Role.COUNCILLOR)
    invite(survey, other)
    assert answering.saved_answers(survey, other) == {}


def test_the_form_kept_for_members_without_a_draft_never_shows_another_members_draft(member_client, survey, make_user):
    from tests.conftest import sign_in_as

    first, other = member_client.user, make_user(Role.COUNCILLOR)
    invite(survey, other)
    db.session.commit()
    url, who5_first = f"/surveys/{survey.id}", name_of(survey, "who5.1")
    sign_in_as(member_client, other)
    assert Page(member_client.get(url)).checked(who5_first) == set()  # the blank form, now kept

    sign_in_as(member_client, first)
    member_client.post(url, data={who5_first: "2", "action": "save"})
    assert Page(member_client.get(url)).checked(who5_first) == {"2"}

    sign_in_as(member_client, other)
    blank = Page(member_client.get(url))
    assert blank.checked(who5_first) == set()
    assert len(blank.soup.select(f"input[name={who5_first}]")) == len(blocks.WHO5.questions[0].options)


def test_submitting_with_required_questions_missing_shows_errors_and_keeps_answers(member_client, survey):
    answers = {**who5_answers(survey), name_of(survey, "own.comments"): "Kept text", "action": "submit"}
    del answers[name_of(survey, "who5.3")]
    page = Page(member_client.post(f"/surveys/{survey.id}", data=answers))
    assert page.status == 422
    assert page.error_summary == ["Select an answer to question 3"]
    assert page.field_error(name_of(survey, "who5.3")) == "Select an answer to question 3"
    assert page.checked(name_of(survey, "who5.1")) == {"4"}
    assert "Kept text" in page.soup.find("textarea").get_text()
    assert db.session.query(SurveyResponse).count() == 0


def test_free_text_over_the_limit_is_refused(member_client, survey):
    answers = {**who5_answers(survey), name_of(survey, "own.comments"): "x" * 2001, "action": "submit"}
    page = Page(member_client.post(f"/surveys/{survey.id}", data=answers))
    assert page.status == 422
    assert "2,000 characters" in page.field_error(name_of(survey, "own.comments"))


def test_an_answer_that_was_not_offered_is_refused(member_client, survey):
    answers = {**who5_answers(survey), name_of(survey, "who5.2"): "9", "action": "save"}
    page = Page(member_client.post(f"/surveys/{survey.id}", data=answers))
    assert page.status == 422
    assert db.session.query(SurveyDraft).count() == 0


def test_submitting_records_once_and_says_thank_you(member_client, survey):
    attribute = name_of(survey, "attr.independent_councillor")
    answers = {**who5_answers(survey, 3), attribute: "2", "action": "submit"}
    member_client.post(f"/surveys/{survey.id}", data={**answers, "action": "save"})
    response = member_client.post(f"/surveys/{survey.id}", data=answers)
    assert redirect_path(response) == f"/surveys/{survey.id}/thanks"
    assert "Thank you" in Page(member_client.get(f"/surveys/{survey.id}/thanks")).heading

    assert db.session.query(SurveyResponse).count() == 1
    numbers = db.session.scalars(select(SurveyAnswer.number).where(SurveyAnswer.number.is_not(None))).all()
    assert sorted(numbers) == [3] * 5
    assert db.session.scalar(select(SurveyAnswer.option_index).where(SurveyAnswer.option_index.is_not(None))) == 2
    assert db.session.scalar(select(SurveyInvitation.answered)) is True
    assert db.session.query(SurveyDraft).count() == 0
    assert db.session.query(AuditEvent).count() == 0  # nothing in the audit trail names who submitted

    page = Page(member_client.get(f"/surveys/{survey.id}"))
    assert "You have already answered" in page.text
    assert page.soup.find("form", attrs={"method": "post", "novalidate": True}) is None
    assert "Answered" in Page(member_client.get("/surveys")).text


def test_a_second_submit_is_refused_with_a_message(member_client, survey):
    answers = {**who5_answers(survey), "action": "submit"}
    member_client.post(f"/surveys/{survey.id}", data=answers)
    # A second tab still showing the form posts again.
    response = member_client.post(f"/surveys/{survey.id}", data=answers)
    assert response.status_code == 200
    assert "You have already answered" in Page(response).text
    assert db.session.query(SurveyResponse).count() == 1


def test_a_submit_racing_past_the_page_check_is_refused_by_the_service(survey, make_user):
    member = make_user(Role.COUNCILLOR)
    invite(survey, member)
    values = {question(survey, key).id: 4 for key in WHO5_KEYS}
    answering.submit(survey, member, values)
    with pytest.raises(answering.AlreadyAnswered):
        answering.submit(survey, member, values)


def test_a_closed_round_takes_no_answers(survey, make_user):
    member = make_user(Role.COUNCILLOR)
    invite(survey, member)
    close_round(survey, council_today())
    with pytest.raises(answering.RoundNotOpen):
        answering.submit(survey, member, {})


def test_rounds_not_open_or_not_invited_are_not_found(client_as, survey, make_user):
    client = client_as(Role.COUNCILLOR)
    assert client.get(f"/surveys/{survey.id}").status_code == 404  # open, but not invited
    assert client.post(f"/surveys/{survey.id}", data={"action": "submit"}).status_code == 404
    scheduled = make_round(survey.template, RoundStatus.SCHEDULED)
    invite(scheduled, client.user)
    db.session.commit()
    assert client.get(f"/surveys/{scheduled.id}").status_code == 404
    assert client.get("/surveys/999999").status_code == 404


def test_the_surveys_page_lists_open_invitations_and_released_summaries(member_client, survey):
    released = make_round(survey.template, RoundStatus.RELEASED, title="Spring wellbeing survey")
    db.session.commit()
    page = Page(member_client.get("/surveys"))
    assert page.table_rows()[0][0] == "Autumn wellbeing survey" and page.table_rows()[0][2] == "Not started"
    summary_link = page.soup.select_one("#released-rounds a")
    assert summary_link["href"] == f"/surveys/{released.id}/summary"


def test_the_form_reads_values_in_the_stores_formats(app_context, survey):
    from werkzeug.datastructures import MultiDict

    questions = list(survey.template.questions)
    attribute = question(survey, "attr.independent_councillor")
    data = MultiDict({**who5_answers(survey, 0), f"q{attribute.id}": "1"})
    with app_context.test_request_context(method="POST", data=data):
        form = answer_form(questions, submitting=True)
        assert form.validate()
        values = form.answers()
    assert values[attribute.id] == 1
    assert [values[question(survey, key).id] for key in WHO5_KEYS] == [0] * 5
    assert question(survey, "own.comments").id not in values
