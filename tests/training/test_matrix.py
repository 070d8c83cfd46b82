"""The compliance matrix: the words in each cell, filters, totals, access, a fixed number of queries, exports."""

import csv
import io
from datetime import date, timedelta

import pytest
from bs4 import BeautifulSoup
from openpyxl import load_workbook
from sqlalchemy import event

from portal.accounts.models import Role, User
from portal.extensions import db
from portal.training import matrix
from portal.training.models import CourseCategory
from portal.training.status import CourseStanding, Status
from tests.training.factories import complete, make_course

TODAY = date.today()
PAGE = "/training/compliance-matrix"


@pytest.fixture
def council(make_user):
    """Three members and three courses whose cells cover every status."""
    safety = make_course(title="Personal safety", refresher_months=24)
    conduct = make_course(
        title="Code of conduct",
        category=CourseCategory.CODE_OF_CONDUCT.value,
        refresher_months=None,
        due_within_months_of_election=2,
    )
    social = make_course(title="Social media", category=CourseCategory.SOCIAL_MEDIA.value, refresher_months=12)
    elected_long_ago = TODAY - timedelta(days=5 * 365)
    alice = make_user(name="Alice Able", ward="North", political_group="Green", date_elected=elected_long_ago)
    bob = make_user(name="Bob Brown", ward="South", political_group="Red", date_elected=TODAY - timedelta(days=20))
    cara = make_user(name="Cara Cole", ward="North", political_group="Red", date_elected=elected_long_ago)
    complete(alice, safety, TODAY - timedelta(days=30))
    complete(alice, conduct, TODAY - timedelta(days=4 * 365))
    complete(alice, social, TODAY - timedelta(days=340))  # a year's refresher ends in about 25 days
    complete(bob, safety, TODAY - timedelta(days=3 * 365))
    db.session.commit()
    return {"safety": safety, "conduct": conduct, "social": social, "alice": alice, "bob": bob, "cara": cara}


def _table(response) -> BeautifulSoup:
    assert response.status_code == 200
    return BeautifulSoup(response.data, "html.parser").find("table")


def _cells(table) -> dict[tuple[str, str], str]:
    """(member, column heading) → what the cell says, tag words first."""
    headings = [th.get_text(" ", strip=True) for th in table.thead.find_all("th")]
    cells = {}
    for row in table.tbody.find_all("tr"):
        values = [cell.get_text(" ", strip=True) for cell in row.find_all(["th", "td"])]
        cells.update({(values[0], heading): value for heading, value in zip(headings, values, strict=True)})
    return cells


def _tags(table) -> dict[tuple[str, str], str]:
    """(member, course) → the words in the cell's tag."""
    return {key: value for key, value in _cells(table).items() if key[1] not in ("Member", "Ward", "Political group")}


def _csv_link(page: BeautifulSoup) -> str:
    return page.select_one("a[href*='compliance-matrix.csv']")["href"]


def _footer(table) -> dict[str, list[str]]:
    return {
        row.th.get_text(strip=True): [td.get_text(strip=True) for td in row.find_all("td")]
        for row in table.tfoot.find_all("tr")
    }


def test_each_cell_says_the_status_in_words(client_as, council):
    cells = _cells(_table(client_as(Role.OFFICER).get(PAGE)))
    assert cells["Alice Able", "Personal safety (mandatory)"].startswith("Valid until")
    assert cells["Alice Able", "Code of conduct (mandatory)"].startswith("Valid since")
    assert cells["Alice Able", "Social media (mandatory)"].startswith("Due soon expires")
    assert cells["Bob Brown", "Personal safety (mandatory)"].startswith("Expired on")
    assert cells["Bob Brown", "Code of conduct (mandatory)"].startswith("Due after election by")
    assert cells["Bob Brown", "Social media (mandatory)"] == "Not taken"
    assert cells["Cara Cole", "Code of conduct (mandatory)"].startswith("Not taken was due by")
    assert cells["Cara Cole", "Ward"] == "North"


