"""Removing a departed member's personal data: nothing of them left, every anonymised figure unchanged."""

import pytest
from sqlalchemy import func, select

from portal.accounts import services
from portal.accounts.models import AuditEvent, Role, User
from portal.directory.models import ReviewReminder, Service
from portal.extensions import db
from portal.members import removal
from portal.newsletters.models import Recipient
from portal.outbox.models import OutboxMessage
from portal.selfassessment.models import Action, AttachedEvidence
from portal.surveys.models import SurveyDraft, SurveyInvitation, SurveyRound
from portal.training.models import Completion, CompletionChange, ReminderSent
from tests.conftest import sign_in_as
from tests.members.database import figures, rows_of, where_text_appears
from tests.members.factories import EMAIL, NAME, member_everywhere, profile_of
from tests.pages import Page

ANONYMOUS_TABLES = ("survey_responses", "survey_answers", "survey_aggregates")


def count(model, *conditions) -> int:
    return db.session.scalar(select(func.count()).select_from(model).where(*conditions))


@pytest.fixture
def world(app_context, make_user):
    return member_everywhere(make_user)


def remove(world) -> removal.RemovalReport:
    report = removal.remove_personal_data(world.member, by=world.admin)
    db.session.commit()
    db.session.expire_all()
    return report


def test_the_member_is_named_everywhere_before_the_removal(world):
    # The check below must be able to fail: before removal the name and email are all over the database.
    places = where_text_appears(NAME, EMAIL)
    for place in ("users.name", "audit_events.summary", "outbox_messages.body_text", "newsletter_recipients.email"):
        assert place in places
    assert "assessment_evidence.value" in places


def test_after_removal_neither_name_nor_email_is_anywhere_in_the_database(world):
    remove(world)
    assert where_text_appears(NAME, EMAIL) == []


def test_survey_results_and_self_assessment_totals_do_not_change(world):
    before = {table: rows_of(table) for table in ANONYMOUS_TABLES}
    totals_before = figures(world.assessment)
    invited_before = {row.id: row.invited_count for row in db.session.scalars(select(SurveyRound))}
    remove(world)
    assert {table: rows_of(table) for table in ANONYMOUS_TABLES} == before
    assert before["survey_responses"] and before["survey_aggregates"]
    assert figures(world.assessment) == totals_before
    assert {row.id: row.invited_count for row in db.session.scalars(select(SurveyRound))} == invited_before


def test_the_account_becomes_a_former_member_who_cannot_sign_in(world):
    stamp = world.member.security_stamp
    report = remove(world)
    person = db.session.get(User, world.member.id)
    assert report.placeholder == person.name == f"Former member {person.id}"
    assert person.email == f"removed-{person.id}@invalid"
    assert person.password_hash is None and not person.active and person.security_stamp != stamp
    assert (person.ward, person.political_group, person.date_elected, person.last_signed_in_at) == (None,) * 4
    assert person.roles == set()


def test_rows_about_the_person_are_deleted_and_the_councils_rows_lose_their_owner(world):
    member_id, completion_id = world.member.id, world.completion.id
    remove(world)
    assert profile_of(world.member) is None
    for model, column in (
        (Completion, Completion.user_id),
        (ReminderSent, ReminderSent.user_id),
        (SurveyInvitation, SurveyInvitation.user_id),
        (SurveyDraft, SurveyDraft.user_id),
        (ReviewReminder, ReviewReminder.owner_id),
    ):
        assert count(model, column == member_id) == 0, model.__name__
    assert count(CompletionChange, CompletionChange.completion_id == completion_id) == 0
    assert db.session.get(Service, world.service.id).owner_id is None
    action = db.session.scalar(select(Action))
    assert action.what == "Run a personal safety briefing" and action.owner_id is None


def test_mail_waiting_is_cancelled_and_sent_mail_keeps_no_address_or_body(world):
    report = remove(world)
    assert report.emails_deleted == 1
    assert count(OutboxMessage, OutboxMessage.subject == "Your training is due") == 0
    invitation = db.session.scalar(select(OutboxMessage).where(OutboxMessage.subject.like("You have been invited%")))
    assert invitation.status == "sent" and invitation.to_address == f"removed-{world.member.id}@invalid"
    assert invitation.body_text == removal.REMOVED_EMAIL_BODY
    (recipient,) = db.session.scalars(select(Recipient).where(Recipient.issue_id == world.issue.id)).all()
    assert (recipient.email, recipient.name) == (f"removed-{world.member.id}@invalid", "")


