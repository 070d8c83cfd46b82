"""What people do in the portal, in a real browser: each page on the way is checked with axe (see browsing.py)."""

import re

import pytest
from playwright.sync_api import expect

from portal.demo import data
from tests.e2e.steps import (
    demo_person,
    error_summary,
    fill_sign_in_form,
    follow_navigation,
    heading,
    important_banner,
    menu,
    navigation_labels,
    sign_in,
    sign_in_behind_the_scenes,
    sign_out,
    success_banner,
)

pytestmark = pytest.mark.e2e

SIGN_IN_FAILED = "Enter a correct email address and password"

GOVUK_FOCUS_COLOUR = "rgb(255, 221, 0)"  # the yellow that shows where keyboard focus is (WCAG 2.4.7)
NAVIGATION_BY_ROLE = {
    "admin": [
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
    "officer": [
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
    "champion": ["Home", "Support directory", "Champions", "Newsletters", "Your training", "Surveys", "Your profile"],
    "councillor": ["Home", "Support directory", "Champions", "Newsletters", "Your training", "Surveys", "Your profile"],
}


@pytest.mark.parametrize(("local_part", "expected_navigation"), NAVIGATION_BY_ROLE.items())
def test_each_role_sees_its_own_navigation_then_signs_out(tab, local_part, expected_navigation):
    person = demo_person(local_part)
    page = sign_in(tab, person)
    expect(heading(page)).to_have_text(f"Hello, {person.name}")
    assert navigation_labels(page) == expected_navigation

    sign_out(tab)
    expect(page).to_have_url(re.compile(r"/sign-in$"))
    expect(heading(page)).to_have_text("Sign in")
    expect(success_banner(page)).to_contain_text("You have signed out")
    expect(menu(page)).to_have_count(0)


def test_wrong_password_is_explained_and_the_email_kept(tab):
    email = demo_person("councillor").email
    page = tab.visit("/sign-in")
    fill_sign_in_form(page, email, "not the right password")
    with tab.expect_page():
        page.get_by_role("button", name="Sign in").click()

    expect(page).to_have_title(re.compile(r"^Error: Sign in"))
    expect(error_summary(page).get_by_role("link", name=SIGN_IN_FAILED)).to_be_visible()
    password = page.get_by_label("Password", exact=True)
    expect(password).to_have_accessible_description(f"Error: {SIGN_IN_FAILED}")
    expect(password).to_have_value("")
    expect(page.get_by_label("Email address")).to_have_value(email)


def test_anonymous_visitor_is_sent_to_sign_in(tab):
    page = tab.visit("/")
    expect(page).to_have_url(re.compile(r"/sign-in\?next=%2F$"))
    expect(heading(page)).to_have_text("Sign in")
    expect(important_banner(page)).to_contain_text("Sign in to see this page")
    expect(success_banner(page)).to_have_count(0)
    expect(menu(page)).to_have_count(0)


def test_accessibility_statement_is_public(tab):
    page = tab.visit("/accessibility")
    expect(heading(page)).to_have_text("Accessibility statement for Councillor Support Hub")


def test_admin_invites_someone_then_changes_their_roles(tab):
    sign_in_behind_the_scenes(tab, demo_person("admin"))
    page = follow_navigation(tab, "People")
    with tab.expect_page():
        page.get_by_role("link", name="Invite someone").click()
    expect(heading(page)).to_have_text("Invite someone")

    with tab.expect_page():
        page.get_by_role("button", name="Send invitation").click()
    expect(page).to_have_title(re.compile(r"^Error: Invite someone"))
    for message in ("Enter the person's full name", "Enter the person's email address", "Select at least one role"):
        expect(error_summary(page).get_by_role("link", name=message)).to_be_visible()

    page.get_by_label("Full name").fill("Nia Newcomer")
    page.get_by_label("Email address").fill("nia.newcomer@northshire.example")
    page.get_by_label("Councillor").check()
    with tab.expect_page():
        page.get_by_role("button", name="Send invitation").click()
    expect(heading(page)).to_have_text("Nia Newcomer")
    expect(success_banner(page)).to_contain_text("Invitation sent to nia.newcomer@northshire.example")

    page = follow_navigation(tab, "Outbox")
    invitation = page.get_by_role("row").filter(has_text="nia.newcomer@northshire.example")
    expect(invitation).to_contain_text("You have been invited to Councillor Support Hub")
    expect(invitation).to_contain_text("Pending")

    _change_roles(tab, "Nia Newcomer", add="Champion")


def _change_roles(tab, name: str, add: str) -> None:
    page = follow_navigation(tab, "People")
    with tab.expect_page():
        page.get_by_role("link", name=name).click()
    page.get_by_label(add).check()
    with tab.expect_page():
        page.get_by_role("button", name="Save roles").click()
    expect(success_banner(page)).to_contain_text("Roles saved")
    expect(page.get_by_label(add)).to_be_checked()
    expect(page.get_by_label("Councillor")).to_be_checked()


def test_admin_renames_the_council_and_the_header_follows(tab):
    sign_in_behind_the_scenes(tab, demo_person("admin"))
    page = follow_navigation(tab, "Settings")
    council_name = page.get_by_label("Council name")

    council_name.fill("")
    with tab.expect_page():
        page.get_by_role("button", name="Save settings").click()
    expect(error_summary(page).get_by_role("link", name="Enter the council's name")).to_be_visible()

    council_name.fill("Southshire Borough Council")
    with tab.expect_page():
        page.get_by_role("button", name="Save settings").click()
    expect(success_banner(page)).to_contain_text("Settings saved")
    expect(page.get_by_role("banner").get_by_role("link")).to_have_text("Southshire Borough Council")
    expect(page).to_have_title(re.compile(r"Southshire Borough Council$"))


def test_councillor_updates_their_profile(tab):
    sign_in_behind_the_scenes(tab, demo_person("morgan.evans"))
    page = follow_navigation(tab, "Your profile")
    page.get_by_label("Ward").fill("Abbey North")
    page.get_by_label("Email me the members' newsletter").uncheck()
    with tab.expect_page():
        page.get_by_role("button", name="Save profile").click()

    expect(success_banner(page)).to_contain_text("Your profile has been saved")
    expect(page.get_by_label("Ward")).to_have_value("Abbey North")
    expect(page.get_by_label("Email me the members' newsletter")).not_to_be_checked()
    expect(page.get_by_label("Email me reminders about training and surveys")).to_be_checked()


def test_an_impossible_date_is_explained_and_what_was_typed_kept(tab):
    sign_in_behind_the_scenes(tab, demo_person("sam.okafor"))
    page = follow_navigation(tab, "Your profile")
    page.get_by_label("Ward").fill("Castle East")
    typed = {"Day": "31", "Month": "2", "Year": "2023"}
    for label, value in typed.items():
        page.get_by_label(label, exact=True).fill(value)
    with tab.expect_page():
        page.get_by_role("button", name="Save profile").click()

    expect(page).to_have_title(re.compile(r"^Error: Your profile"))
    expect(error_summary(page)).to_contain_text("Date first elected must be a real date")
    expect(page.get_by_role("group", name="Date first elected")).to_contain_text("Error: Date first elected")
    for label, value in typed.items():
        expect(page.get_by_label(label, exact=True)).to_have_value(value)
    expect(page.get_by_label("Ward")).to_have_value("Castle East")


def test_signing_in_with_the_keyboard_alone(tab):
    person = demo_person("champion")
    page = tab.visit("/sign-in")
    keyboard = page.keyboard
    keyboard.press("Tab")
    expect(page.get_by_role("link", name="Skip to main content")).to_be_focused()
    keyboard.press("Enter")
    keyboard.press("Tab")
    email = page.get_by_label("Email address")
    expect(email).to_be_focused()
    expect(email).to_have_css("outline-color", GOVUK_FOCUS_COLOUR)
    keyboard.type(person.email)
    keyboard.press("Tab")
    expect(page.get_by_label("Password", exact=True)).to_be_focused()
    keyboard.type(data.DEMO_PASSWORD)
    with tab.expect_page():
        keyboard.press("Enter")
    expect(heading(page)).to_have_text(f"Hello, {person.name}")


def test_signing_in_works_without_javascript(open_tab):
    tab = open_tab(java_script_enabled=False)
    page = sign_in(tab, demo_person("officer"))
    expect(heading(page)).to_have_text("Hello, Olu Officer")
    assert navigation_labels(page) == NAVIGATION_BY_ROLE["officer"]
