"""Hostile CSV files for the directory and training imports: never a server error, all rows or none, and text a
spreadsheet would run as a formula is made plain in every export that shows it."""

import csv
import io
from dataclasses import dataclass

import pytest
from hypothesis import HealthCheck, Phase, given, settings
from openpyxl import load_workbook

from portal.directory.transfer import template_csv
from portal.training.transfer import COLUMNS as TRAINING_COLUMNS
from tests.hostile.endpoints import ENDPOINTS, Valid
from tests.hostile.harness import ACCEPTED, REFUSED, Harness, changed_tables, fingerprint, live_script
from tests.hostile.strategies import FORMULAS, CsvRecipe, Upload, csv_recipes

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
FIVE_MB, OVER_CSV_FIELD_LIMIT = 5 * 1024 * 1024, 200_000


@dataclass(frozen=True)
class Importer:
    endpoint: str
    field: str
    header: list[str]
    row: list[str]  # a valid row; {placeholders} are filled from the world
    bad_row: list[str]
    text_columns: list[int]  # columns that take any text, where a formula is accepted
    exports: tuple[str, ...]

    @property
    def entry(self):
        return next(entry for entry in ENDPOINTS if entry.endpoint == self.endpoint)


def _directory_template() -> tuple[list[str], list[str]]:
    header, row = list(csv.reader(io.StringIO(template_csv().removeprefix("\ufeff"))))
    return header, row


_HEADER, _ROW = _directory_template()
DIRECTORY = Importer(
    "directory.import_services",
    "csv_file",
    _HEADER,
    _ROW,
    [
        value if name not in ("website", "email") else "javascript:alert(1)"
        for name, value in zip(_HEADER, _ROW, strict=True)
    ],
    [_HEADER.index(name) for name in ("name", "summary", "description", "provider", "opening_notes", "audience")],
    ("/directory/export.csv",),
)
TRAINING = Importer(
    "training.import_completions",
    "file",
    list(TRAINING_COLUMNS),
    ["{formula_member_email}", "{formula_course_title}", "05/01/2026", "Town hall"],
    ["nobody@council.example", "{formula_course_title}", "31/02/2026", "x"],
    [3],
    ("/training/compliance-matrix.csv", "/training/compliance-matrix.xlsx"),
)
IMPORTERS = [DIRECTORY, TRAINING]


def spoilt_csv(importer: Importer, harness: Harness, recipe: CsvRecipe) -> bytes:
    """The importer's valid file with the recipe's spoilers applied."""
    spoilers = set(recipe.spoilers)
    row = [harness.world.fill(Valid(cell)) for cell in importer.row]
    header, rows = list(importer.header), [row]
    if "formula" in spoilers:
        row[importer.text_columns[recipe.formula_column % len(importer.text_columns)]] = recipe.formula
    if "big field" in spoilers or "field over the csv limit" in spoilers:
        size = FIVE_MB if "big field" in spoilers else OVER_CSV_FIELD_LIMIT
        row[importer.text_columns[0]] = "x" * size
    if "bad row among good ones" in spoilers:
        rows = [row, [harness.world.fill(Valid(cell)) for cell in importer.bad_row], row]
    if "too many rows" in spoilers:
        rows = rows * 5_001
    if "many columns" in spoilers:
        header = header + [f"extra {number}" for number in range(50_000)]
    text = _as_csv([header, *rows])
    if "unbalanced quote" in spoilers:
        at = int(len(text) * recipe.position)
        text = text[:at] + '"' + text[at:]
    if "old mac line endings" in spoilers:
        text = text.replace("\r\n", "\r")
    data = text.encode(recipe.encoding, errors="replace") if "encoding" in spoilers else text.encode()
    if "nul" in spoilers:
        at = int(len(data) * recipe.position)
        data = data[:at] + b"\x00" + data[at:]
    if "header only" in spoilers:
        data = data.split(b"\n")[0]
    if "random bytes" in spoilers:
        data = recipe.noise
    if "workbook" in spoilers:
        data = b"PK\x03\x04" + recipe.noise
    return data


def _as_csv(rows: list[list[str]]) -> str:
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="\r\n").writerows(rows)
    return buffer.getvalue()


