from datetime import datetime

import pytest
from sqlalchemy import func, select

from portal.accounts import audit
from portal.accounts.models import AuditEvent, Role, User
from portal.extensions import db
from portal.outbox import worker
from tests.conftest import sign_in_as
from tests.factories import PASSWORD
from tests.pages import Page, emailed_link, links_in, outbox, path_of, redirect_path

NEW_PASSWORD = "lantern orchard gravel tugboat"
INVITE = {"name": "Nia Member", "email": "nia@council.example", "roles": ["councillor", "champion"]}


@pytest.fixture
def admin(client_as):
    return client_as(Role.ADMIN, name="Ada Admin")


def _user(email: str) -> User | None:
    return db.session.scalar(select(User).where(User.email == email))


def _user_count() -> int:
    return db.session.scalar(select(func.count()).select_from(User))


def _audit(action: str) -> list[AuditEvent]:
    return list(db.session.scalars(select(AuditEvent).where(AuditEvent.action == action)))


# Inviting someone


def test_an_admin_invites_someone_who_gets_an_account_without_a_password(admin):
    response = admin.post("/admin/users/invite", data=INVITE)

    nia = _user("nia@council.example")
    assert redirect_path(response) == f"/admin/users/{nia.id}"
    assert (nia.name, nia.has_password, nia.roles) == ("Nia Member", False, {Role.COUNCILLOR, Role.CHAMPION})
    [event] = _audit("account.invited")
    assert (event.actor, event.summary) == (admin.user, "Invited Nia Member (nia@council.example)")
    assert [message.to_address for message in outbox()] == ["nia@council.example"]
    page = Page(admin.get(redirect_path(response)))
    assert "Invitation sent to nia@council.example" in page.notification
    assert "Invited, no password set yet" in page.text


def test_the_invitation_email_really_leaves_with_a_working_link(admin, mail_catcher):
    admin.post("/admin/users/invite", data=INVITE)

    result = worker.drain()

    assert result.sent == 1
    [email] = mail_catcher.wait_for(1)
    assert email["Subject"] == "You have been invited to Councillor Support Hub"
    assert email["To"] == "nia@council.example"
    text, html = email.get_body(("plain",)).get_content(), email.get_body(("html",)).get_content()
    [link] = links_in(text)
    assert path_of(link).startswith("/invitation/")
    assert f'href="{link}"' in html
    assert Page(admin.get(path_of(link))).heading == "Welcome, Nia Member"


def test_the_invited_person_sets_a_password_and_signs_in(admin, app_context, mail_catcher):
    admin.post("/admin/users/invite", data=INVITE)
    worker.drain()
    link = path_of(links_in(mail_catcher.wait_for(1)[0].get_body(("plain",)).get_content())[0])
    nia = app_context.test_client()

    assert redirect_path(nia.post(link, data={"password": NEW_PASSWORD, "confirm": NEW_PASSWORD})) == "/sign-in"

    assert nia.get(link).status_code == 410
    signed_in = nia.post("/sign-in", data={"email": "nia@council.example", "password": NEW_PASSWORD})
    assert redirect_path(signed_in) == "/"
    assert Page(nia.get("/")).heading == "Hello, Nia Member"


def test_inviting_an_existing_email_is_refused_beside_the_email_keeping_what_was_typed(admin, make_user):
    make_user(email="nia@council.example")
    count = _user_count()

    response = admin.post("/admin/users/invite", data={**INVITE, "email": "NIA@council.example"})

    page = Page(response)
    assert response.status_code == 422
    assert page.field_error("email") == "An account with this email address already exists"
    assert page.error_summary == ["An account with this email address already exists"]
    assert (page.value("name"), page.value("email")) == ("Nia Member", "NIA@council.example")
    assert page.checked("roles") == {"councillor", "champion"}
    assert _user_count() == count
    assert outbox() == []
    assert _audit("account.invited") == []


def test_an_empty_invitation_is_explained_beside_each_field(admin):
    response = admin.post("/admin/users/invite", data={"name": " ", "email": ""})

    page = Page(response)
    assert response.status_code == 422
    assert page.title.startswith("Error: Invite someone")
    assert page.field_error("name") == "Enter the person's full name"
    assert page.field_error("email") == "Enter the person's email address"
    assert page.field_error("roles") == "Select at least one role"
    assert len(page.error_summary) == 3
    assert outbox() == []


def test_an_invitation_with_a_malformed_email_or_unknown_role_is_refused(admin):
    page = Page(admin.post("/admin/users/invite", data={**INVITE, "email": "nia at council", "roles": ["overlord"]}))

    assert page.status == 422
    assert page.field_error("email") == "Enter an email address in the correct format, like name@example.com"
    assert page.field_error("roles") is not None
    assert _user("nia at council") is None


# People and roles


def test_the_people_page_lists_everyone_with_their_roles_and_status(admin, make_user):
    make_user(Role.COUNCILLOR, Role.CHAMPION, name="Priya Patel", email="priya@council.example")
    make_user(Role.OFFICER, name="Olu Officer", email="olu@council.example", active=False)

    rows = Page(admin.get("/admin/users")).table_rows()

    assert rows == [
        ["Ada Admin", admin.user.email, "Admin", "Active"],
        ["Olu Officer", "olu@council.example", "Officer", "Deactivated"],
        ["Priya Patel", "priya@council.example", "Champion, Councillor", "Active"],
    ]


def test_the_people_page_searches(admin, make_user):
    make_user(name="Priya Patel", email="priya@council.example")

    rows = Page(admin.get("/admin/users", query_string={"q": "patel"})).table_rows()

    assert [row[0] for row in rows] == ["Priya Patel"]


