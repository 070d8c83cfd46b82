import io

import pytest
from sqlalchemy import select

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

    first, unchanged = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "settings.changed"))
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
