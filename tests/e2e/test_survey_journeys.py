"""Wellbeing surveys in a real browser: answering (by keyboard, with a draft, without JavaScript), reading and
exporting results, and building a template and a round. Each page on the way is checked with axe.

The e2e database is shared by the whole session, so each journey that answers uses its own demo councillor,
one the demo data left without an answer to the open round: the journeys pass in any order.
"""

import csv
import re
from datetime import timedelta

import pytest
from playwright.sync_api import Locator, Page, expect

from portal.demo.survey_data import ANYTHING_ELSE
from portal.surveys.rounds import council_today
from tests.e2e.browsing import Tab
from tests.e2e.steps import (
    demo_person,
    error_summary,
    follow_navigation,
    heading,
    menu,
    sign_in,
    sign_in_behind_the_scenes,
    sign_out,
    success_banner,
)

pytestmark = pytest.mark.e2e

OPEN_ROUND = "Wellbeing survey: winter"
RELEASED_ROUND = "Wellbeing survey: summer"
RELEASED_ROUND_RESPONSES = 32
WHO_SEES_WHAT = "Before you start: who will see what"
WHO5_COUNT = 5
# The most Tab presses a journey makes to reach one control: the answer page has about sixty stops.
MOST_TABS = 150


def question(page: Page, number: int) -> Locator:
    """A choice question's fieldset, named by its legend "<number>. <text>"."""
    return page.get_by_role("group", name=re.compile(rf"^{number}\. "))


def anything_else(page: Page) -> Locator:
    return page.get_by_role("textbox", name=re.compile(re.escape(ANYTHING_ELSE)))


def open_survey(tab: Tab, title: str = OPEN_ROUND) -> Page:
    page = follow_navigation(tab, "Surveys")
    with tab.expect_page():
        page.get_by_role("link", name=title).click()
    expect(heading(page)).to_have_text(title)
    return page


def answer_who5(page: Page, skip: int | None = None) -> None:
    """Answer the WHO-5 questions (1 to 5) by clicking, leaving out question `skip`."""
    for number in range(1, WHO5_COUNT + 1):
        if number != skip:
            question(page, number).get_by_label("More than half of the time").check()


# ---- keyboard alone ------------------------------------------------------------------------------------


def tab_to(page: Page, target: Locator) -> None:
    """Press Tab until the keyboard focus is on `target` or inside it (a radio group's fieldset)."""
    for _ in range(MOST_TABS):
        page.keyboard.press("Tab")
        if target.evaluate("element => element.contains(document.activeElement)"):
            return
    raise AssertionError(f"{MOST_TABS} presses of Tab never reached {target}")


def choose_by_keyboard(page: Page, group: Locator, option_index: int) -> None:
    """Tab into a radio group nobody has answered (focus lands on its first option), then pick one."""
    tab_to(page, group)
    if option_index == 0:
        page.keyboard.press("Space")
    for _ in range(option_index):
        page.keyboard.press("ArrowDown")


