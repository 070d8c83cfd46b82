"""The test harness: real databases (SQLite and a throwaway PostgreSQL), a real SMTP server on loopback.

Every test that uses `app` runs once per database backend. Each test starts from empty tables; schema comes
from the Alembic migrations, so the migrations are exercised by every run.
"""

from pathlib import Path

import pytest
from flask_migrate import upgrade
from sqlalchemy import text

from config import TestingConfig
from portal import create_app
from portal.accounts.models import Role
from portal.directory import version as directory_version
from portal.directory.defaults import ensure_default_categories
from portal.extensions import db
from portal.outbox.catcher import MailCatcher
from portal.selfassessment.framework import ensure_framework
from tests.factories import UserFactory
from tests.isolation import each_request_loads_its_own_user
from tests.pg_cluster import PostgresCluster, started_or_skipped

BACKENDS = ["sqlite", "postgresql"]


def pytest_addoption(parser):
    parser.addoption(
        "--backend",
        choices=["sqlite", "postgresql", "both"],
        default="both",
        help="Which database backends to run the database tests against",
    )


def pytest_generate_tests(metafunc):
    if "backend" in metafunc.fixturenames:
        chosen = metafunc.config.getoption("backend")
        # indirect, so pytest groups the tests by backend instead of switching back and forth.
        metafunc.parametrize("backend", BACKENDS if chosen == "both" else [chosen], scope="session", indirect=True)


@pytest.fixture(scope="session")
def backend(request) -> str:
    return request.param


@pytest.fixture(autouse=True)
def _separate_requests():
    """Each test-client request finds its own signed-in person (see tests/isolation.py)."""
    with each_request_loads_its_own_user():
        yield


@pytest.fixture(scope="session")
def postgres_cluster():
    cluster = started_or_skipped(PostgresCluster())
    yield cluster
    cluster.stop()


@pytest.fixture(scope="session")
def mail_catcher():
    catcher = MailCatcher().start()
    yield catcher
    catcher.stop()


@pytest.fixture(scope="session")
def database_url(backend, request, tmp_path_factory):
    if backend == "postgresql":
        cluster = request.getfixturevalue("postgres_cluster")
        return cluster.create_database("portal_test")
    return f"sqlite:///{tmp_path_factory.mktemp('sqlite') / 'portal.sqlite3'}"


@pytest.fixture(scope="session")
def app(database_url, mail_catcher):
    app = _app_for(database_url, mail_catcher)
    with app.app_context():
        upgrade()
    yield app
    with app.app_context():
        db.engine.dispose()


def _app_for(database_url: str, mail_catcher: MailCatcher):
    class Config(TestingConfig):
        SQLALCHEMY_DATABASE_URI = database_url
        WTF_CSRF_ENABLED = False
        MAIL_SERVER = mail_catcher.host
        MAIL_PORT = mail_catcher.port

    return create_app(Config)


def _empty_all_tables() -> None:
    tables = list(reversed(db.metadata.sorted_tables))
    if db.engine.dialect.name == "postgresql":
        names = ", ".join(table.name for table in tables)
        db.session.execute(text(f"TRUNCATE {names} RESTART IDENTITY CASCADE"))
    else:
        for table in tables:
            db.session.execute(table.delete())
    ensure_default_categories(db.session.connection())  # reference data the migrations seed
    ensure_framework(db.session.connection())
    directory_version.change(db.session.connection())  # the row the migrations seed, with a token never seen
    db.session.commit()


@pytest.fixture
def app_context(app, mail_catcher):
    with app.app_context():
        yield app
        db.session.rollback()
        _empty_all_tables()
        db.session.remove()
    mail_catcher.clear()


@pytest.fixture
def client(app_context):
    return app_context.test_client()


def sign_in_as(client, user) -> None:
    """Sign `user` in on `client` the way Flask-Login does after a correct password."""
    with client.session_transaction() as session:
        session["_user_id"] = user.get_id()
        session["_fresh"] = True


@pytest.fixture
def make_user(app_context):
    def make(*roles: Role, **fields):
        return UserFactory(roles=roles or (Role.COUNCILLOR,), **fields)

    return make


@pytest.fixture
def client_as(client, make_user):
    """`client_as(Role.OFFICER)`: a test client signed in as a new person holding those roles."""

    def sign_in(*roles: Role, **fields):
        user = make_user(*roles, **fields)
        sign_in_as(client, user)
        client.user = user
        return client

    return sign_in


@pytest.fixture
def instance_dir(tmp_path) -> Path:
    return tmp_path
