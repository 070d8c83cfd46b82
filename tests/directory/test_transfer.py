"""CSV import and export of the directory: checked in full, all or nothing, every problem shown by row and column."""

import csv
import io
import os
import re
import time as clock
from datetime import date, time

import pytest
from bs4 import BeautifulSoup
from sqlalchemy import func, select

from portal.accounts.models import AuditEvent, Role
from portal.directory import services, transfer
from portal.directory.models import Category, Service
from portal.directory.transfer import EXPORT_COLUMNS, ImportProblem, RowProblem
from portal.extensions import db
from tests.directory.factories import make_service

UTF8_BOM = b"\xef\xbb\xbf"


# ---- helpers -----------------------------------------------------------------------------------------


def new_row(**cells: str) -> dict[str, str]:
    """A row that adds a valid service; keyword arguments replace cells."""
    row = dict.fromkeys(EXPORT_COLUMNS, "")
    row.update(name="Peer support circle", summary="Meet other councillors", category="Peer support", monday="6pm-8pm")
    row.update(cells)
    return row


def csv_text(rows: list[dict[str, str]], columns: list[str] = EXPORT_COLUMNS) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(columns)
    writer.writerows([row.get(column, "") for column in columns] for row in rows)
    return buffer.getvalue()


def read_csv(text: str) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(text.removeprefix("\ufeff"), newline="")))


def upload(client, data: bytes, filename: str = "services.csv"):
    return client.post(
        "/directory/import",
        data={"csv_file": (io.BytesIO(data), filename)},
        content_type="multipart/form-data",
    )


def page(response) -> BeautifulSoup:
    return BeautifulSoup(response.get_data(as_text=True), "html.parser")


def words(element) -> str:
    return " ".join(element.get_text(" ").split()) if element is not None else ""


def problems_table(response) -> list[tuple[str, str, str]]:
    rows = page(response).select("#problems tbody tr")
    return [tuple(words(cell) for cell in row.select("td")) for row in rows]


def error_summary(response) -> str:
    return words(page(response).select_one(".govuk-error-summary"))


def service_count() -> int:
    return db.session.scalar(select(func.count(Service.id)))


def audit_actions() -> list[str]:
    return list(db.session.scalars(select(AuditEvent.action).order_by(AuditEvent.id)))


@pytest.fixture
def officer(make_user):
    return make_user(Role.OFFICER, name="Olu Officer", email="olu.officer@council.example")


def rich_service(officer) -> Service:
    """An entry that uses every column, including text Excel would otherwise run as a formula."""
    return make_service(
        name="=Wellbeing line",
        description='Line one, with a comma\nLine two, "quoted"',
        is_internal=True,
        email="wellbeing@example.org",
        website="https://www.example.org/wellbeing",
        phones=[
            services.PhoneInput("+44 (0)1632 960000", "voice", "Out of hours; urgent calls"),
            services.PhoneInput("01632 960123", "text"),
        ],
        contacts=[services.ContactInput("Sam Taylor", "Adviser"), services.ContactInput("Member services team")],
        periods=[
            services.PeriodInput(0, time(9), time(12)),
            services.PeriodInput(0, time(13), time(17, 30)),
            services.PeriodInput(4, time(22), time(2)),
            services.PeriodInput(6, time(0), time(0)),
        ],
        opening_notes="Closed on bank holidays",
        out_of_hours=True,
        audience="Councillors and their families",
        status="temporarily_closed",
        owner_id=officer.id,
        last_checked_on=date(2026, 3, 4),
        help_now_role=services.HelpNowRole.POLICE_CONTACT,
    )


# ---- export and template -----------------------------------------------------------------------------


