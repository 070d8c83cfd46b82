"""What people do and see in the portal, shared by the journeys."""

import re
from dataclasses import dataclass

from playwright.sync_api import Locator, Page

from portal.demo import data
from tests.e2e.browsing import Tab

CSRF_TOKEN = re.compile(r'name="csrf_token" type="hidden" value="([^"]+)"')


@dataclass(frozen=True)
class DemoPerson:
    name: str
    email: str


def demo_person(local_part: str) -> DemoPerson:
    """The demo account whose email starts with `local_part` (admin, officer, champion, councillor...)."""
    name = next(name for name, part, *_ in data.PEOPLE if part == local_part)
    return DemoPerson(name=name, email=data.email_for(local_part))


def fill_sign_in_form(page: Page, email: str, password: str) -> None:
    page.get_by_label("Email address").fill(email)
    page.get_by_label("Password", exact=True).fill(password)


def sign_in(tab: Tab, person: DemoPerson) -> Page:
    """Sign in from the sign-in page with the demo password; the home page is checked and returned."""
    page = tab.visit("/sign-in")
    fill_sign_in_form(page, person.email, data.DEMO_PASSWORD)
    with tab.expect_page():
        page.get_by_role("button", name="Sign in").click()
    return page


def sign_in_behind_the_scenes(tab: Tab, person: DemoPerson) -> Page:
    """Sign in over HTTP in the tab's browser context (so sharing its cookies), then open the home page.

    For journeys about something else, which need not pay for the sign-in page every time: the sign-in form
    has journeys of its own.
    """
    http = tab.page.context.request
    csrf_token = CSRF_TOKEN.search(http.get("/sign-in").text()).group(1)
    form = {"csrf_token": csrf_token, "email": person.email, "password": data.DEMO_PASSWORD}
    assert http.post("/sign-in", form=form, max_redirects=0).status == 302, f"{person.email} could not sign in"
    return tab.visit("/")


def sign_out(tab: Tab) -> Page:
    with tab.expect_page() as page:
        page.get_by_role("button", name="Sign out").click()
    return page


def follow_navigation(tab: Tab, label: str) -> Page:
    """Open a page from the service navigation."""
    with tab.expect_page() as page:
        menu(page).get_by_role("link", name=label, exact=True).click()
    return page


def menu(page: Page) -> Locator:
    return page.get_by_role("navigation", name="Menu")


def navigation_labels(page: Page) -> list[str]:
    return [label.strip() for label in menu(page).get_by_role("link").all_inner_texts()]


def heading(page: Page) -> Locator:
    return page.get_by_role("heading", level=1)


def error_summary(page: Page) -> Locator:
    return page.get_by_role("alert").filter(has_text="There is a problem")


def success_banner(page: Page) -> Locator:
    return page.get_by_role("alert", name="Success")


def important_banner(page: Page) -> Locator:
    return page.get_by_role("region", name="Important")
