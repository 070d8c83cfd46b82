from urllib.parse import quote

import pytest
from sqlalchemy import select

from portal.accounts import services
from portal.accounts.models import AuditEvent, Role, User
from portal.extensions import db
from tests.conftest import sign_in_as
from tests.factories import PASSWORD
from tests.pages import Page, emailed_link, outbox, path_of, redirect_path

NEW_PASSWORD = "lantern orchard gravel tugboat"
SIGN_IN_FAILED = "Enter a correct email address and password"


def _sign_in(client, email: str, password: str = PASSWORD, query: str = ""):
    return client.post(f"/sign-in{query}", data={"email": email, "password": password})


def _new_password(client, path: str, password: str = NEW_PASSWORD, confirm: str | None = None):
    return client.post(path, data={"password": password, "confirm": password if confirm is None else confirm})


@pytest.fixture
def kim(make_user):
    return make_user(name="Kim Ashworth", email="kim@council.example")


@pytest.fixture
def invitation_path(make_user):
    """The path of the link in a fresh invitation to Nia Member."""
    invited = services.Invitation(email="nia@council.example", name="Nia Member", roles={Role.COUNCILLOR})
    services.invite_user(invited, by=make_user(Role.ADMIN))
    db.session.commit()
    return path_of(emailed_link("nia@council.example"))


@pytest.fixture
def reset_path(client, kim):
    """The path of the link in a password reset that Kim asked for."""
    client.post("/reset-password", data={"email": kim.email})
    return path_of(emailed_link(kim.email))


# Signing in


def test_a_correct_password_signs_in_and_goes_home(client, kim):
    response = _sign_in(client, "KIM@council.example")

    assert redirect_path(response) == "/"
    assert Page(client.get("/")).heading == "Hello, Kim Ashworth"
    assert db.session.get(User, kim.id).last_signed_in_at is not None


def test_a_wrong_password_is_refused_keeping_the_email_but_not_the_password(client, kim):
    response = _sign_in(client, kim.email, "a wrong guess at it")

    page = Page(response)
    assert response.status_code == 422
    assert page.title.startswith("Error: Sign in")
    assert page.error_summary == [SIGN_IN_FAILED]
    assert page.field_error("password") == SIGN_IN_FAILED
    assert page.value("email") == kim.email
    assert page.value("password") is None
    assert "a wrong guess at it" not in response.get_data(as_text=True)


def test_a_deactivated_account_cannot_sign_in(client, make_user):
    make_user(email="gone@council.example", active=False)

    response = _sign_in(client, "gone@council.example")

    assert response.status_code == 422
    assert Page(response).error_summary == [SIGN_IN_FAILED]
    assert redirect_path(client.get("/")) == "/sign-in"


def test_empty_fields_are_explained_beside_each_field(client):
    page = Page(client.post("/sign-in", data={"email": "", "password": ""}))

    assert page.status == 422
    assert page.field_error("email") == "Enter your email address"
    assert page.field_error("password") == "Enter your password"
    assert page.error_summary_links == ["#email", "#password"]


def test_after_sign_in_a_path_on_this_site_is_followed(app_context, kim):
    for next_page, destination in [("/profile", "/profile"), ("/admin/users?q=kim", "/admin/users")]:
        response = _sign_in(app_context.test_client(), kim.email, query=f"?next={quote(next_page)}")

        assert redirect_path(response) == destination, next_page


def test_after_sign_in_other_sites_are_never_followed(app_context, kim):
    for elsewhere in ["//evil.example", "https://evil.example", "/\\evil.example", "/\t/evil.example", "javascript:x"]:
        response = _sign_in(app_context.test_client(), kim.email, query=f"?next={quote(elsewhere)}")

        assert response.headers["Location"] == "/", elsewhere


def test_a_protected_page_sends_people_to_sign_in_and_back(client, kim):
    response = client.get("/profile")

    assert response.headers["Location"] == "/sign-in?next=%2Fprofile"
    signed_in = client.post(response.headers["Location"], data={"email": kim.email, "password": PASSWORD})
    assert redirect_path(signed_in) == "/profile"


def test_signing_in_starts_a_fresh_session_with_a_new_cookie(app_context, client, kim):
    with client.session_transaction() as session:
        session["planted"] = "by someone else"
    before = client.get_cookie("session").value

    response = _sign_in(client, kim.email, query="?next=%2Fprofile")

    assert redirect_path(response) == "/profile"  # what must survive rides in the query string, not the session
    with client.session_transaction() as session:
        assert "planted" not in session
        assert session["_user_id"] == kim.get_id()
    assert client.get_cookie("session").value != before
    assert client.get_cookie("remember_token") is None  # no sign-in outlives the browser session
    planter = app_context.test_client()
    planter.set_cookie("session", before)
    assert redirect_path(planter.get("/")) == "/sign-in"


def test_the_sign_in_page_sends_a_signed_in_person_home(client, kim):
    sign_in_as(client, kim)

    assert redirect_path(client.get("/sign-in")) == "/"


# Signing out


def test_sign_out_is_a_post_and_ends_the_session(client, kim):
    sign_in_as(client, kim)

    refused = client.get("/sign-out")
    assert refused.status_code == 405
    assert Page(client.get("/")).heading == "Hello, Kim Ashworth"

    response = client.post("/sign-out")
    assert redirect_path(response) == "/sign-in"
    assert Page(client.get("/sign-in")).notification.endswith("You have signed out")
    assert redirect_path(client.get("/")) == "/sign-in"


