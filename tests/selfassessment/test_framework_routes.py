"""The framework pages: officers and admins read the framework; only admins change it."""

import pytest
from sqlalchemy import select

from portal.accounts.models import Role
from portal.extensions import db
from portal.selfassessment import framework
from portal.selfassessment.models import FrameworkChange, Principle, Statement
from tests.pages import Page, redirect_path

FRAMEWORK = "/self-assessment/framework"


def statement(key: str) -> Statement:
    principle_number, number = (int(part) for part in key.split("."))
    return db.session.scalar(
        select(Statement)
        .join(Statement.principle)
        .where(Principle.number == principle_number, Statement.number == number)
    )


def first_principle() -> Principle:
    return db.session.scalar(select(Principle).where(Principle.number == 1))


def edit_pages() -> list[tuple[str, str]]:
    principle_id, statement_id = first_principle().id, statement("1.1").id
    pages = [
        f"{FRAMEWORK}/principles/{principle_id}/edit",
        f"{FRAMEWORK}/statements/{statement_id}/edit",
        f"{FRAMEWORK}/principles/{principle_id}/statements/new",
        f"{FRAMEWORK}/statements/{statement_id}/retire",
    ]
    return [(method, path) for path in pages for method in ("get", "post")]


def cards(response) -> dict[str, str]:
    """Each statement's summary card: its title, then its words."""
    soup = Page(response).soup
    return {
        " ".join(card.select_one(".govuk-summary-card__title").get_text(" ", strip=True).split()): " ".join(
            card.select_one(".govuk-summary-card__content").get_text(" ", strip=True).split()
        )
        for card in soup.select(".govuk-summary-card")
    }


# ---- who may do what -----------------------------------------------------------------------------------


@pytest.mark.parametrize("role", [Role.OFFICER, Role.ADMIN])
def test_officers_and_admins_read_the_framework(client_as, role, backend):
    response = client_as(role).get(FRAMEWORK)
    page = Page(response)
    assert response.status_code == 200
    assert page.heading == "The self-assessment framework"
    assert [h2.get_text(strip=True) for h2 in page.soup.select("h2.govuk-heading-l")][:5] == [
        "1. Creating supportive and informed spaces",
        "2. Creating a risk-led approach",
        "3. Creating an infrastructure",
        "4. Creating connections with the police",
        "5. Creating a culture of safety and respect",
    ]
    shown = cards(response)
    assert len(shown) == 25
    assert "Members know where to get support" in shown["Statement 1.2"]
    assert "Training coverage: personal safety and risk assessment" in shown["Statement 2.2"]
    assert "This is version 1 of the framework" in page.text
    assert "No changes since the framework was first loaded" in page.text


def test_only_admins_see_the_edit_links(client_as):
    officer_page = Page(client_as(Role.OFFICER).get(FRAMEWORK))
    assert not officer_page.soup.select(".govuk-summary-card__actions")
    assert "Edit principle" not in officer_page.text and "Add a statement" not in officer_page.text
    admin_page = Page(client_as(Role.ADMIN).get(FRAMEWORK))
    assert len(admin_page.soup.select(".govuk-summary-card__actions")) == 25
    assert "Edit principle 3" in admin_page.text and "Add a statement to principle 5" in admin_page.text


@pytest.mark.parametrize("role", [Role.COUNCILLOR, Role.CHAMPION])
def test_members_cannot_see_the_framework(client_as, role):
    assert client_as(role).get(FRAMEWORK).status_code == 403


def test_signing_in_is_needed(client):
    assert redirect_path(client.get(FRAMEWORK)) == "/sign-in"


@pytest.mark.parametrize("role", [Role.OFFICER, Role.COUNCILLOR])
def test_only_admins_may_edit(client_as, role):
    client = client_as(role)
    for method, path in edit_pages():
        assert getattr(client, method)(path).status_code == 403, (method, path)
    assert framework.current_version() == 1


def test_editing_something_that_does_not_exist_is_not_found(client_as):
    client = client_as(Role.ADMIN)
    assert client.get(f"{FRAMEWORK}/principles/999/edit").status_code == 404
    assert client.get(f"{FRAMEWORK}/statements/999/edit").status_code == 404
    assert client.post(f"{FRAMEWORK}/statements/999/retire").status_code == 404


# ---- editing -------------------------------------------------------------------------------------------


def test_an_admin_edits_a_principle(client_as, backend):
    client = client_as(Role.ADMIN, name="Ada Admin")
    path = f"{FRAMEWORK}/principles/{first_principle().id}/edit"
    form = Page(client.get(path))
    assert form.heading == "Edit principle 1"
    assert form.value("title") == "Creating supportive and informed spaces"
    assert form.value("version") == "1"

    response = client.post(path, data={"version": "1", "title": "Support and information", "introduction": "Why."})
    assert redirect_path(response) == FRAMEWORK
    page = Page(client.get(FRAMEWORK))
    assert "Principle 1 saved" in page.notification
    assert "1. Support and information" in page.text and "This is version 2 of the framework" in page.text
    (row,) = page.table_rows()
    assert row[0] == "2" and row[2:] == ["Ada Admin", "Edited principle 1: title and introduction"]


