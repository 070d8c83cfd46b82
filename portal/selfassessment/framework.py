"""The framework the council assesses itself against, shipped as framework.toml and loaded into the database.

The file is written in this project's own words from the toolkit's five principles. The migration loads it
into an empty database; after that the database is the framework and admins edit it there. Every edit moves
`FrameworkState.version` on by one and is kept in `FrameworkChange`; assessments copy the wording when they
start, so an edit never reaches back into one.
"""

import tomllib
from collections.abc import Sequence
from datetime import datetime
from pathlib import Path

from sqlalchemy import Connection, func, select, update
from sqlalchemy.orm import contains_eager, selectinload

from portal.accounts import audit
from portal.accounts.models import User
from portal.common.time import utcnow
from portal.extensions import db
from portal.selfassessment.models import FrameworkChange, FrameworkState, Principle, Statement
from portal.training.models import CourseCategory

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


# ---- the figures a statement can draw on ----------------------------------------------------------------

# Each indicator name in words. The names are the contract with evidence.py, which computes the figures.
INDICATOR_LABELS: dict[str, str] = {
    "surveys.tagged": "Released survey results for questions tagged with this statement",
    "surveys.who5": "WHO-5 wellbeing: the mean score and the share at 50 or below",
    "surveys.response_rate": "Survey response rate",
    "training.coverage": "Training coverage in every category",
    **{
        f"training.coverage:{category.value}": f"Training coverage: {category.label.lower()}"
        for category in CourseCategory
        if category is not CourseCategory.COUNCIL_OWN
    },
    "directory.police_contact": "A police single point of contact in the directory",
    "directory.out_of_hours": "Out-of-hours numbers in the directory",
    "directory.overdue": "Directory entries overdue a check",
    "directory.support_entries": "Support services listed in the directory",
    "champions.appointed": "Safety and wellbeing champions appointed",
    "newsletters.sent_12_months": "Newsletters sent in the last 12 months",
}
INDICATOR_NAMES = frozenset(INDICATOR_LABELS)


def indicator_label(name: str) -> str:
    """An indicator in words; a name this version does not know is shown as it is rather than hidden."""
    return INDICATOR_LABELS.get(name, name)


# ---- reading the framework ------------------------------------------------------------------------------

MAX_TITLE = 200  # the column's length
MAX_INTRODUCTION = 2000
MAX_TEXT = 500
MAX_GUIDANCE = 2000


class FrameworkError(ValueError):
    """An edit refused; `field` names the form field the message belongs beside."""

    def __init__(self, message: str, field: str | None = None):
        super().__init__(message)
        self.field = field


class FrameworkChanged(FrameworkError):
    """Someone else changed the framework after this edit's form was loaded."""

    def __init__(self, current: int):
        super().__init__(
            f"Someone else changed the framework while you were editing: it is now version {current}. "
            "Check the current wording, then save your changes again if you still want them."
        )
        self.current_version = current


def current_version() -> int:
    # Read the column, not the object: the row may have moved on since this session loaded it.
    version = db.session.scalar(select(FrameworkState.version).order_by(FrameworkState.id).limit(1))
    return version or 1


def last_changed_at() -> datetime | None:
    return db.session.scalar(select(FrameworkState.updated_at).order_by(FrameworkState.id).limit(1))


def principles(include_retired: bool = False) -> list[Principle]:
    """The principles in order, each with its statements in order; retired statements only when asked."""
    statements = Principle.statements
    if not include_retired:
        statements = Principle.statements.and_(Statement.retired.is_(False))
    query = select(Principle).order_by(Principle.number).options(selectinload(statements))
    # populate_existing: principles already in the session get their statements reloaded with this filter.
    return list(db.session.scalars(query.execution_options(populate_existing=True)))


def active_statements() -> list[Statement]:
    """Every statement in use, in principle then statement order: what a new assessment copies."""
    query = (
        select(Statement)
        .join(Statement.principle)
        .where(Statement.retired.is_(False))
        .order_by(Principle.number, Statement.number)
        .options(contains_eager(Statement.principle))
    )
    return list(db.session.scalars(query))


def history() -> list[FrameworkChange]:
    """Every change, newest first."""
    query = (
        select(FrameworkChange)
        .order_by(FrameworkChange.version.desc(), FrameworkChange.id.desc())
        .options(selectinload(FrameworkChange.changed_by))
    )
    return list(db.session.scalars(query))


def get_principle_or_404(principle_id: int) -> Principle:
    return db.get_or_404(Principle, principle_id)


def get_statement_or_404(statement_id: int) -> Statement:
    return db.get_or_404(Statement, statement_id)


# ---- editing --------------------------------------------------------------------------------------------


def _text(value: str | None, field: str, what: str, longest: int, *, required: bool = True) -> str:
    value = (value or "").strip()
    if required and not value:
        raise FrameworkError(f"Enter the {what}", field)
    if len(value) > longest:
        raise FrameworkError(f"The {what} must be {longest} characters or fewer", field)
    return value


def _known_indicators(names: Sequence[str]) -> list[str]:
    unknown = [name for name in names if name not in INDICATOR_NAMES]
    if unknown:
        raise FrameworkError(f"Choose from the figures listed (not {', '.join(unknown)})", "indicators")
    return list(dict.fromkeys(names))  # in the order given, once each


