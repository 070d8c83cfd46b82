import base64
import hashlib
import re

import pytest
from sqlalchemy import select

from config import ProductionConfig, TestingConfig
from portal import create_app
from portal.accounts.models import Role, User
from portal.extensions import db, limiter
from portal.settings.services import current_settings
from tests.conftest import sign_in_as
from tests.factories import PASSWORD
from tests.pages import Page, redirect_path


@pytest.fixture
def variant_app(app_context, database_url, monkeypatch):
    """`variant_app(Base, NAME=value)`: another app on the test database, with its own settings.

    Flask-Limiter keeps its on/off switch on the shared extension object, so it is put back afterwards.
    """
    monkeypatch.setattr(limiter, "enabled", limiter.enabled)
    built = []

    def build(base=TestingConfig, **settings):
        config = type("VariantConfig", (base,), {"SQLALCHEMY_DATABASE_URI": database_url, **settings})
        built.append(create_app(config))
        return built[-1]

    yield build
    for app in built:
        with app.app_context():
            db.engine.dispose()


def _session_cookie(response) -> str:
    [cookie] = [header for header in response.headers.getlist("Set-Cookie") if header.startswith("session=")]
    return cookie


def _sign_in(client, email: str, password: str = PASSWORD, **extra):
    return client.post("/sign-in", data={"email": email, "password": password, **extra})


# Headers


def test_pages_carry_a_content_security_policy_without_inline_code(client):
    policy = client.get("/sign-in").headers["Content-Security-Policy"]

    directives = dict(directive.strip().split(" ", 1) for directive in policy.split(";"))
    assert directives["default-src"] == "'self'"
    assert directives["script-src"].startswith("'self' 'sha256-")
    assert directives["style-src"] == "'self'"
    assert (directives["object-src"], directives["frame-ancestors"]) == ("'none'", "'none'")
    assert "unsafe-inline" not in policy and "unsafe-eval" not in policy


def test_the_only_inline_script_is_the_one_the_policy_allows_by_its_hash(client):
    response = client.get("/sign-in")
    page = Page(response)

    [inline] = [script.string for script in page.soup.find_all("script") if not script.get("src")]
    digest = base64.b64encode(hashlib.sha256(inline.encode()).digest()).decode()
    assert f"'sha256-{digest}'" in response.headers["Content-Security-Policy"]
    assert page.soup.find(style=True) is None


def test_pages_forbid_sniffing_framing_and_leaking_the_address(client):
    headers = client.get("/sign-in").headers

    assert headers["X-Content-Type-Options"] == "nosniff"
    assert headers["X-Frame-Options"] == "DENY"
    assert headers["Referrer-Policy"] == "same-origin"


def test_pages_are_never_cached_but_static_files_may_be(client_as):
    client = client_as(Role.COUNCILLOR)

    assert client.get("/").headers["Cache-Control"] == "no-store"
    assert client.get("/sign-in").headers["Cache-Control"] == "no-store"
    assert client.get("/healthz").headers["Cache-Control"] == "no-store"
    assert client.get("/static/dist/app.css").headers.get("Cache-Control") != "no-store"


def test_the_session_cookie_is_http_only_and_same_site(client, make_user):
    user = make_user()

    cookie = _session_cookie(_sign_in(client, user.email))

    assert "HttpOnly" in cookie
    assert "SameSite=Lax" in cookie


def test_in_production_the_session_cookie_is_secure_and_https_is_required(variant_app):
    production = variant_app(ProductionConfig, SECRET_KEY="production-test-secret-" + "x" * 20)

    response = production.test_client().get("/sign-in")

    cookie = _session_cookie(response)  # the CSRF token lives in the session
    assert "Secure" in cookie and "HttpOnly" in cookie and "SameSite=Lax" in cookie
    assert response.headers["Strict-Transport-Security"] == "max-age=31536000; includeSubDomains"


# Cross-site request forgery


def test_a_sign_in_without_a_csrf_token_is_refused_and_changes_nothing(variant_app, make_user):
    user = make_user(email="kim@council.example")
    client = variant_app(WTF_CSRF_ENABLED=True).test_client()

    response = _sign_in(client, user.email)

    page = Page(response)
    assert response.status_code == 400
    assert page.heading == "Sorry, there is a problem with your request"
    assert "govuk-heading-l" in page.heading_classes
    assert page.council_name == "Your council"
    with client.session_transaction() as session:
        assert "_user_id" not in session
    assert db.session.scalar(select(User.last_signed_in_at).where(User.id == user.id)) is None


def test_a_sign_in_with_the_forms_csrf_token_goes_through(variant_app, make_user):
    user = make_user(email="kim@council.example")
    client = variant_app(WTF_CSRF_ENABLED=True).test_client()
    token = Page(client.get("/sign-in")).soup.find("input", attrs={"name": "csrf_token"})["value"]

    assert redirect_path(_sign_in(client, user.email, csrf_token=token)) == "/"


def test_signed_in_actions_need_the_csrf_token_too(variant_app, make_user):
    admin, person = make_user(Role.ADMIN), make_user(Role.COUNCILLOR)
    client = variant_app(WTF_CSRF_ENABLED=True).test_client()
    sign_in_as(client, admin)

    assert client.post(f"/admin/users/{person.id}/deactivate").status_code == 400
    assert client.post(f"/admin/users/{person.id}", data={"roles": ["admin"]}).status_code == 400

    db.session.expire_all()
    assert (person.active, person.roles) == (True, {Role.COUNCILLOR})


# Rate limits


def _rate_limited(variant_app, **limits):
    """A client of an app that counts attempts (in memory, fresh for each app)."""
    return variant_app(
        RATELIMIT_ENABLED=True, RATELIMIT_STORAGE_URI="memory://", WTF_CSRF_ENABLED=False, **limits
    ).test_client()


def test_the_fourth_sign_in_attempt_in_a_minute_is_refused(variant_app, make_user):
    user = make_user()
    client = _rate_limited(variant_app, RATELIMIT_SIGN_IN="3 per minute")

    attempts = [_sign_in(client, user.email, "a wrong guess here").status_code for _ in range(3)]
    refused = _sign_in(client, user.email)

    assert attempts == [422, 422, 422]
    assert refused.status_code == 429
    assert Page(refused).heading == "Too many attempts"
    assert "govuk-heading-l" in Page(refused).heading_classes
    with client.session_transaction() as session:
        assert "_user_id" not in session


def test_looking_at_the_sign_in_page_is_not_limited(variant_app):
    client = _rate_limited(variant_app, RATELIMIT_SIGN_IN="3 per minute")

    assert [client.get("/sign-in").status_code for _ in range(6)] == [200] * 6


def test_reset_requests_are_limited_too(variant_app):
    client = _rate_limited(variant_app, RATELIMIT_RESET="2 per minute")

    statuses = [client.post("/reset-password", data={"email": "x@council.example"}).status_code for _ in range(3)]

    assert statuses == [200, 200, 429]


# The logo an admin uploads


def test_an_svg_logo_is_served_in_a_sandbox_where_its_scripts_cannot_run(client):
    settings = current_settings()
    settings.logo = b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>'
    settings.logo_mimetype = "image/svg+xml"
    db.session.commit()

    response = client.get("/branding/logo")

    assert response.mimetype == "image/svg+xml"
    policy = response.headers["Content-Security-Policy"]
    assert re.search(r"(^|;)\s*sandbox\s*(;|$)", policy)
    assert "default-src 'none'" in policy and "script-src" not in policy
    assert response.headers["X-Content-Type-Options"] == "nosniff"
