"""The compliance matrix as officers see and export it: members × courses, each cell a status in words.

The page, the CSV and the spreadsheet all take their rows from `matrix_table` (and the exports from
`export_rows`), so what is downloaded is what was on the screen.
"""

import csv
import functools
import io
from collections.abc import Iterable, Iterator
from dataclasses import asdict, dataclass
from datetime import date

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from portal.accounts.models import User
from portal.common.time import format_date
from portal.training import services
from portal.training.models import CourseCategory
from portal.training.status import CourseStanding, Status

STATUSES: tuple[Status, ...] = tuple(Status)
TOTAL_HEADINGS: tuple[str, ...] = tuple(f"Total {status.label.lower()}" for status in STATUSES)
MEMBER_HEADINGS = ("Member", "Ward", "Political group")

# The words before a cell's date; the status itself is said by the tag.
DATE_WORDS = {
    Status.VALID: "until",
    Status.DUE_SOON: "expires",
    Status.EXPIRED: "on",
    Status.DUE_AFTER_ELECTION: "by",
    Status.NOT_TAKEN: "was due by",
}

# A spreadsheet would run a cell starting with one of these as a formula (CSV injection).
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


@dataclass(frozen=True)
class MatrixFilters:
    """What the officer narrowed the matrix to; None means everyone or everything."""

    ward: str | None = None
    group: str | None = None
    category: str | None = None

    def query_args(self) -> dict[str, str]:
        """The filters in use, for links to the same view (exports, clearing one filter)."""
        return {name: value for name, value in asdict(self).items() if value}

    def describe(self) -> str:
        parts = [f"ward {self.ward}" if self.ward else "", f"group {self.group}" if self.group else ""]
        if self.category:
            parts.append(f"category {CourseCategory(self.category).label}")
        return ", ".join(part for part in parts if part)


@dataclass(frozen=True, slots=True)
class Cell:
    """One member on one course: the status in words, its tag colour and the date that matters."""

    status: Status
    label: str
    tag_class: str
    when: str  # "until 3 March 2027", "on 1 May 2025"; empty when there is no date to give

    @property
    def text(self) -> str:
        """The words the exports put in the cell, as the page shows them."""
        return f"{self.label} – {self.when}" if self.when else self.label


@dataclass(frozen=True)
class CourseColumn:
    course_id: int
    title: str
    category: str
    mandatory: bool
    totals: tuple[int, ...]  # members per status, in STATUSES order


@dataclass(frozen=True)
class MemberRow:
    member_id: int
    name: str
    ward: str
    group: str
    cells: tuple[Cell, ...]  # in the order of the table's courses
    totals: tuple[int, ...]  # courses per status, in STATUSES order


@dataclass(frozen=True)
class MatrixTable:
    today: date
    filters: MatrixFilters
    courses: list[CourseColumn]
    rows: list[MemberRow]

    @property
    def caption(self) -> str:
        members = f"{len(self.rows)} member" + ("" if len(self.rows) == 1 else "s")
        courses = f"{len(self.courses)} course" + ("" if len(self.courses) == 1 else "s")
        narrowed = self.filters.describe()
        return f"Training of {members} on {courses}, {format_date(self.today)}" + (f" ({narrowed})" if narrowed else "")


@functools.lru_cache(maxsize=8192)
def describe_cell(standing: CourseStanding) -> Cell:
    """A member's standing on a course in words, with the date that matters for that status.

    Remembered: a pure function of the standing, called for every cell of every matrix, and a page of thousands
    of cells repeats the same standings from one request to the next.
    """
    status = standing.status
    day = standing.valid_until or standing.due_on
    if day is not None:
        when = f"{DATE_WORDS[status]} {format_date(day)}"
    elif standing.completed_on is not None:
        when = f"since {format_date(standing.completed_on)}"  # valid for good: no refresher needed
    else:
        when = ""
    return Cell(status, status.label, status.tag_class, when)


def _in_order(counts: dict[Status, int]) -> tuple[int, ...]:
    return tuple(counts[status] for status in STATUSES)


def _member_row(member: User, matrix: services.Matrix) -> MemberRow:
    cells = tuple(describe_cell(matrix.cells[member.id, course.id]) for course in matrix.courses)
    totals = _in_order(matrix.member_totals[member.id])
    return MemberRow(member.id, member.name, member.ward or "", member.political_group or "", cells, totals)


