"""The action pages: adding, changing and deleting an action on a statement, and the statement page's list."""

from datetime import date

import pytest
from sqlalchemy import func, select, update

from portal.accounts.models import Role
from portal.extensions import db
from portal.selfassessment.models import Action, ActionStatus
from tests.pages import Page, redirect_path
from tests.selfassessment.factories_d import days_ago, make_action, make_assessment, statement_of


def new_url(statement) -> str:
    return f"/self-assessment/{statement.assessment_id}/statements/{statement.id}/actions/new"


def edit_url(action) -> str:
    return f"/self-assessment/{action.statement.assessment_id}/actions/{action.id}/edit"


def delete_url(action) -> str:
    return f"/self-assessment/{action.statement.assessment_id}/actions/{action.id}/delete"


def statement_path(statement) -> str:
    return f"/self-assessment/{statement.assessment_id}/statements/{statement.id}"


def parts(on: date) -> list[str]:
    return [str(on.day), str(on.month), str(on.year)]


def form_data(what="Publish the support page", owner="", due_on=("", "", ""), status="not_started", **extra) -> dict:
    return {"what": what, "owner": owner, "due_on": list(due_on), "status": status, **extra}


def selected_owner(page: Page) -> str | None:
    option = page.soup.select_one("select#owner option[selected]")
    return option["value"] if option else None


def date_boxes(page: Page) -> list[str]:
    return [box.get("value", "") for box in page.soup.select("input[name=due_on]")]


def count_actions() -> int:
    return db.session.scalar(select(func.count()).select_from(Action))


@pytest.fixture
def officer(client_as):
    return client_as(Role.OFFICER, name="Olu Officer")


@pytest.fixture
def statement(app_context):
    return statement_of(make_assessment(), "1.2")


# ---- who may ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize("role", [Role.COUNCILLOR, Role.CHAMPION, Role.ADMIN])
def test_only_officers_reach_the_action_pages(client_as, statement, role):
    action = make_action(statement)
    client = client_as(role)
    assert client.get(new_url(statement)).status_code == 403
    assert client.get(edit_url(action)).status_code == 403
    assert client.post(delete_url(action)).status_code == 403
    assert count_actions() == 1


def test_an_action_of_another_assessment_is_not_found(officer, statement):
    action = make_action(statement)
    other = make_assessment("2025/26")
    assert officer.get(f"/self-assessment/{other.id}/actions/{action.id}/edit").status_code == 404
    assert officer.get(f"/self-assessment/{other.id}/statements/{statement.id}/actions/new").status_code == 404


# ---- adding ----------------------------------------------------------------------------------------------


def test_adding_an_action_returns_to_the_statement(officer, statement, make_user):
    owner = make_user(Role.COUNCILLOR, name="Cllr Bea Owner")
    page = Page(officer.get(new_url(statement)))
    assert page.heading == "Add an action"
    options = [option.get_text() for option in page.soup.select("select#owner option")]
    assert options == ["No owner yet", "Cllr Bea Owner", "Olu Officer"]

    response = officer.post(
        new_url(statement), data=form_data(owner=str(owner.id), due_on=parts(date(2027, 3, 31)), status="in_progress")
    )

    assert redirect_path(response) == statement_path(statement)
    action = db.session.scalars(select(Action)).one()
    assert (action.what, action.owner_id, action.due_on, action.status) == (
        "Publish the support page",
        owner.id,
        date(2027, 3, 31),
        "in_progress",
    )
    shown = Page(officer.get(statement_path(statement)))
    assert "Action added to statement 1.2" in shown.text


def test_mistakes_are_explained_beside_the_fields_and_what_was_typed_stays(officer, statement, make_user):
    owner = make_user(Role.OFFICER)
    response = officer.post(
        new_url(statement),
        data=form_data(what="   ", owner=str(owner.id), due_on=("31", "2", "2027"), status="in_progress"),
    )

    page = Page(response)
    assert page.status == 422
    assert page.error_summary == [
        "Enter what will be done",
        "Due date (optional) must be a real date, for example 28 11 2026",
    ]
    assert page.field_error("what") == "Enter what will be done"
    assert selected_owner(page) == str(owner.id)
    assert date_boxes(page) == ["31", "2", "2027"]
    assert page.checked("status") == {"in_progress"}
    assert count_actions() == 0


def test_too_long_and_an_unknown_owner_are_refused(officer, statement):
    response = officer.post(new_url(statement), data=form_data(what="x" * 1001))
    assert Page(response).field_error("what") == "Keep what will be done to 1,000 characters or fewer"

    response = officer.post(new_url(statement), data=form_data(what="Fine words", owner="999999"))
    page = Page(response)
    assert page.status == 422
    assert page.field_error("owner") == "Choose an owner from the list"
    assert page.soup.find(id="what").get_text() == "Fine words"
    assert count_actions() == 0


