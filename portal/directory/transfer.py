"""The directory as CSV: one set of columns for the export, the template and the import.

An import is checked in full before anything is saved. Every problem is listed by row (numbered as a spreadsheet
shows it, the header being row 1) and column, and then either every row is saved or none is.
"""

import codecs
import csv
import io
import re
import uuid
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date, time

from email_validator import EmailNotValidError, validate_email
from sqlalchemy import func, select
from sqlalchemy.orm import selectinload

from portal.accounts import audit
from portal.accounts.models import Role, User
from portal.common.timeofday import parse_time_of_day
from portal.directory import services
from portal.directory.hours import WEEKDAYS, format_time
from portal.directory.models import Category, PhoneKind, Provider, Service, ServiceContact, ServicePhone, ServiceStatus
from portal.directory.services import ContactInput, HelpNowRole, PeriodInput, PhoneInput, ServiceInput
from portal.extensions import db

DAY_COLUMNS = [day.lower() for day in WEEKDAYS]
EXPORT_COLUMNS = [
    "id",
    "name",
    "summary",
    "description",
    "category",
    "provider",
    "internal",
    "email",
    "website",
    "phones",
    "contacts",
    *DAY_COLUMNS,
    "opening_notes",
    "out_of_hours",
    "audience",
    "shareable",
    "status",
    "owner_email",
    "last_checked",
    "help_now",
]
MAX_UPLOAD_BYTES = 2 * 1024 * 1024
MAX_ROWS = 5000

UTF8_BOM = "\ufeff"
NOT_TEXT = "The file is not text in UTF-8 or Windows-1252"
SAVE_AS_CSV = "In Excel, choose Save As and pick “CSV UTF-8 (Comma delimited)”, then upload that file."
BINARY_SIGNATURES = {
    b"PK\x03\x04": "it is an Excel workbook (.xlsx) or another zipped file",
    b"\xd0\xcf\x11\xe0": "it is an older Excel workbook (.xls)",
    b"%PDF": "it is a PDF",
}
_CONTROL_CHARACTERS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
# Excel runs a cell starting with one of these as a formula: exported cells get a leading ' that import removes.
_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")

YES, NO = "yes", "no"
_YES_WORDS, _NO_WORDS = {"yes", "y", "true", "1"}, {"no", "n", "false", "0", ""}
_STATUS_WORDS = {status.label.lower(): status.value for status in ServiceStatus}
_HELP_NOW_WORDS = {role: role.replace("_", " ") for role, _ in HelpNowRole.CHOICES if role}
_LIST_SEPARATOR = re.compile(r";(?![^()]*\))")  # a semicolon outside brackets
_PHONE = re.compile(r"^(?P<number>.+?)\s*(?:\((?P<detail>[^()]*)\))?$")
_CONTACT = re.compile(r"^(?P<name>[^()]+?)\s*(?:\((?P<role>[^()]*)\))?$")
_PERIOD = re.compile(r"^(?P<opens>.+?)\s*(?:-|–|—|\bto\b)\s*(?P<closes>.+)$")
_UK_DATE = re.compile(r"^(\d{1,2})/(\d{1,2})/(\d{4})$")
_ISO_DATE = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})$")
_ALL_DAY = {"24 hours", "open 24 hours"}
_WEBSITE = re.compile(r"^https?://[^\s/.]+\.\S+$")


class ImportProblem(ValueError):
    """The file as a whole cannot be imported (not text, too large, empty, unreadable): nothing was saved."""


class CellProblem(ValueError):
    """One cell cannot be read; the message says what to write instead."""


@dataclass(frozen=True)
class RowProblem:
    row: int  # as a spreadsheet numbers it: the header is row 1
    column: str
    message: str


@dataclass
class ParsedRow:
    row: int
    data: ServiceInput
    service: Service | None = None  # the entry this row updates; None adds a new one
    unchanged: bool = False