def unguarded_export_cells(client, exports: tuple[str, ...]) -> list[str]:
    """Cells of each export that a spreadsheet would run as a formula."""
    found = []
    for path in exports:
        response = client.get(path)
        assert response.status_code == 200, path
        if path.endswith(".xlsx"):
            for sheet in load_workbook(io.BytesIO(response.data)).worksheets:
                found += [
                    f"{path} {cell.coordinate}: {cell.value!r}"
                    for row in sheet.iter_rows()
                    for cell in row
                    if cell.data_type == "f"  # text is stored as text, which a spreadsheet never runs
                ]
        else:
            text = response.data.decode("utf-8-sig")
            found += [
                f"{path}: {cell!r}"
                for row in csv.reader(io.StringIO(text))
                for cell in row
                if cell.startswith(FORMULA_STARTS)
            ]
    return found


@pytest.mark.parametrize("importer", IMPORTERS, ids=lambda importer: importer.endpoint)
def test_hostile_files_are_refused_whole_or_imported_with_exports_guarded(app_context, importer: Importer):
    harness = Harness(app_context, importer.entry)

    @settings(
        max_examples=14,
        deadline=None,
        derandomize=True,
        database=None,
        phases=(Phase.explicit, Phase.reuse, Phase.generate, Phase.shrink),
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
    )
    @given(recipe=csv_recipes())
    def hostile(recipe):
        upload = Upload(spoilt_csv(importer, harness, recipe), "import.csv", "text/csv")
        post = harness.prepare([(importer.field, upload)])
        before = fingerprint()
        result = post.send()
        assert result.status < 500, f"{importer.endpoint} answered {result.status} for {recipe}"
        assert live_script(result.html) == []
        if result.outcome == REFUSED:
            assert changed_tables(before, fingerprint()) == [], f"{importer.endpoint} refused {recipe} yet changed"
            return
        assert result.outcome == ACCEPTED
        assert unguarded_export_cells(harness.client(), importer.exports) == []
        harness.reset()

    hostile()


@pytest.mark.parametrize("importer", IMPORTERS, ids=lambda importer: importer.endpoint)
def test_a_file_with_one_bad_row_imports_nothing(app_context, importer: Importer):
    harness = Harness(app_context, importer.entry)
    good = [harness.world.fill(Valid(cell)) for cell in importer.row]
    bad = [harness.world.fill(Valid(cell)) for cell in importer.bad_row]
    upload = Upload(_as_csv([importer.header, good, bad, good]).encode(), "import.csv", "text/csv")
    post = harness.prepare([(importer.field, upload)])
    before = fingerprint()

    result = post.send()

    assert (result.status, result.outcome) == (422, REFUSED)
    assert changed_tables(before, fingerprint()) == []


def test_formulas_in_every_text_column_of_a_directory_import_are_plain_text_in_the_export(app_context):
    harness = Harness(app_context, DIRECTORY.entry)
    row = list(DIRECTORY.row)
    for number, column in enumerate(DIRECTORY.text_columns):
        row[column] = FORMULAS[number % len(FORMULAS)].strip()
    upload = Upload(_as_csv([DIRECTORY.header, row]).encode(), "import.csv", "text/csv")

    result = harness.post([(DIRECTORY.field, upload)])

    assert (result.status, result.outcome) == (302, ACCEPTED), result.html[-2000:]
    client = harness.client()
    assert unguarded_export_cells(client, DIRECTORY.exports) == []
    exported = client.get("/directory/export.csv").data.decode("utf-8-sig")
    assert "'=cmd|' /C calc'!A0" in exported  # kept, as text


def test_a_formula_course_and_member_are_plain_text_in_the_training_exports(app_context):
    harness = Harness(app_context, TRAINING.entry)
    upload = Upload(
        _as_csv([TRAINING.header, [harness.world.fill(Valid(c)) for c in TRAINING.row]]).encode(), "i.csv", "text/csv"
    )

    result = harness.post([(TRAINING.field, upload)])

    assert (result.status, result.outcome) == (302, ACCEPTED), result.html[-2000:]
    client = harness.client()
    assert unguarded_export_cells(client, TRAINING.exports) == []
    assert "'=HYPERLINK" in client.get("/training/compliance-matrix.csv").data.decode("utf-8-sig")
