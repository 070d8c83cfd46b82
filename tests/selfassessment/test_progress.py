"""Progress between two cycles: the comparison's figures, the default pair, and the page's charts and tables."""

from datetime import datetime

import pytest

from portal.accounts.models import Role
from portal.selfassessment import progress
from tests.pages import Page
from tests.selfassessment.factories_d import EVERY_KEY, make_assessment, wording

LAST_YEAR = dict.fromkeys(EVERY_KEY, 1) | {"1.1": 0, "1.2": 0, "3.4": 2}
THIS_YEAR = dict.fromkeys(EVERY_KEY, 1) | {"1.1": 2, "1.2": 1, "3.4": 1, "5.5": None}


@pytest.fixture
def cycles(app_context):
    earlier = make_assessment("2025/26", scores=LAST_YEAR, finalised=True, created_at=datetime(2025, 5, 1))
    later = make_assessment(
        "2026/27",
        scores=THIS_YEAR,
        texts={"2.3": "Reworded after the framework was edited."},
        created_at=datetime(2026, 5, 1),
    )
    return earlier, later


def test_statement_by_statement_with_the_change(cycles):
    comparison = progress.compare(*cycles)
    first = comparison.principles[0]
    assert [(s.key, s.earlier_score, s.later_score, s.change) for s in first.statements] == [
        ("1.1", 0, 2, 2),
        ("1.2", 0, 1, 1),
        ("1.3", 1, 1, 0),
        ("1.4", 1, 1, 0),
        ("1.5", 1, 1, 0),
    ]
    fifth = comparison.principles[4].statements[4]
    assert (fifth.key, fifth.earlier_score, fifth.later_score, fifth.change) == ("5.5", 1, None, None)


def test_principle_totals_out_of_ten_and_the_whole_out_of_fifty(cycles):
    comparison = progress.compare(*cycles)
    assert [(p.number, p.earlier_score, p.later_score, p.change, p.out_of) for p in comparison.principles] == [
        (1, 3, 6, 3, 10),
        (2, 5, 5, 0, 10),
        (3, 6, 5, -1, 10),
        (4, 5, 5, 0, 10),
        (5, 5, 4, -1, 10),  # 5.5 not scored this year counts as 0
    ]
    assert (comparison.earlier_totals.score, comparison.later_totals.score, comparison.change) == (24, 25, 1)
    assert comparison.earlier_totals.out_of == comparison.later_totals.out_of == 50


def test_changed_wording_is_noted(cycles):
    comparison = progress.compare(*cycles)
    changed = [s.key for p in comparison.principles for s in p.statements if s.wording_changed]
    assert changed == ["2.3"]
    assert comparison.wording_changes == 1
    statement = comparison.principles[1].statements[2]
    assert statement.text == "Reworded after the framework was edited."
    assert statement.earlier.text == wording("2.3")


def test_statements_in_only_one_assessment_are_matched_by_number(app_context):
    earlier = make_assessment("A", keys=["1.1", "1.2"], scores={"1.1": 1, "1.2": 2})
    later = make_assessment("B", keys=["1.1", "1.3"], scores={"1.1": 2, "1.3": 0})
    (principle,) = progress.compare(earlier, later).principles
    assert [(s.key, s.earlier_score, s.later_score, s.change) for s in principle.statements] == [
        ("1.1", 1, 2, 1),
        ("1.2", 2, None, None),
        ("1.3", None, 0, None),
    ]
    assert [s.earlier is None for s in principle.statements] == [False, False, True]
    assert [s.later is None for s in principle.statements] == [False, True, False]


def test_the_default_pair_is_the_two_most_recent(app_context):
    oldest = make_assessment("2024/25", created_at=datetime(2024, 5, 1))
    middle = make_assessment("2025/26", created_at=datetime(2025, 5, 1))
    newest = make_assessment("2026/27", created_at=datetime(2026, 5, 1))
    newest_first = [newest, middle, oldest]
    assert progress.chosen_pair(newest_first, None, None) == (middle, newest)
    assert progress.chosen_pair(newest_first, oldest.id, None) == (oldest, newest)
    assert progress.chosen_pair(newest_first, oldest.id, middle.id) == (oldest, middle)
    assert progress.chosen_pair([newest], None, None) == (None, newest)


# ---- the page --------------------------------------------------------------------------------------------


def table_rows(page: Page, table_id: str) -> list[list[str]]:
    table = page.soup.find(id=table_id)
    return [[cell.get_text(" ", strip=True) for cell in row.select("th, td")] for row in table.select("tbody tr")]


@pytest.mark.parametrize("role", [Role.COUNCILLOR, Role.CHAMPION, Role.ADMIN])
def test_only_officers_see_progress(client_as, role):
    assert client_as(role).get("/self-assessment/progress").status_code == 403


def test_the_page_compares_the_two_most_recent_with_charts_and_tables(client_as, cycles):
    page = Page(client_as(Role.OFFICER).get("/self-assessment/progress"))
    assert page.status == 200
    assert "24 of 50 in 2025/26, 25 of 50 in 2026/27" in page.soup.find(id="whole").get_text(" ", strip=True)
    assert table_rows(page, "principles-table")[0] == [
        "1. Supportive and informed spaces",
        "3 of 10",
        "6 of 10",
        "+3",
    ]
    assert table_rows(page, "principles-table")[-1] == ["The whole", "24 of 50", "25 of 50", "+1"]
    assert table_rows(page, "principle-3-table")[3][1:] == ["2", "1", "-1"]
    assert table_rows(page, "principle-5-table")[4][1:] == ["1", "Not scored", "Not comparable"]
    reworded = table_rows(page, "principle-2-table")[2][0]
    assert "Wording changed" in reworded and wording("2.3") in reworded

    charts = page.soup.select("svg[role=img]")
    assert len(charts) == 6  # the principles' totals, then one per principle
    first = page.soup.find(id="principle-1").find("svg")
    assert first.find("title").get_text().startswith("Principle 1")
    bars = list(first.find_all("rect")[2:])  # after the legend's two keys
    assert [rect["width"] for rect in bars[:2]] == ["0.0", "380.0"]  # 1.1: 0 then 2 out of 2
    assert not page.soup.select("[style]")
    assert page.soup.find(id="progress-choice").select_one("select#from option[selected]").get_text() == "2025/26"


def test_chosen_assessments_are_compared(client_as, cycles, app_context):
    earlier, later = cycles
    third = make_assessment("2027/28", scores=dict.fromkeys(EVERY_KEY, 2), created_at=datetime(2027, 5, 1))
    client = client_as(Role.OFFICER)
    page = Page(client.get("/self-assessment/progress", query_string={"from": earlier.id, "to": later.id}))
    assert table_rows(page, "principles-table")[-1] == ["The whole", "24 of 50", "25 of 50", "+1"]
    page = Page(client.get("/self-assessment/progress"))
    assert table_rows(page, "principles-table")[-1] == ["The whole", "25 of 50", "50 of 50", "+25"]
    assert third.title in page.text


def test_with_fewer_than_two_assessments_there_is_nothing_to_compare(client_as, app_context):
    make_assessment("2026/27")
    page = Page(client_as(Role.OFFICER).get("/self-assessment/progress"))
    assert page.status == 200
    assert "progress needs at least two assessments" in page.text
