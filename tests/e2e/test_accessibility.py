"""Every page each role can reach, the public pages and the error pages pass axe with no console errors."""

import re
from urllib.parse import parse_qs, urlsplit

import pytest
from playwright.sync_api import Page, expect

from tests.e2e.browsing import Tab
from tests.e2e.steps import demo_person, heading, sign_in_behind_the_scenes

pytestmark = pytest.mark.e2e

# The kinds of page (see `page_kind`) each role must reach by following links from the home page.
COMMON_PAGES = {"/", "/profile", "/accessibility", "/directory", "/directory?open_now", "/directory/services/<id>"} | {
    "/help-now",
    "/champions",
    "/training",
    "/newsletters",
    "/newsletters/<id>",
}
NEWSLETTER_WRITERS = {"/newsletters/manage", "/newsletters/new"}
OFFICERS_TRAINING = {"/training/courses", "/training/courses/new", "/training/compliance-matrix"} | {
    "/training/members",
    "/training/members/<id>",
    "/training/attendance",
    "/training/settings",
    "/training/import",
}
OFFICERS_DIRECTORY = {"/directory/services/new", "/directory/due-a-check", "/directory/categories"} | {
    "/directory/import",
    "/directory/services/<id>/edit",
}
# Every role sees /surveys and the members' summary of a released round.
SURVEY_RESULTS_FOR_EVERYONE = {"/surveys", "/surveys/<id>/summary"}
# The answer page, reached only while the member has not yet answered: the keyboard journey answers as the
# demo councillor, so the crawl expects it of the champion, whom no journey answers as.
SURVEY_TO_ANSWER = {"/surveys/<id>"}
# The crawl checks one round page, the open round's (open rounds are listed first), so it reaches the close
# page but not the released round's results, breakdowns, free text, trends or review: the results journey in
# test_survey_journeys.py checks those, and the template journey the question form.
OFFICERS_SURVEYS = {"/surveys/rounds", "/surveys/rounds/new", "/surveys/rounds/<id>", "/surveys/rounds/<id>/close"} | {
    "/surveys/schedules",
    "/surveys/schedules/new",
    "/surveys/templates",
    "/surveys/templates/new",
    "/surveys/templates/archived",
    "/surveys/templates/<id>",
}
# The crawl reaches a statement from the forward plan's first action, so one with actions to add and change,
# and the finalise page from the newest assessment, which the journeys in test_selfassessment_journeys.py always
# leave a draft.
OFFICERS_SELF_ASSESSMENT = {"/self-assessment/", "/self-assessment/new", "/self-assessment/<id>"} | {
    "/self-assessment/<id>/finalise",
    "/self-assessment/<id>/statements/<id>",
    "/self-assessment/<id>/statements/<id>/actions/new",
    "/self-assessment/<id>/actions/<id>/edit",
    "/self-assessment/plan",
    "/self-assessment/progress",
    "/self-assessment/framework",
}
# Admins reach the framework from Settings, and edit it there.
ADMINS_FRAMEWORK = {"/self-assessment/framework", "/self-assessment/framework/principles/<id>/edit"} | {
    "/self-assessment/framework/principles/<id>/statements/new",
    "/self-assessment/framework/statements/<id>/edit",
    "/self-assessment/framework/statements/<id>/retire",
}
PAGES_BY_ROLE = {
    "councillor": COMMON_PAGES | SURVEY_RESULTS_FOR_EVERYONE,
    "champion": COMMON_PAGES
    | NEWSLETTER_WRITERS
    | {"/champions/<id>/edit"}
    | SURVEY_RESULTS_FOR_EVERYONE
    | SURVEY_TO_ANSWER,
    "officer": COMMON_PAGES
    | OFFICERS_DIRECTORY
    | OFFICERS_TRAINING
    | NEWSLETTER_WRITERS
    | {"/outbox/", "/outbox/?status"}
    | SURVEY_RESULTS_FOR_EVERYONE
    | OFFICERS_SURVEYS
    | OFFICERS_SELF_ASSESSMENT,
    "admin": COMMON_PAGES
    | SURVEY_RESULTS_FOR_EVERYONE
    | {"/outbox/", "/outbox/?status", "/admin/users", "/admin/users/invite", "/admin/users/<id>"}
    | {"/admin/audit-log", "/admin/settings", "/champions/appoint", "/champions/<id>/edit"}
    | ADMINS_FRAMEWORK,
}
PAGE_NOT_FOUND = "Page not found"
NO_PERMISSION = "You do not have permission to see this page"
# A bound on the crawl, well above what any role can reach today, so a runaway link cannot stall the suite.
MAX_PAGES = 80
# Links that download a file rather than show a page.
DOWNLOADS = (".csv", ".xlsx", ".json", ".pdf")


def page_kind(url: str) -> str:
    """Pages that differ only in an id or a query value share a template, so one of each kind is checked."""
    parts = urlsplit(url)
    path = re.sub(r"/\d+(?=/|$)", "/<id>", parts.path)
    query_names = sorted(parse_qs(parts.query))
    return f"{path}?{'&'.join(query_names)}" if query_names else path


def links_on_this_site(page: Page) -> list[str]:
    site = urlsplit(page.url).netloc
    hrefs = page.eval_on_selector_all("a[href]", "links => links.map(link => link.href)")
    return [
        href.split("#")[0]
        for href in hrefs
        if urlsplit(href).netloc == site and not urlsplit(href).path.endswith(DOWNLOADS)
    ]


def visit_every_kind_of_page(tab: Tab) -> set[str]:
    """From the page showing, follow every link on the site breadth-first, checking one page of each kind."""
    checked = {page_kind(tab.page.url)}
    waiting = links_on_this_site(tab.page)
    while waiting:
        url = waiting.pop(0)
        if page_kind(url) in checked:
            continue
        assert len(checked) < MAX_PAGES, f"more than {MAX_PAGES} kinds of page: {sorted(checked)}"
        checked.add(page_kind(url))
        waiting.extend(links_on_this_site(tab.visit(url)))
    return checked


@pytest.mark.parametrize(("local_part", "expected_pages"), PAGES_BY_ROLE.items())
def test_every_page_a_role_can_reach_is_accessible(tab, local_part, expected_pages):
    sign_in_behind_the_scenes(tab, demo_person(local_part))
    reached = visit_every_kind_of_page(tab)
    assert expected_pages <= reached, f"not reached: {sorted(expected_pages - reached)}"


@pytest.mark.parametrize(
    ("path", "status", "title"),
    [
        ("/sign-in", 200, "Sign in"),
        ("/reset-password", 200, "Reset your password"),
        ("/accessibility", 200, "Accessibility statement for Councillor Support Hub"),
        ("/no-such-page", 404, PAGE_NOT_FOUND),
    ],
)
def test_public_pages_are_accessible(tab, path, status, title):
    expect(heading(tab.visit(path, status=status))).to_have_text(title)


def test_error_pages_for_a_signed_in_councillor_are_accessible(tab):
    sign_in_behind_the_scenes(tab, demo_person("councillor"))
    expect(heading(tab.visit("/admin/users", status=403))).to_have_text(NO_PERMISSION)
    expect(heading(tab.visit("/admin/no-such-page", status=404))).to_have_text(PAGE_NOT_FOUND)