@dataclass
class ImportCheck:
    problems: list[RowProblem] = field(default_factory=list)
    rows: list[ParsedRow] = field(default_factory=list)

    @property
    def inputs(self) -> list[ServiceInput]:
        return [row.data for row in self.rows]

    def counts(self) -> dict[str, int]:
        new = sum(row.service is None for row in self.rows)
        unchanged = sum(row.unchanged for row in self.rows)
        return {"new": new, "updated": len(self.rows) - new - unchanged, "unchanged": unchanged}

    def describe(self) -> str:
        """As in "3 services (1 new, 2 updated)"."""
        counts, total = self.counts(), len(self.rows)
        unchanged = f", {counts['unchanged']} unchanged" if counts["unchanged"] else ""
        return (
            f"{total} service{'' if total == 1 else 's'} ({counts['new']} new, {counts['updated']} updated{unchanged})"
        )


# ---- export ------------------------------------------------------------------------------------------


def export_csv() -> str:
    """Every service, closed ones too, as CSV text that starts with a byte order mark so that Excel reads UTF-8."""
    query = select(Service).options(selectinload(Service.owner)).order_by(func.lower(Service.name), Service.id)
    rows = (
        _cells(
            service_input_for(service),
            service_id=service.uuid,
            category=service.category.name,
            owner_email=service.owner.email if service.owner else "",
        )
        for service in db.session.scalars(query)
    )
    return _csv_text(rows)


def template_csv() -> str:
    """The column headings and one example row (fictional numbers) that imports as it stands."""
    return _csv_text([_cells(_TEMPLATE_EXAMPLE, service_id="", category="Wellbeing", owner_email="")])


_TEMPLATE_EXAMPLE = ServiceInput(
    name="Members' wellbeing line (example)",
    category_id=0,
    summary="Someone to talk to in confidence, any day of the week",
    description="A confidential line for councillors and their families.\nCalls are free from UK phones.",
    provider_name="Northshire Employee Assistance",
    email="wellbeing@example.org",
    website="https://www.example.org/wellbeing",
    phones=[PhoneInput("01632 960000"), PhoneInput("01632 960123", PhoneKind.TEXT, "Text us")],
    contacts=[ContactInput("Sam Taylor", "Wellbeing adviser"), ContactInput("Member services team")],
    periods=[PeriodInput(day, time(9), time(17)) for day in range(5)] + [PeriodInput(5, time(10), time(13))],
    opening_notes="Closed on bank holidays",
    audience="All councillors and their families",
)


def service_input_for(service: Service) -> ServiceInput:
    """A saved service in the shape the service layer takes, so an imported row can be compared with it."""
    return ServiceInput(
        **{name: getattr(service, name) for name in services.SIMPLE_FIELDS},
        category_id=service.category_id,
        provider_name=service.provider.name if service.provider else "",
        contacts=[ContactInput(contact.name, contact.role) for contact in service.contacts],
        phones=[PhoneInput(phone.number, phone.kind, phone.description) for phone in service.phones],
        periods=_in_week_order(PeriodInput(p.weekday, p.opens_at, p.closes_at) for p in service.opening_hours),
    )


def _in_week_order(periods: Iterable[PeriodInput]) -> list[PeriodInput]:
    return sorted(periods, key=lambda period: (period.weekday, period.opens_at))


def _cells(data: ServiceInput, *, service_id: str, category: str, owner_email: str) -> dict[str, str]:
    return {
        "id": service_id,
        "name": data.name,
        "summary": data.summary,
        "description": data.description,
        "category": category,
        "provider": data.provider_name,
        "internal": YES if data.is_internal else NO,
        "email": data.email or "",
        "website": data.website or "",
        "phones": "; ".join(_phone_text(phone) for phone in data.phones),
        "contacts": "; ".join(f"{c.name} ({c.role})" if c.role else c.name for c in data.contacts),
        **_day_cells(data.periods),
        "opening_notes": data.opening_notes,
        "out_of_hours": YES if data.out_of_hours else NO,
        "audience": data.audience,
        "shareable": YES if data.shareable else NO,
        "status": ServiceStatus(data.status).label.lower(),
        "owner_email": owner_email,
        "last_checked": data.last_checked_on.isoformat() if data.last_checked_on else "",
        "help_now": _HELP_NOW_WORDS.get(data.help_now_role or "", ""),
    }