def test_councillor_answers_the_open_survey_with_the_keyboard_alone(tab):
    page = sign_in_behind_the_scenes(tab, demo_person("councillor"))
    keyboard = page.keyboard
    tab_to(page, menu(page).get_by_role("link", name="Surveys", exact=True))
    with tab.expect_page():
        keyboard.press("Enter")
    tab_to(page, page.get_by_role("link", name=OPEN_ROUND))
    with tab.expect_page():
        keyboard.press("Enter")
    expect(heading(page)).to_have_text(OPEN_ROUND)
    answer_page = page.url

    statement = page.get_by_role("heading", name=WHO_SEES_WHAT).locator("..")
    expect(statement).to_contain_text("No figure is shown unless at least 5 people answered")
    first_question = question(page, 1).element_handle()
    assert statement.evaluate("(box, first) => !!(box.compareDocumentPosition(first) & 4)", first_question), (
        "the statement of who sees what must come before the first question"
    )

    # Questions 1 to 4 of WHO-5, leaving the required question 5 out; then a tick box and some words.
    for number, option_index in ((1, 0), (2, 2), (3, 3), (4, 4)):
        choose_by_keyboard(page, question(page, number), option_index)
    tab_to(page, question(page, 8).get_by_label("Social media"))
    keyboard.press("Space")
    tab_to(page, anything_else(page))
    keyboard.type("Evening surgeries feel safer now.")
    tab_to(page, page.get_by_role("button", name="Submit answers"))
    with tab.expect_page():
        keyboard.press("Enter")

    expect(page).to_have_title(re.compile(r"^Error: "))
    missing = "Select an answer to question 5"
    expect(question(page, 5)).to_contain_text(f"Error: {missing}")
    kept = {1: "At no time", 2: "Less than half of the time", 3: "More than half of the time", 4: "Most of the time"}
    for number, label in kept.items():
        expect(question(page, number).get_by_label(label)).to_be_checked()
    expect(question(page, 8).get_by_label("Social media")).to_be_checked()
    expect(anything_else(page)).to_have_value("Evening surgeries feel safer now.")

    # The error summary takes the focus; its link leads to the question left out.
    tab_to(page, error_summary(page).get_by_role("link", name=missing))
    keyboard.press("Enter")
    expect(question(page, 5).get_by_role("radio").first).to_be_focused()
    keyboard.press("ArrowDown")
    expect(question(page, 5).get_by_label("Some of the time")).to_be_checked()
    tab_to(page, page.get_by_role("button", name="Submit answers"))
    with tab.expect_page():
        keyboard.press("Enter")

    expect(heading(page)).to_have_text("Thank you for answering")
    tab_to(page, page.get_by_role("link", name="your surveys page"))
    with tab.expect_page():
        keyboard.press("Enter")
    answered = page.locator("#open-rounds").get_by_role("row").filter(has_text=OPEN_ROUND)
    expect(answered).to_contain_text("Answered")
    expect(answered.get_by_role("link")).to_have_count(0)

    tab.visit(answer_page)
    expect(page.get_by_text("You have already answered this survey")).to_be_visible()
    expect(page.get_by_role("button", name="Submit answers")).to_have_count(0)


# ---- a draft -------------------------------------------------------------------------------------------


def test_a_saved_draft_is_there_when_the_councillor_comes_back(tab):
    person = demo_person("jo.whitfield")
    sign_in_behind_the_scenes(tab, person)
    page = open_survey(tab)
    question(page, 1).get_by_label("Most of the time").check()
    question(page, 6).get_by_label("Yes").check()
    question(page, 8).get_by_label("Email").check()
    question(page, 8).get_by_label("Letter").check()
    anything_else(page).fill("More notice of late meetings, please.")
    with tab.expect_page():
        page.get_by_role("button", name="Save and come back later").click()
    expect(success_banner(page)).to_contain_text("Your answers are saved")

    sign_out(tab)
    sign_in(tab, person)
    page = follow_navigation(tab, "Surveys")
    expect(page.locator("#open-rounds").get_by_role("row").filter(has_text=OPEN_ROUND)).to_contain_text("Draft saved")
    with tab.expect_page():
        page.get_by_role("link", name=OPEN_ROUND).click()
    expect(question(page, 1).get_by_label("Most of the time")).to_be_checked()
    expect(question(page, 2).get_by_role("radio", checked=True)).to_have_count(0)
    expect(question(page, 6).get_by_label("Yes")).to_be_checked()
    for channel, ticked in (("Email", True), ("Letter", True), ("Phone", False)):
        checkbox = question(page, 8).get_by_label(channel)
        expect(checkbox).to_be_checked() if ticked else expect(checkbox).not_to_be_checked()
    expect(anything_else(page)).to_have_value("More notice of late meetings, please.")


# ---- without JavaScript --------------------------------------------------------------------------------


def test_answering_works_without_javascript(open_tab):
    tab = open_tab(java_script_enabled=False)
    sign_in(tab, demo_person("ruth.lindqvist"))
    page = open_survey(tab)
    expect(page.get_by_role("heading", name=WHO_SEES_WHAT)).to_be_visible()

    answer_who5(page, skip=3)
    with tab.expect_page():
        page.get_by_role("button", name="Submit answers").click()
    expect(error_summary(page)).to_contain_text("Select an answer to question 3")
    expect(question(page, 1).get_by_label("More than half of the time")).to_be_checked()

    question(page, 3).get_by_label("All of the time").check()
    with tab.expect_page():
        page.get_by_role("button", name="Submit answers").click()
    expect(heading(page)).to_have_text("Thank you for answering")


# ---- results -------------------------------------------------------------------------------------------


