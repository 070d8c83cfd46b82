"""Reading the benchmarks' `BENCH-RESULT {json}` lines and printing them as one table (used by run_all.py)."""

import json
from dataclasses import dataclass

from bench._support import RESULT_PREFIX


@dataclass(frozen=True)
class Row:
    """One figure of one benchmark, or a benchmark that failed before it reported anything."""

    bench: str
    figure: str
    value: float | None = None
    unit: str = ""
    baseline: str | None = None
    baseline_value: float | None = None
    ratio: float | None = None
    target: str | None = None
    passed: bool | None = None

    @property
    def verdict(self) -> str:
        return {True: "pass", False: "FAIL", None: ""}[self.passed]


def parse_line(bench: str, line: str) -> Row | None:
    """The figure a `BENCH-RESULT {json}` line reports, or None for any other line (or a garbled one)."""
    if not line.startswith(RESULT_PREFIX):
        return None
    try:
        data = json.loads(line[len(RESULT_PREFIX) :])
        return Row(
            bench=bench,
            figure=str(data["figure"]),
            value=_number(data["value"]),
            unit=str(data.get("unit") or ""),
            baseline=data.get("baseline"),
            baseline_value=_number(data.get("baseline_value")),
            ratio=_number(data.get("ratio")),
            target=data.get("target"),
            passed=data.get("passed"),
        )
    except (ValueError, KeyError, TypeError):
        return None


def failed(bench: str, why: str) -> Row:
    return Row(bench=bench, figure=why, passed=False)


def _number(value) -> float | None:
    return None if value is None else float(value)


def figure_text(value: float | None, unit: str = "") -> str:
    """A figure to three significant digits or so: 1,234 req/s, 56.7 ms, 0.91; a count as a whole number."""
    if value is None:
        return "-"
    if abs(value) >= 100 or (not unit and value == int(value)):
        text = f"{value:,.0f}"
    elif abs(value) >= 10:
        text = f"{value:.1f}"
    else:
        text = f"{value:.2f}"
    return f"{text} {unit}".strip()


HEADINGS = ("benchmark", "figure", "value", "baseline (same run)", "ratio", "target", "result")


def cells(row: Row) -> tuple[str, ...]:
    baseline = "-"
    if row.baseline:
        baseline = f"{row.baseline}: {figure_text(row.baseline_value, row.unit)}"
    ratio = "-" if row.ratio is None else f"{row.ratio:.2f}"
    return (row.bench, row.figure, figure_text(row.value, row.unit), baseline, ratio, row.target or "-", row.verdict)


def format_table(rows: list[Row]) -> str:
    """A plain-text table, columns as wide as their widest cell, numbers right-aligned."""
    lines = [HEADINGS, *(cells(row) for row in rows)]
    widths = [max(len(line[column]) for line in lines) for column in range(len(HEADINGS))]
    right = {2, 4}  # value and ratio

    def render(line: tuple[str, ...]) -> str:
        parts = [
            cell.rjust(width) if column in right else cell.ljust(width)
            for column, (cell, width) in enumerate(zip(line, widths, strict=True))
        ]
        return "  ".join(parts).rstrip()

    rule = "  ".join("-" * width for width in widths)
    return "\n".join([render(HEADINGS), rule, *(render(line) for line in lines[1:])])


def summary(rows: list[Row]) -> str:
    missed = [row for row in rows if row.passed is False]
    with_target = [row for row in rows if row.passed is not None]
    if not missed:
        return f"All {len(with_target)} targets met."
    return f"{len(missed)} of {len(with_target)} targets not met (or benchmarks failed): see FAIL above."
