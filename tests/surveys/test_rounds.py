"""Officers set up rounds and schedules; thresholds never drop below the settings and freeze when a round opens."""

from datetime import timedelta

import pytest
from sqlalchemy import select

from portal.accounts.models import AuditEvent, Role
from portal.extensions import db
from portal.settings.services import current_settings
from portal.surveys import jobs, rounds
from portal.surveys.models import RoundStatus, SurveyDraft, SurveyRound, SurveySchedule
from portal.surveys.rounds import RoundError, RoundInput, council_today
from tests.pages import Page, redirect_path
from tests.surveys.factories import answer, invite, make_round, make_template

TODAY = council_today()
WHO5 = {f"who5.{n}": 3 for n in range(1, 6)}


def round_input(template, **changes) -> RoundInput:
    values = {
        "template_id": template.id,
        "title": "Spring survey",
        "opens_on": TODAY,
        "closes_on": TODAY + timedelta(days=21),
        "reminder_days": [7, 2],
        "anonymity_threshold": 5,
        "free_text_threshold": 10,
    }
    return RoundInput(**{**values, **changes})


@pytest.fixture
def officer(make_user):
    return make_user(Role.OFFICER)


def test_a_round_is_created_scheduled_with_an_audit_entry(officer):
    survey_round = rounds.create_round(round_input(make_template("who5")), by=officer)
    assert survey_round.status == RoundStatus.SCHEDULED
    assert survey_round.reminder_days == [7, 2]
    assert db.session.scalar(select(AuditEvent.action)) == "survey_round.created"


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"opens_on": TODAY - timedelta(days=1)}, "opens_on"),
        ({"closes_on": TODAY}, "closes_on"),
        ({"reminder_days": [21]}, "reminder_days"),
        ({"anonymity_threshold": 2}, "anonymity_threshold"),
        ({"anonymity_threshold": 4}, "anonymity_threshold"),  # below the council's 5
        ({"free_text_threshold": 9}, "free_text_threshold"),  # below the council's 10
        ({"anonymity_threshold": 12, "free_text_threshold": 11}, "free_text_threshold"),  # below K
    ],
)
def test_bad_rounds_are_refused_naming_the_field(officer, changes, field):
    with pytest.raises(RoundError) as refusal:
        rounds.create_round(round_input(make_template("who5"), **changes), by=officer)
    assert refusal.value.field == field
    assert db.session.query(SurveyRound).count() == 0


def test_an_archived_template_cannot_start_a_round(officer):
    with pytest.raises(RoundError):
        rounds.create_round(round_input(make_template("who5", archived=True)), by=officer)


def test_thresholds_follow_the_council_settings_floor(officer):
    current_settings().anonymity_threshold, current_settings().free_text_threshold = 7, 12
    with pytest.raises(RoundError):
        rounds.check_thresholds(6, 12)
    rounds.check_thresholds(7, 12)
    assert rounds.default_thresholds() == (7, 12)


def test_thresholds_may_rise_while_scheduled_but_nothing_changes_once_open(officer):
    template = make_template("who5")
    survey_round = rounds.create_round(round_input(template), by=officer)
    rounds.update_round(survey_round, round_input(template, anonymity_threshold=8, free_text_threshold=12), by=officer)
    assert survey_round.anonymity_threshold == 8
    survey_round.status = RoundStatus.OPEN
    with pytest.raises(RoundError, match="has opened"):
        rounds.update_round(survey_round, round_input(template, anonymity_threshold=5), by=officer)
    assert survey_round.anonymity_threshold == 8


def test_reminder_days_are_read_as_people_type_them():
    assert rounds.parse_reminder_days("2, 7,7 ") == [7, 2]
    assert rounds.parse_reminder_days("") == []
    with pytest.raises(RoundError):
        rounds.parse_reminder_days("seven")


