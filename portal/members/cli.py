"""`flask backup [PATH]` and `flask restore PATH --yes`."""

from pathlib import Path

import click
from flask import current_app
from flask.cli import with_appcontext

from portal.extensions import db
from portal.members import backup


def _size(size: int) -> str:
    for unit in ("bytes", "KB", "MB", "GB"):
        if size < 1024 or unit == "GB":
            return f"{size} {unit}" if unit == "bytes" else f"{size:.1f} {unit}"
        size /= 1024
    return f"{size} bytes"  # pragma: no cover


@click.command("backup")
@click.argument("path", required=False, type=click.Path(dir_okay=False, path_type=Path))
@with_appcontext
def backup_command(path: Path | None) -> None:
    """Write a consistent copy of the database while the portal runs (default: instance/backups/)."""
    engine = db.engine
    try:
        if engine.dialect.name == "sqlite":
            result = backup.backup_sqlite(engine, path or backup.default_path(current_app.instance_path, ".sqlite3"))
        elif engine.dialect.name == "postgresql":
            result = _backup_postgresql(engine, path)
        else:
            raise click.ClickException(f"No backup for {engine.dialect.name} databases")
    except backup.BackupError as error:
        raise click.ClickException(str(error)) from error
    click.echo(f"Backed up to {result.path} ({_size(result.size)}); integrity check: {result.check}")


def _backup_postgresql(engine, path: Path | None) -> backup.BackupResult:
    target = path or backup.default_path(current_app.instance_path, ".dump")
    if backup.pg_tool("pg_dump") is None:
        raise click.ClickException(
            "pg_dump is not installed here (set PG_BIN_DIR or PATH). On a machine that has it, run:\n  "
            + backup.documented_pg_dump(engine.url, target)
        )
    return backup.backup_postgresql(engine.url, target)


@click.command("restore")
@click.argument("path", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--yes", is_flag=True, help="Confirm that the database is to be replaced by the backup.")
@with_appcontext
def restore_command(path: Path, yes: bool) -> None:
    """Put an SQLite backup back in place of the database. Stop the web server and worker first."""
    engine = db.engine
    if engine.dialect.name != "sqlite":
        raise click.ClickException(
            "Restore a PostgreSQL dump with pg_restore, the web server and worker stopped:\n  "
            + backup.documented_pg_restore(engine.url, path)
        )
    try:
        revision = backup.check_backup(path)
        if not yes:
            raise click.ClickException(
                f"{path} is a sound backup. Restoring replaces everything in the database with it: "
                "stop the web server and worker, then run this again with --yes"
            )
        safety = backup.backup_sqlite(engine, backup.default_path(current_app.instance_path, "-before-restore.sqlite3"))
        backup.restore_sqlite(engine, path)
    except backup.BackupError as error:
        raise click.ClickException(str(error)) from error
    click.echo(f"Restored the database from {path}.")
    click.echo(f"The database as it was just before is saved at {safety.path}.")
    if not backup.is_latest_revision(revision):
        click.echo("The backup comes from an earlier version of the portal: run `flask db upgrade` now.")
