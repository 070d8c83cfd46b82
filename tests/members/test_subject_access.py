"""A member's copy of everything the portal holds about them: the page, the download, and nothing forgotten."""

import base64
import json
from datetime import date

import pytest
from sqlalchemy import select

from portal.accounts.models import AuditEvent, Role
from portal.extensions import db
from portal.members import services
from portal.members.references import USER_REFERENCES
from portal.surveys.models import SurveyAnswer, SurveyResponse
from tests.champions.photos import png
from tests.conftest import sign_in_as
from tests.members.factories import EMAIL, NAME, member_everywhere
from tests.pages import Page


def columns_pointing_at_people() -> set[str]:
    """Every "table.column" with a foreign key to users.id, read from the models' metadata."""
    return {
        f"{table.name}.{key.parent.name}"
        for table in db.metadata.sorted_tables
        for key in table.foreign_keys
        if key.column.table.name == "users" and key.column.name == "id"
    }


def test_every_column_that_points_at_a_person_is_in_the_export_and_the_removal(app_context):
    found = columns_pointing_at_people()
    assert len(found) > 15  # the walk really reads the models
    missing = found - USER_REFERENCES.keys()
    assert not missing, f"Add these to portal/members/references.py and to the export and removal: {missing}"
    assert not USER_REFERENCES.keys() - found, "references.py names a column that no longer points at users.id"


def test_every_section_named_in_the_references_is_in_the_export(app_context, make_user):
    data = services.personal_data(make_user(Role.COUNCILLOR))
    assert {reference.section for reference in USER_REFERENCES.values()} <= data.keys()


@pytest.fixture
def world(app_context, make_user):
    return member_everywhere(make_user)


def test_the_export_holds_the_member_in_every_section(world):
    data = services.personal_data(world.member, include_photo=True)
    for reference_name, reference in USER_REFERENCES.items():
        if reference.section != "work_records" and not reference_name.startswith("audit_events"):
            assert data[reference.section], f"{reference.section} is empty although {reference_name} has a row"
    account = data["account"]
    assert (account["name"], account["email"], account["ward"]) == (NAME, EMAIL, "Northgate")
    assert account["political_group"] == "Independent" and account["date_elected"] == date(2022, 5, 5)
    assert account["roles"] == ["champion", "councillor"]
    assert account["last_signed_in_at"] is not None and "password_hash" not in account


def test_the_export_shows_training_with_its_history_and_the_photo_in_full(world):
    data = services.personal_data(world.member, include_photo=True)
    (completion,) = data["training_completions"]
    assert completion["note"] == "Workshop in person"
    assert [change["action"] for change in completion["history"]] == ["recorded", "corrected"]
    assert completion["history"][1]["changed_by"] == "Oscar Officer"
    photo = data["champion_profile"]["photo"]
    assert base64.b64decode(photo["base64"]) == png()
    assert (photo["type"], photo["description"]) == ("image/png", "Margaret smiling")
    assert "base64" not in services.personal_data(world.member)["champion_profile"]["photo"]


def test_the_export_shows_newsletters_emails_and_their_bodies(world):
    data = services.personal_data(world.member)
    (newsletter,) = data["newsletters_received"]
    assert (newsletter["subject"], newsletter["delivery_status"], newsletter["address"]) == (
        "Staying safe at surgeries",
        "sent",
        EMAIL,
    )
    by_subject = {email["subject"]: email for email in data["emails"]}
    assert by_subject["Your training is due"]["status"] == "pending"
    assert "Dear Margaret Thistlewood" in by_subject["Your training is due"]["body_text"]
    assert by_subject["You have been invited to Councillor Support Hub"]["status"] == "sent"
    assert data["email_preferences"] == {"newsletters": True, "reminders": True, "safety_notices": True}


def test_the_export_shows_invitations_and_drafts_but_never_a_submitted_answer(world):
    data = services.personal_data(world.member)
    answered = {item["round"]: item["answered"] for item in data["survey_invitations"]}
    assert answered == {"Spring wellbeing survey": True, "Autumn wellbeing survey": False}
    (draft,) = data["survey_drafts"]
    assert draft["round"] == "Autumn wellbeing survey"
    assert draft["answers"][0]["answer"] == "Most of the time"  # the WHO-5 label, not the stored 4
    assert data["survey_responses"] == services.SURVEY_RESPONSES_NOTE
    download = services.as_json(data)
    for response_id in db.session.scalars(select(SurveyResponse.id)):
        assert response_id not in download
    for answer_id in db.session.scalars(select(SurveyAnswer.id)):
        assert answer_id not in download


def test_the_export_shows_what_they_own_and_the_audit_log_about_them(world):
    data = services.personal_data(world.member)
    assert [entry["name"] for entry in data["directory_entries"]] == ["Peer support circle"]
    (action,) = data["assessment_actions"]
    assert (action["assessment"], action["statement"], action["status"]) == ("2026/27", "1.1", "In progress")
    actions = {event["action"] for event in data["audit_events"]}
    assert {"account.invited", "champions.appointed", "champions.photo-changed"} <= actions
    assert {"Newsletter issue"} == {record["record"] for record in data["work_records"]}  # they wrote one


def test_an_officers_export_lists_the_records_of_their_work(world):
    records = services.personal_data(world.officer)["work_records"]
    parts = {(record["record"], record["your_part"]) for record in records}
    assert {
        ("Newsletter issue", "sender"),
        ("Survey round", "released the results"),
        ("Assessment", "started it"),
        ("Evidence attached", "attached it"),
        ("Training completion", "recorded it"),
        ("Training record history", "corrected"),
    } <= parts


def test_the_page_shows_the_member_their_data_and_says_why_survey_answers_are_not_there(world, client):
    sign_in_as(client, world.member)
    page = Page(client.get("/my-data"))
    assert page.status == 200 and page.heading == "Your data"
    assert NAME in page.text and EMAIL in page.text and "Northgate" in page.text
    assert "your submitted survey answers are stored without your name, so the portal cannot find them" in (
        page.text.lower()
    )
    assert "Autumn wellbeing survey" in page.text and "Most of the time" in page.text
    assert "Staying safe at surgeries" in page.text and "Peer support circle" in page.text
    assert "Held (image/png)" in page.text
    assert page.soup.select_one("main img") is None  # the photo is noted, not embedded
    assert base64.b64encode(png()).decode() not in page.soup.decode()
    assert page.soup.select_one("a[href='/my-data.json']") is not None


def test_the_download_is_a_dated_json_attachment_and_is_audited(world, client):
    sign_in_as(client, world.member)
    response = client.get("/my-data.json")
    assert response.status_code == 200 and response.mimetype == "application/json"
    assert response.headers["Content-Disposition"] == f'attachment; filename="my-data-{date.today().isoformat()}.json"'
    data = json.loads(response.get_data(as_text=True))
    assert data["account"]["email"] == EMAIL and data["account"]["date_elected"] == "2022-05-05"
    assert data["champion_profile"]["photo"]["base64"] == base64.b64encode(png()).decode()
    event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "members.data-downloaded"))
    assert event is not None and event.actor_id == world.member.id and event.target_id == str(world.member.id)


def test_someone_signed_out_is_sent_to_sign_in(client):
    for path in ("/my-data", "/my-data.json"):
        response = client.get(path)
        assert response.status_code == 302 and "/sign-in" in response.headers["Location"]
