"""Each anonymity rule, attacked the way a curious officer or database reader would, through the real app.

Every test tries to link an answer to a member or reveal a small group's answers, and must fail to.
"""

import csv
import io
import logging
from datetime import date

import pytest
from sqlalchemy import Date, DateTime, inspect, select, text
from sqlalchemy.exc import OperationalError

from portal.accounts.models import AuditEvent, Role
from portal.extensions import db
from portal.surveys.models import (
    QuestionKind,
    RoundStatus,
    SurveyAnswer,
    SurveyInvitation,
    SurveyQuestion,
    SurveyResponse,
)
from tests.pages import Page
from tests.surveys.factories import answer, invite, make_round, make_template
from tests.surveys.results_factories import later, members, released_round, who5

INDEPENDENT, PARTY, PREFER_NOT = 0, 1, 2


def _template_with_free_text():
    template = make_template("who5", attributes={"Group": ["Independent", "Party member"]})
    template.questions.append(SurveyQuestion(position=99, key="who", kind=QuestionKind.FREE_TEXT, text="Who are you?"))
    db.session.flush()
    return template


def _results_and_exports(client, survey_round, by: int | None = None) -> str:
    """Everything an officer can read about a round: the page (broken down or not), the CSV and the xlsx."""
    query = f"?by={by}" if by else ""
    page = Page(client.get(f"/surveys/rounds/{survey_round.id}/results{query}")).text
    csv_text = client.get(f"/surveys/rounds/{survey_round.id}/results.csv").get_data().decode("utf-8-sig")
    return page + "\n" + csv_text


def _attribute_id(survey_round) -> int:
    return next(q.id for q in survey_round.template.questions if q.is_attribute)


# ---- linking a response to an invitation --------------------------------------------------------------


def test_response_ids_do_not_follow_the_order_of_submission_or_of_invitations(app_context):
    """Attack: sort responses by id and pair them with invitations sorted by id."""
    survey_round = make_round(_template_with_free_text())
    people = members(40)
    for number, member in enumerate(people):
        answer(survey_round, member, {**who5(3), "who": f"member {number}"})
    db.session.commit()

    texts = db.session.execute(
        select(SurveyAnswer.text)
        .join(SurveyResponse, SurveyResponse.id == SurveyAnswer.response_id)
        .where(SurveyAnswer.text.is_not(None))
        .order_by(SurveyResponse.id)
    ).scalars()
    by_id_order = [int(value.split()[1]) for value in texts]
    assert sorted(by_id_order) == list(range(40))
    assert by_id_order != list(range(40))  # ids are random: their order is not the submission order
    invitation_order = [
        people.index(next(p for p in people if p.id == user_id))
        for user_id in db.session.scalars(select(SurveyInvitation.user_id).order_by(SurveyInvitation.id))
    ]
    assert by_id_order != invitation_order
    ids = db.session.scalars(select(SurveyResponse.id)).all()
    assert all(len(value) == 32 and not value.isdigit() for value in ids)


def test_there_is_no_hidden_row_number_to_order_responses_by(app_context, backend):
    """Attack: SQLite's rowid records insertion order in an ordinary table."""
    if backend != "sqlite":
        pytest.skip("rowid is SQLite's; PostgreSQL has no row number column")
    survey_round = make_round(make_template("who5"))
    answer(survey_round, members(1)[0], who5(3))
    db.session.commit()
    for table in ("survey_responses", "survey_answers"):
        with pytest.raises(OperationalError):
            db.session.execute(text(f"SELECT rowid FROM {table}"))  # noqa: S608 (two fixed names)
        db.session.rollback()


def test_no_time_is_kept_on_responses_answers_or_the_invitations_answered_flag(app_context):
    """Attack: match the time of a response with a member's visit or the time they were marked answered."""
    for model in (SurveyResponse, SurveyAnswer, SurveyInvitation):
        timed = [column.name for column in inspect(model).columns if isinstance(column.type, DateTime | Date)]
        assert timed == [], f"{model.__name__} keeps a time: {timed}"
    assert {column.name for column in inspect(SurveyInvitation).columns} == {
        "id",
        "round_id",
        "user_id",
        "answered",
        "reminders_sent",
    }