def test_export_lists_every_service_in_the_import_columns(app_context, officer):
    rich_service(officer)
    make_service(name="Police contact", category="Police", phones=[], periods=[], last_checked_on=None)

    text = transfer.export_csv()

    assert text.startswith("\ufeff")
    assert next(csv.reader(io.StringIO(text[1:]))) == EXPORT_COLUMNS
    rich, plain = read_csv(text)
    assert rich["name"] == "'=Wellbeing line"  # Excel must not run it as a formula; the import takes the ' off
    assert rich["phones"] == "'+44 (0)1632 960000 (voice: Out of hours; urgent calls); 01632 960123 (text)"
    assert rich["contacts"] == "Sam Taylor (Adviser); Member services team"
    assert (rich["monday"], rich["tuesday"], rich["friday"], rich["sunday"]) == (
        "9am-midday, 1pm-5:30pm",
        "closed",
        "10pm-2am",
        "midnight-midnight",
    )
    assert (rich["internal"], rich["shareable"], rich["status"]) == ("yes", "yes", "temporarily closed")
    assert (rich["owner_email"], rich["last_checked"], rich["help_now"]) == (
        "olu.officer@council.example",
        "2026-03-04",
        "police contact",
    )
    assert (plain["monday"], plain["phones"], plain["last_checked"], plain["owner_email"]) == ("", "", "", "")


def test_officer_downloads_the_export_and_the_template_as_csv_files(client_as):
    client = client_as(Role.OFFICER)
    make_service()

    for url, filename in [
        ("/directory/export.csv", "support-directory-2"),
        ("/directory/import/template.csv", "support-directory-template.csv"),
    ]:
        response = client.get(url)
        assert response.status_code == 200
        assert response.mimetype == "text/csv"
        assert response.mimetype_params == {"charset": "utf-8"}
        assert f'attachment; filename="{filename}' in response.headers["Content-Disposition"]
        assert response.data.startswith(UTF8_BOM)


def test_template_has_the_columns_and_an_example_with_fictional_numbers(app_context):
    (example,) = read_csv(transfer.template_csv())

    assert list(example) == EXPORT_COLUMNS
    assert example["id"] == ""
    assert re.fullmatch(r"01632 960\d{3} \(voice\); 01632 960\d{3} \(text: .+\)", example["phones"])


def test_the_template_example_imports_as_a_new_service(app_context, officer):
    check = transfer.check_rows(transfer.template_csv())

    assert check.problems == []
    assert transfer.import_rows(check, by=officer) == 1
    service = db.session.scalar(select(Service))
    assert service.category.name == "Wellbeing"
    assert [phone.number for phone in service.phones] == ["01632 960000", "01632 960123"]
    assert len(service.opening_hours) == 6


# ---- round trip --------------------------------------------------------------------------------------


def test_importing_an_export_unchanged_changes_nothing(app_context, officer):
    services_before = [rich_service(officer), make_service(name="Plain", category="Police", periods=[], phones=[])]
    before = {s.uuid: (transfer.service_input_for(s), [p.uuid for p in s.phones]) for s in services_before}
    events_before = audit_actions()

    check = transfer.check_rows(transfer.export_csv())
    assert check.problems == []
    assert check.counts() == {"new": 0, "updated": 0, "unchanged": 2}
    assert transfer.import_rows(check, by=officer) == 0
    db.session.commit()
    db.session.expire_all()

    after = {
        s.uuid: (transfer.service_input_for(s), [p.uuid for p in s.phones]) for s in db.session.scalars(select(Service))
    }
    assert after == before
    assert audit_actions() == [*events_before, "directory.imported"]


def test_an_edited_export_updates_only_the_rows_that_changed(app_context, officer):
    edited, untouched = rich_service(officer), make_service(name="Plain", category="Police")
    untouched_phones = [phone.uuid for phone in untouched.phones]
    rows = read_csv(transfer.export_csv())
    for row in rows:
        if row["id"] == edited.uuid:
            row.update(summary="A new summary", monday="8am-6pm", status="active", help_now="")

    check = transfer.check_rows(csv_text(rows))
    assert check.counts() == {"new": 0, "updated": 1, "unchanged": 1}
    assert check.describe() == "2 services (0 new, 1 updated, 1 unchanged)"
    transfer.import_rows(check, by=officer)
    db.session.commit()

    assert (edited.summary, edited.status, edited.help_now_role) == ("A new summary", "active", None)
    assert [(p.weekday, p.opens_at, p.closes_at) for p in edited.opening_hours if p.weekday == 0] == [
        (0, time(8), time(18))
    ]
    assert [phone.uuid for phone in untouched.phones] == untouched_phones
    assert audit_actions().count("directory.service-updated") == 1


