"""The directory's pages as members and officers see them."""

from datetime import date, timedelta

from sqlalchemy import func, select

from portal.accounts.models import AuditEvent, Role
from portal.directory.models import Category, Service, ServiceStatus
from portal.extensions import db
from tests.directory.factories import category_named, make_service
from tests.pages import banner, error_summary, field_error, heading, page, text, title

WEEKDAY_HOURS = {
    f"hours-{day}-{edge}": hour for day in range(5) for edge, hour in (("opens", "9am"), ("closes", "5pm"))
}


def service_form(owner_id: int, **overrides) -> dict:
    """What an officer types into the add or edit form."""
    data = {
        "name": "Legal advice line",
        "summary": "Free legal advice for members",
        "description": "Defamation, harassment and online abuse.",
        "category_id": str(category_named("Legal").id),
        "provider_name": "Northshire Law Centre",
        "email": "advice@example.org",
        "website": "https://www.example.org/advice",
        "phones-0-number": "01632 960123",
        "phones-0-kind": "voice",
        "contacts-0-name": "Sam Patel",
        "contacts-0-role": "Solicitor",
        **WEEKDAY_HOURS,
        "status": "active",
        "help_now_role": "",
        "owner_id": str(owner_id),
        "last_checked_on": ["1", "6", "2026"],
    }
    data.update(overrides)
    return data


def service_count() -> int:
    return db.session.scalar(select(func.count()).select_from(Service))


def value_of(response, field_id: str) -> str:
    return page(response).find(id=field_id).get("value", "")


def summary_list(response) -> dict[str, str]:
    rows = page(response).select(".govuk-summary-list__row")
    return {text(row.dt): text(row.dd) for row in rows}


def opening_hours(response) -> dict[str, str]:
    return {text(row.th): text(row.td) for row in page(response).select("table tr")}


# ---- members -------------------------------------------------------------------------------------------


def test_a_member_sees_the_directory(client_as):
    make_service(name="Legal advice line", category="Legal", provider_name="Northshire Law Centre")
    response = client_as(Role.COUNCILLOR).get("/directory")
    assert response.status_code == 200
    assert heading(response) == "Support directory"
    [entry] = page(response).select("ul.govuk-list > li")
    assert text(entry.h3) == "Legal advice line"
    assert "Legal · Northshire Law Centre" in text(entry)
    assert not page(response).find("a", string="Add a service")


def test_a_member_sees_a_services_contacts_and_hours(client_as):
    service = make_service(name="Legal advice line", email="advice@example.org")
    response = client_as(Role.COUNCILLOR).get(f"/directory/services/{service.id}")
    assert heading(response) == "Legal advice line"
    details = summary_list(response)
    assert details["Phone"] == "01632 960000 (voice)"
    assert details["Email"] == "advice@example.org"
    assert page(response).find("a", href="tel:01632960000")
    assert opening_hours(response)["Monday"] == "9am to 5pm"
    assert opening_hours(response)["Sunday"] == "Closed"
    assert "For officers" not in response.get_data(as_text=True)


def test_a_member_is_told_when_details_have_not_been_checked_for_a_year(client_as):
    stale = make_service(name="Old", last_checked_on=date.today() - timedelta(days=400))
    fresh = make_service(name="New", last_checked_on=date.today())
    client = client_as(Role.COUNCILLOR)
    warning = text(page(client.get(f"/directory/services/{stale.id}")).select_one(".govuk-inset-text"))
    assert "not been checked for over a year" in warning
    assert "not been checked" not in client.get(f"/directory/services/{fresh.id}").get_data(as_text=True)
    tags = [text(tag) for tag in page(client.get("/directory")).select(".govuk-tag--yellow")]
    assert tags == ["Not checked for over a year"]


def test_a_member_is_told_a_service_is_temporarily_closed(client_as):
    service = make_service(status=ServiceStatus.TEMPORARILY_CLOSED)
    response = client_as(Role.COUNCILLOR).get(f"/directory/services/{service.id}")
    assert "This service is temporarily closed." in text(page(response).select_one(".govuk-warning-text"))


def test_a_missing_service_is_not_found(client_as):
    assert client_as(Role.COUNCILLOR).get("/directory/services/9999").status_code == 404


def test_a_member_sees_need_help_now(client_as):
    response = client_as(Role.COUNCILLOR).get("/help-now")
    assert response.status_code == 200
    assert heading(response) == "Need help now?"
    assert "call 999" in text(page(response).select_one(".app-help-now"))


def test_someone_signed_out_is_sent_to_sign_in(client, subtests):
    service = make_service()
    for url in ["/directory", "/help-now", f"/directory/services/{service.id}"]:
        with subtests.test(url=url):
            response = client.get(url)
            assert response.status_code == 302
            assert "/sign-in" in response.headers["Location"]


