"""Backups: a consistent copy of the database while the portal runs, and putting one back.

SQLite: the online backup API, through the app's own driver connection, copies the database as one snapshot
(WAL included) page by page while the web server and worker go on writing; the copy is written beside its
final name, switched to a single-file journal, checked with PRAGMA integrity_check and only then renamed into
place. Restoring runs the same API the other way: the live database is replaced in one write transaction, so
every other connection sees either the old database or the restored one, never a mixture.

PostgreSQL: pg_dump in its custom format (read with pg_restore), a consistent snapshot too; when pg_dump is
not installed the command to run is printed instead.
"""

import os
import shutil
import sqlite3
import subprocess  # nosec B404
from dataclasses import dataclass
from pathlib import Path

from alembic.script import ScriptDirectory
from alembic.util import CommandError
from sqlalchemy.engine import URL, Engine

from config import BASE_DIR
from portal.common.time import utcnow

SQLITE_HEADER = b"SQLite format 3\x00"


class BackupError(RuntimeError):
    """A backup or restore that could not be done; the message says why, for the command line."""


@dataclass(frozen=True)
class BackupResult:
    path: Path
    size: int
    check: str  # "ok", or what the check found


def timestamp() -> str:
    return utcnow().strftime("%Y%m%dT%H%M%SZ")


def default_path(instance_path: str | Path, suffix: str) -> Path:
    return Path(instance_path) / "backups" / f"portal-{timestamp()}{suffix}"


# ---- SQLite ---------------------------------------------------------------------------------------------


def backup_sqlite(engine: Engine, target: Path) -> BackupResult:
    """Copy the live database to `target` as one consistent snapshot, then check the copy."""
    target = Path(target)
    target.parent.mkdir(parents=True, exist_ok=True)
    partial = target.with_name(target.name + ".partial")
    partial.unlink(missing_ok=True)
    raw = engine.raw_connection()
    try:
        copy = sqlite3.connect(partial)
        try:
            raw.driver_connection.backup(copy)  # one step: a single read snapshot, however busy the writers
            copy.execute("PRAGMA journal_mode = DELETE")  # a self-contained file, with no -wal beside it
        finally:
            copy.close()
    finally:
        raw.close()
    check = integrity_check(partial)
    if check != "ok":
        partial.unlink(missing_ok=True)
        raise BackupError(f"The copy failed its integrity check ({check}); nothing was kept")
    os.replace(partial, target)  # the final name only ever holds a complete, checked copy
    return BackupResult(target, target.stat().st_size, check)


def integrity_check(path: Path) -> str:
    with _ReadOnly(path) as connection:
        rows = [row[0] for row in connection.execute("PRAGMA integrity_check")]
    return "ok" if rows == ["ok"] else "; ".join(rows[:5])


class _ReadOnly:
    """A read-only connection to a database file, closed on leaving (sqlite3's own context manager is not)."""

    def __init__(self, path: Path):
        self.connection = sqlite3.connect(f"{Path(path).resolve().as_uri()}?mode=ro", uri=True)

    def __enter__(self) -> sqlite3.Connection:
        return self.connection

    def __exit__(self, *_exc) -> None:
        self.connection.close()


def check_backup(path: Path) -> str:
    """The migration revision of a backup file, after checking it is a sound SQLite copy of this portal."""
    path = Path(path)
    if not path.is_file():
        raise BackupError(f"{path} is not a file")
    with path.open("rb") as file:
        if file.read(len(SQLITE_HEADER)) != SQLITE_HEADER:
            raise BackupError(f"{path} is not an SQLite database")
    try:
        check = integrity_check(path)
        with _ReadOnly(path) as connection:
            revisions = [row[0] for row in connection.execute("SELECT version_num FROM alembic_version")]
    except sqlite3.DatabaseError as error:
        raise BackupError(f"{path} cannot be read as this portal's database: {error}") from error
    if check != "ok":
        raise BackupError(f"{path} failed its integrity check: {check}")
    if len(revisions) != 1 or not _known_revision(revisions[0]):
        raise BackupError(f"{path} does not come from this portal (its migration version is unknown: {revisions})")
    return revisions[0]