def _phone_text(phone: PhoneInput) -> str:
    detail = f"{phone.kind}: {phone.description}" if phone.description else phone.kind
    return f"{phone.number} ({detail})"


def _day_cells(periods: list[PeriodInput]) -> dict[str, str]:
    by_day: dict[str, list[str]] = {column: [] for column in DAY_COLUMNS}
    for period in periods:
        by_day[DAY_COLUMNS[period.weekday]].append(f"{format_time(period.opens_at)}-{format_time(period.closes_at)}")
    closed = "closed" if periods else ""  # a service with no hours at all (a website, say) leaves the week blank
    return {column: ", ".join(texts) or closed for column, texts in by_day.items()}


def _csv_text(rows: Iterable[dict[str, str]]) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(EXPORT_COLUMNS)
    writer.writerows([_guard_formula(row[column]) for column in EXPORT_COLUMNS] for row in rows)
    return UTF8_BOM + buffer.getvalue()


def _guard_formula(text: str) -> str:
    return f"'{text}" if text.startswith(_FORMULA_STARTS) else text


def _unguard_formula(text: str) -> str:
    return text[1:] if text.startswith("'") and text[1:].startswith(_FORMULA_STARTS) else text


# ---- reading the file --------------------------------------------------------------------------------


def decode_upload(data: bytes) -> str:
    """The text of an uploaded file: UTF-8 with or without a byte order mark, or Windows-1252 as older Excel saves."""
    if len(data) > MAX_UPLOAD_BYTES:
        raise ImportProblem("The file is larger than 2 MB. Split it into smaller files and import them one by one.")
    text = _as_text(data)
    if text is None:
        raise ImportProblem(f"{NOT_TEXT}: {_what_it_looks_like(data)}. {SAVE_AS_CSV}")
    if not text.strip():
        raise ImportProblem("The file is empty. Download the template, fill it in and upload it.")
    return text


def _as_text(data: bytes) -> str | None:
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)) or b"\x00" in data:
        return None
    for encoding in ("utf-8-sig", "cp1252"):
        try:
            text = data.decode(encoding)
        except UnicodeDecodeError:
            continue
        return None if _CONTROL_CHARACTERS.search(text) else text
    return None


def _what_it_looks_like(data: bytes) -> str:
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return "it is saved as UTF-16, which Excel calls “Unicode Text”"
    for signature, description in BINARY_SIGNATURES.items():
        if data.startswith(signature):
            return description
    return "it looks like a binary file or text in another encoding"


def _read_csv(text: str) -> tuple[list[str], list[tuple[int, list[str]]]]:
    """The header and the non-blank rows with their row numbers; a quoted cell may span lines but is one row."""
    reader = csv.reader(io.StringIO(text.removeprefix(UTF8_BOM), newline=""))
    header, rows, number = [], [], 0  # number: the last row read
    try:
        header, number = next(reader, []), 1
        for cells in reader:
            number += 1
            if any(cell.strip() for cell in cells):
                rows.append((number, cells))
            if len(rows) > MAX_ROWS:
                raise ImportProblem(f"The file has more than {MAX_ROWS:,} services. Split it into smaller files.")
    except csv.Error as error:
        reason = "a cell is too long or a quotation mark is not closed"
        raise ImportProblem(f"Row {number + 1} cannot be read: {reason}. {SAVE_AS_CSV}") from error
    if not any(cell.strip() for cell in header):
        raise ImportProblem("The first row must hold the column headings. Download the template to see them.")
    if not rows:
        raise ImportProblem("The file has column headings but no services under them.")
    return header, rows


def _column_key(heading: str) -> str:
    return re.sub(r"[\s-]+", "_", heading.strip().lower())


