"""The directory's version: a token that changes in the same transaction as any change to the directory.

Rendered directory content is kept in each worker's memory under the token it was made from (`kept`). A page
that keeps content reads the token from the database first, on every request, so a change committed by any
process (another gunicorn worker, the jobs worker, an import) is seen by the next request everywhere, and what
it renders after reading the token is at least as new as the token. A random token rather than a counter, so a
token never comes back: not when the row is lost (the tests empty every table), nor after a restore, where the
restored token stands for exactly the restored data.

The token is changed by watching the ORM session, not by each service function remembering to: a change made
any way through the ORM (the forms, the CSV import, the demo loader, a test factory) changes it. A change made in
plain SQL (a data migration, a hand edit) does not: restart the web workers after one, as a release does anyway.
"""

import secrets
from collections.abc import Callable, Hashable
from itertools import chain
from typing import TypeVar

from sqlalchemy import Connection, event, inspect, select, update
from sqlalchemy.orm import Session

from portal.common.cache import BoundedCache
from portal.directory.models import (
    Category,
    DirectoryVersion,
    OpeningHours,
    Provider,
    Service,
    ServiceContact,
    ServicePhone,
)
from portal.extensions import db

T = TypeVar("T")
ROW_ID = 1
DIRECTORY_MODELS = (Category, Provider, Service, ServiceContact, ServicePhone, OpeningHours)
UNSEEN_FIELDS = {"view_count"}  # a visit to a service's page changes nothing the directory shows
KEPT: BoundedCache = BoundedCache(max_entries=500)  # ~10 KB a search page: a few MB per worker at most
TOKEN = select(DirectoryVersion.token).where(DirectoryVersion.id == ROW_ID)  # built once: read on every search


def current() -> str | None:
    """The token as committed (None before the first change where the migration's row is missing)."""
    return db.session.scalar(TOKEN)


def kept(version: str | None, key: Hashable, make: Callable[[], T]) -> T:
    """`make()`, kept in this worker for directory version `version` and `key`; with no version, made each time."""
    if version is None:
        return make()
    return KEPT.get_or_make((version, key), make)


def _changes_the_directory(session: Session) -> bool:
    if any(isinstance(item, DIRECTORY_MODELS) for item in chain(session.new, session.deleted)):
        return True
    return any(isinstance(item, DIRECTORY_MODELS) and _changed_fields(item) - UNSEEN_FIELDS for item in session.dirty)


def _changed_fields(item) -> set[str]:
    return {attribute.key for attribute in inspect(item).attrs if attribute.history.has_changes()}


def change(connection: Connection) -> None:
    """Give the directory a new version, in the transaction of `connection` (making the row if it is missing)."""
    table, token = DirectoryVersion.__table__, secrets.token_hex(16)
    changed = connection.execute(update(table).where(table.c.id == ROW_ID).values(token=token))
    if changed.rowcount == 0:
        connection.execute(table.insert().values(id=ROW_ID, token=token))


@event.listens_for(db.session, "before_flush")
def _new_version_with_directory_changes(session: Session, _flush_context, _instances) -> None:
    # Before the flush, while each change is still in its attribute's history; the token rides in the same
    # transaction as the changes, so it is committed, or rolled back, with them.
    if _changes_the_directory(session):
        change(session.connection())
