"""Forms found failing by the hostile-input tests (tests/hostile), kept as plain regression tests."""

import io

from sqlalchemy import func, select

from portal.accounts.models import Role
from portal.directory.models import Category
from portal.extensions import db
from tests.pages import error_summary

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 32


def _settings(**changes) -> dict:
    """The settings form as an admin posts it (multipart, as the page's form has a file input)."""
    return {
        "council_name": "Northshire Council",
        "logo_alt_text": "Crest",
        "anonymity_threshold": "5",
        "free_text_threshold": "10",
        "survey_retention_months": "24",
        "mail_from_name": "Member services",
        **changes,
    }


def _categories() -> int:
    return db.session.scalar(select(func.count()).select_from(Category))


def test_a_file_posted_under_a_text_field_is_not_read_as_its_text(client_as):
    client = client_as(Role.OFFICER)
    before = _categories()

    response = client.post(
        "/directory/categories",
        data={"name": (io.BytesIO(b"Legal help"), "name.txt", "text/plain"), "description": "Advice"},
        content_type="multipart/form-data",
    )

    assert response.status_code == 422
    assert error_summary(response) == ["Enter the category's name"]
    assert _categories() == before


def test_a_file_under_a_number_field_gets_the_fields_message(client_as):
    client = client_as(Role.ADMIN)

    response = client.post(
        "/admin/settings", data=_settings(anonymity_threshold=(io.BytesIO(PNG), "x.png", "image/png"))
    )

    assert response.status_code == 422
    assert error_summary(response) == ["Enter the minimum group size"]


def test_a_file_field_still_takes_its_upload(client_as):
    client = client_as(Role.ADMIN)

    response = client.post("/admin/settings", data=_settings(logo=(io.BytesIO(PNG), "logo.png", "image/png")))

    assert response.status_code == 302
    assert client.get("/branding/logo").data == PNG


def test_a_json_body_is_not_read_as_a_form(client_as):
    client = client_as(Role.OFFICER)
    before = _categories()

    for body in ('{"name": {"nested": [1]}, "description": 5}', "[1, 2, 3]", '"text"'):
        response = client.post("/directory/categories", data=body, content_type="application/json")

        assert response.status_code == 422, body
        assert error_summary(response) == ["Enter the category's name"]
    assert _categories() == before


def test_a_nul_character_in_a_form_is_refused_before_it_reaches_the_database(client_as):
    client = client_as(Role.OFFICER)
    before = _categories()

    response = client.post("/directory/categories", data={"name": "Legal\x00help", "description": "Advice"})

    assert response.status_code == 400  # PostgreSQL cannot store it: this was a server error there
    assert _categories() == before


def test_a_nul_character_in_an_address_or_a_search_is_refused(client_as):
    client = client_as(Role.OFFICER)

    assert client.get("/directory?q=help%00").status_code == 400
    assert client.post("/surveys/rounds/1/free-text/%00/redact").status_code == 400
    assert client.get("/directory?q=help").status_code == 200