def matrix_table(filters: MatrixFilters, today: date | None = None) -> MatrixTable:
    """Current members × active courses, filtered, with totals both ways: a fixed number of queries at any size."""
    today = today or date.today()
    matrix = services.compliance_matrix(ward=filters.ward, group=filters.group, category=filters.category, today=today)
    courses = [
        CourseColumn(
            c.id, c.title, CourseCategory(c.category).label, c.mandatory, _in_order(matrix.course_totals[c.id])
        )
        for c in matrix.courses
    ]
    return MatrixTable(today, filters, courses, [_member_row(member, matrix) for member in matrix.members])


# ---- exports ---------------------------------------------------------------------------------------------

ExportValue = str | int | Cell


def export_rows(table: MatrixTable) -> Iterator[list[ExportValue]]:
    """The page's table as rows: headings, a row per member with their totals, then a row per status total."""
    yield [*MEMBER_HEADINGS, *(course.title for course in table.courses), *TOTAL_HEADINGS]
    for row in table.rows:
        yield [row.name, row.ward, row.group, *row.cells, *row.totals]
    blanks = [""] * len(STATUSES)
    for index, heading in enumerate(TOTAL_HEADINGS):
        yield [heading, "", "", *(course.totals[index] for course in table.courses), *blanks]


def course_totals_rows(table: MatrixTable) -> Iterator[list[ExportValue]]:
    """Per course, how many members are at each status: the spreadsheet's Totals sheet."""
    yield ["Course", "Category", "Mandatory", *(status.label for status in STATUSES), "Members"]
    for course in table.courses:
        yield [course.title, course.category, "Yes" if course.mandatory else "No", *course.totals, len(table.rows)]


def guard_formula(value: str) -> str:
    """Text that a spreadsheet would take for a formula, made plain text by a leading apostrophe."""
    return f"'{value}" if value.startswith(FORMULA_STARTS) else value


def _csv_value(value: ExportValue) -> str | int:
    if isinstance(value, Cell):
        return value.text
    return guard_formula(value) if isinstance(value, str) else value


def matrix_csv(table: MatrixTable) -> bytes:
    """The matrix as CSV in UTF-8 with a byte order mark, so that Excel reads names with accents correctly."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerows([_csv_value(value) for value in row] for row in export_rows(table))
    return buffer.getvalue().encode("utf-8-sig")


# GOV.UK tag colours (background, text), so the spreadsheet looks like the page; the words stay in every cell.
XLSX_COLOURS = {
    Status.VALID: ("CCE2D8", "005A30"),
    Status.DUE_SOON: ("FFF7BF", "594D00"),
    Status.EXPIRED: ("F4CDC6", "942514"),
    Status.DUE_AFTER_ELECTION: ("BBD4EA", "0C2D4A"),
    Status.NOT_TAKEN: ("E5E6E7", "282D30"),
}
XLSX_STYLES = {
    status: (PatternFill(fill_type="solid", fgColor=background), Font(color=text))
    for status, (background, text) in XLSX_COLOURS.items()
}
HEADING_FONT = Font(bold=True)
HEADING_ALIGNMENT = Alignment(wrap_text=True, vertical="top")
MIN_WIDTH, MAX_WIDTH = 10, 40


def _write_rows(sheet: Worksheet, rows: Iterable[list[ExportValue]]) -> None:
    """Append rows, with status cells filled in their colour and text never taken for a formula."""
    for values in rows:
        sheet.append([value.text if isinstance(value, Cell) else value for value in values])
        for cell, value in zip(sheet[sheet.max_row], values, strict=True):
            if isinstance(value, str | Cell):
                cell.data_type = "s"  # openpyxl would store "=…" as a formula
            if isinstance(value, Cell):
                cell.fill, cell.font = XLSX_STYLES[value.status]


def _format_sheet(sheet: Worksheet, freeze: str) -> None:
    """Bold wrapped headings, frozen panes, and each column as wide as its longest entry (within limits)."""
    for cell in sheet[1]:
        cell.font, cell.alignment = HEADING_FONT, HEADING_ALIGNMENT
    sheet.freeze_panes = freeze
    for index, column in enumerate(sheet.iter_cols(min_row=2, values_only=True), start=1):
        longest = max((len(str(value)) for value in column if value is not None), default=0)
        sheet.column_dimensions[get_column_letter(index)].width = min(max(longest + 2, MIN_WIDTH), MAX_WIDTH)


def matrix_xlsx(table: MatrixTable) -> bytes:
    """The matrix as a workbook: the sheet "Matrix" as on the page, and per-course counts on "Totals"."""
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "Matrix"
    _write_rows(sheet, export_rows(table))
    _format_sheet(sheet, "B2")  # the headings and the member names stay in view
    totals = workbook.create_sheet("Totals")
    _write_rows(totals, course_totals_rows(table))
    _format_sheet(totals, "B2")
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