# ---- what each cell may hold -------------------------------------------------------------------------


BAD_CELLS = [
    ("category", "Knitting", "There is no category called “Knitting”. Use one of: Wellbeing, "),
    ("email", "not-an-email", "Enter an email address like name@example.com"),
    ("monday", "9am-25pm", "“25pm” is not a time. With am or pm, the hour must be between 1 and 12"),
    ("tuesday", "from nine", "write opening hours like 9am-5pm"),
    ("wednesday", "9am-1pm, 9am-5pm", "Two opening periods start at the same time on the same day"),
    ("last_checked", "11/28/2026", "11/28/2026 has no month 28: write the day first, like 28/11/2026"),
    ("last_checked", "31/02/2026", "31/02/2026 is not a real date"),
    ("last_checked", "28 November 2026", "Enter the date like 28/11/2026 or 2026-11-28"),
    ("last_checked", "2099-01-01", "cannot be in the future"),
    ("owner_email", "nobody@council.example", "No one with this email has an account here"),
    ("status", "open", "Enter active, temporarily closed or closed"),
    ("internal", "maybe", "Enter yes or no"),
    ("website", "www.example.org", "Enter a full web address, like https://www.example.org"),
    ("phones", "01632 960000 (fax)", "the type in brackets must be one of voice, text, textphone, mobile"),
    ("phones", "ask at reception", "write each number in digits"),
    ("contacts", "Jo (Chair) Smith", "write contacts like Sam Taylor (Wellbeing adviser)"),
    ("help_now", "ambulance", "Leave it empty, or enter out of hours or police contact"),
    ("name", "", "Enter the service's name"),
    ("summary", "", "Enter a one-line summary"),
    ("name", "x" * 201, "Shorten this to 200 characters or fewer (it has 201)"),
    ("id", "not-an-id", "Leave the id empty for a new service, or keep the id from an export"),
    ("id", "0b7e6ad2-5d36-4b8e-9a1b-2a9f0c4d1e10", "No service in the directory has this id"),
]


@pytest.mark.parametrize(("column", "value", "message"), BAD_CELLS, ids=[f"{c}={v[:20]}" for c, v, _ in BAD_CELLS])
def test_a_bad_cell_is_reported_by_row_and_column(app_context, column, value, message):
    check = transfer.check_rows(csv_text([new_row(name="Fine"), new_row(**{column: value})]))

    assert len(check.problems) == 1
    problem = check.problems[0]
    assert (problem.row, problem.column) == (3, column)
    assert message in problem.message
    with pytest.raises(ImportProblem):
        transfer.import_rows(check, by=None)


@pytest.mark.parametrize(
    ("roles", "active", "message"),
    [
        ((Role.COUNCILLOR,), True, "Cat Councillor is not an officer"),
        ((Role.OFFICER,), False, "Cat Councillor's account is switched off"),
    ],
)
def test_the_owner_must_be_an_active_officer(app_context, make_user, roles, active, message):
    make_user(*roles, name="Cat Councillor", email="cat@council.example", active=active)

    check = transfer.check_rows(csv_text([new_row(owner_email="CAT@council.example")]))

    assert [(p.row, p.column) for p in check.problems] == [(2, "owner_email")]
    assert message in check.problems[0].message


@pytest.mark.parametrize(
    ("cells", "expected"),
    [
        ({"last_checked": "3/4/2026"}, {"last_checked_on": date(2026, 4, 3)}),
        ({"last_checked": "2026-04-03"}, {"last_checked_on": date(2026, 4, 3)}),
        ({"owner_email": " "}, {"owner_id": None}),
        (
            {"internal": "YES", "shareable": "", "status": "Temporarily closed"},
            {"is_internal": True, "shareable": False, "status": "temporarily_closed"},
        ),
        ({"help_now": "Out of hours"}, {"help_now_role": services.HelpNowRole.OUT_OF_HOURS}),
        ({"phones": "01632 960000"}, {"phones": [services.PhoneInput("01632 960000", "voice", "")]}),
    ],
)
def test_cells_are_read_the_ways_people_write_them(app_context, cells, expected):
    check = transfer.check_rows(csv_text([new_row(**cells)]))

    assert check.problems == []
    (data,) = check.inputs
    assert {name: getattr(data, name) for name in expected} == expected