def _read_header(header: list[str]) -> tuple[dict[str, int], list[RowProblem]]:
    """Where each column is, and each problem with the headings, once."""
    named = [heading for heading in header if heading.strip()]
    if len(named) == 1 and ";" in named[0]:
        return {}, [
            RowProblem(1, _short(named[0]), f"The columns are separated by semicolons, not commas. {SAVE_AS_CSV}")
        ]
    positions: dict[str, int] = {}
    problems: dict[str, RowProblem] = {}
    for index, heading in enumerate(header):
        key = _column_key(heading)
        if key in positions:
            problems[key] = RowProblem(1, _short(heading), "This column appears more than once: keep only one")
        elif key and key not in EXPORT_COLUMNS:
            problems[key] = RowProblem(1, _short(heading), "There is no such column: check its spelling or remove it")
        if key:
            positions.setdefault(key, index)
    missing = [RowProblem(1, name, "This column is missing: the template has every column") for name in EXPORT_COLUMNS]
    return positions, [*problems.values(), *(problem for problem in missing if problem.column not in positions)]


def _short(heading: str) -> str:
    heading = heading.strip()
    return heading if len(heading) <= 40 else f"{heading[:40]}…"


def _column_letter(index: int) -> str:
    """The spreadsheet's name for a column: A … Z, AA …"""
    letters = ""
    index += 1
    while index:
        index, remainder = divmod(index - 1, 26)
        letters = chr(ord("A") + remainder) + letters
    return letters


def _unheaded_cells(number: int, cells: list[str], positions: dict[str, int]) -> list[RowProblem]:
    headed = set(positions.values())
    return [
        RowProblem(number, f"column {_column_letter(index)}", "This cell has no column heading: add one or clear it")
        for index, cell in enumerate(cells)
        if cell.strip() and index not in headed
    ]


# ---- checking each row -------------------------------------------------------------------------------


def check_rows(text: str) -> ImportCheck:
    """Check every row of a CSV file's text and list every problem; ImportProblem if the file cannot be read at all.

    A row with an id updates the service with that id; a row without one adds a service.
    """
    header, body = _read_csv(text)
    positions, header_problems = _read_header(header)
    if header_problems:
        return ImportCheck(problems=header_problems)
    lookups = _Lookups.load()
    check = ImportCheck()
    rows = [(number, _row_values(cells, positions)) for number, cells in body]
    for (number, cells), (_, values) in zip(body, rows, strict=True):
        check.problems += _unheaded_cells(number, cells, positions)
        _check_row(check, number, values, lookups)
    check.problems += _duplicate_problems(rows, lookups)
    check.problems.sort(key=lambda p: (p.row, EXPORT_COLUMNS.index(p.column) if p.column in EXPORT_COLUMNS else 99))
    return check


def _row_values(cells: list[str], positions: dict[str, int]) -> dict[str, str]:
    # Some programs leave out empty cells at the end of a row: they are blank.
    return {
        column: _unguard_formula(cells[index].strip()) if index < len(cells) else ""
        for column, index in positions.items()
    }


def _check_row(check: ImportCheck, number: int, values: dict[str, str], lookups: "_Lookups") -> None:
    reader = _RowReader(number, values)
    service = reader.read("id", lookups.service)
    data = _service_input(reader, lookups)
    if data is not None:
        reader.problems += _service_rule_problems(number, data)
    if reader.problems:
        check.problems += reader.problems
        return
    unchanged = service is not None and service_input_for(service) == data
    check.rows.append(ParsedRow(number, data, service, unchanged))


class _RowReader:
    """Reads a row's cells, noting a problem for each cell it cannot read rather than stopping at the first."""

    def __init__(self, number: int, values: dict[str, str]):
        self.number, self.values, self.problems = number, values, []

    def read(self, column: str, parse: Callable[[str], object]):
        try:
            return parse(self.values[column])
        except CellProblem as problem:
            self.problems.append(RowProblem(self.number, column, str(problem)))
            return None


