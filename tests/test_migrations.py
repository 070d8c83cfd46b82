"""The models and the Alembic migrations describe the same schema, on SQLite and on PostgreSQL."""

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from flask_migrate import downgrade, upgrade
from sqlalchemy import inspect

from portal.extensions import db


def _differences_from_the_models() -> list:
    """What `flask db migrate` would write for the database as the migrations left it (empty when they agree)."""
    with db.engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={"compare_type": True})
        return compare_metadata(context, db.metadata)


def _tables() -> set[str]:
    return set(inspect(db.engine).get_table_names())


def test_the_migrations_build_exactly_the_schema_the_models_describe(app):
    with app.app_context():
        assert _differences_from_the_models() == []
        assert {table.name for table in db.metadata.sorted_tables} <= _tables()


def test_the_migrations_go_down_to_nothing_and_up_again(app):
    with app.app_context():
        db.session.remove()
        try:
            downgrade(revision="base")
            assert _tables() <= {"alembic_version"}
        finally:
            upgrade()
        assert _differences_from_the_models() == []
