"""Importing training records from CSV: every row checked, problems listed by row and column, all or nothing."""

import io
from datetime import date, timedelta

import pytest
from bs4 import BeautifulSoup
from sqlalchemy import func, select

from portal.accounts.models import AuditEvent, Role
from portal.extensions import db
from portal.training import transfer
from portal.training.models import Completion
from portal.training.services import TrainingError
from tests.training.factories import complete, make_course

HEADER = "member email,course,completion date,note"
TODAY = date.today()
LAST_WEEK = TODAY - timedelta(days=7)


def uk(day: date) -> str:
    return day.strftime("%d/%m/%Y")


def csv_file(*rows: str, header: str = HEADER, encoding: str = "utf-8") -> bytes:
    return "\r\n".join([header, *rows]).encode(encoding)


def completion_count() -> int:
    return db.session.scalar(select(func.count()).select_from(Completion))


def problems(check: transfer.Check) -> set[tuple[int | None, str | None]]:
    return {(problem.row, problem.column) for problem in check.problems}


def message_for(check: transfer.Check, row: int | None, column: str | None = None) -> str:
    return next(p.message for p in check.problems if p.row == row and p.column == column)


@pytest.fixture
def people(make_user):
    chris = make_user(email="chris@council.example", name="Chris Councillor")
    morgan = make_user(email="morgan@council.example", name="Morgan Evans")
    return chris, morgan


@pytest.fixture
def course(app_context):
    course = make_course(title="Personal safety and risk assessment")
    make_course(title="Code of conduct", category="code_of_conduct", refresher_months=12)
    db.session.commit()
    return course


def upload(client, data: bytes, filename: str = "records.csv"):
    return client.post(
        "/training/import", data={"file": (io.BytesIO(data), filename)}, content_type="multipart/form-data"
    )


# ---- a good file -----------------------------------------------------------------------------------------


def test_a_good_file_imports_every_row_with_one_audit_event(people, course):
    chris, morgan = people
    data = csv_file(
        f"Chris@Council.example,personal safety and risk assessment,{uk(LAST_WEEK)},Civic Centre",
        f"morgan@council.example,Code of Conduct,{LAST_WEEK:%d %b %Y},",
        f"chris@council.example,Code of conduct,{LAST_WEEK.isoformat()}",
    )
    check = transfer.check_completions_csv(data)
    assert check.ok, check.problems
    assert transfer.import_completions(check, by=morgan) == 3
    db.session.commit()

    rows = db.session.execute(select(Completion.user_id, Completion.completed_on, Completion.note)).all()
    assert sorted(rows) == sorted(
        [(chris.id, LAST_WEEK, "Civic Centre"), (morgan.id, LAST_WEEK, ""), (chris.id, LAST_WEEK, "")]
    )
    events = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "training.completions-imported")).all()
    assert len(events) == 1 and events[0].detail["rows"] == 3


def test_column_names_ignore_case_and_spaces_and_trailing_empty_columns(people, course):
    data = csv_file(
        f"chris@council.example,Personal safety and risk assessment,{uk(LAST_WEEK)},,,",
        header=" Member  Email ,COURSE,Completion date,Note,,",
    )
    check = transfer.check_completions_csv(data)
    assert check.ok, check.problems
    assert len(check.rows) == 1


def test_blank_lines_are_skipped_and_rows_keep_the_numbers_a_spreadsheet_shows(people, course):
    data = csv_file(
        f"chris@council.example,Personal safety and risk assessment,{uk(LAST_WEEK)},",
        ",,,",
        "nobody@council.example,Personal safety and risk assessment,01/01/2026,",
    )
    check = transfer.check_completions_csv(data)
    assert problems(check) == {(4, "member email")}


@pytest.mark.parametrize("encoding", ["utf-8-sig", "cp1252"])
def test_excel_encodings_are_accepted(people, course, encoding):
    data = csv_file(
        f"chris@council.example,Personal safety and risk assessment,{uk(LAST_WEEK)},Café in the Guildhall – upstairs",
        encoding=encoding,
    )
    check = transfer.check_completions_csv(data)
    assert check.ok, check.problems
    assert check.rows[0].note == "Café in the Guildhall – upstairs"


