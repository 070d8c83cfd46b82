"""Import training records from a CSV file: every row is checked first, then all are recorded or none.

The file has four columns: member email, course, completion date and note. Problems are reported by row
as a spreadsheet numbers them (the column names are row 1) and by column, so a person can find and fix them.
"""

import csv
import difflib
import io
from dataclasses import dataclass, field
from datetime import date

from sqlalchemy import select

from portal.accounts import audit
from portal.accounts.models import User
from portal.accounts.services import normalise_email
from portal.common.dates import parse_uk_date
from portal.common.time import format_date
from portal.extensions import db
from portal.training import services
from portal.training.models import Completion, Course

COLUMNS = ("member email", "course", "completion date", "note")
MAX_BYTES = 2 * 1024 * 1024
MAX_ROWS = 5000
MAX_NOTE = 500
SAVE_AS_CSV = "In your spreadsheet, choose Save As and the format “CSV UTF-8 (comma delimited)”, then upload that file."


@dataclass(frozen=True)
class Problem:
    row: int | None  # as the spreadsheet shows it, the column names being row 1; None: the whole file
    column: str | None  # one of COLUMNS; None: the whole row
    message: str


@dataclass(frozen=True)
class ImportRow:
    row: int
    member: User
    course: Course
    completed_on: date
    note: str


@dataclass
class Check:
    """What a file would import, and everything wrong with it; it imports only when `problems` is empty."""

    rows: list[ImportRow] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems


def template_csv() -> bytes:
    """An empty file with the column names, with a byte order mark so that Excel reads accents correctly."""
    out = io.StringIO()
    csv.writer(out, lineterminator="\r\n").writerow(COLUMNS)
    return out.getvalue().encode("utf-8-sig")


# ---- reading the file ----------------------------------------------------------------------------------


def _file_problem(message: str) -> Check:
    return Check(problems=[Problem(None, None, message)])


def _looks_like_binary(data: bytes) -> str | None:
    if data.startswith((b"PK\x03\x04", b"\xd0\xcf\x11\xe0")):  # .xlsx (a zip) and the older .xls
        return f"This is a spreadsheet workbook, not a CSV file. {SAVE_AS_CSV}"
    if data.startswith((b"\xff\xfe", b"\xfe\xff")) or b"\x00" in data[:4096]:
        return f"The file is saved as UTF-16 or another format that is not plain text. {SAVE_AS_CSV}"
    return None


def _decode(data: bytes) -> str:
    """UTF-8 (with or without a byte order mark), else Windows-1252 as older Excel saves "CSV"."""
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        return data.decode("cp1252")  # raises UnicodeDecodeError for bytes cp1252 leaves undefined


def _has_control_characters(text: str) -> bool:
    return any(ord(char) < 32 and char not in "\t\r\n" for char in text)


def _read_records(data: bytes) -> tuple[list[list[str]], str | None]:
    """The file's records with each cell trimmed, or a message saying why it cannot be read."""
    if not data.strip():
        return [], "The file is empty. Download the template, fill it in and upload it."
    if len(data) > MAX_BYTES:
        return [], "The file is larger than 2 MB. Split it into smaller files and import them one by one."
    if message := _looks_like_binary(data):
        return [], message
    try:
        text = _decode(data)
    except UnicodeDecodeError:
        return [], f"The file has characters we cannot read. {SAVE_AS_CSV}"
    if _has_control_characters(text):
        return [], f"The file does not look like a CSV file. {SAVE_AS_CSV}"
    try:
        return [_trimmed(record) for record in csv.reader(io.StringIO(text, newline=""))], None
    except csv.Error as error:
        return [], f"The file is not a well-formed CSV file ({error}). {SAVE_AS_CSV}"


def _trimmed(record: list[str]) -> list[str]:
    cells = [cell.strip() for cell in record]
    while cells and not cells[-1]:
        cells.pop()  # spreadsheets often add empty columns at the end
    return cells


def _header_problem(header: list[str]) -> str | None:
    found = [" ".join(cell.split()).lower() for cell in header]
    if tuple(found) == COLUMNS:
        return None
    expected = ", ".join(COLUMNS)
    return f"The first row must be the column names: {expected}. It has: {', '.join(header) or 'nothing'}"


# ---- checking the rows ---------------------------------------------------------------------------------


@dataclass
class _Lookups:
    """Everything the rows refer to, read in a few queries whatever the size of the file."""

    members: dict[str, User]
    courses: dict[str, Course]
    existing: set[tuple[int, int, date]]
    today: date

    @classmethod
    def for_rows(cls, rows: list[tuple[int, list[str]]], today: date) -> "_Lookups":
        emails = {normalise_email(cells[0]) for _, cells in rows if cells and cells[0]}
        members = {user.email: user for user in db.session.scalars(select(User).where(User.email.in_(emails)))}
        courses = {_title_key(course.title): course for course in services.courses(active_only=False)}
        member_ids = [user.id for user in members.values()]
        existing = set(
            db.session.execute(
                select(Completion.user_id, Completion.course_id, Completion.completed_on).where(
                    Completion.user_id.in_(member_ids)
                )
            ).tuples()
        )
        return cls(members, courses, existing, today)


