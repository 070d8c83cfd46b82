"""Every benchmark script imports: they run only under `make bench`, so a name one takes from another that
has gone would otherwise surface there, not in the suite."""

import importlib
from pathlib import Path

import pytest

BENCH = Path(__file__).resolve().parents[2] / "bench"


@pytest.mark.parametrize("name", sorted(path.stem for path in BENCH.glob("*.py") if path.stem != "__init__"))
def test_the_benchmark_imports(name):
    importlib.import_module(f"bench.{name}")