def test_each_visit_to_a_service_is_counted_and_shown_to_officers(client_as):
    service = make_service()
    client_as(Role.COUNCILLOR).get(f"/directory/services/{service.id}")
    response = client_as(Role.OFFICER).get(f"/directory/services/{service.id}")
    assert "Page visits: 2" in text(page(response).select_one(".govuk-grid-column-one-third"))


# ---- officers adding and editing -----------------------------------------------------------------------


def test_an_officer_adds_a_service(client_as):
    client = client_as(Role.OFFICER)
    response = client.post("/directory/services/new", data=service_form(client.user.id), follow_redirects=True)
    assert response.status_code == 200
    assert heading(response) == "Legal advice line"
    assert banner(response) == "Success Legal advice line added to the directory"
    assert summary_list(response)["Contact"] == "Sam Patel, Solicitor"
    assert opening_hours(response)["Friday"] == "9am to 5pm"
    assert opening_hours(response)["Saturday"] == "Closed"
    assert "Last checked: 1 June 2026" in response.get_data(as_text=True)


def test_the_add_form_starts_with_the_officer_as_owner(client_as):
    client = client_as(Role.OFFICER)
    response = client.get("/directory/services/new")
    assert heading(response) == "Add a service"
    selected = page(response).find(id="owner_id").find("option", selected=True)
    assert selected["value"] == str(client.user.id)


def test_a_form_with_mistakes_explains_each_beside_its_field_and_saves_nothing(client_as):
    client = client_as(Role.OFFICER)
    typed = service_form(
        client.user.id,
        name="",
        email="not-an-email",
        website="www.example.org",
        **{"hours-0-opens": "25pm", "hours-1-closes": "9:75", "hours-2-closes": ""},
    )
    response = client.post("/directory/services/new", data=typed)
    assert response.status_code == 422
    assert title(response).startswith("Error: Add a service")
    assert field_error(response, "name") == "Error: Enter the service's name"
    assert field_error(response, "email") == "Error: Enter an email address like name@example.com"
    assert field_error(response, "website") == "Error: Enter a web address starting with https:// or http://"
    assert field_error(response, "hours-0-opens") == "Error: With am or pm, the hour must be between 1 and 12"
    assert field_error(response, "hours-1-closes") == "Error: Enter a real time, like 9am, 5:30pm or 17:30"
    assert field_error(response, "hours-2-closes") == "Error: Enter when it closes, or leave both boxes empty"
    assert "Enter the service's name" in error_summary(response)
    assert service_count() == 0


def test_half_a_days_hours_is_explained_not_dropped(client_as, subtests):
    client = client_as(Role.OFFICER)
    for field, message in [
        ("hours-3-closes", "Enter when it closes, or leave both boxes empty"),
        ("hours-3-opens", "Enter when it opens, or leave both boxes empty"),
    ]:
        with subtests.test(field=field):
            response = client.post("/directory/services/new", data=service_form(client.user.id, **{field: ""}))
            assert response.status_code == 422
            assert field_error(response, field) == f"Error: {message}"
            assert service_count() == 0


def test_a_form_with_mistakes_keeps_what_was_typed(client_as):
    client = client_as(Role.OFFICER)
    typed = service_form(client.user.id, name="", email="not-an-email", **{"hours-0-opens": "25pm"})
    response = client.post("/directory/services/new", data=typed)
    assert value_of(response, "email") == "not-an-email"
    assert value_of(response, "hours-0-opens") == "25pm"
    assert value_of(response, "hours-0-closes") == "5pm"
    assert value_of(response, "phones-0-number") == "01632 960123"
    assert text(page(response).find(id="description")) == "Defamation, harassment and online abuse."
    selected = page(response).find(id="category_id").find("option", selected=True)
    assert text(selected) == "Legal"


def test_a_category_and_an_owner_must_be_chosen(client_as):
    client = client_as(Role.OFFICER)
    response = client.post("/directory/services/new", data=service_form(0, category_id="0"))
    assert response.status_code == 422
    assert field_error(response, "category_id") == "Error: Choose a category"
    assert field_error(response, "owner_id") == "Error: Choose the officer who keeps this entry"
    assert service_count() == 0


def test_the_edit_form_shows_the_service_as_it_stands(client_as):
    service = make_service(name="Legal advice line", email="advice@example.org", last_checked_on=date(2026, 3, 4))
    response = client_as(Role.OFFICER).get(f"/directory/services/{service.id}/edit")
    assert heading(response) == "Edit Legal advice line"
    assert value_of(response, "name") == "Legal advice line"
    assert value_of(response, "email") == "advice@example.org"
    assert value_of(response, "hours-0-opens") == "09:00"
    assert value_of(response, "hours-5-opens") == ""
    assert [value_of(response, f"last_checked_on-{part}") for part in ("day", "month", "year")] == ["04", "03", "2026"]


