"""The council's self-assessment in a real browser: a whole cycle from starting to finalising and exporting,
scoring by keyboard alone, two officers saving the same statement, and an admin rewording the framework. Each
page on the way is checked with axe.

The e2e database is shared by the whole session, so the journeys pass in any order: a journey that finalises
starts an assessment of its own, the others change only statements of the demo draft that no other journey
touches, and every journey leaves the newest assessment a draft (the accessibility crawl reaches the finalise
page from the newest assessment).
"""

import re
from datetime import date, timedelta
from io import BytesIO
from pathlib import Path

import openpyxl
import pytest
from playwright.sync_api import Locator, Page, expect

from portal.common.time import format_date
from portal.demo.selfassessment_data import LAST_YEAR_SCORES
from portal.selfassessment.actions import council_today
from tests.e2e.browsing import Tab
from tests.e2e.steps import (
    demo_person,
    error_summary,
    follow_navigation,
    heading,
    menu,
    sign_in_behind_the_scenes,
    success_banner,
)

pytestmark = pytest.mark.e2e


def cycle_title(year: int) -> str:
    """The demo's titles, "2025/26" for the cycle that starts in 2025."""
    return f"{year}/{(year + 1) % 100:02d}"


LAST_YEAR = cycle_title(date.today().year - 1)  # finalised in the demo
THIS_YEAR = cycle_title(date.today().year)  # the demo draft, carried forward from last year
LAST_YEAR_TOTAL = sum(LAST_YEAR_SCORES.values())
OUT_OF = 50
POLICE_CONTACT = "A police single point of contact in the directory"
ACTION = "Introduce the new police contact at the next members' briefing"
LINK_ERROR = "Line 1: Enter a web address starting with https:// or http://"
# The most Tab presses a journey makes to reach one control: an assessment's overview has about seventy stops.
MOST_TABS = 150


# ---- getting about -------------------------------------------------------------------------------------


def open_self_assessment(tab: Tab) -> Page:
    page = follow_navigation(tab, "Self-assessment")
    expect(heading(page)).to_have_text("Self-assessment")
    return page


def assessment_link(page: Page, title: str) -> Locator:
    return page.locator("#assessments").get_by_role("link", name=title, exact=True)


def open_assessment(tab: Tab, title: str) -> Page:
    page = open_self_assessment(tab)
    with tab.expect_page():
        assessment_link(page, title).click()
    expect(heading(page)).to_contain_text(title)
    return page


def statement_row(page: Page, key: str) -> Locator:
    """A statement's row in an assessment's overview."""
    return page.locator(f"#statement-{key.replace('.', '-')}")


def open_statement(tab: Tab, key: str) -> Page:
    """From an assessment's overview, the page of statement `key` ("4.1")."""
    page = tab.page
    with tab.expect_page():
        statement_row(page, key).get_by_role("link").click()
    expect(heading(page)).to_have_text(f"Statement {key}")
    return page


def back_to(tab: Tab, where: str) -> Page:
    with tab.expect_page() as page:
        page.get_by_role("link", name=where, exact=True).click()
    return page


def score(page: Page, label: str) -> Locator:
    """A score's radio, by its label such as "1: Partial implementation"."""
    return page.get_by_role("group", name="Score", exact=True).get_by_label(label, exact=True)


def written_evidence(page: Page) -> Locator:
    return page.get_by_label("Written evidence", exact=True)


def links(page: Page) -> Locator:
    return page.get_by_label("Links", exact=True)


def save(tab: Tab, button: str = "Save") -> Page:
    with tab.expect_page() as page:
        page.get_by_role("button", name=button, exact=True).click()
    return page


def start_assessment(tab: Tab, title: str, copy_from: str) -> Page:
    """From the list of assessments, start one called `title`, copying `copy_from` (or nothing)."""
    page = tab.page
    with tab.expect_page():
        page.get_by_role("link", name="Start an assessment").click()
    page.get_by_label("Title", exact=True).fill(title)
    page.get_by_label("Copy scores, evidence and links from").select_option(label=copy_from)
    save(tab, "Start the assessment")
    expect(success_banner(page)).to_contain_text(f"{title} started")
    expect(heading(page)).to_contain_text(title)
    return page


# ---- a whole cycle -------------------------------------------------------------------------------------


