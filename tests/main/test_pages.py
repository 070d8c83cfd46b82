import pytest

from config import TestingConfig
from portal import create_app
from portal.accounts.models import Role
from portal.accounts.permissions import public
from portal.extensions import db
from portal.outbox.models import MessageStatus, OutboxMessage
from portal.settings.services import current_settings
from tests.conftest import sign_in_as
from tests.pages import Page

# The places each person's service navigation offers.
NAVIGATION = {
    Role.COUNCILLOR: [
        "Home",
        "Support directory",
        "Champions",
        "Newsletters",
        "Your training",
        "Surveys",
        "Your profile",
    ],
    Role.CHAMPION: [
        "Home",
        "Support directory",
        "Champions",
        "Newsletters",
        "Your training",
        "Surveys",
        "Your profile",
    ],
    Role.OFFICER: [
        "Home",
        "Support directory",
        "Champions",
        "Newsletters",
        "Your training",
        "Surveys",
        "Survey rounds",
        "Self-assessment",
        "Compliance matrix",
        "Outbox",
        "Your profile",
    ],
    Role.ADMIN: [
        "Home",
        "Support directory",
        "Champions",
        "Newsletters",
        "Your training",
        "Surveys",
        "Outbox",
        "People",
        "Audit log",
        "Settings",
        "Your profile",
    ],
}


@pytest.fixture
def northshire(app_context):
    current_settings().council_name = "Northshire District Council"
    db.session.commit()


def _failed_emails(count: int) -> None:
    for number in range(count):
        db.session.add(
            OutboxMessage(
                to_address=f"member{number}@council.example",
                subject="Training reminder",
                body_text="text",
                body_html="<p>html</p>",
                status=MessageStatus.FAILED,
            )
        )
    db.session.commit()


def test_the_health_check_reports_the_database(client):
    response = client.get("/healthz")

    assert response.status_code == 200
    assert response.get_json() == {"status": "ok", "database": "ok"}


def test_a_missing_page_is_explained_in_the_portals_design(client, northshire):
    response = client.get("/no-such-page")

    page = Page(response)
    assert response.status_code == 404
    assert page.heading == "Page not found"
    assert "govuk-heading-l" in page.heading_classes
    assert page.council_name == "Northshire District Council"
    assert page.title == "Page not found – Councillor Support Hub – Northshire District Council"


def test_a_forbidden_page_is_explained_in_the_portals_design(client_as, northshire):
    response = client_as(Role.COUNCILLOR).get("/admin/users")

    page = Page(response)
    assert response.status_code == 403
    assert page.heading == "You do not have permission to see this page"
    assert "govuk-heading-l" in page.heading_classes
    assert page.council_name == "Northshire District Council"
    assert "Ask member services" in page.text


def test_the_wrong_method_is_explained_in_the_portals_design(client):
    page = Page(client.get("/sign-out"))

    assert (page.status, page.heading) == (405, "Sorry, that action is not available here")


def test_an_unexpected_error_shows_the_portals_page_and_saves_nothing(app_context, database_url, make_user):
    class Config(TestingConfig):
        SQLALCHEMY_DATABASE_URI = database_url
        PROPAGATE_EXCEPTIONS = False

    broken = create_app(Config)

    @public
    def rename_then_fail():
        current_settings().council_name = "Half-saved council"
        db.session.flush()
        raise RuntimeError("something went wrong")

    broken.add_url_rule("/fails", view_func=rename_then_fail)
    response = broken.test_client().get("/fails")

    page = Page(response)
    assert response.status_code == 500
    assert page.heading == "Sorry, there is a problem with the service"
    assert "something went wrong" not in page.text
    db.session.expire_all()
    assert current_settings().council_name == "Your council"
    with broken.app_context():
        db.engine.dispose()


def test_the_accessibility_statement_is_public(client):
    page = Page(client.get("/accessibility"))

    assert page.status == 200
    assert page.heading == "Accessibility statement for Councillor Support Hub"


def test_the_accessibility_statement_gives_the_councils_contact(client):
    current_settings().support_email = "members@council.example"
    db.session.commit()

    page = Page(client.get("/accessibility"))

    assert page.soup.select_one('main a[href="mailto:members@council.example"]') is not None


def test_the_home_page_greets_the_person_and_offers_help_now(client_as, northshire):
    page = Page(client_as(Role.COUNCILLOR, name="Chris Councillor").get("/"))

    assert page.heading == "Hello, Chris Councillor"
    assert "Need help now?" in page.text and "999" in page.text
    assert "Northshire District Council's one place" in page.text


def test_an_officer_sees_how_many_emails_could_not_be_sent(client_as):
    _failed_emails(2)

    page = Page(client_as(Role.OFFICER).get("/"))

    assert "Your to-do" in [heading.get_text(strip=True) for heading in page.soup.find_all("h2")]
    link = page.soup.find("a", string="2 emails could not be sent")
    assert link["href"] == "/outbox/?status=failed"


def test_an_officer_with_nothing_failed_is_told_so(client_as):
    page = Page(client_as(Role.OFFICER).get("/"))

    assert "Nothing needs your attention." in page.text


def test_a_councillor_has_no_to_do(client_as):
    _failed_emails(1)

    page = Page(client_as(Role.COUNCILLOR).get("/"))

    assert "Your to-do" not in page.text
    assert "could not be sent" not in page.text


def test_the_navigation_offers_each_role_its_own_places(app_context, make_user):
    offered = {}
    for role in NAVIGATION:
        client = app_context.test_client()
        sign_in_as(client, make_user(role))
        offered[role] = Page(client.get("/")).navigation

    assert offered == NAVIGATION


def test_the_navigation_marks_the_current_page(client_as):
    page = Page(client_as(Role.ADMIN).get("/admin/audit-log"))

    current = page.soup.select(".govuk-service-navigation__item--active")
    assert [item.get_text(strip=True) for item in current] == ["Audit log"]


def test_someone_signed_out_is_offered_no_navigation(client):
    assert Page(client.get("/sign-in")).navigation == []
