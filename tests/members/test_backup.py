"""`flask backup` and `flask restore` on SQLite: a consistent copy while others write, and everything back.

Each test has its own SQLite file and app (the shared test database stays untouched), migrated from empty.
"""

import sqlite3
import threading
from contextlib import closing
from datetime import date
from pathlib import Path

import pytest
from flask_migrate import upgrade
from sqlalchemy import func, select

from config import TestingConfig
from portal import create_app
from portal.accounts.models import Role, User
from portal.directory.models import Service
from portal.extensions import db
from portal.members import backup
from portal.selfassessment.models import Assessment
from portal.surveys.models import SurveyAggregate, SurveyAnswer, SurveyResponse
from tests.directory.factories import make_service
from tests.factories import UserFactory
from tests.members.database import figures
from tests.selfassessment.factories_assessments import score_all, start
from tests.surveys.results_factories import released_round, who5

COUNTED = ("users", "directory_services", "survey_responses", "survey_answers", "survey_aggregates", "assessments")


@pytest.fixture
def live(tmp_path):
    """An app on its own SQLite file, with people, a directory, a released survey and a scored assessment."""

    class Config(TestingConfig):
        SQLALCHEMY_DATABASE_URI = f"sqlite:///{tmp_path / 'live.sqlite3'}"

    app = create_app(Config)
    app.instance_path = str(tmp_path / "instance")
    with app.app_context():
        upgrade()
        officer = UserFactory(roles=(Role.OFFICER,), name="Olive Officer")
        UserFactory(roles=(Role.COUNCILLOR,), name="Colin Councillor")
        make_service(name="Members' wellbeing line")
        make_service(name="Police single point of contact", category="Police")
        released_round([who5(n % 4) for n in range(6)], by=officer)
        score_all(start(officer, title="2026/27"), 2)
        db.session.commit()
        yield app
        db.session.remove()
        db.engine.dispose()


def dump(path: Path) -> dict[str, list[tuple]]:
    """Every row of every table of a database file, sorted: two equal dumps mean two equal databases."""
    with closing(sqlite3.connect(path)) as connection:
        tables = [row[0] for row in connection.execute("SELECT name FROM sqlite_master WHERE type = 'table'")]
        # Table names read from the database itself, not from anyone's input.
        return {table: sorted(connection.execute(f'SELECT * FROM "{table}"'), key=repr) for table in tables}  # noqa: S608


def counts(path: Path) -> dict[str, int]:
    with closing(sqlite3.connect(path)) as connection:
        return {table: connection.execute(f"SELECT count(*) FROM {table}").fetchone()[0] for table in COUNTED}  # noqa: S608


def live_file(app) -> Path:
    return Path(db.engine.url.database)


def run(app, *args):
    return app.test_cli_runner().invoke(args=list(args), catch_exceptions=False)


class Writer(threading.Thread):
    """Another process's connection writing all the time: each transaction adds two audit rows of one batch."""

    def __init__(self, path: Path):
        super().__init__(daemon=True)
        self.path, self.stop, self.batches = path, threading.Event(), 0

    def run(self) -> None:
        connection = sqlite3.connect(self.path, timeout=15, isolation_level=None)
        while not self.stop.is_set():
            connection.execute("BEGIN IMMEDIATE")
            for half in ("first", "second"):
                connection.execute(
                    "INSERT INTO audit_events (occurred_at, action, summary, detail) VALUES (?, ?, ?, '{}')",
                    ("2026-01-01 00:00:00", f"test.batch-{self.batches}", half),
                )
            connection.execute("COMMIT")
            self.batches += 1
        connection.close()


def test_a_backup_taken_while_another_connection_writes_is_whole_and_consistent(live, tmp_path):
    with live.app_context():
        before = counts(live_file(live))
        writer = Writer(live_file(live))
        writer.start()
        while writer.batches < 20:  # the writer is well under way when the copy starts
            threading.Event().wait(0.01)
        started = writer.batches
        result = run(live, "backup", str(tmp_path / "copy.sqlite3"))
        during = writer.batches
        writer.stop.set()
        writer.join()
    assert result.exit_code == 0, result.output
    assert f"Backed up to {tmp_path / 'copy.sqlite3'} (" in result.output and "integrity check: ok" in result.output
    copy = tmp_path / "copy.sqlite3"
    assert backup.integrity_check(copy) == "ok"
    assert counts(copy) == before
    with closing(sqlite3.connect(copy)) as connection:
        halves = dict(
            connection.execute(
                "SELECT action, count(*) FROM audit_events WHERE action LIKE 'test.batch-%' GROUP BY action"
            )
        )
    assert set(halves.values()) == {2}  # never half a transaction
    assert set(halves) == {f"test.batch-{n}" for n in range(len(halves))}  # and no gap: one moment in time
    assert started <= len(halves) <= during  # everything committed before the copy began, nothing after it ended