def test_officer_reads_breaks_down_redacts_and_exports_results_and_each_view_is_audited(tab, open_tab):
    sign_in_behind_the_scenes(tab, demo_person("officer"))
    page = follow_navigation(tab, "Survey rounds")
    with tab.expect_page():
        page.get_by_role("link", name=RELEASED_ROUND).click()
    round_page = page.url
    with tab.expect_page():
        page.get_by_role("link", name="See the results").click()
    expect(heading(page)).to_have_text(RELEASED_ROUND)
    expect(page.locator(".govuk-summary-list").first).to_contain_text(f"{RELEASED_ROUND_RESPONSES} of ")
    who5_chart = page.get_by_role("img", name=re.compile(r"^WHO-5 scores in bands"))
    expect(who5_chart).to_be_visible()
    _every_chart_is_a_named_image(page)
    mean_row = page.locator(".govuk-summary-list__row").filter(has_text="Mean score (0 to 100)")
    who5_mean = mean_row.get_by_role("definition").inner_text().strip()
    assert re.fullmatch(r"\d+\.\d", who5_mean), f"the WHO-5 mean shows as {who5_mean!r}"

    by_years = "By How long have you been a councillor?"
    with tab.expect_page():
        page.get_by_role("link", name=by_years).click()
    expect(page.get_by_text(f"{by_years} (this view)")).to_be_visible()
    expect(page.get_by_role("table", name="Groups by How long have you been a councillor?")).to_be_visible()
    expect(page.get_by_role("link", name="Free-text answers", exact=True)).to_have_count(0)  # never beside a breakdown
    with tab.expect_page():
        page.get_by_role("link", name="Everyone", exact=True).click()

    _redact_the_first_free_text_answer(tab)
    with tab.expect_page():
        page.get_by_role("link", name="Back to the results").click()

    with page.expect_download() as download:
        page.get_by_role("link", name="Download the results (CSV)").click()
    with open(download.value.path(), encoding="utf-8-sig", newline="") as file:
        rows = list(csv.reader(file))
    assert rows[0] == ["Breakdown", "Group", "Question", "Answer", "Count", "Percent"]
    assert ["Everyone", "", "Responses", "", str(RELEASED_ROUND_RESPONSES)] == rows[1][:5]
    assert ["Everyone", "", "WHO-5 wellbeing score (0 to 100)", "Mean", who5_mean, ""] in rows

    with tab.expect_page():
        page.get_by_role("link", name="WHO-5 trend across rounds").click()
    expect(page.get_by_role("table", name=re.compile(r"by round$"))).to_contain_text(RELEASED_ROUND)
    with tab.expect_page():
        page.get_by_role("link", name="By Are you an independent councillor?").click()
    expect(page.get_by_role("table", name=re.compile(r"by round and group$"))).to_be_visible()
    tab.visit(f"{round_page}/review")
    expect(page.get_by_role("link", name="See the results")).to_be_visible()

    _admin_sees_the_views_in_the_audit_log(open_tab())


def _every_chart_is_a_named_image(page: Page) -> None:
    """Charts are inline SVG: each is an image with a name, its figures in the table beside it."""
    charts = page.get_by_role("main").locator("svg")
    assert charts.count() > 1, "the results page has no charts"
    for chart in charts.all():
        expect(chart).to_have_attribute("role", "img")
        expect(chart).to_have_accessible_name(re.compile(r"\(the table beside it gives the figures\)$"))


def _redact_the_first_free_text_answer(tab: Tab) -> None:
    page = tab.page
    with tab.expect_page():
        page.get_by_role("link", name="Free-text answers", exact=True).click()
    expect(page.get_by_role("heading", level=2, name=ANYTHING_ELSE)).to_be_visible()
    first = page.get_by_role("listitem").filter(has=page.get_by_role("button", name="Redact answer 1", exact=True))
    words = first.locator("p").inner_text().strip()
    assert words, "the first free-text answer has no words"
    with tab.expect_page():
        first.get_by_role("button", name="Redact answer 1", exact=True).click()
    expect(success_banner(page)).to_contain_text("Answer redacted")
    expect(page.get_by_text("Redacted by an officer")).to_have_count(1)
    expect(page.get_by_text(words)).to_have_count(0)


def _admin_sees_the_views_in_the_audit_log(tab: Tab) -> None:
    sign_in_behind_the_scenes(tab, demo_person("admin"))
    page = follow_navigation(tab, "Audit log")
    by_the_officer = page.get_by_role("row").filter(has_text="Olu Officer")
    for summary in (
        f"Viewed survey results (overall) of {RELEASED_ROUND}",
        f"Viewed survey results (breakdown) of {RELEASED_ROUND}",
        f"Viewed survey results (free text) of {RELEASED_ROUND}",
        f"Redacted a free-text answer in {RELEASED_ROUND}",
        f"Viewed survey results (csv export) of {RELEASED_ROUND}",
        "Viewed survey results (trend)",
    ):
        expect(by_the_officer.filter(has_text=summary).first).to_be_visible()