def test_the_audit_log_keeps_every_entry_now_naming_the_former_member(world):
    before = count(AuditEvent)
    appointed = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "champions.appointed"))
    remove(world)
    assert count(AuditEvent) == before + 1
    appointed = db.session.get(AuditEvent, appointed.id)
    assert appointed.summary == f"Appointed Former member {world.member.id} as Councillor Safety Champion"
    event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "members.personal-data-removed"))
    assert event.actor_id == world.admin.id and event.target_id == str(world.member.id)
    assert event.summary == f"Removed the personal data of Former member {world.member.id}"
    figure = db.session.scalar(select(AttachedEvidence))
    assert figure.value == f"1 appointed: Former member {world.member.id}"


def test_a_namesake_keeps_their_name_and_the_name_is_left_in_text(world, make_user):
    namesake = make_user(Role.COUNCILLOR, name=NAME.upper(), email="other.margaret@council.example")
    report = remove(world)
    assert report.name_left_in_text
    assert db.session.get(User, namesake.id).name == NAME.upper()
    assert where_text_appears(EMAIL) == []


def test_an_admin_cannot_remove_their_own_data_nor_the_last_active_admin(app_context, make_user):
    admin = make_user(Role.ADMIN)
    with pytest.raises(removal.RemovalRefused, match="your own"):
        removal.remove_personal_data(admin, by=admin)
    officer = make_user(Role.OFFICER)
    with pytest.raises(removal.RemovalRefused, match="at least one active admin"):
        removal.remove_personal_data(admin, by=officer)
    second = make_user(Role.ADMIN)
    removal.remove_personal_data(admin, by=second)
    with pytest.raises(removal.RemovalRefused, match="already been removed"):
        removal.remove_personal_data(admin, by=second)


# ---- the pages ------------------------------------------------------------------------------------------


def url(user) -> str:
    return f"/admin/users/{user.id}/remove-personal-data"


def test_the_admins_person_page_links_to_the_removal(world, client):
    sign_in_as(client, world.admin)
    page = Page(client.get(f"/admin/users/{world.member.id}"))
    assert page.soup.select_one(f"a[href='{url(world.member)}']").get_text(strip=True) == "Remove personal data"


def test_an_admin_confirms_and_the_data_is_removed(world, client):
    sign_in_as(client, world.admin)
    page = Page(client.get(url(world.member)))
    assert page.status == 200 and page.heading == f"Remove the personal data of {NAME}?"
    assert f"Former member {world.member.id}" in page.text
    response = client.post(url(world.member))
    assert response.status_code == 302 and response.headers["Location"] == f"/admin/users/{world.member.id}"
    page = Page(client.get(f"/admin/users/{world.member.id}"))
    assert f"Personal data removed: this account is now Former member {world.member.id}" in page.text
    db.session.expire_all()
    assert where_text_appears(NAME, EMAIL) == []


def test_a_refusal_is_explained_and_changes_nothing(world, client):
    sign_in_as(client, world.admin)
    page = Page(client.get(url(world.admin)))
    assert page.status == 200 and page.error_summary == ["You cannot remove your own personal data: ask another admin"]
    assert page.soup.select_one("main form") is None
    page = Page(client.post(url(world.admin)))
    assert page.status == 422 and "ask another admin" in page.error_summary[0]
    db.session.expire_all()
    assert db.session.get(User, world.admin.id).name == "Ada Admin"


@pytest.mark.parametrize("role", [Role.OFFICER, Role.COUNCILLOR, Role.CHAMPION])
def test_only_admins_reach_the_removal(world, client_as, role):
    client = client_as(role)
    assert client.get(url(world.member)).status_code == 403
    assert client.post(url(world.member)).status_code == 403
    db.session.expire_all()
    assert db.session.get(User, world.member.id).name == NAME


def test_the_removed_members_session_stops_working(world, client):
    sign_in_as(client, world.member)
    assert client.get("/my-data").status_code == 200
    remove(world)
    response = client.get("/my-data")
    assert response.status_code == 302 and "/sign-in" in response.headers["Location"]


def test_a_former_members_account_cannot_be_reactivated_or_sent_an_invitation(world):
    remove(world)
    former = db.session.get(User, world.member.id)
    admin = world.admin
    messages_before = count(OutboxMessage)

    for attempt in (
        lambda: services.set_active(former, True, by=admin),
        lambda: services.resend_invitation(former, by=admin),
    ):
        with pytest.raises(services.AccountError, match="invite them as a new account"):
            attempt()
    assert former.active is False
    assert count(OutboxMessage) == messages_before