def _title_key(title: str) -> str:
    return " ".join(title.split()).lower()


def _check_member(email: str, lookups: _Lookups) -> User | str:
    if not email:
        return "Enter the member's email address"
    member = lookups.members.get(normalise_email(email))
    if member is None:
        return f"No account has the email address {email}"
    if not member.active:
        return f"The account of {member.name} ({member.email}) is deactivated"
    return member


def _check_course(title: str, lookups: _Lookups) -> Course | str:
    if not title:
        return "Enter the course title"
    course = lookups.courses.get(_title_key(title))
    if course is not None:
        return course
    message = f"There is no course called “{title}”"
    close = difflib.get_close_matches(_title_key(title), list(lookups.courses), n=1, cutoff=0.6)
    if close:
        message += f". Did you mean “{lookups.courses[close[0]].title}”?"
    return message


def _check_date(text: str, lookups: _Lookups) -> date | str:
    if not text:
        return "Enter the completion date"
    try:
        completed_on = parse_uk_date(text)
    except ValueError as error:
        return str(error)
    if completed_on > lookups.today:
        return f"The completion date {format_date(completed_on)} is in the future"
    if completed_on < services.EARLIEST_COMPLETION:
        return f"The completion date must be after {services.EARLIEST_COMPLETION.year}"
    return completed_on


def _check_row(number: int, cells: list[str], lookups: _Lookups) -> tuple[ImportRow | None, list[Problem]]:
    if len(cells) > len(COLUMNS):
        return None, [Problem(number, None, f"The row has more than {len(COLUMNS)} columns; check for stray commas")]
    email, title, when, note = (cells + [""] * len(COLUMNS))[: len(COLUMNS)]
    values = {
        "member email": _check_member(email, lookups),
        "course": _check_course(title, lookups),
        "completion date": _check_date(when, lookups),
    }
    if len(note) > MAX_NOTE:
        values["note"] = f"The note must be {MAX_NOTE} characters or fewer; it has {len(note)}"
    problems = [Problem(number, column, value) for column, value in values.items() if isinstance(value, str)]
    if problems:
        return None, problems
    return ImportRow(number, values["member email"], values["course"], values["completion date"], note), []


def _duplicate_problem(row: ImportRow, earlier: dict[tuple[int, int, date], int], lookups: _Lookups) -> Problem | None:
    key = (row.member.id, row.course.id, row.completed_on)
    if key in lookups.existing:
        return Problem(
            row.row,
            None,
            f"{row.member.name} already has {row.course.title} recorded on {format_date(row.completed_on)}",
        )
    if key in earlier:
        return Problem(row.row, None, f"The same member, course and date as row {earlier[key]}")
    earlier[key] = row.row
    return None


def check_completions_csv(data: bytes, today: date | None = None) -> Check:
    """Read and check a whole file without changing anything; the result lists every problem found."""
    records, message = _read_records(data)
    if message:
        return _file_problem(message)
    if message := _header_problem(records[0]):
        return Check(problems=[Problem(1, None, message)])
    rows = [(index, cells) for index, cells in enumerate(records[1:], start=2) if cells]
    if not rows:
        return _file_problem("The file has the column names but no rows under them")
    if len(rows) > MAX_ROWS:
        return _file_problem(f"The file has {len(rows):,} rows; import at most {MAX_ROWS:,} at a time")
    lookups = _Lookups.for_rows(rows, today or date.today())
    check, earlier = Check(), {}
    for number, cells in rows:
        row, problems = _check_row(number, cells, lookups)
        if row is not None and (duplicate := _duplicate_problem(row, earlier, lookups)):
            problems.append(duplicate)
        elif row is not None:
            check.rows.append(row)
        check.problems.extend(problems)
    return check


# ---- importing -----------------------------------------------------------------------------------------


def import_completions(check: Check, by: User) -> int:
    """Record every row of a checked file in the caller's transaction, and one audit event for the lot.

    Refuses a check with problems. If recording any row fails, the error propagates and the caller's
    rollback leaves nothing of the file behind: all rows or none.
    """
    if check.problems or not check.rows:
        raise services.TrainingError("The file has problems: fix them and upload it again")
    for row in check.rows:
        services.record_completion(row.member, row.course, row.completed_on, row.note, by=by)
    audit.record(
        by,
        "training.completions-imported",
        f"Imported {len(check.rows)} training records from a file",
        detail={
            "rows": len(check.rows),
            "members": len({row.member.id for row in check.rows}),
            "courses": sorted({row.course.title for row in check.rows}),
        },
    )
    return len(check.rows)