# Accepting an invitation


def test_an_invitation_link_shows_who_it_is_for(client, invitation_path):
    page = Page(client.get(invitation_path))

    assert page.status == 200
    assert page.heading == "Welcome, Nia Member"
    assert "nia@council.example" in page.text


def test_a_password_the_policy_refuses_is_explained_beside_the_field_and_changes_nothing(client, invitation_path):
    refusals = [
        ("short one", "short one", "password", "Password must be 12 characters or more"),
        (
            "councillor123",
            "councillor123",
            "password",
            "Password is too common or easy to guess; try three random words",
        ),
        (
            "nia member forever",
            "nia member forever",
            "password",
            "Password must not contain your name or email address",
        ),
        (NEW_PASSWORD, "lantern orchard", "confirm", "Passwords must match"),
        ("", "", "password", "Enter a new password"),
    ]
    for password, confirm, field, message in refusals:
        page = Page(_new_password(client, invitation_path, password, confirm))

        assert (page.status, page.field_error(field), page.error_summary[0]) == (422, message, message), password
        assert page.title.startswith("Error: ")

    assert not db.session.scalar(select(User).where(User.email == "nia@council.example")).has_password
    assert client.get(invitation_path).status_code == 200


def test_setting_a_password_activates_the_account_once(client, invitation_path):
    response = _new_password(client, invitation_path)

    assert redirect_path(response) == "/sign-in"
    assert "Your password has been saved" in Page(client.get("/sign-in")).notification
    assert redirect_path(_sign_in(client, "nia@council.example", NEW_PASSWORD)) == "/"
    actions = db.session.scalars(select(AuditEvent.action).order_by(AuditEvent.id)).all()
    assert actions == ["account.invited", "account.activated"]


def test_a_used_invitation_link_no_longer_works(client, invitation_path):
    _new_password(client, invitation_path)

    again = client.get(invitation_path)
    page = Page(again)
    assert again.status_code == 410
    assert page.heading == "This link no longer works"
    assert "already been used" in page.text
    assert _new_password(client, invitation_path, "another good passphrase").status_code == 410
    assert services.authenticate("nia@council.example", NEW_PASSWORD) is not None


def test_an_invitation_link_works_until_it_expires(app_context, client, invitation_path, links_age):
    max_age = app_context.config["INVITATION_MAX_AGE_SECONDS"]

    links_age(max_age - 60)
    assert client.get(invitation_path).status_code == 200

    links_age(max_age + 1)
    response = client.get(invitation_path)
    assert response.status_code == 410
    assert "The link has expired" in Page(response).text
    assert _new_password(client, invitation_path).status_code == 410


def test_a_garbled_invitation_link_no_longer_works(client, invitation_path):
    response = client.get(invitation_path[:-3] + "xyz")

    assert response.status_code == 410
    assert Page(response).heading == "This link no longer works"


# Resetting a password


def test_a_reset_request_needs_a_valid_email_address(client):
    page = Page(client.post("/reset-password", data={"email": "not an address"}))

    assert page.status == 422
    assert page.field_error("email") == "Enter an email address in the correct format, like name@example.com"
    assert page.value("email") == "not an address"
    assert outbox() == []


def test_a_reset_link_sets_a_new_password_once(client, kim, reset_path):
    assert Page(client.get(reset_path)).heading == "Choose a new password"

    assert redirect_path(_new_password(client, reset_path)) == "/sign-in"

    assert client.get(reset_path).status_code == 410
    assert _sign_in(client, kim.email).status_code == 422
    assert redirect_path(_sign_in(client, kim.email, NEW_PASSWORD)) == "/"


def test_a_reset_signs_out_sessions_started_before_it(app_context, client, kim):
    elsewhere = app_context.test_client()
    _sign_in(elsewhere, kim.email)
    assert elsewhere.get("/").status_code == 200

    client.post("/reset-password", data={"email": kim.email})
    _new_password(client, path_of(emailed_link(kim.email)))

    assert redirect_path(elsewhere.get("/")) == "/sign-in"


def test_a_reset_link_expires(app_context, client, reset_path, links_age):
    links_age(app_context.config["RESET_MAX_AGE_SECONDS"] + 1)

    response = client.get(reset_path)

    assert response.status_code == 410
    assert "The link has expired" in Page(response).text


# The member's own profile


def test_a_member_updates_their_profile(client, kim):
    sign_in_as(client, kim)

    response = client.post(
        "/profile",
        data={
            "name": "Kim Ashworth-Lee",
            "ward": "Abbey",
            "political_group": "Independent",
            "date_elected": ["7", "5", "2026"],
            "wants_reminders": "y",
        },
    )

    assert redirect_path(response) == "/profile"
    person = db.session.get(User, kim.id)
    assert (person.name, person.ward, str(person.date_elected), person.wants_newsletters) == (
        "Kim Ashworth-Lee",
        "Abbey",
        "2026-05-07",
        False,
    )


def test_a_profile_with_an_impossible_date_is_refused_keeping_what_was_typed(client, kim):
    sign_in_as(client, kim)

    page = Page(client.post("/profile", data={"name": "", "ward": "Abbey", "date_elected": ["31", "2", "2026"]}))

    assert page.status == 422
    assert page.field_error("name") == "Enter your full name"
    assert page.field_error("date_elected") == "Date first elected must be a real date, for example 28 11 2026"
    assert page.value("ward") == "Abbey"
    assert db.session.get(User, kim.id).name == "Kim Ashworth"
