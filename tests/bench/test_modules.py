"""Every benchmark script imports: they run only under `make bench`, so a name one takes from another that
has gone would otherwise surface there, not in the suite."""

import importlib
import os
from pathlib import Path

import pytest

BENCH = Path(__file__).resolve().parents[2] / "bench"


@pytest.mark.parametrize("name", sorted(path.stem for path in BENCH.glob("*.py") if path.stem != "__init__"))
def test_the_benchmark_imports(name, tmp_path):
    saved = dict(os.environ)
    os.environ["BENCH_DIR"] = str(tmp_path)  # training_matrix makes its folder on import otherwise
    try:
        importlib.import_module(f"bench.{name}")
    finally:  # some set variables on import for the servers they start; the rest of the suite must not see them
        os.environ.clear()
        os.environ.update(saved)
