"""The main journeys with the keyboard alone (no mouse): Tab to move, Enter to follow, typing to search. Each
page on the way is checked with axe (see browsing.py).

Here: the skip link, "Need help now?", finding a service from the home page's search, and reading a
newsletter from the navigation. The other keyboard journeys live beside the features they use:
- signing in: test_journeys.py::test_signing_in_with_the_keyboard_alone;
- answering a survey, with its error summary leading to the question left out:
  test_survey_journeys.py::test_councillor_answers_the_open_survey_with_the_keyboard_alone;
- scoring a self-assessment statement:
  test_selfassessment_journeys.py::test_officer_scores_a_statement_with_the_keyboard_alone.
"""

import pytest
from playwright.sync_api import Page, expect

from tests.e2e.steps import demo_person, heading, menu, sign_in_behind_the_scenes
from tests.e2e.test_journeys import GOVUK_FOCUS_COLOUR
from tests.e2e.test_survey_journeys import MOST_TABS, tab_to

pytestmark = pytest.mark.e2e

SEARCH_WORDS = "counselling"


def focus_is_in_main(page: Page) -> bool:
    return page.evaluate("() => document.activeElement.closest('main') !== null")


def test_the_skip_link_moves_the_focus_to_the_main_content(tab):
    page = sign_in_behind_the_scenes(tab, demo_person("officer"))
    skip_link = page.get_by_role("link", name="Skip to main content")
    page.keyboard.press("Tab")
    expect(skip_link).to_be_focused()
    expect(skip_link).to_be_visible()  # hidden until focused, then shown

    page.keyboard.press("Enter")
    expect(page.locator("main")).to_be_focused()
    # The next Tab goes to the first control in the content, past the header and the eleven-link menu.
    page.keyboard.press("Tab")
    assert focus_is_in_main(page), "the first Tab after the skip link left the main content"


def test_need_help_now_comes_before_the_content_and_opens_with_enter(tab):
    page = sign_in_behind_the_scenes(tab, demo_person("councillor"))
    need_help = page.get_by_role("navigation", name="Urgent help").get_by_role("link", name="Need help now?")
    for _ in range(MOST_TABS):
        page.keyboard.press("Tab")
        assert not focus_is_in_main(page), "Tab reached the page's content before the link to urgent help"
        if need_help.evaluate("link => link === document.activeElement"):
            break
    expect(need_help).to_be_focused()

    with tab.expect_page():
        page.keyboard.press("Enter")
    expect(heading(page)).to_have_text("Need help now?")
    expect(page.locator("main")).to_contain_text("call 999")


def test_finding_a_service_with_the_keyboard_alone(tab):
    page = sign_in_behind_the_scenes(tab, demo_person("councillor"))
    keyboard = page.keyboard
    search = page.get_by_label("Search the support directory")
    tab_to(page, search)
    expect(search).to_have_css("outline-color", GOVUK_FOCUS_COLOUR)
    keyboard.type(SEARCH_WORDS)
    with tab.expect_page():
        keyboard.press("Enter")
    expect(page.get_by_label("Search the directory")).to_have_value(SEARCH_WORDS)
    results = page.get_by_role("list", name="services")
    first_result = results.get_by_role("link").first
    name = first_result.inner_text()

    tab_to(page, first_result)
    with tab.expect_page():
        keyboard.press("Enter")
    expect(heading(page)).to_have_text(name)


def test_reading_a_newsletter_with_the_keyboard_alone(tab):
    page = sign_in_behind_the_scenes(tab, demo_person("councillor"))
    keyboard = page.keyboard
    tab_to(page, menu(page).get_by_role("link", name="Newsletters", exact=True))
    with tab.expect_page():
        keyboard.press("Enter")
    expect(heading(page)).to_have_text("Newsletters")
    newest = page.get_by_role("list", name="newsletters").get_by_role("link").first
    subject = newest.inner_text()

    tab_to(page, newest)
    with tab.expect_page():
        keyboard.press("Enter")
    expect(heading(page)).to_have_text(subject)