def test_every_cell_has_words_and_a_tag_colour(client_as, council):
    table = _table(client_as(Role.OFFICER).get(PAGE))
    tags = table.tbody.select("strong.govuk-tag")
    assert len(tags) == 9
    assert all(tag.get_text(strip=True) and len(tag["class"]) == 2 for tag in tags)
    assert table.caption.get_text(strip=True).startswith("Training of 3 members on 3 courses")
    assert all(th["scope"] == "col" for th in table.thead.find_all("th"))
    assert all(row.th["scope"] == "row" for row in table.tbody.find_all("tr"))


def test_totals_per_course_and_per_member(client_as, council):
    table = _table(client_as(Role.OFFICER).get(PAGE))
    footer = _footer(table)
    # Columns: the courses by category then title (safety, social media, conduct), then five blanks.
    headings = [th.get_text(" ", strip=True) for th in table.thead.find_all("th")][3:6]
    assert headings == ["Code of conduct (mandatory)", "Personal safety (mandatory)", "Social media (mandatory)"]
    assert footer["Total valid"][:3] == ["1", "1", "0"]
    assert footer["Total due soon"][:3] == ["0", "0", "1"]
    assert footer["Total expired"][:3] == ["0", "1", "0"]
    assert footer["Total due after election"][:3] == ["1", "0", "0"]
    assert footer["Total not taken"][:3] == ["1", "1", "2"]
    cells = _cells(table)
    alice = [cells["Alice Able", heading] for heading in matrix.TOTAL_HEADINGS]
    bob = [cells["Bob Brown", heading] for heading in matrix.TOTAL_HEADINGS]
    assert alice == ["2", "1", "0", "0", "0"]
    assert bob == ["0", "0", "1", "1", "1"]


@pytest.mark.parametrize(
    ("query", "members", "courses"),
    [
        ("ward=North", {"Alice Able", "Cara Cole"}, 3),
        ("group=Red", {"Bob Brown", "Cara Cole"}, 3),
        ("ward=North&group=Red", {"Cara Cole"}, 3),
        ("category=code_of_conduct", {"Alice Able", "Bob Brown", "Cara Cole"}, 1),
    ],
)
def test_filters_narrow_members_and_courses(client_as, council, query, members, courses):
    response = client_as(Role.OFFICER).get(f"{PAGE}?{query}")
    table = _table(response)
    assert {row.th.get_text(strip=True) for row in table.tbody.find_all("tr")} == members
    assert len(table.tbody.tr.select("strong.govuk-tag")) == courses
    page = BeautifulSoup(response.data, "html.parser")
    assert _csv_link(page) == f"/training/compliance-matrix.csv?{query}"


@pytest.mark.parametrize("query", ["ward=Nowhere", "group=%3Cscript%3E", "category=juggling"])
def test_unknown_filters_are_explained_and_ignored(client_as, council, query):
    response = client_as(Role.OFFICER).get(f"{PAGE}?{query}")
    page = BeautifulSoup(response.data, "html.parser")
    assert page.select_one(".govuk-error-message").get_text(strip=True).endswith("from the list")
    assert page.select_one(".govuk-error-summary") is not None
    assert len(_table(response).tbody.find_all("tr")) == 3
    assert _csv_link(page) == "/training/compliance-matrix.csv"


def test_no_matching_members_says_so(client_as, council):
    client = client_as(Role.OFFICER)
    db.session.get(User, council["cara"].id).active = False
    db.session.commit()
    response = client.get(f"{PAGE}?ward=North&group=Red")
    assert response.status_code == 200
    assert b"No members match these filters" in response.data


@pytest.mark.parametrize("role", [Role.COUNCILLOR, Role.CHAMPION, Role.ADMIN])
@pytest.mark.parametrize("path", [PAGE, f"{PAGE}.csv", f"{PAGE}.xlsx"])
def test_only_officers_see_the_matrix(client_as, role, path):
    assert client_as(role).get(path).status_code == 403


def test_signed_out_people_are_asked_to_sign_in(client):
    assert client.get(PAGE).status_code == 302


