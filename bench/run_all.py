"""Run every benchmark in bench/ one after another, then print one table of what they measured.

    .venv/bin/python bench/run_all.py [--save results.json] [NAME ...]        (or: make bench)

Each benchmark is a script that measures the portal against a baseline in the same run and prints its own
figures as it goes, each also as a `BENCH-RESULT {json}` line (bench/_support.report_result). This script
shows the scripts' output as it comes, keeps those lines back, and at the end prints them as one table: each
figure, its baseline, the ratio, and the target with pass or FAIL where the benchmark has one. A benchmark that
fails is a FAIL row and the rest still run. NAME runs only the benchmarks whose names contain it; --save
writes the rows as JSON too, with the date and the machine. Exits 1 when any benchmark failed or missed its target.
"""

import argparse
import dataclasses
import json
import os
import platform
import subprocess
import sys
import time
from datetime import datetime
from pathlib import Path

BENCH_DIR = Path(__file__).resolve().parent
sys.path.insert(0, str(BENCH_DIR.parent))

from bench._table import Row, failed, format_table, parse_line, summary  # noqa: E402


def benchmarks(names: list[str] | None = None) -> list[Path]:
    scripts = sorted(
        path for path in BENCH_DIR.glob("*.py") if path.name != Path(__file__).name and not path.name.startswith("_")
    )
    return [script for script in scripts if not names or any(name in script.stem for name in names)]


def run_one(script: Path) -> tuple[list[Row], int]:
    """Run one benchmark, echoing its output but for the result lines; its rows and exit code."""
    rows = []
    env = {**os.environ, "PYTHONUNBUFFERED": "1"}
    with subprocess.Popen(
        [sys.executable, str(script)], cwd=BENCH_DIR.parent, env=env, stdout=subprocess.PIPE, text=True
    ) as process:
        try:
            for line in process.stdout:
                row = parse_line(script.stem, line.rstrip("\n"))
                if row is None:
                    print(line, end="", flush=True)
                else:
                    rows.append(row)
        except KeyboardInterrupt:
            process.wait(timeout=60)  # it had the Ctrl-C too, and cleans up after itself
            raise
        returncode = process.wait()
    return rows, returncode


def machine() -> str:
    load = " ".join(f"{figure:.2f}" for figure in os.getloadavg())
    return f"{platform.node()}: {os.cpu_count()} CPUs, Python {platform.python_version()}, load average {load}"


def main(names: list[str], save: Path | None = None) -> int:
    started = f"{datetime.now():%Y-%m-%d %H:%M} on {machine()}"
    print(f"Benchmarks started {started}", flush=True)
    rows: list[Row] = []
    try:
        for script in benchmarks(names):
            print(f"\n=== {script.stem} ===", flush=True)
            began = time.monotonic()
            found, returncode = run_one(script)
            rows += found
            if returncode != 0 and not any(row.passed is False for row in found):  # else the FAIL rows say why
                rows.append(failed(script.stem, f"stopped with exit code {returncode}"))
            elif not found:
                rows.append(Row(script.stem, "(reported no figures)"))
            outcome = "ok" if returncode == 0 else "FAILED"
            print(f"--- {script.stem}: {outcome} in {time.monotonic() - began:.0f} s", flush=True)
    except KeyboardInterrupt:
        rows.append(failed("(all)", "interrupted with Ctrl-C"))
    finished = f"{datetime.now():%Y-%m-%d %H:%M} on {machine()}"
    print(f"\nFinished {finished}\n")
    print(format_table(rows))
    print(f"\n{summary(rows)}")
    if save:
        record = {"started": started, "finished": finished, "rows": [dataclasses.asdict(row) for row in rows]}
        save.write_text(json.dumps(record, indent=1) + "\n")
    return 1 if any(row.passed is False for row in rows) else 0


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("names", nargs="*", metavar="NAME", help="only the benchmarks whose names contain NAME")
    parser.add_argument("--save", type=Path, help="also write the rows to this JSON file")
    arguments = parser.parse_args()
    sys.exit(main(arguments.names, arguments.save))