# ---- changing --------------------------------------------------------------------------------------------


def test_the_edit_form_shows_the_saved_action_and_saves_changes(officer, statement):
    action = make_action(statement, "Draft the page", due_on=date(2027, 1, 15))
    page = Page(officer.get(edit_url(action)))
    assert page.soup.find(id="what").get_text() == "Draft the page"
    assert date_boxes(page) == ["15", "01", "2027"]
    assert page.value("revision") == str(action.revision)

    response = officer.post(
        edit_url(action), data=form_data(what="Publish the page", status="done", revision=str(action.revision))
    )

    assert redirect_path(response) == statement_path(statement)
    db.session.refresh(action)
    assert (action.what, action.due_on, action.status) == ("Publish the page", None, "done")


def test_a_stale_save_is_refused_showing_both_versions_and_saving_again_keeps_mine(officer, statement, make_user):
    theirs_owner = make_user(Role.OFFICER, name="Tess Theirs")
    action = make_action(statement, "First words")
    read_at = action.revision
    # Another officer saves first.
    table = Action.__table__
    db.session.execute(
        update(table)
        .where(table.c.id == action.id)
        .values(what="Their words", owner_id=theirs_owner.id, revision=read_at + 1)
    )
    db.session.commit()

    response = officer.post(
        edit_url(action), data=form_data(what="My words", due_on=parts(date(2027, 5, 1)), revision=str(read_at))
    )

    page = Page(response)
    assert page.status == 409
    assert "Someone else changed this action while you were editing it" in page.notification
    their_version = page.soup.find(id="their-version").get_text(" ", strip=True)
    assert "Their words" in their_version and "Tess Theirs" in their_version
    assert page.soup.find(id="what").get_text() == "My words"
    assert date_boxes(page) == ["1", "5", "2027"]
    db.session.expire_all()
    assert db.session.get(Action, action.id).what == "Their words"

    current = page.value("revision")
    assert current == str(db.session.get(Action, action.id).revision)
    response = officer.post(edit_url(action), data=form_data(what="My words", revision=current))
    assert redirect_path(response) == statement_path(statement)
    db.session.expire_all()
    assert db.session.get(Action, action.id).what == "My words"


# ---- deleting --------------------------------------------------------------------------------------------


def test_delete_removes_the_action(officer, statement):
    action = make_action(statement)
    response = officer.post(delete_url(action))
    assert redirect_path(response) == statement_path(statement)
    assert count_actions() == 0


# ---- a finalised assessment ------------------------------------------------------------------------------


def test_a_finalised_assessment_refuses_every_change(officer):
    statement = statement_of(make_assessment(finalised=True), "3.1")
    action = make_action(statement, "On the record")

    for response in (
        officer.get(new_url(statement)),
        officer.post(new_url(statement), data=form_data()),
        officer.get(edit_url(action)),
        officer.post(edit_url(action), data=form_data(what="Changed", revision=str(action.revision))),
        officer.post(delete_url(action)),
    ):
        assert redirect_path(response) == statement_path(statement)
    db.session.expire_all()
    assert [a.what for a in db.session.scalars(select(Action))] == ["On the record"]
    page = Page(officer.get(statement_path(statement)))
    assert "is finalised, so its actions can no longer be changed" in page.text


# ---- the list on the statement page ----------------------------------------------------------------------


def test_the_statement_page_lists_actions_with_overdue_flagged(officer, statement, make_user):
    owner = make_user(Role.CHAMPION, name="Cara Champion")
    late = make_action(statement, "Late one", owner=owner, due_on=days_ago(3))
    make_action(statement, "Done one", due_on=days_ago(3), status=ActionStatus.DONE)
    make_action(statement, "Undated one", status=ActionStatus.IN_PROGRESS)

    page = Page(officer.get(statement_path(statement)))
    rows = page.soup.select("#actions-table tbody tr")
    cells = [[cell.get_text(" ", strip=True) for cell in row.select("td")] for row in rows]
    assert [row[:4] for row in cells] == [
        ["Late one", "Cara Champion", f"{days_ago(3).day} {days_ago(3):%B %Y} Overdue", "Not started"],
        ["Done one", "No owner yet", f"{days_ago(3).day} {days_ago(3):%B %Y}", "Done"],
        ["Undated one", "No owner yet", "No date", "In progress"],
    ]
    links = [link["href"] for link in page.soup.select("#actions a")]
    assert edit_url(late) in links
    assert new_url(statement) in links


def test_a_finalised_statement_lists_actions_without_links_to_change_them(officer):
    statement = statement_of(make_assessment(finalised=True), "3.1")
    make_action(statement, "On the record")
    page = Page(officer.get(statement_path(statement)))
    assert "On the record" in page.soup.find(id="actions").get_text()
    assert page.soup.select("#actions a") == []
