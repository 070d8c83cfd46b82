"""The framework the council assesses itself against, shipped as framework.toml and loaded into the database.

The file is written in this project's own words from the toolkit's five principles. The migration loads it
into an empty database; after that the database is the framework and admins edit it there.
"""

import tomllib
from pathlib import Path

from sqlalchemy import Connection, func, select

from portal.common.time import utcnow
from portal.selfassessment.models import FrameworkState, Principle, Statement

FRAMEWORK_FILE = Path(__file__).with_name("framework.toml")


def shipped_framework() -> list[dict]:
    """The principles in the file, each with its statements, in order."""
    with FRAMEWORK_FILE.open("rb") as file:
        return tomllib.load(file)["principles"]


def ensure_framework(connection: Connection) -> bool:
    """Load the shipped framework if the database has none; returns whether it did."""
    principles, statements, state = Principle.__table__, Statement.__table__, FrameworkState.__table__
    if connection.scalar(select(func.count()).select_from(principles)):
        return False
    for number, principle in enumerate(shipped_framework(), start=1):
        principle_id = connection.execute(
            principles.insert().values(
                number=number, title=principle["title"], introduction=principle.get("introduction", "")
            )
        ).inserted_primary_key[0]
        connection.execute(
            statements.insert(),
            [
                {
                    "principle_id": principle_id,
                    "number": position,
                    "text": statement["text"],
                    "guidance": statement.get("guidance", ""),
                    "indicators": statement.get("indicators", []),
                    "retired": False,
                }
                for position, statement in enumerate(principle["statements"], start=1)
            ],
        )
    if not connection.scalar(select(func.count()).select_from(state)):
        connection.execute(state.insert().values(version=1, updated_at=utcnow()))
    return True
