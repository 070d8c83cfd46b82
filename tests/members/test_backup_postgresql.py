"""`flask backup` on PostgreSQL: pg_dump's custom format, which pg_restore puts back into an empty database."""

import subprocess

import pytest
from flask_migrate import upgrade
from sqlalchemy import create_engine, func, select, text

from config import TestingConfig
from portal import create_app
from portal.accounts.models import Role, User
from portal.directory.models import Service
from portal.extensions import db
from tests.directory.factories import make_service
from tests.factories import UserFactory


@pytest.fixture
def pg_app(postgres_cluster, tmp_path):
    url = postgres_cluster.create_database("portal_backup_source")

    class Config(TestingConfig):
        SQLALCHEMY_DATABASE_URI = url

    app = create_app(Config)
    app.instance_path = str(tmp_path / "instance")
    with app.app_context():
        upgrade()
        db.session.execute(text("TRUNCATE users, directory_services RESTART IDENTITY CASCADE"))
        UserFactory(roles=(Role.ADMIN,), name="Ada Admin")
        UserFactory(roles=(Role.COUNCILLOR,), name="Colin Councillor")
        make_service(name="Members' wellbeing line")
        db.session.commit()
        yield app
        db.session.remove()
        db.engine.dispose()


def test_pg_dump_writes_a_custom_format_dump_that_restores_everything(pg_app, postgres_cluster, tmp_path, monkeypatch):
    monkeypatch.setenv("PG_BIN_DIR", str(postgres_cluster.bin))
    target = tmp_path / "portal.dump"
    with pg_app.app_context():
        result = pg_app.test_cli_runner().invoke(args=["backup", str(target)])
    assert result.exit_code == 0, result.output
    assert f"Backed up to {target} (" in result.output and not list(tmp_path.glob("*.partial"))
    assert target.read_bytes()[:5] == b"PGDMP"  # pg_dump's custom format

    restored_url = postgres_cluster.create_database("portal_backup_restored")
    plain_url = restored_url.replace("postgresql+psycopg://", "postgresql://")
    restore = [str(postgres_cluster.bin / "pg_restore"), "--no-owner", "--single-transaction", f"--dbname={plain_url}"]
    subprocess.run([*restore, str(target)], check=True, capture_output=True)
    engine = create_engine(restored_url)
    try:
        with engine.connect() as connection:
            names = set(connection.scalars(select(User.name)))
            services = connection.scalar(select(func.count()).select_from(Service))
            revision = connection.scalar(text("SELECT version_num FROM alembic_version"))
    finally:
        engine.dispose()
    assert names == {"Ada Admin", "Colin Councillor"} and services == 1 and revision


def test_without_pg_dump_the_command_to_run_is_printed_without_the_password(pg_app, tmp_path, monkeypatch):
    monkeypatch.setenv("PG_BIN_DIR", str(tmp_path))
    monkeypatch.setenv("PATH", str(tmp_path))
    with pg_app.app_context():
        result = pg_app.test_cli_runner().invoke(args=["backup", str(tmp_path / "portal.dump")])
    assert result.exit_code == 1
    assert "pg_dump --format=custom --no-owner" in result.output and "PGPASSWORD=..." in result.output
    assert "portal_backup_source" in result.output and not (tmp_path / "portal.dump").exists()


def test_restore_on_postgresql_points_to_pg_restore(pg_app, tmp_path):
    with pg_app.app_context():
        result = pg_app.test_cli_runner().invoke(args=["restore", str(tmp_path / "portal.dump"), "--yes"])
    assert result.exit_code == 1 and "pg_restore --clean --if-exists --no-owner --single-transaction" in result.output