# ---- the logs -----------------------------------------------------------------------------------------


def _submit_through_the_answer_page(client, survey_round):
    form = {f"q{q.id}": "3" for q in survey_round.template.questions if q.key.startswith("who5.")}
    return client.post(f"/surveys/{survey_round.id}", data={**form, "action": "submit"})


def test_the_application_log_and_audit_trail_say_nothing_of_a_submit(client_as, caplog):
    """Attack: read the logs and the audit trail for who submitted (needs part B's answer page)."""
    survey_round = make_round(make_template("who5"))
    client = client_as(Role.COUNCILLOR, name="Alice Unmistakable", email="alice.unmistakable@council.example")
    invite(survey_round, client.user)
    db.session.commit()
    audit_before = db.session.scalar(select(db.func.count()).select_from(AuditEvent))

    caplog.set_level(logging.DEBUG)
    response = _submit_through_the_answer_page(client, survey_round)
    assert response.status_code == 302
    assert db.session.scalar(select(db.func.count()).select_from(SurveyResponse)) == 1

    response_id = db.session.scalar(select(SurveyResponse.id))
    member_marks = {"Alice Unmistakable", "alice.unmistakable@council.example", f"user {client.user.id}"}
    for record in caplog.records:
        message = record.getMessage()
        assert response_id not in message
        assert not any(mark in message for mark in member_marks), message
    assert db.session.scalar(select(db.func.count()).select_from(AuditEvent)) == audit_before


# ---- breakdowns ---------------------------------------------------------------------------------------


def test_a_breakdown_cannot_isolate_one_member(client_as):
    """Attack: break the results down by an attribute only one member chose."""
    client = client_as(Role.OFFICER)
    answer_sets = [{**who5(5), "attr.group": INDEPENDENT}]  # the lone independent, score 100
    answer_sets += [{**who5(2), "attr.group": PARTY}] * 10 + [{**who5(2), "attr.group": PREFER_NOT}] * 5
    survey_round = released_round(answer_sets)
    db.session.commit()
    seen = _results_and_exports(client, survey_round, by=_attribute_id(survey_round))
    assert "Independent Not shown: fewer than 5 in this group" in seen
    page = Page(client.get(f"/surveys/rounds/{survey_round.id}/results?by={_attribute_id(survey_round)}"))
    headers = [cell.get_text(strip=True) for cell in page.soup.select("thead th")]
    assert "Independent" not in headers  # no column of figures for the group of one
    rows = list(csv.reader(io.StringIO(seen.split("\n", 1)[1])))
    independent = [row for row in rows if row[0] == "Group" and row[1] == "Independent"]
    assert [row[2:4] for row in independent] == [["Responses", "Not shown: fewer than 5 in this group"]]


def test_subtracting_a_breakdown_from_the_total_reveals_no_small_group(client_as):
    """Attack: total minus the shown group = the one member left (no left-out group to hide in)."""
    client = client_as(Role.OFFICER)
    answer_sets = [{**who5(5), "attr.group": INDEPENDENT}]
    answer_sets += [{**who5(2), "attr.group": PARTY}] * 12
    survey_round = released_round(answer_sets)
    db.session.commit()
    seen = _results_and_exports(client, survey_round, by=_attribute_id(survey_round))
    page = Page(client.get(f"/surveys/rounds/{survey_round.id}/results?by={_attribute_id(survey_round)}"))
    groups = dict(page.table_rows()[:2])
    assert groups["Party member"].startswith("Not shown")  # 13 - 12 would be the lone independent
    assert "40.0" not in page.text  # the party members' mean, which would give the independent's by subtraction
    rows = list(csv.reader(io.StringIO(seen.split("\n", 1)[1])))
    assert not [row for row in rows if row[0] == "Group" and row[2] != "Responses"]