def _service_input(reader: _RowReader, lookups: "_Lookups") -> ServiceInput | None:
    days = [reader.read(column, _day_parser(weekday)) for weekday, column in enumerate(DAY_COLUMNS)]
    data = {
        "name": reader.read("name", _TEXT_CELLS["name"]),
        "summary": reader.read("summary", _TEXT_CELLS["summary"]),
        "description": reader.read("description", _TEXT_CELLS["description"]),
        "category_id": reader.read("category", lookups.category_id),
        "provider_name": reader.read("provider", _TEXT_CELLS["provider"]),
        "is_internal": reader.read("internal", _yes_no),
        "email": reader.read("email", _email),
        "website": reader.read("website", _website),
        "phones": reader.read("phones", _phones),
        "contacts": reader.read("contacts", _contacts),
        "opening_notes": reader.read("opening_notes", _TEXT_CELLS["opening_notes"]),
        "out_of_hours": reader.read("out_of_hours", _yes_no),
        "audience": reader.read("audience", _TEXT_CELLS["audience"]),
        "shareable": reader.read("shareable", _yes_no),
        "status": reader.read("status", _status),
        "owner_id": reader.read("owner_email", lookups.officer_id),
        "last_checked_on": reader.read("last_checked", _last_checked),
        "help_now_role": reader.read("help_now", _help_now_role),
    }
    if reader.problems:
        return None
    return ServiceInput(**data, periods=_in_week_order(period for day in days for period in day))


def _service_rule_problems(number: int, data: ServiceInput) -> list[RowProblem]:
    """The service layer's own rules, checked for every row now rather than for the first failing row on saving."""
    try:
        services.check_service_input(data)
    except services.DirectoryError as error:
        return [RowProblem(number, _column_for(error.field, data), str(error))]
    return []


def _column_for(input_field: str | None, data: ServiceInput) -> str:
    if input_field == "periods":
        starts = Counter((period.weekday, period.opens_at) for period in data.periods)
        return next((DAY_COLUMNS[day] for (day, _), count in starts.items() if count > 1), DAY_COLUMNS[0])
    return {"category_id": "category", "owner_id": "owner_email"}.get(input_field or "", input_field or "name")


def _duplicate_problems(rows: list[tuple[int, dict[str, str]]], lookups: "_Lookups") -> list[RowProblem]:
    """A service appears once in a file; a new row may not take the name of a service that already exists."""
    names = Counter(values["name"].lower() for _, values in rows)
    first_row_with_id: dict[str, int] = {}
    problems = []
    for number, values in rows:
        service_id, name = values["id"].lower(), values["name"].lower()
        if service_id and first_row_with_id.setdefault(service_id, number) != number:
            message = f"Row {first_row_with_id[service_id]} already has this id: each service may appear only once"
            problems.append(RowProblem(number, "id", message))
        elif not service_id and name in lookups.names:
            message = (
                "A service with this name is already in the directory: to change it, start from an export so that "
                "the row has its id"
            )
            problems.append(RowProblem(number, "name", message))
        elif not service_id and name and names[name] > 1:
            problems.append(RowProblem(number, "name", "Another row in the file has a service with this name"))
    return problems


