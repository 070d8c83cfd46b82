"""PostgreSQL-only tools for the fault tests: hold a table still so a process stops at a known point, and see it."""

import contextlib
from collections.abc import Iterator

from sqlalchemy import create_engine, text
from sqlalchemy.engine import Connection
from sqlalchemy.orm import Session


@contextlib.contextmanager
def table_locks(url: str) -> Iterator["TableLocks"]:
    engine = create_engine(url)
    locks = TableLocks(engine)
    try:
        yield locks
    finally:
        locks.release_all()
        engine.dispose()


class TableLocks:
    """Each table locked in SHARE mode on a connection of its own: others read it, no one writes it until released.

    A process that tries to write such a table waits, inside its transaction, exactly where the write is.
    """

    def __init__(self, engine):
        self.engine = engine
        self.held: dict[str, Connection] = {}

    def lock(self, table: str) -> None:
        connection = self.engine.connect()
        connection.execute(text(f"LOCK TABLE {table} IN SHARE MODE"))  # a name from the test, never from input
        self.held[table] = connection

    def release(self, table: str) -> None:
        connection = self.held.pop(table)
        connection.commit()
        connection.close()

    def release_all(self) -> None:
        for table in list(self.held):
            self.release(table)


def waiting_to_write(connection: Connection | Session, table: str) -> int:
    """How many sessions wait for a lock to INSERT INTO `table` (a process held still by `TableLocks`)."""
    query = text("SELECT count(*) FROM pg_stat_activity WHERE wait_event_type = 'Lock' AND query ILIKE :statement")
    count = connection.execute(query, {"statement": f"INSERT INTO {table}%"}).scalar_one()
    connection.commit()
    return count