def _next_version(loaded_version: int) -> int:
    """Move the version on by one, but only from the version the editor saw.

    A single conditional UPDATE, so two admins saving from the same version cannot both succeed, on SQLite or
    PostgreSQL: the second finds the version already moved on.
    """
    moved = db.session.execute(
        update(FrameworkState)
        .where(FrameworkState.version == loaded_version)
        .values(version=FrameworkState.version + 1, updated_at=utcnow())
    )
    if moved.rowcount != 1:
        raise FrameworkChanged(current_version())
    return loaded_version + 1


def _record(action: str, summary: str, target, before: dict, after: dict, version: int, by: User | None):
    """The change kept for history and the audit event, in the caller's transaction."""
    change = FrameworkChange(version=version, changed_by=by, summary=summary, before=before, after=after)
    db.session.add(change)
    audit.record(by, action, summary, target=target, detail={"version": version, "before": before, "after": after})
    db.session.flush()
    return change


def _principle_wording(principle: Principle) -> dict:
    return {"principle": principle.number, "title": principle.title, "introduction": principle.introduction}


def _statement_wording(statement: Statement) -> dict:
    return {
        "key": statement.key,
        "text": statement.text,
        "guidance": statement.guidance,
        "indicators": list(statement.indicators or []),
        "retired": statement.retired,
    }


def _changed_words(before: dict, after: dict, names: dict[str, str]) -> str:
    changed = [words for field, words in names.items() if before[field] != after[field]]
    return " and ".join([", ".join(changed[:-1]), changed[-1]] if len(changed) > 1 else changed)


def edit_principle(
    principle: Principle, *, title: str, introduction: str, loaded_version: int, by: User | None
) -> FrameworkChange | None:
    """Reword a principle. Returns the change made, or None when nothing differs (no new version)."""
    title = _text(title, "title", "title", MAX_TITLE)
    introduction = _text(introduction, "introduction", "introduction", MAX_INTRODUCTION)
    before = _principle_wording(principle)
    after = before | {"title": title, "introduction": introduction}
    if after == before:
        return None
    version = _next_version(loaded_version)
    principle.title, principle.introduction = title, introduction
    what = _changed_words(before, after, {"title": "title", "introduction": "introduction"})
    summary = f"Edited principle {principle.number}: {what}"
    return _record("framework.principle_edited", summary, principle, before, after, version, by)


def _refuse_if_retired(statement: Statement) -> None:
    if statement.retired:
        raise FrameworkError(f"Statement {statement.key} is retired: it is kept as it was, for history", "text")


def edit_statement(
    statement: Statement,
    *,
    text: str,
    guidance: str,
    indicators: Sequence[str] | None = None,
    loaded_version: int,
    by: User | None,
) -> FrameworkChange | None:
    """Reword a statement (and, if given, the figures that bear on it). None when nothing differs."""
    _refuse_if_retired(statement)
    wording = {
        "text": _text(text, "text", "statement", MAX_TEXT),
        "guidance": _text(guidance, "guidance", "guidance", MAX_GUIDANCE, required=False),
        "indicators": _known_indicators(statement.indicators if indicators is None else indicators),
    }
    before = _statement_wording(statement)
    after = before | wording
    if after == before:
        return None
    version = _next_version(loaded_version)
    for field, value in wording.items():
        setattr(statement, field, value)
    what = _changed_words(before, after, {"text": "wording", "guidance": "guidance", "indicators": "figures"})
    summary = f"Edited statement {statement.key}: {what}"
    return _record("framework.statement_edited", summary, statement, before, after, version, by)


def add_statement(
    principle: Principle,
    *,
    text: str,
    guidance: str,
    indicators: Sequence[str] = (),
    loaded_version: int,
    by: User | None,
) -> Statement:
    """Add a statement at the end of a principle. Numbers are never reused, so retired keys stay unambiguous."""
    wording = {
        "text": _text(text, "text", "statement", MAX_TEXT),
        "guidance": _text(guidance, "guidance", "guidance", MAX_GUIDANCE, required=False),
        "indicators": _known_indicators(indicators),
    }
    version = _next_version(loaded_version)
    statement = Statement(principle=principle, number=_next_statement_number(principle), retired=False, **wording)
    db.session.add(statement)
    db.session.flush()
    after = {"key": statement.key, **wording, "retired": False}
    summary = f"Added statement {statement.key} to principle {principle.number}"
    _record("framework.statement_added", summary, statement, {}, after, version, by)
    return statement


def _next_statement_number(principle: Principle) -> int:
    highest = db.session.scalar(select(func.max(Statement.number)).where(Statement.principle_id == principle.id))
    return (highest or 0) + 1


def retire_statement(statement: Statement, *, loaded_version: int, by: User | None) -> FrameworkChange:
    """Stop using a statement in new assessments. It is kept, because past assessments point at it."""
    _refuse_if_retired(statement)
    still_active = db.session.scalar(
        select(func.count())
        .select_from(Statement)
        .where(Statement.principle_id == statement.principle_id, Statement.retired.is_(False))
    )
    if still_active <= 1:
        raise FrameworkError("A principle needs at least one statement: add another before retiring this one")
    before = _statement_wording(statement)
    version = _next_version(loaded_version)
    statement.retired = True
    summary = f"Retired statement {statement.key}"
    return _record("framework.statement_retired", summary, statement, before, before | {"retired": True}, version, by)