def test_an_admin_changes_someones_roles_and_the_audit_log_keeps_before_and_after(admin, make_user):
    person = make_user(Role.COUNCILLOR)

    response = admin.post(f"/admin/users/{person.id}", data={"roles": ["councillor", "champion"]})

    assert redirect_path(response) == f"/admin/users/{person.id}"
    assert db.session.get(User, person.id).roles == {Role.COUNCILLOR, Role.CHAMPION}
    [event] = _audit("account.roles-changed")
    assert (event.actor, event.detail) == (admin.user, {"before": ["councillor"], "after": ["champion", "councillor"]})
    assert Page(admin.get(f"/admin/users/{person.id}")).checked("roles") == {"councillor", "champion"}


def test_an_admin_cannot_remove_their_own_admin_role(admin, make_user):
    make_user(Role.ADMIN)

    response = admin.post(f"/admin/users/{admin.user.id}", data={"roles": ["officer"]})

    page = Page(response)
    assert response.status_code == 422
    assert page.field_error("roles") == "You cannot remove your own admin role"
    assert db.session.get(User, admin.user.id).roles == {Role.ADMIN}
    assert _audit("account.roles-changed") == []


def test_saving_no_roles_is_refused(admin, make_user):
    person = make_user(Role.OFFICER)

    page = Page(admin.post(f"/admin/users/{person.id}", data={}))

    assert page.status == 422
    assert page.field_error("roles") == "Select at least one role"
    assert db.session.get(User, person.id).roles == {Role.OFFICER}


def test_a_missing_person_is_not_found(admin):
    assert admin.get("/admin/users/987654").status_code == 404
    assert admin.post("/admin/users/987654/deactivate").status_code == 404


# Deactivating and reactivating


def test_deactivating_signs_the_person_out_at_once(admin, app_context, make_user):
    person = make_user(Role.COUNCILLOR, email="kim@council.example")
    their_browser = app_context.test_client()
    sign_in_as(their_browser, person)
    assert their_browser.get("/").status_code == 200

    response = admin.post(f"/admin/users/{person.id}/deactivate")

    assert redirect_path(response) == f"/admin/users/{person.id}"
    assert "kim@council.example can no longer sign in" in Page(admin.get(redirect_path(response))).notification
    assert redirect_path(their_browser.get("/")) == "/sign-in"
    assert their_browser.post("/sign-in", data={"email": person.email, "password": PASSWORD}).status_code == 422
    assert [event.actor for event in _audit("account.deactivated")] == [admin.user]


def test_reactivating_lets_the_person_sign_in_again(admin, app_context, make_user):
    person = make_user(Role.COUNCILLOR, email="kim@council.example", active=False)

    response = admin.post(f"/admin/users/{person.id}/reactivate")

    assert redirect_path(response) == f"/admin/users/{person.id}"
    signed_in = app_context.test_client().post("/sign-in", data={"email": person.email, "password": PASSWORD})
    assert redirect_path(signed_in) == "/"
    assert len(_audit("account.reactivated")) == 1


def test_an_admin_cannot_deactivate_themselves(admin):
    response = admin.post(f"/admin/users/{admin.user.id}/deactivate")

    page = Page(response)
    assert response.status_code == 422
    assert page.error_summary == ["You cannot deactivate your own account"]
    assert db.session.get(User, admin.user.id).active
    assert admin.get("/admin/users").status_code == 200


def test_resending_an_invitation_replaces_the_earlier_link(admin):
    admin.post("/admin/users/invite", data=INVITE)
    nia = _user("nia@council.example")
    first_link = path_of(emailed_link(nia.email))

    response = admin.post(f"/admin/users/{nia.id}/resend-invitation")

    assert redirect_path(response) == f"/admin/users/{nia.id}"
    second_link = path_of(emailed_link(nia.email))
    assert second_link != first_link
    assert admin.get(first_link).status_code == 410
    assert Page(admin.get(second_link)).heading == "Welcome, Nia Member"
    assert len(_audit("account.invitation-resent")) == 1


def test_no_invitation_is_resent_to_someone_who_has_a_password(admin, make_user):
    person = make_user()

    page = Page(admin.post(f"/admin/users/{person.id}/resend-invitation"))

    assert page.status == 422
    assert page.error_summary == ["This person has already set a password"]
    assert outbox() == []


# The audit log


def test_the_audit_log_lists_who_did_what_and_when_newest_first(admin, make_user):
    olu = make_user(Role.OFFICER, name="Olu Officer")
    for when, actor, summary in [
        (datetime(2026, 3, 2, 9, 5), olu, "Opened the spring survey"),
        (datetime(2026, 11, 28, 14, 5), admin.user, "Changed the council settings"),
        (datetime(2026, 6, 15, 23, 30), None, "Sent 40 reminders"),
    ]:
        audit.record(actor, "test.event", summary).occurred_at = when
    db.session.commit()

    page = Page(admin.get("/admin/audit-log"))

    assert page.heading == "Audit log"
    assert page.table_rows() == [
        ["28 November 2026 at 2:05pm", "Ada Admin", "Changed the council settings"],
        ["16 June 2026 at 12:30am", "The system", "Sent 40 reminders"],
        ["2 March 2026 at 9:05am", "Olu Officer", "Opened the spring survey"],
    ]


def test_the_audit_log_records_changes_made_through_the_pages(admin, make_user):
    person = make_user(Role.COUNCILLOR, email="kim@council.example")
    admin.post(f"/admin/users/{person.id}", data={"roles": ["officer"]})
    admin.post(f"/admin/users/{person.id}/deactivate")

    rows = Page(admin.get("/admin/audit-log")).table_rows()

    assert [row[1:] for row in rows] == [
        ["Ada Admin", "Deactivated kim@council.example"],
        ["Ada Admin", "Changed the roles of kim@council.example"],
    ]