def test_officer_runs_a_cycle_from_start_to_finalised_and_exported(tab):
    cycle = "E2E 2027/28"
    gain = 2 - LAST_YEAR_SCORES["4.1"]  # statement 4.1 goes up to 2: Comprehensive implementation
    sign_in_behind_the_scenes(tab, demo_person("officer"))
    open_self_assessment(tab)
    page = start_assessment(tab, cycle, copy_from=LAST_YEAR)
    expect(page.locator("#whole-total")).to_have_text(f"{LAST_YEAR_TOTAL} out of {OUT_OF}")
    expect(page.locator("#unscored")).to_have_text("0 statements")

    open_statement(tab, "4.1")
    _score_with_a_link_after_a_bad_one(tab, "4.1")
    expect(statement_row(page, "4.1")).to_contain_text("2: Comprehensive implementation")
    expect(page.locator("#whole-total")).to_have_text(f"{LAST_YEAR_TOTAL + gain} out of {OUT_OF}")

    open_statement(tab, "4.1")
    _attach_the_police_contact(tab)
    due = council_today() - timedelta(days=10)
    _add_an_overdue_action(tab, ACTION, due)
    back_to(tab, f"Back to {cycle}")
    _the_plan_flags_it_overdue(tab, ACTION, due)
    _compare_progress(tab, LAST_YEAR, cycle, principle=4, gain=gain)

    page = open_assessment(tab, cycle)
    _finalise(tab, cycle)
    _the_record_is_closed(tab, "4.1")
    back_to(tab, f"Back to {cycle}")
    _download_the_exports(page, cycle)

    # The next cycle carries the finalised one forward: its score and the action not yet done, not the figure.
    back_to(tab, "Back to all assessments")
    start_assessment(tab, "E2E 2028/29", copy_from=cycle)
    expect(statement_row(page, "4.1")).to_contain_text("2: Comprehensive implementation")
    open_statement(tab, "4.1")
    expect(page.locator("#actions-table")).to_contain_text(ACTION)
    expect(page.locator("#gathered")).to_contain_text("Nothing attached yet.")


def _score_with_a_link_after_a_bad_one(tab: Tab, key: str) -> None:
    page = tab.page
    evidence = "The police contact for members' safety is named in the directory and met us in June."
    score(page, "2: Comprehensive implementation").check()
    written_evidence(page).fill(evidence)
    links(page).fill("northshire.police.example/members")
    save(tab)

    expect(page).to_have_title(re.compile(r"^Error: "))
    expect(error_summary(page).get_by_role("link", name=LINK_ERROR)).to_be_visible()
    expect(links(page)).to_have_accessible_description(re.compile(rf"Error:\s+{re.escape(LINK_ERROR)}"))
    expect(links(page)).to_have_value("northshire.police.example/members")
    expect(written_evidence(page)).to_have_value(evidence)
    expect(score(page, "2: Comprehensive implementation")).to_be_checked()

    links(page).fill("https://northshire.police.example/members")
    save(tab)
    expect(success_banner(page)).to_contain_text(f"Statement {key} saved")


def _attach_the_police_contact(tab: Tab) -> None:
    page = tab.page
    gathered = page.locator("#gathered")
    expect(gathered).to_contain_text("Nothing attached yet.")
    with tab.expect_page():
        gathered.get_by_role("button", name=f"Attach {POLICE_CONTACT}").click()
    expect(success_banner(page)).to_contain_text(f"Attached “{POLICE_CONTACT}” as it stands today")
    attached = gathered.get_by_role("listitem").filter(has_text=POLICE_CONTACT)
    today = format_date(council_today())
    expect(attached).to_contain_text(f"Figure as of {today}; attached on {today} by Olu Officer.")
    expect(attached.get_by_role("button", name=f"Remove {POLICE_CONTACT}")).to_be_visible()


def _add_an_overdue_action(tab: Tab, what: str, due: date) -> None:
    page = tab.page
    with tab.expect_page():
        page.get_by_role("link", name="Add an action to statement").click()
    expect(heading(page)).to_have_text("Add an action")
    page.get_by_label("What will be done").fill(what)
    page.get_by_label("Owner (optional)").select_option(label="Helen Ashdown")
    due_date = page.get_by_role("group", name="Due date (optional)")
    for label, value in (("Day", due.day), ("Month", due.month), ("Year", due.year)):
        due_date.get_by_label(label, exact=True).fill(str(value))
    save(tab, "Save action")
    expect(success_banner(page)).to_contain_text("Action added to statement")
    row = page.locator("#actions-table").get_by_role("row").filter(has_text=what)
    expect(row).to_contain_text("Helen Ashdown")
    expect(row).to_contain_text(f"{format_date(due)} Overdue")


