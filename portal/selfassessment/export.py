"""The whole assessment for a committee report: a PDF printed by WeasyPrint from our template, and xlsx and CSV.

The PDF is HTML from templates/selfassessment/export/assessment.html laid out by WeasyPrint. It fetches nothing
from the network: its URL fetcher accepts only data: URLs and files inside our own static folder, so a web
address typed into the evidence can never make the server fetch it. The spreadsheets take one row per statement
from `statement_rows`, and text that a spreadsheet would run as a formula is made plain.
"""

import base64
import csv
import io
import re
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from urllib.parse import unquote, urlparse

from flask import current_app, render_template
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font
from openpyxl.worksheet.worksheet import Worksheet

from portal.common.time import format_date
from portal.selfassessment import scoring
from portal.selfassessment.models import Action, ActionStatus, AssessedStatement, Assessment, AttachedEvidence, Score
from portal.settings.services import current_settings
from portal.training.matrix import guard_formula

HEADINGS = [
    "Principle",
    "Key",
    "Statement",
    "Score",
    "Score label",
    "Evidence",
    "Links",
    "Attached evidence",
    "Actions",
]
WIDTHS = [30, 6, 50, 7, 26, 60, 40, 60, 60]
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
Row = list[str | int]


class FetchRefused(ValueError):
    pass


def filename(assessment: Assessment, extension: str) -> str:
    """ "self-assessment-2026-27.pdf" for the assessment titled "2026/27"."""
    slug = re.sub(r"[^a-z0-9]+", "-", assessment.title.lower()).strip("-") or str(assessment.id)
    return f"self-assessment-{slug}.{extension}"


def score_label(statement: AssessedStatement) -> str:
    return Score(statement.score).label if statement.score is not None else "Not scored yet"


def describe_evidence(item: AttachedEvidence) -> str:
    return f"{item.label}: {item.value} ({item.source}, as of {format_date(item.as_of)})"


def describe_action(action: Action) -> str:
    owner = action.owner.name if action.owner else "no owner"
    due = f"due {format_date(action.due_on)}" if action.due_on else "no due date"
    return f"{action.what} ({owner}; {due}; {ActionStatus(action.status).label})"


# ---- spreadsheets --------------------------------------------------------------------------------------


def statement_rows(assessment: Assessment) -> list[Row]:
    """The headings, then one row per statement in principle order."""
    rows: list[Row] = [list(HEADINGS)]
    for statement in assessment.statements:
        rows.append(
            [
                f"{statement.principle_number}. {statement.principle_title}",
                statement.key,
                statement.text,
                statement.score if statement.score is not None else "",
                score_label(statement),
                statement.evidence or "",
                "\n".join(statement.links or []),
                "\n".join(describe_evidence(item) for item in statement.gathered),
                "\n".join(describe_action(action) for action in statement.actions),
            ]
        )
    return rows


def _plain(value: str | int) -> str | int:
    return guard_formula(value) if isinstance(value, str) else value


def assessment_csv(assessment: Assessment) -> bytes:
    """UTF-8 with a byte order mark, so that Excel reads it correctly; text never taken for a formula."""
    buffer = io.StringIO()
    csv.writer(buffer).writerows([_plain(value) for value in row] for row in statement_rows(assessment))
    return buffer.getvalue().encode("utf-8-sig")


def _append_text(sheet: Worksheet, values: Row) -> None:
    """A row whose text cells stay text: openpyxl would store "=…" as a formula."""
    sheet.append([_plain(value) for value in values])
    for cell, value in zip(sheet[sheet.max_row], values, strict=True):
        if isinstance(value, str):
            cell.data_type = "s"


