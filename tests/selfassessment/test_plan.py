"""The forward plan: every action in one list, by due date or by owner, with filters and overdue flagged."""

from datetime import date, datetime

import pytest

from portal.accounts.models import Role
from portal.selfassessment import actions
from portal.selfassessment.actions import PlanFilters
from portal.selfassessment.models import ActionStatus
from tests.pages import Page
from tests.selfassessment.factories_d import days_ago, make_action, make_assessment, statement_of


@pytest.fixture
def people(make_user):
    return {
        "ann": make_user(Role.OFFICER, name="Ann Able"),
        "ben": make_user(Role.COUNCILLOR, name="Ben Baker"),
    }


@pytest.fixture
def plan(app_context, people):
    """A draft with four actions, and a finalised assessment with one; due dates relative to today."""
    draft = make_assessment("2026/27", created_at=datetime(2026, 5, 1))
    old = make_assessment("2025/26", finalised=True, created_at=datetime(2025, 5, 1))
    return {
        "draft": draft,
        "old": old,
        "late": make_action(statement_of(draft, "2.1"), "Late", owner=people["ben"], due_on=days_ago(10)),
        "soon": make_action(statement_of(draft, "1.1"), "Soon", owner=people["ann"], due_on=days_ago(-20)),
        "undated": make_action(statement_of(draft, "1.3"), "Undated", owner=people["ann"]),
        "done": make_action(statement_of(draft, "4.2"), "Done late", due_on=days_ago(30), status=ActionStatus.DONE),
        "old_one": make_action(statement_of(old, "1.1"), "From last year", owner=people["ben"], due_on=days_ago(90)),
    }


def whats(rows) -> list[str]:
    return [row.action.what for row in rows]


def test_the_plan_holds_the_draft_assessments_actions_by_due_date(plan):
    rows = actions.forward_plan(PlanFilters())
    assert whats(rows) == ["Done late", "Late", "Soon", "Undated"]  # undated last
    assert [row.overdue for row in rows] == [False, True, False, False]


def test_by_owner_groups_each_owner_by_due_date_with_no_owner_last(plan):
    rows = actions.forward_plan(PlanFilters(order="owner"))
    assert [(row.owner_name, row.action.what) for row in rows] == [
        ("Ann Able", "Soon"),
        ("Ann Able", "Undated"),
        ("Ben Baker", "Late"),
        (None, "Done late"),
    ]


def test_filters_by_owner_status_overdue_and_assessment(plan, people):
    assert whats(actions.forward_plan(PlanFilters(owner_id=people["ann"].id))) == ["Soon", "Undated"]
    assert whats(actions.forward_plan(PlanFilters(no_owner=True))) == ["Done late"]
    assert whats(actions.forward_plan(PlanFilters(status=ActionStatus.DONE))) == ["Done late"]
    assert whats(actions.forward_plan(PlanFilters(overdue_only=True))) == ["Late"]
    assert whats(actions.forward_plan(PlanFilters(assessment_id=plan["old"].id))) == ["From last year"]


def test_overdue_is_judged_on_the_day_given(plan):
    later = days_ago(-21)
    assert whats(actions.forward_plan(PlanFilters(overdue_only=True), today=later)) == ["Late", "Soon"]


# ---- the page --------------------------------------------------------------------------------------------


def plan_page(client, **query) -> Page:
    return Page(client.get("/self-assessment/plan", query_string=query))


def rows_of(page: Page) -> list[list[str]]:
    return [
        [cell.get_text(" ", strip=True) for cell in row.select("td")]
        for row in page.soup.select("#plan-table tbody tr")
    ]


def long_date(on: date) -> str:
    return f"{on.day} {on:%B %Y}"


@pytest.mark.parametrize("role", [Role.COUNCILLOR, Role.CHAMPION, Role.ADMIN])
def test_only_officers_see_the_plan(client_as, role):
    assert client_as(role).get("/self-assessment/plan").status_code == 403


def test_the_page_lists_by_due_date_with_overdue_flagged_and_links_to_statements(client_as, plan):
    page = plan_page(client_as(Role.OFFICER))
    assert page.status == 200
    assert page.heading == "Forward plan"
    rows = rows_of(page)
    assert [row[2] for row in rows] == ["Done late", "Late", "Soon", "Undated"]
    assert rows[1][:2] == [f"{long_date(days_ago(10))} Overdue", "Ben Baker"]
    assert rows[0][0] == long_date(days_ago(30))  # done: not flagged
    assert rows[3][:2] == ["No date", "Ann Able"]
    assert "4 actions, 1 overdue" in page.soup.find(id="plan-summary").get_text(" ", strip=True)
    late = plan["late"].statement
    link = page.soup.select("#plan-table tbody tr")[1].find("a")
    assert link["href"] == f"/self-assessment/{late.assessment_id}/statements/{late.id}"


def test_the_page_orders_by_owner_and_filters(client_as, plan, people):
    client = client_as(Role.OFFICER)
    by_owner = rows_of(plan_page(client, order="owner"))
    assert [(row[0], row[2]) for row in by_owner] == [
        ("Ann Able", "Soon"),
        ("Ann Able", "Undated"),
        ("Ben Baker", "Late"),
        ("No owner yet", "Done late"),
    ]
    assert [row[2] for row in rows_of(plan_page(client, overdue="y"))] == ["Late"]
    assert [row[2] for row in rows_of(plan_page(client, owner=people["ann"].id, status="not_started"))] == [
        "Soon",
        "Undated",
    ]
    old = plan_page(client, assessment=plan["old"].id)
    assert [row[2] for row in rows_of(old)] == ["From last year"]


def test_an_unknown_filter_is_explained_and_ignored(client_as, plan):
    page = plan_page(client_as(Role.OFFICER), owner="999999", order="sideways")
    assert page.status == 200
    assert page.field_error("owner") == "Choose from the list"
    assert len(rows_of(page)) == 4


def test_no_matching_actions_says_so(client_as, app_context):
    page = plan_page(client_as(Role.OFFICER))
    assert "No actions match" in page.text
