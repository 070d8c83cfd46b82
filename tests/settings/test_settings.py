import io

import pytest
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from portal.accounts.models import AuditEvent, Role
from portal.extensions import db
from portal.settings import services
from portal.settings.models import CouncilSettings
from tests.pages import Page, redirect_path

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00\x00\x00\rIHDR" + b"\x00" * 64
GIF = b"GIF89a" + b"\x00" * 64


@pytest.fixture
def admin(client_as):
    services.current_settings()  # the row as it stands before each test's changes
    db.session.commit()
    return client_as(Role.ADMIN, name="Ada Admin")


def _form(**changes) -> dict:
    """What the settings form sends, with the defaults unless changed."""
    return {
        "council_name": "Your council",
        "anonymity_threshold": "5",
        "free_text_threshold": "10",
        "survey_retention_months": "24",
        "mail_from_name": "Councillor Support Hub",
        "mail_reply_to": "",
        "support_email": "",
        "logo_alt_text": "",
        **changes,
    }


def _upload(data: bytes, filename: str, mimetype: str) -> tuple:
    return (io.BytesIO(data), filename, mimetype)


def _stored() -> CouncilSettings:
    db.session.expire_all()
    return db.session.scalar(select(CouncilSettings))


def _audit_actions() -> list[str]:
    return list(db.session.scalars(select(AuditEvent.action).order_by(AuditEvent.id)))


def test_the_settings_page_shows_the_current_settings(admin):
    page = Page(admin.get("/admin/settings"))

    assert page.heading == "Settings"
    assert (page.value("council_name"), page.value("anonymity_threshold"), page.value("free_text_threshold")) == (
        "Your council",
        "5",
        "10",
    )


def test_an_admin_renames_the_council_and_every_page_says_so(admin):
    response = admin.post("/admin/settings", data=_form(council_name="  Northshire District Council "))

    assert redirect_path(response) == "/admin/settings"
    page = Page(admin.get("/admin/settings"))
    assert "Settings saved" in page.notification
    assert page.council_name == "Northshire District Council"
    assert page.title.endswith("– Northshire District Council")
    assert _stored().council_name == "Northshire District Council"


def test_a_change_is_written_to_the_audit_log_with_what_changed(admin):
    admin.post("/admin/settings", data=_form(anonymity_threshold="6", support_email="members@council.example"))
    admin.post("/admin/settings", data=_form(anonymity_threshold="6", support_email="members@council.example"))

    first, unchanged = db.session.scalars(
        select(AuditEvent).where(AuditEvent.action == "settings.changed").order_by(AuditEvent.id)
    )
    assert first.actor == admin.user
    assert first.detail == {"anonymity_threshold": [5, 6], "support_email": [None, "members@council.example"]}
    assert unchanged.detail == {}


def test_thresholds_can_be_raised(admin):
    admin.post("/admin/settings", data=_form(anonymity_threshold="8", free_text_threshold="15"))

    assert (_stored().anonymity_threshold, _stored().free_text_threshold) == (8, 15)


def test_a_minimum_group_size_below_three_is_refused_beside_the_field(admin):
    response = admin.post("/admin/settings", data=_form(council_name="Renamed council", anonymity_threshold="2"))

    page = Page(response)
    assert response.status_code == 422
    assert page.title.startswith("Error: Settings")
    assert page.field_error("anonymity_threshold") == "The minimum group size must be between 3 and 100"
    assert page.value("council_name") == "Renamed council"
    assert (_stored().anonymity_threshold, _stored().council_name) == (5, "Your council")
    assert _audit_actions() == []


def test_a_free_text_threshold_below_the_minimum_group_size_is_refused_beside_the_field(admin):
    response = admin.post("/admin/settings", data=_form(anonymity_threshold="8", free_text_threshold="6"))

    page = Page(response)
    assert response.status_code == 422
    assert page.field_error("free_text_threshold") == "The free-text threshold must be at least the minimum group size"
    assert page.error_summary == ["The free-text threshold must be at least the minimum group size"]
    assert (page.value("anonymity_threshold"), page.value("free_text_threshold")) == ("8", "6")
    assert (_stored().anonymity_threshold, _stored().free_text_threshold) == (5, 10)
    assert _audit_actions() == []


def test_missing_and_malformed_values_are_explained_beside_each_field(admin):
    response = admin.post(
        "/admin/settings",
        data=_form(council_name="   ", anonymity_threshold="five", mail_from_name="", mail_reply_to="not-an-address"),
    )

    page = Page(response)
    assert response.status_code == 422
    assert page.field_error("council_name") == "Enter the council's name"
    assert page.field_error("anonymity_threshold") is not None
    assert page.field_error("mail_from_name") == "Enter the name emails come from"
    assert page.field_error("mail_reply_to") == "Enter a valid email address"
    assert len(page.error_summary) == 4
    assert page.value("mail_reply_to") == "not-an-address"


def test_an_uploaded_png_logo_appears_in_the_header_and_is_served_in_a_sandbox(admin, client):
    response = admin.post(
        "/admin/settings",
        data=_form(logo=_upload(PNG, "crest.png", "image/png"), logo_alt_text="Northshire crest"),
    )

    assert redirect_path(response) == "/admin/settings"
    image = Page(admin.get("/")).soup.select_one(".govuk-header img")
    assert (image["src"], image["alt"]) == ("/branding/logo", "Northshire crest")
    logo = client.get("/branding/logo")
    assert (logo.status_code, logo.mimetype, logo.data) == (200, "image/png", PNG)
    assert "sandbox" in logo.headers["Content-Security-Policy"]
    assert "settings.logo-changed" in _audit_actions()


