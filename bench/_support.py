"""What several benchmarks share (not a benchmark itself: run_all.py skips names starting with "_")."""

import json
import tempfile
from collections.abc import Callable

from tests.pg_cluster import PostgresCluster, PostgresUnavailable


def with_postgresql(run: Callable[[str, str], None], database_name: str) -> None:
    """Call run("postgresql", url) against a throwaway cluster, or say why PostgreSQL was skipped."""
    try:
        cluster = PostgresCluster().start()
    except PostgresUnavailable as error:
        print(f"postgresql  skipped: {error}")
        return
    try:
        run("postgresql", cluster.create_database(database_name))
    finally:
        cluster.stop()


def on_each_database(run: Callable[[str, str], None], name: str, *, postgresql: bool = True) -> None:
    """Call run(backend, url) on a temporary SQLite file, then (unless told not to) on throwaway PostgreSQL."""
    with tempfile.TemporaryDirectory(prefix=f"{name}-") as folder:
        run("sqlite", f"sqlite:///{folder}/bench.sqlite3")
    if postgresql:
        with_postgresql(run, name)


# ---- results that bench/run_all.py gathers into one table ----------------------------------------------

RESULT_PREFIX = "BENCH-RESULT "


def report_result(
    figure: str,
    value: float,
    unit: str,
    *,
    baseline: str | None = None,
    baseline_value: float | None = None,
    ratio_min: float | None = None,
    ratio_max: float | None = None,
    value_max: float | None = None,
    target: str | None = None,
    met: bool | None = None,
) -> dict:
    """Print one figure as a `BENCH-RESULT {json}` line for run_all.py's table, and return it.

    `baseline` names what the figure was measured against in the same run (its value in the same unit); the
    ratio is value / baseline. A target is a bound on the ratio (ratio_min, ratio_max) or on the value
    (value_max); `target` words it when the bounds alone would not say enough, and `met` is the caller's own
    verdict on a target no bound can state.
    """
    ratio = value / baseline_value if baseline_value else None
    checks = []
    if ratio_min is not None or ratio_max is not None:
        checks.append(ratio is not None and (ratio_min or 0) <= ratio <= (ratio_max or float("inf")))
    if value_max is not None:
        checks.append(value <= value_max)
    if met is not None:
        checks.append(met)
    result = {
        "figure": figure,
        "value": value,
        "unit": unit,
        "baseline": baseline,
        "baseline_value": baseline_value,
        "ratio": ratio,
        "target": target or _target_words(ratio_min, ratio_max, value_max, unit),
        "passed": all(checks) if checks else None,
    }
    print(RESULT_PREFIX + json.dumps(result), flush=True)
    return result


def _target_words(ratio_min: float | None, ratio_max: float | None, value_max: float | None, unit: str) -> str | None:
    if ratio_min is not None and ratio_max is not None:
        return f"ratio {ratio_min:g} to {ratio_max:g}"
    if ratio_min is not None:
        return f"ratio >= {ratio_min:.2g}"
    if ratio_max is not None:
        return f"ratio <= {ratio_max:.2g}"
    if value_max is not None:
        return f"<= {value_max:g} {unit}".strip()
    return None
