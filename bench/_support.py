"""What several benchmarks share (not a benchmark itself: run_all.py skips names starting with "_")."""

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