def _statement_count(client, url: str) -> int:
    statements = []

    def count(_connection, _cursor, statement, *_args):
        statements.append(statement)

    event.listen(db.engine, "before_cursor_execute", count)
    try:
        response = client.get(url)
    finally:
        event.remove(db.engine, "before_cursor_execute", count)
    assert response.status_code == 200
    return len(statements)


def _grow(make_user, members: int, courses: int, start: int = 0) -> None:
    people = [make_user(name=f"Member {start + n}", ward=f"Ward {n % 4}") for n in range(members)]
    for number in range(courses):
        course = make_course(title=f"Course {start + number}", refresher_months=12 * (number % 3) or None)
        for person in people[number::3]:
            complete(person, course, TODAY - timedelta(days=100 * (number + 1)))
    db.session.commit()


def test_the_page_runs_the_same_number_of_queries_at_any_size(client_as, make_user):
    client = client_as(Role.OFFICER)
    _grow(make_user, 3, 2)
    client.get(PAGE)  # anything a first request does once
    small = _statement_count(client, PAGE)
    _grow(make_user, 27, 8, start=3)
    large = _statement_count(client, PAGE)
    assert small == large
    assert b"Member 29" in client.get(PAGE).data


def _csv_rows(response) -> list[list[str]]:
    assert response.data.startswith(b"\xef\xbb\xbf")
    return list(csv.reader(io.StringIO(response.data.decode("utf-8-sig"))))


def test_csv_holds_what_the_page_shows(client_as, council):
    response = client_as(Role.OFFICER).get(f"{PAGE}.csv?ward=North")
    assert response.mimetype == "text/csv"
    assert response.headers["Content-Disposition"] == (
        f'attachment; filename="compliance-matrix-{TODAY.isoformat()}.csv"'
    )
    rows = _csv_rows(response)
    assert rows[0][:6] == ["Member", "Ward", "Political group", "Code of conduct", "Personal safety", "Social media"]
    assert rows[0][6:] == list(matrix.TOTAL_HEADINGS)
    alice, cara = rows[1], rows[2]
    assert alice[:3] == ["Alice Able", "North", "Green"]
    assert alice[3].startswith("Valid – since ") and alice[5].startswith("Due soon – expires ")
    assert alice[6:] == ["2", "1", "0", "0", "0"]
    assert cara[3].startswith("Not taken – was due by ")
    assert rows[3][:6] == ["Total valid", "", "", "1", "1", "0"]
    assert rows[7][:6] == ["Total not taken", "", "", "1", "1", "1"]
    assert len(rows) == 8


def test_xlsx_holds_the_words_colours_and_totals(client_as, council):
    response = client_as(Role.OFFICER).get(f"{PAGE}.xlsx?category=personal_safety")
    assert response.headers["Content-Disposition"] == (
        f'attachment; filename="compliance-matrix-{TODAY.isoformat()}.xlsx"'
    )
    workbook = load_workbook(io.BytesIO(response.data))
    assert workbook.sheetnames == ["Matrix", "Totals"]
    sheet = workbook["Matrix"]
    assert sheet.freeze_panes == "B2"
    assert [cell.value for cell in sheet[1]][:4] == ["Member", "Ward", "Political group", "Personal safety"]
    words = {sheet.cell(row, 1).value: sheet.cell(row, 4) for row in range(2, 5)}
    assert words["Alice Able"].value.startswith("Valid – until ")
    assert words["Bob Brown"].value.startswith("Expired – on ")
    assert words["Cara Cole"].value == "Not taken"
    fills = {cell.fill.fgColor.rgb[-6:] for cell in words.values()}
    assert fills == {"CCE2D8", "F4CDC6", "E5E6E7"}
    assert sheet.column_dimensions["D"].width > 10
    totals = [[cell.value for cell in row] for row in workbook["Totals"].iter_rows()]
    heading = ["Course", "Category", "Mandatory", "Valid", "Due soon", "Expired", "Due after election", "Not taken"]
    assert totals[0] == [*heading, "Members"]
    assert totals[1] == ["Personal safety", "Personal safety and risk assessment", "Yes", 1, 0, 1, 0, 1, 3]