def _the_plan_flags_it_overdue(tab: Tab, what: str, due: date) -> None:
    page = back_to(tab, "The forward plan: every action")
    expect(heading(page)).to_have_text("Forward plan")
    row = page.locator("#plan-table").get_by_role("row").filter(has_text=what)
    expect(row).to_contain_text(f"{format_date(due)} Overdue")
    expect(row).to_contain_text("Helen Ashdown")
    expect(row.get_by_role("link")).to_contain_text("4.1")
    back_to(tab, "Back to the self-assessment")


def _compare_progress(tab: Tab, earlier: str, later: str, principle: int, gain: int) -> None:
    page = back_to(tab, "Progress between assessments")
    page.get_by_label("Compare", exact=True).select_option(label=earlier)
    page.get_by_label("with", exact=True).select_option(label=later)
    save(tab, "Compare")
    expect(page.locator("#whole")).to_have_text(
        f"The whole: {LAST_YEAR_TOTAL} of {OUT_OF} in {earlier}, {LAST_YEAR_TOTAL + gain} of {OUT_OF} in {later}"
    )
    chart = page.get_by_role("img", name=f"Each principle’s total out of 10, {earlier} and {later}", exact=False)
    expect(chart).to_have_accessible_name(re.compile(r"\(the table beside it gives the figures\)$"))
    table = page.get_by_role("table", name="Principle totals")
    expect(table.get_by_role("columnheader")).to_have_text(["Principle", earlier, later, "Change"])
    expect(table.get_by_role("row").filter(has_text=f"{principle}. ")).to_contain_text(f"{gain:+d}")
    back_to(tab, "Back to the self-assessment")


def _finalise(tab: Tab, title: str) -> None:
    page = back_to(tab, "Finalise the assessment")
    expect(heading(page)).to_have_text(f"Finalise {title}?")
    expect(page.get_by_text("Every statement needs a score")).to_have_count(0)
    save(tab, "Finalise the assessment")
    expect(success_banner(page)).to_contain_text(f"{title} finalised. It can no longer be changed.")
    expect(heading(page)).to_contain_text("Finalised")
    expect(page.get_by_role("link", name="Finalise the assessment")).to_have_count(0)


def _the_record_is_closed(tab: Tab, key: str) -> None:
    page = open_statement(tab, key)
    expect(page.get_by_text("is finalised, so this is its closed record")).to_be_visible()
    expect(page.get_by_role("main").locator("form")).to_have_count(0)
    expect(page.get_by_role("main").get_by_role("textbox")).to_have_count(0)
    expect(page.get_by_role("link", name="Add an action to statement")).to_have_count(0)
    expect(page.locator("#gathered")).to_contain_text(POLICE_CONTACT)
    expect(page.locator("#actions-table")).to_contain_text("Overdue")


def _download_the_exports(page: Page, title: str) -> None:
    with page.expect_download() as pdf:
        page.get_by_role("link", name="Download as PDF").click()
    assert pdf.value.suggested_filename.endswith(".pdf")
    assert Path(pdf.value.path()).read_bytes().startswith(b"%PDF-"), "the PDF download is not a PDF"

    with page.expect_download() as xlsx:
        page.get_by_role("link", name="Download as a spreadsheet (xlsx)").click()
    assert xlsx.value.suggested_filename.endswith(".xlsx")
    workbook = openpyxl.load_workbook(BytesIO(Path(xlsx.value.path()).read_bytes()))
    cells = [str(cell) for sheet in workbook for row in sheet.iter_rows(values_only=True) for cell in row if cell]
    assert any(title in cell for cell in cells), f"the spreadsheet never names {title}"


# ---- keyboard alone ------------------------------------------------------------------------------------


def tab_to(page: Page, target: Locator) -> None:
    """Press Tab until the keyboard focus is on `target` or inside it (a radio group's fieldset)."""
    for _ in range(MOST_TABS):
        page.keyboard.press("Tab")
        if target.evaluate("element => element.contains(document.activeElement)"):
            return
    raise AssertionError(f"{MOST_TABS} presses of Tab never reached {target}")