def test_an_officer_edits_a_service(client_as):
    client = client_as(Role.OFFICER)
    service = make_service(name="Legal advice line")
    changes = service_form(
        client.user.id, name="Legal advice clinic", **{"hours-5-opens": "10am", "hours-5-closes": "midday"}
    )
    response = client.post(f"/directory/services/{service.id}/edit", data=changes, follow_redirects=True)
    assert heading(response) == "Legal advice clinic"
    assert opening_hours(response)["Saturday"] == "10am to midday"
    event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "directory.service-updated"))
    assert event.detail["name"] == ["Legal advice line", "Legal advice clinic"]


def test_an_edit_with_mistakes_changes_nothing(client_as):
    client = client_as(Role.OFFICER)
    service = make_service(name="Legal advice line")
    response = client.post(
        f"/directory/services/{service.id}/edit", data=service_form(client.user.id, name="New name", email="nope")
    )
    assert response.status_code == 422
    assert title(response).startswith("Error: Edit")
    db.session.expire_all()
    assert db.session.get(Service, service.id).name == "Legal advice line"


def test_an_officer_retires_a_service_and_members_no_longer_find_it(client_as):
    service = make_service(name="Old line")
    officer = client_as(Role.OFFICER)
    response = officer.post(f"/directory/services/{service.id}/retire", follow_redirects=True)
    assert "Old line has been retired" in banner(response)
    assert "This service has closed" in text(page(response).select_one(".govuk-warning-text"))
    member = client_as(Role.COUNCILLOR)
    assert member.get(f"/directory/services/{service.id}").status_code == 404
    assert "Old line" not in member.get("/directory").get_data(as_text=True)


def test_an_officer_marks_a_service_checked(client_as):
    service = make_service(name="Old line", last_checked_on=date.today() - timedelta(days=400))
    officer = client_as(Role.OFFICER)
    response = officer.post(f"/directory/services/{service.id}/checked", follow_redirects=True)
    assert banner(response) == "Success Old line marked as checked today"
    assert not page(response).select_one(".govuk-inset-text")
    assert f"Last checked: {date.today().day} {date.today():%B %Y}." in response.get_data(as_text=True)


def test_the_due_a_check_page_lists_stale_entries_and_returns_there_after_a_check(client_as):
    make_service(name="Old line", last_checked_on=date.today() - timedelta(days=400))
    make_service(name="Fresh line")
    officer = client_as(Role.OFFICER)
    response = officer.get("/directory/due-a-check")
    rows = [text(row.td) for row in page(response).select("tbody tr")]
    assert rows == ["Old line"]
    service_id = db.session.scalar(select(Service.id).where(Service.name == "Old line"))
    response = officer.post(f"/directory/services/{service_id}/checked", data={"return_to": "due"})
    assert response.headers["Location"].endswith("/directory/due-a-check")
    rows = [text(row.td) for row in page(officer.get("/directory/due-a-check")).select("tbody tr")]
    assert rows == ["Every entry has been checked in the last 12 months."]


def test_an_officer_adds_a_category_once(client_as):
    officer = client_as(Role.OFFICER)
    response = officer.post("/directory/categories", data={"name": "Surgeries"}, follow_redirects=True)
    assert "Surgeries" in [text(item) for item in page(response).select("ul.govuk-list--bullet li")]
    response = officer.post("/directory/categories", data={"name": "surgeries"})
    assert response.status_code == 422
    assert field_error(response, "name") == "Error: A category with this name already exists"
    assert db.session.scalar(select(func.count()).where(func.lower(Category.name) == "surgeries")) == 1


# ---- who may do what -----------------------------------------------------------------------------------

OFFICER_ONLY = [
    ("get", "/directory/services/new"),
    ("post", "/directory/services/new"),
    ("get", "/directory/services/{id}/edit"),
    ("post", "/directory/services/{id}/edit"),
    ("post", "/directory/services/{id}/retire"),
    ("post", "/directory/services/{id}/checked"),
    ("get", "/directory/due-a-check"),
    ("get", "/directory/categories"),
    ("post", "/directory/categories"),
]


def test_members_may_not_keep_the_directory(client_as, subtests):
    service = make_service(name="Legal advice line", last_checked_on=None)
    for role in [Role.COUNCILLOR, Role.CHAMPION]:
        client = client_as(role)
        for method, url in OFFICER_ONLY:
            with subtests.test(role=role.value, method=method, url=url):
                response = getattr(client, method)(url.format(id=service.id), data={"name": "Hacked"})
                assert response.status_code == 403
    db.session.expire_all()
    stored = db.session.get(Service, service.id)
    assert (stored.name, stored.status, stored.last_checked_on) == ("Legal advice line", "active", None)
    assert service_count() == 1


def test_members_see_no_officer_links(client_as):
    service = make_service()
    client = client_as(Role.COUNCILLOR)
    listing = client.get("/directory").get_data(as_text=True)
    assert "Entries due a check" not in listing
    assert "Retire this service" not in client.get(f"/directory/services/{service.id}").get_data(as_text=True)