@pytest.mark.parametrize(
    ("written", "periods"),
    [
        ("9am-5pm", [(time(9), time(17))]),
        ("09:00 - 17:30", [(time(9), time(17, 30))]),
        ("9am to midday, 1pm to 5pm", [(time(9), time(12)), (time(13), time(17))]),
        ("midnight-midnight", [(time(0), time(0))]),
        ("24 hours", [(time(0), time(0))]),
        ("Closed", []),
        ("", []),
    ],
)
def test_opening_hours_are_read_per_weekday(app_context, written, periods):
    check = transfer.check_rows(csv_text([new_row(monday="", thursday=written)]))

    assert check.problems == []
    assert [(p.weekday, p.opens_at, p.closes_at) for p in check.inputs[0].periods] == [(3, *p) for p in periods]


def test_a_row_with_several_problems_lists_each(app_context):
    check = transfer.check_rows(csv_text([new_row(category="", email="nope", friday="late", status="gone")]))

    assert [(p.row, p.column) for p in check.problems] == [
        (2, "category"),
        (2, "email"),
        (2, "friday"),
        (2, "status"),
    ]


def test_rows_are_numbered_as_the_spreadsheet_shows_them(app_context):
    blank = dict.fromkeys(EXPORT_COLUMNS, "")
    rows = [new_row(name="One", description="Two lines\nin one cell"), new_row(name="Two"), new_row(email="x")]
    text = csv_text([*rows, blank, new_row(name="Five", email="y")])

    assert [(p.row, p.column) for p in transfer.check_rows(text).problems] == [(4, "email"), (6, "email")]


def test_short_rows_are_blank_at_the_end_and_a_cell_without_a_heading_is_a_problem(app_context):
    short = csv_text([new_row(name="Short")]).rstrip("\r\n").rstrip(",") + "\r\n"
    assert transfer.check_rows(short).problems == []

    extra = csv_text([new_row()]).rstrip("\r\n") + ",stray\r\n"
    assert transfer.check_rows(extra).problems == [
        RowProblem(2, "column AA", "This cell has no column heading: add one or clear it")
    ]


# ---- names and ids -----------------------------------------------------------------------------------


def test_a_new_row_may_not_take_the_name_of_a_service_in_the_directory(app_context):
    make_service(name="Peer Support Circle")

    check = transfer.check_rows(csv_text([new_row(name="peer support circle ")]))

    assert [(p.row, p.column) for p in check.problems] == [(2, "name")]
    assert "already in the directory" in check.problems[0].message


def test_two_new_rows_may_not_share_a_name(app_context):
    check = transfer.check_rows(csv_text([new_row(name="Twin"), new_row(name="Other"), new_row(name="TWIN")]))

    assert [(p.row, p.column, p.message) for p in check.problems] == [
        (2, "name", "Another row in the file has a service with this name"),
        (4, "name", "Another row in the file has a service with this name"),
    ]


def test_a_service_appears_once_in_a_file(app_context):
    service = make_service()
    rows = read_csv(transfer.export_csv())

    check = transfer.check_rows(csv_text([rows[0], {**rows[0], "summary": "Changed"}]))

    assert check.problems == [
        RowProblem(3, "id", "Row 2 already has this id: each service may appear only once"),
    ]
    assert service.uuid == rows[0]["id"]


# ---- the header --------------------------------------------------------------------------------------