def test_closing_early_counts_and_deletes_drafts(officer, make_user):
    survey_round = make_round(make_template("who5"), closes_on=TODAY + timedelta(days=5))
    first, second = make_user(Role.COUNCILLOR), make_user(Role.COUNCILLOR)
    answer(survey_round, first, WHO5)
    invite(survey_round, second)
    db.session.add(SurveyDraft(round_id=survey_round.id, user_id=second.id, answers={}))
    rounds.close_early(survey_round, by=officer)
    assert (survey_round.status, survey_round.response_count, survey_round.closes_on) == ("closed", 1, TODAY)
    assert db.session.query(SurveyDraft).count() == 0
    with pytest.raises(RoundError):
        rounds.close_early(survey_round, by=officer)


def test_only_a_scheduled_round_can_be_cancelled(officer):
    template = make_template("who5")
    scheduled = rounds.create_round(round_input(template), by=officer)
    rounds.cancel_round(scheduled, by=officer)
    assert db.session.get(SurveyRound, scheduled.id) is None
    with pytest.raises(RoundError):
        rounds.cancel_round(make_round(template), by=officer)


# ---- pages -----------------------------------------------------------------------------------------------


def date_fields(prefix: str, day) -> dict:
    return {prefix: [str(day.day), str(day.month), str(day.year)]}


def test_an_officer_sets_up_a_round_through_the_form(client_as):
    client = client_as(Role.OFFICER)
    template = make_template("who5", name="Wellbeing")
    db.session.commit()
    page = Page(client.get("/surveys/rounds/new"))
    assert page.value("anonymity_threshold") == "5" and page.value("free_text_threshold") == "10"
    form = {
        "template_id": str(template.id),
        "title": "Spring survey",
        **date_fields("opens_on", TODAY + timedelta(days=1)),
        **date_fields("closes_on", TODAY + timedelta(days=22)),
        "reminder_days": "7, 2",
        "anonymity_threshold": "6",
        "free_text_threshold": "10",
    }
    response = client.post("/surveys/rounds/new", data=form)
    survey_round = db.session.scalar(select(SurveyRound))
    assert redirect_path(response) == f"/surveys/rounds/{survey_round.id}"
    assert survey_round.anonymity_threshold == 6
    listing = Page(client.get("/surveys/rounds"))
    assert "Spring survey" in listing.text


def test_a_threshold_below_the_settings_is_refused_beside_the_field_keeping_what_was_typed(client_as):
    client = client_as(Role.OFFICER)
    template = make_template("who5")
    db.session.commit()
    form = {
        "template_id": str(template.id),
        "title": "Spring survey",
        **date_fields("opens_on", TODAY),
        **date_fields("closes_on", TODAY + timedelta(days=10)),
        "reminder_days": "7",
        "anonymity_threshold": "3",
        "free_text_threshold": "10",
    }
    page = Page(client.post("/surveys/rounds/new", data=form))
    assert page.status == 422
    assert "5 or more" in page.field_error("anonymity_threshold")
    assert page.error_summary and page.value("title") == "Spring survey"
    assert db.session.query(SurveyRound).count() == 0


def test_changing_an_open_round_is_refused_with_a_message(client_as):
    client = client_as(Role.OFFICER)
    survey_round = make_round(make_template("who5"))
    db.session.commit()
    response = client.post(f"/surveys/rounds/{survey_round.id}/edit", data={"anonymity_threshold": "3"})
    assert redirect_path(response) == f"/surveys/rounds/{survey_round.id}"
    assert "has opened" in Page(client.get(redirect_path(response))).notification


def test_the_open_round_page_shows_the_snapshot_and_fewer_than_k(client_as, make_user):
    client = client_as(Role.OFFICER)
    survey_round = make_round(make_template("who5"), anonymity_threshold=3, free_text_threshold=10)
    members = [make_user(Role.COUNCILLOR) for _ in range(4)]
    invite(survey_round, *members)
    answer(survey_round, members[0], WHO5)
    snapshot_day = TODAY - timedelta(days=1)
    jobs.refresh_response_counts(today=snapshot_day)
    db.session.commit()

    rate = Page(client.get(f"/surveys/rounds/{survey_round.id}")).soup.find(id="response-rate")
    shown = " ".join(rate.get_text().split())
    assert shown == f"Fewer than 3 of 4 invited members had answered, as of {snapshot_day.day} {snapshot_day:%B %Y}."

    for member in members[1:]:
        answer(survey_round, member, WHO5)
    db.session.commit()
    rate = Page(client.get(f"/surveys/rounds/{survey_round.id}")).soup.find(id="response-rate")
    assert "Fewer than 3" in rate.get_text()  # the live count is 4: the page still shows yesterday's snapshot

    jobs.refresh_response_counts(today=TODAY)
    db.session.commit()
    rate = Page(client.get(f"/surveys/rounds/{survey_round.id}")).soup.find(id="response-rate")
    assert "4 of 4 invited members (100%)" in rate.get_text()