def test_a_restore_brings_back_everything_as_it_was_at_backup_time(live, tmp_path):
    copy = tmp_path / "copy.sqlite3"
    with live.app_context():
        assessment_totals = figures(db.session.scalar(select(Assessment)))
        assert run(live, "backup", str(copy)).exit_code == 0
        _change_everything()
        assert dump(live_file(live)) != dump(copy)
        result = run(live, "restore", str(copy), "--yes")
        assert result.exit_code == 0, result.output
        assert f"Restored the database from {copy}." in result.output
        db.session.remove()
        assert dump(live_file(live)) == dump(copy)
        assert db.session.scalar(select(User.name).where(User.name == "Olive Officer"))
        assert db.session.scalar(select(func.count()).select_from(Service)) == 2
        assert db.session.scalar(select(func.count()).select_from(SurveyResponse)) == 6
        assert (
            figures(db.session.scalar(select(Assessment))) == assessment_totals == [(n, 10, 10, 5) for n in range(1, 6)]
        )
        with db.engine.connect() as connection:
            assert connection.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"  # still side by side
    safety = list((tmp_path / "instance" / "backups").glob("portal-*-before-restore.sqlite3"))
    assert len(safety) == 1 and counts(safety[0])["directory_services"] == 0  # the changed database, kept


def _change_everything() -> None:
    db.session.execute(Service.__table__.delete())
    db.session.execute(SurveyAnswer.__table__.delete())
    db.session.execute(SurveyResponse.__table__.delete())
    db.session.execute(SurveyAggregate.__table__.delete())
    officer = db.session.scalar(select(User).where(User.name == "Olive Officer"))
    officer.name = "Someone else"
    for statement in db.session.scalar(select(Assessment)).statements:
        statement.score = 0
    db.session.commit()


def test_restore_without_yes_changes_nothing(live, tmp_path):
    copy = tmp_path / "copy.sqlite3"
    with live.app_context():
        run(live, "backup", str(copy))
        db.session.execute(Service.__table__.delete())
        db.session.commit()
        result = run(live, "restore", str(copy))
        assert result.exit_code == 1 and "--yes" in result.output
        assert db.session.scalar(select(func.count()).select_from(Service)) == 0


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (None, "is not a file"),
        (b"name,email\nA,a@example.org\n", "is not an SQLite database"),
        ("empty database", "does not come from this portal"),
        ("unknown revision", "does not come from this portal"),
    ],
)
def test_restore_refuses_what_is_not_a_backup_of_this_portal(live, tmp_path, content, message):
    source = tmp_path / "suspect.sqlite3"
    if isinstance(content, bytes):
        source.write_bytes(content)
    elif content is not None:
        with closing(sqlite3.connect(source)) as connection:
            connection.execute("CREATE TABLE alembic_version (version_num VARCHAR(32))")
            if content == "unknown revision":
                connection.execute("INSERT INTO alembic_version VALUES ('ffffffffffff')")
            connection.commit()
    with live.app_context():
        before = dump(live_file(live))
        result = run(live, "restore", str(source), "--yes")
        assert result.exit_code == 1 and message in result.output
        assert dump(live_file(live)) == before


def test_the_default_backup_is_a_single_file_in_the_instance_backups_folder(live):
    with live.app_context():
        result = run(live, "backup")
    assert result.exit_code == 0, result.output
    (copy,) = (Path(live.instance_path) / "backups").glob("portal-*.sqlite3")
    assert copy.name.startswith(f"portal-{date.today():%Y%m%d}T") and copy.name.endswith("Z.sqlite3")
    assert str(copy) in result.output
    assert not copy.with_name(copy.name + "-wal").exists() and not list(copy.parent.glob("*.partial"))
    with closing(sqlite3.connect(f"{copy.as_uri()}?mode=ro", uri=True)) as connection:
        assert connection.execute("PRAGMA journal_mode").fetchone()[0] == "delete"
    assert backup.check_backup(copy)  # its migration version is one of ours


def test_a_restore_while_another_connection_writes_leaves_a_sound_database(live, tmp_path):
    copy = tmp_path / "copy.sqlite3"
    with live.app_context():
        run(live, "backup", str(copy))
        db.session.execute(Service.__table__.delete())
        db.session.commit()
        writer = Writer(live_file(live))
        writer.start()
        while writer.batches < 20:
            threading.Event().wait(0.01)
        result = run(live, "restore", str(copy), "--yes")
        writer.stop.set()
        writer.join()
        assert result.exit_code == 0, result.output
        db.session.remove()
        assert backup.integrity_check(live_file(live)) == "ok"
        assert db.session.scalar(select(func.count()).select_from(Service)) == 2  # the backup's rows are back
    with closing(sqlite3.connect(live_file(live))) as connection:
        halves = connection.execute(
            "SELECT count(*) FROM audit_events WHERE action LIKE 'test.batch-%' GROUP BY action"
        )
        assert {count for (count,) in halves} <= {2}  # the writer's later commits are whole too, never half