def test_a_principle_edit_with_a_mistake_keeps_what_was_typed(client_as):
    client = client_as(Role.ADMIN)
    response = client.post(
        f"{FRAMEWORK}/principles/{first_principle().id}/edit",
        data={"version": "1", "title": "  ", "introduction": "My careful new introduction"},
    )
    page = Page(response)
    assert response.status_code == 422
    assert page.error_summary == ["Enter the title"]
    assert page.field_error("title") == "Enter the title"
    assert "My careful new introduction" in page.soup.find(id="introduction").get_text()
    db.session.expire_all()
    assert first_principle().title == "Creating supportive and informed spaces" and framework.current_version() == 1


def test_an_admin_edits_a_statement_and_its_figures(client_as):
    client = client_as(Role.ADMIN)
    path = f"{FRAMEWORK}/statements/{statement('1.4').id}/edit"
    form = Page(client.get(path))
    assert form.heading == "Edit statement 1.4"
    assert form.checked("indicators") == {"newsletters.sent_12_months"}

    response = client.post(
        path,
        data={
            "version": "1",
            "text": "Members hear regularly about the support on offer.",
            "guidance": "A monthly bulletin.",
            "indicators": ["newsletters.sent_12_months", "champions.appointed"],
        },
    )
    assert redirect_path(response) == FRAMEWORK
    shown = cards(client.get(FRAMEWORK))["Statement 1.4"]
    assert "Members hear regularly about the support on offer." in shown
    assert "A monthly bulletin." in shown and "Safety and wellbeing champions appointed" in shown


def test_a_save_from_an_out_of_date_page_is_refused_showing_the_current_wording(client_as, backend):
    client = client_as(Role.ADMIN)
    path = f"{FRAMEWORK}/statements/{statement('1.2').id}/edit"
    assert Page(client.get(path)).value("version") == "1"
    # Meanwhile another admin rewords it.
    framework.edit_statement(statement("1.2"), text="The other admin's words", guidance="", loaded_version=1, by=None)
    db.session.commit()

    mine = {"version": "1", "text": "My own words", "guidance": "My guidance", "indicators": ["surveys.tagged"]}
    response = client.post(path, data=mine)
    page = Page(response)
    assert response.status_code == 409
    assert page.title.startswith("Error:")
    assert "Someone else changed the framework while you were editing: it is now version 2" in page.error_summary[0]
    assert page.error_summary_links == ["#current-wording"]
    current = page.soup.find(id="current-wording").get_text(" ", strip=True)
    assert "The other admin's words" in current and "version 2" in current
    assert page.soup.find(id="text").get_text() == "My own words"
    assert page.soup.find(id="guidance").get_text() == "My guidance"
    assert page.value("version") == "2"
    db.session.expire_all()
    assert statement("1.2").text == "The other admin's words" and framework.current_version() == 2

    # Having seen the current wording, saving again (from version 2) goes through.
    assert redirect_path(client.post(path, data=mine | {"version": "2"})) == FRAMEWORK
    db.session.expire_all()
    assert statement("1.2").text == "My own words" and framework.current_version() == 3


def test_an_admin_adds_a_statement(client_as):
    client = client_as(Role.ADMIN)
    path = f"{FRAMEWORK}/principles/{first_principle().id}/statements/new"
    assert Page(client.get(path)).heading == "Add a statement to principle 1"
    response = client.post(path, data={"version": "1", "text": "Members have a peer support network.", "guidance": ""})
    assert redirect_path(response) == FRAMEWORK
    page_after = client.get(FRAMEWORK)
    assert "Statement 1.6 added" in Page(page_after).notification
    assert "Members have a peer support network." in cards(page_after)["Statement 1.6"]
    assert "None: evidence is written by officers" in cards(page_after)["Statement 1.6"]


def test_a_new_statement_without_words_is_refused(client_as):
    response = client_as(Role.ADMIN).post(
        f"{FRAMEWORK}/principles/{first_principle().id}/statements/new",
        data={"version": "1", "text": "", "guidance": "Some guidance I wrote"},
    )
    page = Page(response)
    assert response.status_code == 422 and page.field_error("text") == "Enter the statement"
    assert page.soup.find(id="guidance").get_text() == "Some guidance I wrote"
    assert db.session.scalar(select(Statement).where(Statement.number == 6)) is None


def test_an_admin_retires_a_statement(client_as):
    client = client_as(Role.ADMIN)
    retiring = statement("3.4")
    path = f"{FRAMEWORK}/statements/{retiring.id}/retire"
    confirm = Page(client.get(path))
    assert confirm.heading == "Retire statement 3.4"
    assert retiring.text in confirm.text

    assert redirect_path(client.post(path, data={"version": "1"})) == FRAMEWORK
    shown = cards(client.get(FRAMEWORK))
    assert "Statement 3.4 Retired" in shown and len(shown) == 25  # still listed, marked as retired
    edit = client.get(f"{FRAMEWORK}/statements/{retiring.id}/edit")
    assert redirect_path(edit) == FRAMEWORK
    assert db.session.scalar(select(FrameworkChange.summary)) == "Retired statement 3.4"


def test_the_last_statement_of_a_principle_is_not_retired(client_as):
    client = client_as(Role.ADMIN)
    for version, key in enumerate(["4.1", "4.2", "4.3", "4.4"], start=1):
        framework.retire_statement(statement(key), loaded_version=version, by=None)
    db.session.commit()
    response = client.post(f"{FRAMEWORK}/statements/{statement('4.5').id}/retire", data={"version": "5"})
    page = Page(response)
    assert response.status_code == 422
    assert page.field_error("submit").startswith("A principle needs at least one statement")
    db.session.expire_all()
    assert not statement("4.5").retired