def test_header_problems_are_reported_once_each(app_context):
    columns = [column for column in EXPORT_COLUMNS if column != "summary"] + ["colour", "Email"]
    rows = [new_row(colour="red"), new_row(name="Two"), new_row(name="Three")]

    check = transfer.check_rows(csv_text(rows, columns=columns))

    assert check.problems == [
        RowProblem(1, "colour", "There is no such column: check its spelling or remove it"),
        RowProblem(1, "Email", "This column appears more than once: keep only one"),
        RowProblem(1, "summary", "This column is missing: the template has every column"),
    ]
    assert check.rows == []


def test_headings_may_differ_in_case_spaces_and_order(app_context):
    columns = list(reversed(EXPORT_COLUMNS))
    text = csv_text([new_row()], columns=columns)
    text = text.replace("owner_email", "Owner email").replace("help_now", "Help-Now", 1)

    assert transfer.check_rows(text).problems == []


def test_a_file_separated_by_semicolons_is_explained(app_context):
    text = ";".join(EXPORT_COLUMNS) + "\r\n" + ";".join(new_row().values()) + "\r\n"

    (problem,) = transfer.check_rows(text).problems

    assert problem.row == 1
    assert "separated by semicolons" in problem.message


# ---- saving: all or nothing --------------------------------------------------------------------------


def test_a_row_that_fails_on_saving_undoes_the_whole_import(app_context, officer):
    passing = services.create_category("Passing", "", by=officer)
    check = transfer.check_rows(csv_text([new_row(name="First"), new_row(name="Second", category="Passing")]))
    assert check.problems == []
    db.session.delete(passing)  # gone between the check and the save, as if someone removed it meanwhile
    db.session.flush()

    with pytest.raises(ImportProblem, match="Row 3 could not be saved"):
        transfer.import_rows(check, by=officer)
    db.session.commit()

    assert service_count() == 0
    assert "directory.imported" not in audit_actions()


def test_an_import_is_recorded_in_the_audit_log(app_context, officer):
    existing = make_service(name="Existing")
    rows = [{**read_csv(transfer.export_csv())[0], "summary": "Changed"}, new_row()]

    transfer.import_rows(transfer.check_rows(csv_text(rows)), by=officer)
    db.session.commit()

    summary = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "directory.imported"))
    assert summary.actor_id == officer.id
    assert summary.summary == "Imported 2 services (1 new, 1 updated) from a CSV file"
    assert summary.detail == {"new": 1, "updated": 1, "unchanged": 0}
    per_service = db.session.scalars(
        select(AuditEvent.action).where(AuditEvent.actor_id == officer.id, AuditEvent.id != summary.id)
    )
    assert sorted(per_service) == ["directory.service-created", "directory.service-updated"]
    assert existing.summary == "Changed"


# ---- the import page ---------------------------------------------------------------------------------


def test_officer_sees_the_import_page_with_the_template_and_export_links(client_as):
    response = client_as(Role.OFFICER).get("/directory/import")

    assert response.status_code == 200
    assert words(page(response).h1) == "Import services from a spreadsheet"
    links = {a["href"] for a in page(response).select("main a")}
    assert {"/directory/import/template.csv", "/directory/export.csv"} <= links


def test_officer_sees_every_problem_and_nothing_is_imported(client_as):
    client = client_as(Role.OFFICER)
    rows = [
        new_row(name="Fine"),
        new_row(name="Two", category="Knitting"),
        new_row(name="Three", email="x", monday="25pm-9pm"),
    ]

    response = upload(client, csv_text(rows).encode())

    assert response.status_code == 422
    assert [(row, column) for row, column, _ in problems_table(response)] == [
        ("3", "category"),
        ("4", "email"),
        ("4", "monday"),
    ]
    assert "“25pm” is not a time" in problems_table(response)[2][2]
    assert "The file has 3 problems, listed below. Nothing has been imported" in error_summary(response)
    assert page(response).title.string.startswith("Error: ")
    assert service_count() == 0
    assert "directory.imported" not in audit_actions()


def test_a_good_file_is_imported_and_the_officer_is_told_how_many(client_as):
    client = client_as(Role.OFFICER)
    make_service(name="Existing")
    rows = [{**read_csv(transfer.export_csv())[0], "summary": "Changed"}, new_row()]

    response = upload(client, csv_text(rows).encode())

    assert response.status_code == 302
    assert response.headers["Location"] == "/directory"
    shown = client.get("/directory")
    assert "Imported 2 services (1 new, 1 updated)" in words(page(shown).select_one(".govuk-notification-banner"))
    assert service_count() == 2


