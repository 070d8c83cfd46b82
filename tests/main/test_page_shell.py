"""base.html writes the GOV.UK page template, skip link and service navigation as plain markup (the macros
cost more than a simple page); these tests hold that markup to what the GOV.UK macros themselves make."""

import pytest
from bs4 import BeautifulSoup, Tag
from flask import render_template

from portal.accounts.models import Role
from tests.pages import page, shape

SERVICE_NAVIGATION = (
    '{% from "govuk_frontend_jinja/components/service-navigation/macro.html" import govukServiceNavigation %}'
    "{{ govukServiceNavigation(params) }}"
)
SKIP_LINK = (
    '{% from "govuk_frontend_jinja/components/skip-link/macro.html" import govukSkipLink %}'
    "{{ govukSkipLink({'href': '#main-content', 'text': 'Skip to main content'}) }}"
)


def macro_output(app, source: str, **context) -> Tag:
    html = app.jinja_env.from_string(source).render(**context)
    return BeautifulSoup(html, "html.parser").find(True)


def navigation_params(items: list[dict]) -> dict:
    return {"serviceName": "Councillor Support Hub", "serviceUrl": "/", "navigation": items, "navigationLabel": "Menu"}


def items_shown(navigation: Tag) -> list[dict]:
    return [
        {"text": " ".join(link.get_text().split()), "href": link["href"], "active": link.has_attr("aria-current")}
        for link in navigation.select(".govuk-service-navigation__list a")
    ]


def test_a_pages_service_navigation_is_what_the_govuk_macro_makes(app_context, client_as):
    shown = page(client_as(Role.ADMIN).get("/directory")).select_one("section.govuk-service-navigation")
    assert shown.select_one("[aria-current]").get_text(strip=True) == "Support directory"
    expected = macro_output(app_context, SERVICE_NAVIGATION, params=navigation_params(items_shown(shown)))
    assert shape(shown) == shape(expected)


@pytest.mark.parametrize("count", [0, 1, 3])
def test_any_number_of_items_is_marked_up_as_the_macro_does(app_context, count):
    """No menu at all with no items (nobody signed in), no menu button with one."""
    items = [{"text": f"Place {n}", "href": f"/place-{n}", "active": n == 1} for n in range(count)]
    with app_context.test_request_context("/"):
        html = render_template("main/accessibility.html", navigation_items=lambda: items)
    shown = BeautifulSoup(html, "html.parser").select_one("section.govuk-service-navigation")
    assert shape(shown) == shape(macro_output(app_context, SERVICE_NAVIGATION, params=navigation_params(items)))


@pytest.mark.parametrize("rebrand", [True, False])
def test_the_page_frame_is_the_govuk_page_template(app_context, client, monkeypatch, rebrand):
    monkeypatch.setitem(app_context.jinja_env.globals, "govukRebrand", rebrand)
    shown = page(client.get("/accessibility"))
    govuk_template = app_context.jinja_env.get_template("govuk_frontend_jinja/template.html")
    govuk = BeautifulSoup(govuk_template.render(), "html.parser")
    assert shown.html["class"] == govuk.html["class"]
    assert ("govuk-template--rebranded" in shown.html["class"]) is rebrand
    assert shown.html["lang"] == govuk.html["lang"]
    assert shown.find("meta", attrs={"name": "theme-color"}) == govuk.find("meta", attrs={"name": "theme-color"})
    assert shown.find("meta", attrs={"name": "viewport"}) == govuk.find("meta", attrs={"name": "viewport"})
    assert shown.body["class"] == govuk.body["class"]
    assert shown.body.script == govuk.body.script  # marks the page as JavaScript-enabled (its hash is in the CSP)
    assert shape(shown.select_one(".govuk-skip-link")) == shape(macro_output(app_context, SKIP_LINK))
    main = shown.select_one("main")
    assert (main["id"], main["class"]) == ("main-content", ["govuk-main-wrapper"])
    assert main.parent["class"] == ["govuk-width-container"]