def test_closing_early_asks_first_then_closes(client_as):
    client = client_as(Role.OFFICER)
    survey_round = make_round(make_template("who5"))
    db.session.commit()
    assert "Close" in Page(client.get(f"/surveys/rounds/{survey_round.id}/close")).heading
    assert survey_round.status == RoundStatus.OPEN
    response = client.post(f"/surveys/rounds/{survey_round.id}/close")
    assert redirect_path(response) == "/surveys/rounds"
    db.session.refresh(survey_round)
    assert survey_round.status == RoundStatus.CLOSED


def test_schedules_are_listed_created_and_changed(client_as):
    client = client_as(Role.OFFICER)
    template = make_template("who5")
    db.session.commit()
    form = {
        "template_id": str(template.id),
        "title": "Member wellbeing",
        "interval_months": "3",
        "open_days": "21",
        "reminder_days": "7",
        **date_fields("next_opens_on", TODAY + timedelta(days=30)),
        "active": "y",
    }
    assert redirect_path(client.post("/surveys/schedules/new", data=form)) == "/surveys/schedules"
    schedule = db.session.scalar(select(SurveySchedule))
    assert (schedule.interval_months, schedule.reminder_days, schedule.active) == (3, [7], True)
    response = client.post(
        f"/surveys/schedules/{schedule.id}/edit", data={**form, "open_days": "5", "reminder_days": "9"}
    )
    assert response.status_code == 422
    assert Page(response).field_error("reminder_days")
    assert "Member wellbeing" in Page(client.get("/surveys/schedules")).text


def test_officer_pages_are_for_officers(client_as):
    client = client_as(Role.COUNCILLOR)
    assert client.get("/surveys/rounds").status_code == 403
    assert client.get("/surveys/schedules").status_code == 403


@pytest.mark.parametrize("status", list(RoundStatus))
def test_a_rounds_page_offers_what_its_status_allows(client_as, status):
    client = client_as(Role.OFFICER)
    survey_round = make_round(make_template("who5"), status, opens_on=TODAY + timedelta(days=1))
    db.session.commit()
    page = Page(client.get(f"/surveys/rounds/{survey_round.id}"))
    assert page.status == 200
    links = {link["href"] for link in page.soup.select("main a")}
    expected = {
        RoundStatus.SCHEDULED: f"/surveys/rounds/{survey_round.id}/cancel",
        RoundStatus.OPEN: f"/surveys/rounds/{survey_round.id}/close",
        RoundStatus.CLOSED: f"/surveys/rounds/{survey_round.id}/review",
        RoundStatus.RELEASED: f"/surveys/rounds/{survey_round.id}/results",
    }
    assert expected[status] in links
    assert (page.soup.find(id="response-rate") is not None) == (status == RoundStatus.OPEN)


def test_a_scheduled_round_can_be_changed_and_cancelled_through_its_pages(client_as):
    client = client_as(Role.OFFICER)
    survey_round = make_round(make_template("who5"), RoundStatus.SCHEDULED, opens_on=TODAY + timedelta(days=1))
    db.session.commit()
    assert Page(client.get(f"/surveys/rounds/{survey_round.id}/edit")).value("title") == "Wellbeing survey"
    assert "Cancel" in Page(client.get(f"/surveys/rounds/{survey_round.id}/cancel")).heading
    assert redirect_path(client.post(f"/surveys/rounds/{survey_round.id}/cancel")) == "/surveys/rounds"
    assert db.session.query(SurveyRound).count() == 0
