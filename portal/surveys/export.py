"""A released round's figures as CSV and as a spreadsheet, under exactly the rules the pages follow.

The rows come from the same service functions as the pages (overall results, then the breakdown by each
attribute), so whatever a page would not show, the file does not hold either.
"""

import csv
import io

from openpyxl import Workbook
from openpyxl.styles import Font

from portal.surveys import results
from portal.surveys.models import SurveyRound
from portal.training.matrix import guard_formula

HEADINGS = ["Breakdown", "Group", "Question", "Answer", "Count", "Percent"]
Row = list[str | int | float]


def export_rows(survey_round: SurveyRound) -> list[Row]:
    aggregates = results.Aggregates.of(survey_round)
    overall = results.round_results(survey_round, aggregates)
    k = overall.k
    if not overall.shows_figures:
        return [HEADINGS, ["Everyone", "", "Responses", f"Fewer than {k}", "", ""]]
    rows: list[Row] = [HEADINGS, ["Everyone", "", "Responses", "", overall.responses, _rate(overall.rate)]]
    if overall.who5 is not None:
        rows += _who5_rows("Everyone", "", overall.who5)
    for result in overall.questions:
        rows += _question_rows("Everyone", "", result.question, result.distribution, k)
    for attribute in overall.attributes:
        rows += _breakdown_rows(results.breakdown(survey_round, attribute, aggregates), k)
    return rows


def _rate(rate: float | None) -> str | float:
    return round(rate, 1) if rate is not None else ""


def _who5_rows(breakdown: str, group: str, who5: results.Who5) -> list[Row]:
    question = "WHO-5 wellbeing score (0 to 100)"
    rows: list[Row] = [
        [breakdown, group, question, "Scores", who5.scores, ""],
        [breakdown, group, question, "Mean", round(who5.mean, 1), ""],
        [breakdown, group, question, "At or below 50", "", round(who5.low_share, 1)],
    ]
    return rows + [[breakdown, group, question, bar.label, bar.count, round(bar.percent, 1)] for bar in who5.bars]


def _question_rows(breakdown: str, group: str, question, distribution, k: int) -> list[Row]:
    if question.kind == "free_text":
        return []
    if distribution is None:
        return [[breakdown, group, question.text, f"Not shown: fewer than {k} answers or a protected group", "", ""]]
    rows: list[Row] = [[breakdown, group, question.text, "Answered", distribution.answers, ""]]
    rows += [
        [breakdown, group, question.text, bar.label, bar.count, round(bar.percent, 1)] for bar in distribution.bars
    ]
    if distribution.mean is not None:
        rows.append([breakdown, group, question.text, "Mean", round(distribution.mean, 2), ""])
    return rows


def _breakdown_rows(breakdown: results.Breakdown, k: int) -> list[Row]:
    name = breakdown.attribute.text
    rows: list[Row] = []
    for group in breakdown.groups:
        if not group.shown:
            rows.append([name, group.label, "Responses", f"Not shown: {group.reason}", "", ""])
            continue
        rows.append([name, group.label, "Responses", "", group.size, ""])
        if breakdown.who5 is not None and breakdown.who5.get(group.option) is not None:
            rows += _who5_rows(name, group.label, breakdown.who5[group.option])
        for row in breakdown.rows:
            rows += _question_rows(name, group.label, row.question, row.cells[group.option], k)
    return rows


def _plain(value):
    return guard_formula(value) if isinstance(value, str) else value


def results_csv(rows: list[Row]) -> bytes:
    """UTF-8 with a byte order mark, so that Excel reads it correctly; text never taken for a formula."""
    buffer = io.StringIO()
    csv.writer(buffer).writerows([_plain(value) for value in row] for row in rows)
    return buffer.getvalue().encode("utf-8-sig")


def results_xlsx(rows: list[Row]) -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "Results"
    for values in rows:
        sheet.append(values)
        for cell, value in zip(sheet[sheet.max_row], values, strict=True):
            if isinstance(value, str):
                cell.data_type = "s"  # openpyxl would store "=…" as a formula
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    sheet.freeze_panes = "A2"
    for letter, width in zip("ABCDEF", (24, 24, 60, 40, 10, 10), strict=True):
        sheet.column_dimensions[letter].width = width
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
