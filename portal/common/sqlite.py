"""SQLite as an embedded default: WAL mode and a busy timeout, so the web server and worker write side by side.

`secure_delete` makes SQLite overwrite deleted rows with zeros instead of leaving them in free space: a
survey draft (a member's unfinished answers, with their user id) is deleted when they submit and when the
round closes, and must not then be readable from the database file. Old page images also sit in the WAL file
until a checkpoint; `PRAGMA wal_checkpoint(TRUNCATE)` empties it.
"""

from sqlalchemy import event
from sqlalchemy.engine import Engine

BUSY_TIMEOUT_MS = 15000


def tune_sqlite(engine: Engine) -> None:
    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection, _record):
        cursor = dbapi_connection.cursor()
        cursor.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
        cursor.execute("PRAGMA foreign_keys = ON")
        cursor.execute("PRAGMA secure_delete = ON")
        if engine.url.database not in (None, "", ":memory:"):
            cursor.execute("PRAGMA journal_mode = WAL")
            cursor.execute("PRAGMA synchronous = NORMAL")
        cursor.close()