@dataclass
class _Lookups:
    """What the rows refer to, read once per import."""

    # Held here so that the service layer's look-ups by id are answered from the session, not the database.
    categories: dict[str, Category]  # by lower-case name
    users: dict[str, User]
    services: dict[str, Service]
    names: set[str]

    @classmethod
    def load(cls) -> "_Lookups":
        everything = list(db.session.scalars(select(Service)))
        categories = list(db.session.scalars(select(Category).order_by(Category.position, Category.name)))
        return cls(
            categories={category.name.lower(): category for category in categories},
            users={user.email.lower(): user for user in db.session.scalars(select(User))},
            services={service.uuid: service for service in everything},
            names={service.name.strip().lower() for service in everything},
        )

    def service(self, value: str) -> Service | None:
        if not value:
            return None
        try:
            key = str(uuid.UUID(value))
        except ValueError:
            raise CellProblem("Leave the id empty for a new service, or keep the id from an export") from None
        if key not in self.services:
            raise CellProblem("No service in the directory has this id: leave it empty to add a new service")
        return self.services[key]

    def category_id(self, value: str) -> int:
        if not value:
            raise CellProblem("Enter the service's category")
        if value.lower() not in self.categories:
            known = ", ".join(category.name for category in self.categories.values())
            raise CellProblem(f"There is no category called “{value}”. Use one of: {known}")
        return self.categories[value.lower()].id

    def officer_id(self, value: str) -> int | None:
        if not value:
            return None
        user = self.users.get(value.lower())
        if user is None:
            raise CellProblem("No one with this email has an account here: use an officer's email or leave it empty")
        if not user.has_role(Role.OFFICER):
            raise CellProblem(f"{user.name} is not an officer: the owner must be an officer, or leave it empty")
        if not user.active:
            raise CellProblem(f"{user.name}'s account is switched off: choose another officer, or leave it empty")
        return user.id


# ---- reading one cell --------------------------------------------------------------------------------


def _text(column, required: str | None = None) -> Callable[[str], str]:
    limit = getattr(column.type, "length", None)

    def parse(value: str) -> str:
        if required and not value:
            raise CellProblem(required)
        if limit and len(value) > limit:
            raise CellProblem(f"Shorten this to {limit:,} characters or fewer (it has {len(value):,})")
        return value

    return parse


_TEXT_CELLS = {
    "name": _text(Service.name, required="Enter the service's name"),
    "summary": _text(Service.summary, required="Enter a one-line summary"),
    "description": _text(Service.description),
    "provider": _text(Provider.name),
    "opening_notes": _text(Service.opening_notes),
    "audience": _text(Service.audience),
    "email": _text(Service.email),
    "website": _text(Service.website),
    "phone number": _text(ServicePhone.number),
    "phone description": _text(ServicePhone.description),
    "contact name": _text(ServiceContact.name),
    "contact role": _text(ServiceContact.role),
}


def _yes_no(value: str) -> bool:
    if value.lower() not in _YES_WORDS | _NO_WORDS:
        raise CellProblem("Enter yes or no")
    return value.lower() in _YES_WORDS


def _email(value: str) -> str | None:
    if not value:
        return None
    try:
        validate_email(value, check_deliverability=False)
    except EmailNotValidError:
        raise CellProblem("Enter an email address like name@example.com") from None
    return _TEXT_CELLS["email"](value)


def _website(value: str) -> str | None:
    if not value:
        return None
    if not _WEBSITE.match(value):
        raise CellProblem("Enter a full web address, like https://www.example.org")
    return _TEXT_CELLS["website"](value)


def _listed(value: str) -> list[str]:
    return [item.strip() for item in _LIST_SEPARATOR.split(value) if item.strip()]


def _phones(value: str) -> list[PhoneInput]:
    return [_phone(item) for item in _listed(value)]


def _phone(item: str) -> PhoneInput:
    number, detail = _PHONE.match(item).group("number", "detail")
    if not any(ch.isdigit() for ch in number) or not all(ch.isdigit() or ch in " +()-" for ch in number):
        raise CellProblem(f"“{item}”: write each number in digits, like 01632 960000 (voice); 01632 960001 (text)")
    kind, _, description = (detail or PhoneKind.VOICE).partition(":")
    if kind.strip().lower() not in {k.value for k in PhoneKind}:
        kinds = ", ".join(k.value for k in PhoneKind)
        raise CellProblem(f"“{item}”: the type in brackets must be one of {kinds}, like 01632 960000 (voice)")
    _TEXT_CELLS["phone number"](number)
    return PhoneInput(number, kind.strip().lower(), _TEXT_CELLS["phone description"](description.strip()))