def test_the_template_is_the_header_and_a_filled_in_template_imports(people, course):
    template = transfer.template_csv()
    assert template.decode("utf-8-sig").strip() == HEADER
    check = transfer.check_completions_csv(template)
    assert [p.message for p in check.problems] == ["The file has the column names but no rows under them"]
    filled = template + f"chris@council.example,Code of conduct,{uk(LAST_WEEK)},\r\n".encode()
    assert transfer.check_completions_csv(filled).ok


# ---- bad rows: every one listed, nothing imported --------------------------------------------------------


def test_each_kind_of_bad_row_is_listed_by_row_and_column(people, course, make_user):
    chris, _ = people
    make_user(email="gone@council.example", name="Former Member", active=False)
    complete(chris, course, LAST_WEEK - timedelta(days=30))
    db.session.commit()
    tomorrow = TODAY + timedelta(days=1)
    data = csv_file(
        f"chris@council.example,Personal safety and risk assessment,{uk(LAST_WEEK)},fine",  # 2
        f"nobody@council.example,Personal safety and risk assessment,{uk(LAST_WEEK)},",  # 3
        f"gone@council.example,Personal safety and risk assessment,{uk(LAST_WEEK)},",  # 4
        f"chris@council.example,Personal safety and risk assesment,{uk(LAST_WEEK)},",  # 5
        "chris@council.example,Code of conduct,31/02/2026,",  # 6
        f"chris@council.example,Code of conduct,{uk(tomorrow)},",  # 7
        "chris@council.example,Code of conduct,11/28/2025,",  # 8
        f"chris@council.example,Personal safety and risk assessment,{uk(LAST_WEEK)},again",  # 9
        f"chris@council.example,Personal safety and risk assessment,{uk(LAST_WEEK - timedelta(days=30))},",  # 10
        ",,,just a note",  # 11
        f"chris@council.example,Code of conduct,{uk(LAST_WEEK)},{'x' * 501}",  # 12
        f"chris@council.example,Code of conduct,{uk(LAST_WEEK)},note,extra",  # 13
    )
    check = transfer.check_completions_csv(data)

    assert problems(check) == {
        (3, "member email"),
        (4, "member email"),
        (5, "course"),
        (6, "completion date"),
        (7, "completion date"),
        (8, "completion date"),
        (9, None),
        (10, None),
        (11, "member email"),
        (11, "course"),
        (11, "completion date"),
        (12, "note"),
        (13, None),
    }
    assert "No account has the email address nobody@council.example" in message_for(check, 3, "member email")
    assert "deactivated" in message_for(check, 4, "member email")
    assert "Did you mean “Personal safety and risk assessment”?" in message_for(check, 5, "course")
    assert "February 2026 has 28 days" in message_for(check, 6, "completion date")
    assert "in the future" in message_for(check, 7, "completion date")
    assert "month first" in message_for(check, 8, "completion date")
    assert message_for(check, 9) == "The same member, course and date as row 2"
    assert "already has Personal safety and risk assessment recorded" in message_for(check, 10)
    assert [p.row for p in check.problems] == sorted(p.row for p in check.problems)

    with pytest.raises(TrainingError):
        transfer.import_completions(check, by=chris)
    assert completion_count() == 1  # only the record made before the import


def test_a_us_date_is_an_error_not_a_guess(people, course):
    check = transfer.check_completions_csv(csv_file("chris@council.example,Code of conduct,11/28/2025,"))
    assert problems(check) == {(2, "completion date")}
    assert "write the day first, for example 28/11/2025" in check.problems[0].message
    # Where both readings are possible, the day comes first.
    check = transfer.check_completions_csv(csv_file("chris@council.example,Code of conduct,03/04/2025,"))
    assert check.rows[0].completed_on == date(2025, 4, 3)


def test_a_row_that_fails_while_importing_leaves_nothing_behind(people, course):
    chris, morgan = people
    data = csv_file(
        f"morgan@council.example,Personal safety and risk assessment,{uk(LAST_WEEK)},",
        f"chris@council.example,Personal safety and risk assessment,{uk(LAST_WEEK)},",
    )
    check = transfer.check_completions_csv(data)
    assert check.ok
    complete(chris, course, LAST_WEEK)  # someone else records the same thing between check and import
    db.session.commit()

    with pytest.raises(TrainingError):
        transfer.import_completions(check, by=morgan)
    db.session.rollback()
    assert completion_count() == 1