@pytest.mark.parametrize(
    ("encode", "name"),
    [
        (lambda text: UTF8_BOM + text.encode("utf-8"), "Café Ffôn"),
        (lambda text: text.encode("utf-8"), "Café Ffôn"),
        (lambda text: text.encode("cp1252"), "Café – “quoted”"),
    ],
    ids=["utf-8 with BOM", "utf-8", "windows-1252"],
)
def test_utf8_and_windows_1252_files_are_read(client_as, encode, name):
    response = upload(client_as(Role.OFFICER), encode(csv_text([new_row(name=name)])))

    assert response.status_code == 302
    assert db.session.scalar(select(Service.name)) == name


def _random_bytes(size: int) -> bytes:
    return os.urandom(size)


def _too_many_rows() -> bytes:
    return csv_text([new_row(name=f"Service {n}") for n in range(transfer.MAX_ROWS + 1)]).encode()


UNREADABLE_FILES = [
    (
        "utf-16",
        lambda: csv_text([new_row()]).encode("utf-16"),
        "The file is not text in UTF-8 or Windows-1252: it is saved as UTF-16",
    ),
    ("10 MB of junk", lambda: _random_bytes(10 * 1024 * 1024), "The file is larger than 2 MB"),
    ("1 MB of junk", lambda: _random_bytes(1024 * 1024), "The file is not text in UTF-8 or Windows-1252"),
    ("a workbook", lambda: b"PK\x03\x04" + _random_bytes(2000), "it is an Excel workbook (.xlsx)"),
    ("control characters", lambda: b"name,summary\x07\r\n", "The file is not text in UTF-8 or Windows-1252"),
    ("empty", lambda: b"", "The file is empty"),
    ("only a byte order mark", lambda: UTF8_BOM + b"\r\n", "The file is empty"),
    (
        "header only",
        lambda: UTF8_BOM + csv_text([]).encode(),
        "The file has column headings but no services under them",
    ),
    (
        "blank first row",
        lambda: b"\r\n" + csv_text([new_row()]).encode(),
        "The first row must hold the column headings",
    ),
    ("too many rows", _too_many_rows, "The file has more than 5,000 services"),
    ("unclosed quote", lambda: (csv_text([]) + '"' + "x" * 200_000).encode(), "Row 2 cannot be read"),
]


@pytest.mark.parametrize(
    ("content", "message"), [f[1:] for f in UNREADABLE_FILES], ids=[f[0] for f in UNREADABLE_FILES]
)
def test_a_file_that_cannot_be_read_imports_nothing_and_says_why(client_as, content, message):
    client = client_as(Role.OFFICER)
    started = clock.monotonic()

    response = upload(client, content())

    assert clock.monotonic() - started < 5
    assert response.status_code == 422
    assert message in error_summary(response)
    assert problems_table(response) == []
    assert service_count() == 0


def test_the_form_asks_for_a_file(client_as):
    response = client_as(Role.OFFICER).post("/directory/import", data={}, content_type="multipart/form-data")

    assert response.status_code == 422
    assert "Choose a CSV file to import" in error_summary(response)


@pytest.mark.parametrize(
    ("method", "url"),
    [
        ("get", "/directory/export.csv"),
        ("get", "/directory/import/template.csv"),
        ("get", "/directory/import"),
        ("post", "/directory/import"),
    ],
)
def test_councillors_may_not_import_or_export(client_as, method, url):
    client = client_as(Role.COUNCILLOR, Role.CHAMPION)

    assert getattr(client, method)(url).status_code == 403


def test_check_rows_reads_categories_by_name_case_blind(app_context):
    category = db.session.scalar(select(Category).where(Category.name == "Peer support"))

    check = transfer.check_rows(csv_text([new_row(category="PEER SUPPORT")]))

    assert check.inputs[0].category_id == category.id