def test_officer_scores_a_statement_with_the_keyboard_alone(tab):
    key, evidence = "3.5", "Lone-working and threats policies now name members; agreed by the staff committee."
    page = sign_in_behind_the_scenes(tab, demo_person("officer"))
    keyboard = page.keyboard
    tab_to(page, menu(page).get_by_role("link", name="Self-assessment", exact=True))
    with tab.expect_page():
        keyboard.press("Enter")
    tab_to(page, assessment_link(page, THIS_YEAR))
    with tab.expect_page():
        keyboard.press("Enter")
    tab_to(page, statement_row(page, key).get_by_role("link"))
    with tab.expect_page():
        keyboard.press("Enter")
    expect(heading(page)).to_have_text(f"Statement {key}")

    # Tab enters the radios at the chosen score (the demo's 0); the arrow moves the choice to the next one.
    expect(score(page, "0: Not addressed")).to_be_checked()
    tab_to(page, page.get_by_role("group", name="Score", exact=True))
    expect(score(page, "0: Not addressed")).to_be_focused()
    keyboard.press("ArrowDown")
    expect(score(page, "1: Partial implementation")).to_be_checked()
    tab_to(page, written_evidence(page))
    keyboard.press("ControlOrMeta+A")
    keyboard.type(evidence)
    tab_to(page, page.get_by_role("button", name="Save", exact=True))
    with tab.expect_page():
        keyboard.press("Enter")

    expect(success_banner(page)).to_contain_text(f"Statement {key} saved")
    expect(statement_row(page, key)).to_contain_text("1: Partial implementation")
    tab_to(page, statement_row(page, key).get_by_role("link"))
    with tab.expect_page():
        keyboard.press("Enter")
    expect(score(page, "1: Partial implementation")).to_be_checked()
    expect(written_evidence(page)).to_have_value(evidence)


# ---- two officers at once ------------------------------------------------------------------------------


def test_the_second_of_two_officers_to_save_a_statement_sees_both_versions_and_keeps_theirs(open_tab):
    key = "3.4"
    first, second = open_tab(), open_tab()
    sign_in_behind_the_scenes(first, demo_person("officer"))
    sign_in_behind_the_scenes(second, demo_person("helen.ashdown"))
    open_assessment(first, THIS_YEAR)
    olus = open_statement(first, key)
    statement_page = olus.url
    helens = second.visit(statement_page)
    expect(heading(helens)).to_have_text(f"Statement {key}")

    score(olus, "2: Comprehensive implementation").check()
    written_evidence(olus).fill("Olu: the staff policies were checked against members' needs in May.")
    save(first)
    expect(success_banner(olus)).to_contain_text(f"Statement {key} saved")

    helens_words = "Helen: only the lone-working policy covers members so far."
    score(helens, "1: Partial implementation").check()
    written_evidence(helens).fill(helens_words)
    save(second)
    expect(helens.get_by_role("alert", name="Not saved")).to_contain_text(
        "Someone else saved this statement since you opened it"
    )
    theirs, mine = helens.locator("#their-version"), helens.locator("#your-version")
    expect(theirs).to_contain_text("2: Comprehensive implementation")
    expect(theirs).to_contain_text("Olu: the staff policies were checked")
    expect(theirs).to_contain_text("by Olu Officer")
    expect(mine).to_contain_text("1: Partial implementation")
    expect(mine).to_contain_text(helens_words)
    expect(written_evidence(helens)).to_have_value(helens_words)

    save(second, "Keep mine")
    expect(success_banner(helens)).to_contain_text(f"Statement {key} saved")
    expect(statement_row(helens, key)).to_contain_text("1: Partial implementation")
    first.visit(statement_page)
    expect(score(olus, "1: Partial implementation")).to_be_checked()
    expect(written_evidence(olus)).to_have_value(helens_words)


# ---- the framework -------------------------------------------------------------------------------------


def test_admin_rewords_a_statement_and_only_assessments_started_afterwards_use_it(tab, open_tab):
    key = "5.5"
    new_wording = "The council takes over abusive correspondence so that no member has to answer it alone."
    sign_in_behind_the_scenes(tab, demo_person("admin"))
    page = follow_navigation(tab, "Settings")
    back_to(tab, "Edit the self-assessment framework")
    expect(heading(page)).to_have_text("The self-assessment framework")
    back_to(tab, f"Edit statement {key}")
    expect(heading(page)).to_have_text(f"Edit statement {key}")
    wording = page.get_by_label("Statement", exact=True)
    old_wording = wording.input_value()
    assert old_wording and old_wording != new_wording
    wording.fill(new_wording)
    save(tab, "Save statement")
    expect(success_banner(page)).to_contain_text(f"Statement {key} saved")
    expect(page.get_by_text(new_wording)).to_be_visible()

    officer = open_tab()
    sign_in_behind_the_scenes(officer, demo_person("officer"))
    page = open_assessment(officer, THIS_YEAR)
    open_statement(officer, key)
    expect(page.locator("#statement-text")).to_have_text(old_wording)

    open_self_assessment(officer)
    start_assessment(officer, "E2E reworded", copy_from="Nothing: start afresh")
    expect(statement_row(page, key)).to_contain_text(new_wording)
    open_statement(officer, key)
    expect(page.locator("#statement-text")).to_have_text(new_wording)