def test_subtracting_from_the_total_cannot_reveal_those_who_preferred_not_to_say(client_as):
    """Attack: total minus both groups = the two who preferred not to say."""
    client = client_as(Role.OFFICER)
    answer_sets = [{**who5(5), "attr.group": PREFER_NOT}] * 2
    answer_sets += [{**who5(2), "attr.group": PARTY}] * 12 + [{**who5(3), "attr.group": INDEPENDENT}] * 6
    survey_round = released_round(answer_sets)
    db.session.commit()
    page = Page(client.get(f"/surveys/rounds/{survey_round.id}/results?by={_attribute_id(survey_round)}"))
    groups = dict(page.table_rows()[:2])
    assert groups["Independent"].startswith("Not shown") and groups["Party member"] == "12"


def test_comparing_two_rounds_that_differ_by_one_member_is_refused(client_as):
    """Attack: one independent joined between rounds; compare the independents' figures round to round."""
    client = client_as(Role.OFFICER)
    template = make_template("who5", attributes={"Group": ["Independent", "Party member"]})
    others = [{**who5(2), "attr.group": PARTY}] * 10 + [{**who5(2), "attr.group": PREFER_NOT}] * 5
    released_round(others + [{**who5(3), "attr.group": INDEPENDENT}] * 6, template=template, title="Spring")
    second = released_round(
        others + [{**who5(3), "attr.group": INDEPENDENT}] * 6 + [{**who5(5), "attr.group": INDEPENDENT}],
        template=template,
        title="Autumn",
        **later(180),
    )
    db.session.commit()
    page = Page(client.get(f"/surveys/rounds/{second.id}/results?by={_attribute_id(second)}"))
    assert dict(page.table_rows()[:2])["Independent"].startswith("Not shown: its size changed")
    trend = Page(client.get("/surveys/trends?key=who5&by=attr.group"))
    independent_column = [row[1] for row in trend.table_rows()]
    assert independent_column == ["Not shown", "Not shown"]


# ---- watching an open round ---------------------------------------------------------------------------


def test_watching_the_response_count_during_an_open_round_shows_only_the_daily_snapshot(client_as):
    """Attack: reload the round page right after a member submits (needs part B's round page)."""
    survey_round = make_round(make_template("who5"))
    people = members(8)
    invite(survey_round, *people)
    for member in people[:6]:
        answer(survey_round, member, who5(3))
    survey_round.response_count_snapshot, survey_round.response_count_snapshot_on = 6, date.today()
    db.session.commit()
    officer = client_as(Role.OFFICER)
    before = Page(officer.get(f"/surveys/rounds/{survey_round.id}")).soup.find(id="response-rate").get_text()
    answer(survey_round, people[6], who5(1))
    db.session.commit()
    after = Page(officer.get(f"/surveys/rounds/{survey_round.id}")).soup.find(id="response-rate").get_text()
    assert before == after


@pytest.mark.parametrize("status", [RoundStatus.OPEN, RoundStatus.CLOSED])
def test_no_question_figures_before_release_anywhere(client_as, status):
    """Attack: ask for results, exports, free text or the summary of an open or unreleased round."""
    survey_round = make_round(make_template("who5"))
    for member in members(6):
        answer(survey_round, member, who5(3))
    survey_round.status = status
    db.session.commit()
    officer = client_as(Role.OFFICER)
    for suffix in ("/results", "/results.csv", "/results.xlsx", "/free-text"):
        assert officer.get(f"/surveys/rounds/{survey_round.id}{suffix}").status_code == 404
    assert officer.get(f"/surveys/{survey_round.id}/summary").status_code == 404
    trends = Page(officer.get("/surveys/trends"))
    assert "WHO-5" in trends.text  # the choice is offered, but the round is not in any trend:
    assert officer.get("/surveys/trends?key=who5.1").status_code == 404