def _contacts(value: str) -> list[ContactInput]:
    contacts = []
    for item in _listed(value):
        match = _CONTACT.match(item)
        if match is None:
            raise CellProblem(f"“{item}”: write contacts like Sam Taylor (Wellbeing adviser); Member services")
        name, role = match.group("name", "role")
        contacts.append(ContactInput(_TEXT_CELLS["contact name"](name), _TEXT_CELLS["contact role"](role or "")))
    return contacts


def _day_parser(weekday: int) -> Callable[[str], list[PeriodInput]]:
    def parse(value: str) -> list[PeriodInput]:
        value = value.lower()
        if value in {"", "closed"}:
            return []
        if value in _ALL_DAY:
            return [PeriodInput(weekday, time(0), time(0))]
        return [PeriodInput(weekday, *_period(part.strip())) for part in value.split(",") if part.strip()]

    return parse


def _period(text: str) -> tuple[time, time]:
    match = _PERIOD.match(text)
    if match is None:
        raise CellProblem(f"“{text}”: write opening hours like 9am-5pm, or 9am-12pm, 1pm-5pm, or closed")
    return _time(match.group("opens")), _time(match.group("closes"))


def _time(text: str) -> time:
    try:
        return parse_time_of_day(text)
    except ValueError as error:
        raise CellProblem(f"“{text}” is not a time. {error}") from None


def _status(value: str) -> str:
    words = value.lower().replace("_", " ").replace("-", " ")
    if not words:
        return ServiceStatus.ACTIVE.value
    if words not in _STATUS_WORDS:
        raise CellProblem("Enter active, temporarily closed or closed")
    return _STATUS_WORDS[words]


def _last_checked(value: str) -> date | None:
    if not value:
        return None
    checked = _date(value)
    if checked > date.today():
        raise CellProblem("The date it was last checked cannot be in the future")
    return checked


def _date(value: str) -> date:
    uk, iso = _UK_DATE.match(value), _ISO_DATE.match(value)
    if not uk and not iso:
        raise CellProblem("Enter the date like 28/11/2026 or 2026-11-28")
    day, month, year = (int(part) for part in (uk.groups() if uk else reversed(iso.groups())))
    if uk and month > 12 >= day:
        raise CellProblem(f"{value} has no month {month}: write the day first, like {month}/{day}/{year}")
    try:
        return date(year, month, day)
    except ValueError:
        raise CellProblem(f"{value} is not a real date") from None


def _help_now_role(value: str) -> str | None:
    words = value.lower().replace("_", " ")
    if words in {"", "none"}:
        return None
    for role, role_words in _HELP_NOW_WORDS.items():
        if words == role_words:
            return role
    raise CellProblem(f"Leave it empty, or enter {' or '.join(_HELP_NOW_WORDS.values())}")


# ---- saving ------------------------------------------------------------------------------------------


def import_rows(check: ImportCheck, by: User) -> int:
    """Save every checked row, or none: a row that fails on saving undoes the rows before it.

    Rows identical to the entry they name are left alone. One audit event sums up the import, beside the event
    the service layer records for each entry it adds or changes. Returns how many entries were added or changed.
    """
    if check.problems:
        raise ImportProblem("The file has problems, so nothing was imported")
    referenced = _referenced(check)  # noqa: F841 (held so that the service layer's look-ups by id hit the session)
    with db.session.begin_nested():
        for row in check.rows:
            _save(row, by)
        audit.record(by, "directory.imported", f"Imported {check.describe()} from a CSV file", detail=check.counts())
    counts = check.counts()
    return counts["new"] + counts["updated"]


def _referenced(check: ImportCheck) -> list:
    owner_ids = {row.data.owner_id for row in check.rows if row.data.owner_id}
    return [*db.session.scalars(select(Category)), *db.session.scalars(select(User).where(User.id.in_(owner_ids)))]


def _save(row: ParsedRow, by: User) -> None:
    try:
        if row.service is None:
            services.create_service(row.data, by=by)
        elif not row.unchanged:
            services.update_service(row.service, row.data, by=by)
    except services.DirectoryError as error:
        raise ImportProblem(f"Row {row.row} could not be saved ({error}), so nothing was imported") from error