def assessment_xlsx(assessment: Assessment) -> bytes:
    """Two sheets: the totals (each principle out of 10, the whole out of 50) and every statement."""
    totals = scoring.totals(assessment)
    workbook = Workbook()
    summary = workbook.active
    summary.title = "Summary"
    _append_text(summary, [f"{current_settings().council_name}: self-assessment {assessment.title}", ""])
    _append_text(summary, ["Status", _status(assessment)])
    _append_text(summary, ["Exported on", format_date(date.today())])
    _append_text(summary, ["", ""])
    _append_text(summary, ["Principle", "Score", "Out of"])
    header_row = summary.max_row
    for principle in totals.principles:
        _append_text(summary, [f"{principle.number}. {principle.title}", principle.score, principle.out_of])
    _append_text(summary, ["Whole assessment", totals.score, totals.out_of])
    for cell in (*summary[1], *summary[header_row], *summary[summary.max_row]):
        cell.font = Font(bold=True)
    summary.column_dimensions["A"].width = 60

    sheet = workbook.create_sheet("Statements")
    for values in statement_rows(assessment):
        _append_text(sheet, values)
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for row in sheet.iter_rows(min_row=2):
        for cell in row:
            cell.alignment = Alignment(wrap_text=True, vertical="top")
    for column, width in enumerate(WIDTHS, start=1):
        sheet.column_dimensions[sheet.cell(1, column).column_letter].width = width
    sheet.freeze_panes = "A2"
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _status(assessment: Assessment) -> str:
    if assessment.finalised and assessment.finalised_at:
        return f"Finalised on {format_date(assessment.finalised_at)}"
    return "Draft: not yet finalised"


# ---- the PDF -------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class ChartBar:
    label: str
    value: float
    text: str


def _principle_bars(totals: scoring.Totals) -> list[ChartBar]:
    return [
        ChartBar(f"Principle {principle.number}", principle.score, f"{principle.score} out of {principle.out_of}")
        for principle in totals.principles
    ]


def _statement_bars(principle: scoring.PrincipleTotal) -> list[ChartBar]:
    return [
        ChartBar(
            f"Statement {statement.key}",
            statement.score or 0,
            f"{statement.score} out of 2" if statement.score is not None else "Not scored",
        )
        for statement in principle.statements
    ]


def _logo_data_url() -> str | None:
    """The council's logo inside the document itself, so that printing it fetches nothing."""
    settings = current_settings()
    if not settings.logo_mimetype or not settings.logo or settings.logo_mimetype == "image/svg+xml":
        return None
    return f"data:{settings.logo_mimetype};base64,{base64.b64encode(settings.logo).decode('ascii')}"


def assessment_html(assessment: Assessment) -> str:
    totals = scoring.totals(assessment)
    settings = current_settings()
    return render_template(
        "selfassessment/export/assessment.html",
        assessment=assessment,
        totals=totals,
        status=_status(assessment),
        council_name=settings.council_name,
        logo_url=_logo_data_url(),
        logo_alt=settings.logo_alt_text or "",
        produced_on=date.today(),
        principle_bars=_principle_bars(totals),
        statement_bars={principle.number: _statement_bars(principle) for principle in totals.principles},
        score_label=score_label,
        action_status=lambda status: ActionStatus(status).label,
    )


def _static_folder() -> Path:
    return Path(current_app.static_folder).resolve()


def fetch_nothing_outside(url: str, *args, **kwargs) -> dict:
    """WeasyPrint's URL fetcher: data: URLs, and files in our own static folder; anything else is refused."""
    from weasyprint.urls import default_url_fetcher

    if url.startswith("data:"):
        return default_url_fetcher(url, *args, **kwargs)
    parsed = urlparse(url)
    if parsed.scheme == "file" and not parsed.netloc:
        path = Path(unquote(parsed.path)).resolve()
        if path.is_relative_to(_static_folder()) and path.is_file():
            return {"string": path.read_bytes(), "filename": path.name}
    raise FetchRefused(f"Printing fetches nothing from outside the portal: refused {url[:100]}")


def render_document(assessment: Assessment):
    """The laid-out document (weasyprint.Document): its pages and text boxes, ready to write as PDF."""
    # Imported here: WeasyPrint loads Pango when imported, and only the PDF export needs it.
    from weasyprint import HTML

    base_url = _static_folder().as_uri() + "/"
    return HTML(string=assessment_html(assessment), base_url=base_url, url_fetcher=fetch_nothing_outside).render()


def assessment_pdf(assessment: Assessment) -> bytes:
    return render_document(assessment).write_pdf(pdf_tags=True)