def test_exports_never_hold_a_formula(client_as, make_user):
    client = client_as(Role.OFFICER)
    make_course(title="-1+cmd|' /C calc'!A0")
    make_user(name='=HYPERLINK("http://evil.example","Click")', ward="@SUM(1+1)", political_group="+44 Party")
    db.session.commit()
    rows = _csv_rows(client.get(f"{PAGE}.csv"))
    assert rows[0][3] == "'-1+cmd|' /C calc'!A0"
    assert rows[1][:3] == ['\'=HYPERLINK("http://evil.example","Click")', "'@SUM(1+1)", "'+44 Party"]
    sheet = load_workbook(io.BytesIO(client.get(f"{PAGE}.xlsx").data))["Matrix"]
    assert [sheet.cell(2, column).data_type for column in (1, 2, 3)] == ["s", "s", "s"]
    assert sheet.cell(2, 1).value.startswith("=HYPERLINK")


def test_exports_work_with_nobody_to_show(client_as):
    client = client_as(Role.OFFICER)
    rows = _csv_rows(client.get(f"{PAGE}.csv"))
    assert rows == [[*matrix.MEMBER_HEADINGS, *matrix.TOTAL_HEADINGS]] + [
        [heading, "", "", "", "", "", "", ""] for heading in matrix.TOTAL_HEADINGS
    ]
    workbook = load_workbook(io.BytesIO(client.get(f"{PAGE}.xlsx").data))
    assert workbook["Totals"].max_row == 1
    assert b"No members match these filters" in client.get(PAGE).data


def test_member_names_link_to_their_record_when_that_page_exists(client_as, council, app):
    page = BeautifulSoup(client_as(Role.OFFICER).get(PAGE).data, "html.parser")
    links = page.table.tbody.select("th a")
    if "training.member_record" in app.view_functions:
        assert links[0]["href"] == f"/training/members/{council['alice'].id}"
    else:
        assert links == []


# ---- the service, without HTTP ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("standing", "text"),
    [
        (CourseStanding(Status.VALID, date(2026, 1, 5), date(2028, 1, 5)), "Valid – until 5 January 2028"),
        (CourseStanding(Status.VALID, date(2026, 1, 5)), "Valid – since 5 January 2026"),
        (CourseStanding(Status.DUE_SOON, date(2025, 1, 5), date(2026, 1, 5)), "Due soon – expires 5 January 2026"),
        (CourseStanding(Status.EXPIRED, date(2020, 1, 5), date(2021, 1, 5)), "Expired – on 5 January 2021"),
        (CourseStanding(Status.DUE_AFTER_ELECTION, due_on=date(2026, 7, 1)), "Due after election – by 1 July 2026"),
        (CourseStanding(Status.NOT_TAKEN, due_on=date(2026, 7, 1)), "Not taken – was due by 1 July 2026"),
        (CourseStanding(Status.NOT_TAKEN), "Not taken"),
    ],
)
def test_a_cell_gives_the_status_and_its_date_in_words(standing, text):
    cell = matrix.describe_cell(standing)
    assert cell.text == text
    assert cell.tag_class == standing.status.tag_class


def test_the_table_and_its_exports_agree(app_context, council):
    table = matrix.matrix_table(matrix.MatrixFilters(group="Red"), today=TODAY)
    assert [row.name for row in table.rows] == ["Bob Brown", "Cara Cole"]
    rows = list(matrix.export_rows(table))
    assert [cell.text for cell in rows[1][3:6]] == [cell.text for cell in table.rows[0].cells]
    assert table.caption == f"Training of 2 members on 3 courses, {matrix.format_date(TODAY)} (group Red)"


def test_guard_formula_leaves_ordinary_text_alone():
    assert matrix.guard_formula("Alice") == "Alice"
    assert matrix.guard_formula("-5") == "'-5"