def _migrations() -> ScriptDirectory:
    return ScriptDirectory(str(BASE_DIR / "migrations"))


def _known_revision(revision: str) -> bool:
    try:
        return _migrations().get_revision(revision) is not None
    except CommandError:
        return False


def is_latest_revision(revision: str) -> bool:
    return revision in _migrations().get_heads()


def restore_sqlite(engine: Engine, source: Path) -> str:
    """Replace the live database with the backup at `source`, in one transaction; returns its revision.

    Other connections wait (busy timeout) while it runs and then read the restored database. Work they held
    in memory (a worker's claimed email) is not rolled back with it: stop the web server and worker first.
    """
    revision = check_backup(source)
    with _ReadOnly(source) as backup:
        raw = engine.raw_connection()
        try:
            backup.backup(raw.driver_connection)
        except sqlite3.DatabaseError as error:
            raise BackupError(f"The restore failed and the database was left as it was: {error}") from error
        finally:
            raw.close()
    engine.dispose()  # pooled connections start afresh on the restored file
    return revision


# ---- PostgreSQL ----------------------------------------------------------------------------------------


def pg_tool(name: str) -> str | None:
    """Where pg_dump or pg_restore is: $PG_BIN_DIR if set, else the PATH."""
    folder = os.environ.get("PG_BIN_DIR")
    if folder and (Path(folder) / name).is_file():
        return str(Path(folder) / name)
    return shutil.which(name)


def pg_environment(url: URL) -> dict[str, str]:
    """libpq's variables for the database, so the password never appears in the process list."""
    values = {
        "PGHOST": url.host,
        "PGPORT": str(url.port) if url.port else None,
        "PGUSER": url.username,
        "PGPASSWORD": url.password,
        "PGDATABASE": url.database,
        "PGSSLMODE": url.query.get("sslmode"),
    }
    return {name: str(value) for name, value in values.items() if value}


def pg_dump_command(target: Path) -> list[str]:
    return [pg_tool("pg_dump") or "pg_dump", "--format=custom", "--no-owner", f"--file={target}"]


def documented_pg_dump(url: URL, target: Path) -> str:
    """The command an operator runs where pg_dump is not installed beside the portal."""
    safe = url.set(drivername="postgresql", password=None).render_as_string(hide_password=False)
    return f'PGPASSWORD=... pg_dump --format=custom --no-owner --file={target} "{safe}"'


def documented_pg_restore(url: URL, source: Path) -> str:
    safe = url.set(drivername="postgresql", password=None).render_as_string(hide_password=False)
    return f'PGPASSWORD=... pg_restore --clean --if-exists --no-owner --single-transaction --dbname="{safe}" {source}'


def backup_postgresql(url: URL, target: Path) -> BackupResult:
    """pg_dump in custom format to `target` (one consistent snapshot), checked by pg_restore --list."""
    target = Path(target)
    target.parent.mkdir(parents=True, exist_ok=True)
    partial = target.with_name(target.name + ".partial")
    environment = {**os.environ, **pg_environment(url)}
    _run([*pg_dump_command(partial)], environment)
    listing = _run([pg_tool("pg_restore") or "pg_restore", "--list", str(partial)], environment)
    if "alembic_version" not in listing:
        partial.unlink(missing_ok=True)
        raise BackupError("The dump does not list the alembic_version table; nothing was kept")
    os.replace(partial, target)
    return BackupResult(target, target.stat().st_size, "ok")


def _run(command: list[str], environment: dict[str, str]) -> str:
    # PostgreSQL's own tools with an argument list (never a shell) and a path the operator gave.
    result = subprocess.run(command, env=environment, capture_output=True, text=True, check=False)  # noqa: S603  # nosec B603
    if result.returncode != 0:
        raise BackupError(f"{Path(command[0]).name} failed: {result.stderr.strip()}")
    return result.stdout
