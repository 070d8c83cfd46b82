"""Run every benchmark in bench/ one after another and print what each measured.

    .venv/bin/python bench/run_all.py        (or: make bench)

Each benchmark is a script that measures the portal against a baseline in the same run and prints its own
figures; a failing one is reported and the rest still run.
"""

import subprocess
import sys
import time
from pathlib import Path

BENCH_DIR = Path(__file__).resolve().parent


def benchmarks() -> list[Path]:
    return sorted(
        path for path in BENCH_DIR.glob("*.py") if path.name != Path(__file__).name and not path.name.startswith("_")
    )


def main() -> int:
    failures = 0
    for script in benchmarks():
        print(f"\n=== {script.stem} ===", flush=True)
        started = time.monotonic()
        result = subprocess.run([sys.executable, str(script)], cwd=BENCH_DIR.parent, check=False)
        print(
            f"--- {script.stem}: {'ok' if result.returncode == 0 else 'FAILED'} in {time.monotonic() - started:.0f} s",
            flush=True,
        )
        failures += result.returncode != 0
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