# ---- files that cannot be read -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (HEADER.encode("utf-16"), "UTF-16"),
        (HEADER.encode("utf-16-le"), "UTF-16"),
        (b"PK\x03\x04\x14\x00\x06\x00" + bytes(range(256)), "spreadsheet workbook, not a CSV file"),
        (bytes(range(1, 32)) * 10 + b"\xff\xd8junk", "does not look like a CSV file"),
        (b"member email,course\x81,completion date,note", "characters we cannot read"),
        (b"", "The file is empty"),
        (b"  \r\n ", "The file is empty"),
    ],
)
def test_files_that_are_not_csv_text_are_explained(app_context, data, message):
    check = transfer.check_completions_csv(data)
    assert len(check.problems) == 1
    assert check.problems[0].row is None
    assert message in check.problems[0].message
    assert "CSV" in check.problems[0].message or "empty" in check.problems[0].message


def test_the_wrong_column_names_are_a_problem_in_row_1(app_context):
    check = transfer.check_completions_csv(csv_file("a@b.example,Course,01/01/2026", header="email,course,date"))
    assert problems(check) == {(1, None)}
    assert "member email, course, completion date, note" in check.problems[0].message


def test_size_and_row_limits(app_context):
    too_big = csv_file("x" * (transfer.MAX_BYTES + 1))
    assert "larger than 2 MB" in transfer.check_completions_csv(too_big).problems[0].message
    too_many = csv_file(*["a@council.example,Code of conduct,01/01/2026,"] * (transfer.MAX_ROWS + 1))
    assert "at most 5,000" in transfer.check_completions_csv(too_many).problems[0].message


# ---- the page ------------------------------------------------------------------------------------------


def test_councillors_may_not_import(client_as):
    client = client_as(Role.COUNCILLOR)
    assert client.get("/training/import").status_code == 403
    assert client.get("/training/import/template.csv").status_code == 403
    assert upload(client, csv_file()).status_code == 403


def test_officers_download_the_template(client_as):
    response = client_as(Role.OFFICER).get("/training/import/template.csv")
    assert response.status_code == 200
    assert response.mimetype == "text/csv"
    assert "attachment" in response.headers["Content-Disposition"]
    assert response.data.decode("utf-8-sig").strip() == HEADER


def test_the_page_lists_the_problems_in_a_table_and_imports_nothing(client_as, people, course):
    client = client_as(Role.OFFICER)
    data = csv_file(
        f"chris@council.example,Personal safety and risk assessment,{uk(LAST_WEEK)},",
        f"nobody@council.example,Personal safety and risk assessment,{uk(LAST_WEEK)},",
        "chris@council.example,Code of conduct,11/28/2025,",
    )
    response = upload(client, data)

    assert response.status_code == 422
    page = BeautifulSoup(response.data, "html.parser")
    assert "Nothing was imported" in page.select_one(".govuk-error-summary").get_text()
    table = page.select_one("table#problems")
    cells = [[cell.get_text(strip=True) for cell in row.select("td")] for row in table.select("tbody tr")]
    assert [cell[:2] for cell in cells] == [["3", "member email"], ["4", "completion date"]]
    assert "nobody@council.example" in cells[0][2]
    assert completion_count() == 0


def test_a_good_upload_imports_and_says_how_many(client_as, people, course):
    client = client_as(Role.OFFICER)
    data = csv_file(
        f"chris@council.example,Personal safety and risk assessment,{uk(LAST_WEEK)},",
        f"morgan@council.example,Code of conduct,{uk(LAST_WEEK)},",
    )
    response = upload(client, data)

    assert response.status_code == 302
    assert completion_count() == 2
    page = BeautifulSoup(client.get("/training/import").data, "html.parser")
    assert "Imported 2 training records" in page.select_one(".govuk-notification-banner").get_text()


def test_an_upload_without_a_file_asks_for_one(client_as):
    response = client_as(Role.OFFICER).post("/training/import", data={}, content_type="multipart/form-data")
    assert response.status_code == 422
    assert "Choose a CSV file to upload" in response.get_data(as_text=True)


def test_an_unreadable_upload_is_explained_on_the_page(client_as):
    response = upload(client_as(Role.OFFICER), b"PK\x03\x04" + bytes(100), "records.xlsx")
    assert response.status_code == 422
    page = BeautifulSoup(response.data, "html.parser")
    cells = [cell.get_text(strip=True) for cell in page.select("table#problems tbody td")]
    assert cells[0] == "Whole file"
    assert "spreadsheet workbook" in cells[2]