def test_leaving_the_logo_empty_keeps_the_current_one(admin):
    admin.post("/admin/settings", data=_form(logo=_upload(PNG, "crest.png", "image/png")))

    no_file_chosen = _upload(b"", "", "application/octet-stream")  # what a browser sends
    response = admin.post("/admin/settings", data=_form(council_name="Renamed council", logo=no_file_chosen))

    assert redirect_path(response) == "/admin/settings"

    assert (_stored().logo, _stored().council_name) == (PNG, "Renamed council")


def test_without_a_logo_there_is_nothing_to_serve(client):
    assert client.get("/branding/logo").status_code == 404


def test_an_unsuitable_logo_is_refused_beside_the_field_and_nothing_changes(admin):
    unsuitable = [
        (b"\x89PNG\r\n\x1a\n" + b"\x00" * (200 * 1024), "huge.png", "image/png", "smaller than 200 KB"),
        (GIF, "crest.gif", "image/gif", "must be a PNG, JPEG or SVG image"),
        (b"<html><script>alert(1)</script></html>", "crest.png", "image/png", "must be a PNG, JPEG or SVG image"),
    ]
    for data, filename, mimetype, message in unsuitable:
        form = _form(council_name="Renamed council", logo=_upload(data, filename, mimetype))

        page = Page(admin.post("/admin/settings", data=form))

        assert (page.status, page.error_summary) == (422, [page.field_error("logo")]), filename
        assert message in page.field_error("logo"), filename
        assert (_stored().logo, _stored().council_name) == (None, "Your council")
    assert _audit_actions() == []


def test_current_settings_starts_with_safe_defaults(app_context):
    settings = services.current_settings()

    assert (settings.council_name, settings.anonymity_threshold, settings.free_text_threshold) == (
        "Your council",
        5,
        10,
    )


def test_the_service_refuses_thresholds_the_form_would_let_through(make_user):
    admin = make_user(Role.ADMIN)
    changes = services.SettingsChanges("Council", 2, 10, "Hub", None, None, None)

    with pytest.raises(services.SettingsError, match="3 or more") as refused:
        services.update_settings(changes, by=admin)

    assert refused.value.field == "anonymity_threshold"


# ---- how long raw survey answers are kept --------------------------------------------------------------


def test_the_retention_period_shows_with_its_label_and_can_be_changed(admin):
    page = Page(admin.get("/admin/settings"))
    label = page.soup.find("label", attrs={"for": "survey_retention_months"})
    assert (" ".join(label.get_text().split()), page.value("survey_retention_months")) == (
        "Keep raw survey answers for (months)",
        "24",
    )

    response = admin.post("/admin/settings", data=_form(survey_retention_months=" 36 "))

    assert redirect_path(response) == "/admin/settings"
    assert _stored().survey_retention_months == 36
    event = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "settings.changed")).one()
    assert event.detail == {"survey_retention_months": [24, 36]}


@pytest.mark.parametrize(
    ("typed", "message"),
    [
        ("0", "Keep raw survey answers for between 1 and 120 months"),
        ("121", "Keep raw survey answers for between 1 and 120 months"),
        ("-3", "Keep raw survey answers for between 1 and 120 months"),
        ("", "Enter how many months to keep raw survey answers"),
        ("two years", "Enter the number of months as a whole number, for example 24"),
        ("2.5", "Enter the number of months as a whole number, for example 24"),
    ],
)
def test_a_retention_period_outside_1_to_120_months_is_refused_beside_the_field(admin, typed, message):
    response = admin.post("/admin/settings", data=_form(council_name="Renamed council", survey_retention_months=typed))

    page = Page(response)
    assert response.status_code == 422
    assert page.field_error("survey_retention_months") == message
    assert page.error_summary == [message]
    assert (page.value("survey_retention_months"), page.value("council_name")) == (typed, "Renamed council")
    assert (_stored().survey_retention_months, _stored().council_name) == (24, "Your council")
    assert _audit_actions() == []


def test_the_edges_of_the_retention_period_are_allowed(admin):
    for months in (1, 120):
        admin.post("/admin/settings", data=_form(survey_retention_months=str(months)))
        assert _stored().survey_retention_months == months


def test_a_form_sent_without_the_retention_field_keeps_the_stored_period(admin):
    admin.post("/admin/settings", data=_form(survey_retention_months="60"))
    without = _form(council_name="Renamed council")
    del without["survey_retention_months"]

    admin.post("/admin/settings", data=without)

    assert (_stored().survey_retention_months, _stored().council_name) == (60, "Renamed council")


def test_the_service_refuses_a_retention_period_the_form_would_let_through(make_user):
    admin = make_user(Role.ADMIN)
    changes = services.SettingsChanges("Council", 5, 10, "Hub", None, None, None, survey_retention_months=0)

    with pytest.raises(services.SettingsError, match="between 1 and 120 months") as refused:
        services.update_settings(changes, by=admin)

    assert refused.value.field == "survey_retention_months"
    assert services.current_settings().survey_retention_months == 24


def test_the_database_refuses_a_retention_period_below_one_month(app_context):
    settings = services.current_settings()
    db.session.commit()
    settings.survey_retention_months = 0

    with pytest.raises(IntegrityError):
        db.session.commit()
    db.session.rollback()
