"""What several benchmarks share (not a benchmark itself: run_all.py skips names starting with "_")."""

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