# ---- building a survey ---------------------------------------------------------------------------------


def test_officer_builds_a_template_and_schedules_a_round_for_it(tab):
    template_name = "Councillor check-in"
    sign_in_behind_the_scenes(tab, demo_person("officer"))
    page = follow_navigation(tab, "Survey rounds")
    with tab.expect_page():
        page.get_by_role("link", name="Templates", exact=True).click()
    with tab.expect_page():
        page.get_by_role("link", name="Create a template").click()
    page.get_by_label("Name").fill(template_name)
    with tab.expect_page():
        page.get_by_role("button", name="Save template").click()
    expect(heading(page)).to_have_text(template_name)
    expect(success_banner(page)).to_contain_text(f"{template_name} created")

    with tab.expect_page():
        page.get_by_role("button", name="Add WHO-5 Wellbeing Index").click()
    expect(success_banner(page)).to_contain_text("WHO-5 Wellbeing Index added")
    expect(page.locator(".app-question-list > li")).to_have_count(WHO5_COUNT)

    _add_a_free_text_question_after_a_mistake(tab, "What would make your role safer?")
    expect(page.locator(".app-question-list > li")).to_have_count(WHO5_COUNT + 1)
    expect(page.get_by_role("heading", name="6. What would make your role safer?")).to_be_visible()

    with tab.expect_page():
        page.get_by_role("link", name="Change statements question 1").click()
    expect(page.get_by_text("I have felt cheerful and in good spirits")).to_be_visible()
    with tab.expect_page():
        page.get_by_role("link", name="Back to the template").click()

    page = follow_navigation(tab, "Survey rounds")
    with tab.expect_page():
        page.get_by_role("link", name="Set up a round").click()
    with tab.expect_page():
        page.get_by_role("button", name="Save round").click()
    for message in ("Choose a template", "Enter a title", "Enter the opening date", "Enter the closing date"):
        expect(error_summary(page).get_by_role("link", name=message)).to_be_visible()
    opens, closes = council_today(), council_today() + timedelta(days=21)
    page.get_by_label("Template").select_option(label=template_name)
    page.get_by_label("Title").fill("Check-in: new year")
    for legend, day in (("Opens on", opens), ("Closes on", closes)):
        dates = page.get_by_role("group", name=legend)
        for label, value in (("Day", day.day), ("Month", day.month), ("Year", day.year)):
            dates.get_by_label(label, exact=True).fill(str(value))
    with tab.expect_page():
        page.get_by_role("button", name="Save round").click()
    expect(success_banner(page)).to_contain_text("Check-in: new year scheduled")
    expect(heading(page)).to_have_text("Check-in: new year")
    with tab.expect_page():
        page.get_by_role("link", name="Change this round").click()
    expect(page.get_by_label("Title")).to_have_value("Check-in: new year")
    with tab.expect_page():
        page.get_by_role("link", name="Back without saving").click()

    with tab.expect_page():
        page.get_by_role("link", name="All rounds").click()
    scheduled = (
        page.get_by_role("table", name=re.compile(r"^Scheduled"))
        .get_by_role("row")
        .filter(has_text="Check-in: new year")
    )
    expect(scheduled).to_contain_text(template_name)
    expect(scheduled).to_contain_text(f"{opens.day} {opens:%B %Y}")


def _add_a_free_text_question_after_a_mistake(tab: Tab, text: str) -> None:
    page = tab.page
    with tab.expect_page():
        page.get_by_role("link", name="Write a question").click()
    page.get_by_label("Free text").check()
    with tab.expect_page():
        page.get_by_role("button", name="Save question").click()
    expect(error_summary(page).get_by_role("link", name="Enter the question")).to_be_visible()
    expect(page.get_by_label("Question", exact=True)).to_have_accessible_description(
        re.compile(r"^Error:\s+Enter the question$")
    )
    expect(page.get_by_label("Free text")).to_be_checked()

    page.get_by_label("Question", exact=True).fill(text)
    with tab.expect_page():
        page.get_by_role("button", name="Save question").click()
    expect(success_banner(page)).to_contain_text("Question added")
