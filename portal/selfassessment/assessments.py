"""Assessment cycles: start one (optionally carrying the last one forward), score statements, finalise.

Starting an assessment copies the wording of every active framework statement, so later edits to the framework
never change what it recorded. Officers work on an assessment side by side: each saved statement carries a
revision, and a save made from an out-of-date page is refused with the other officer's version, never written
over it. A finalised assessment is read-only.
"""

from dataclasses import dataclass
from datetime import datetime

from flask import abort
from sqlalchemy import select
from sqlalchemy.orm.exc import StaleDataError

from portal.accounts import audit
from portal.accounts.models import User
from portal.common.time import utcnow
from portal.extensions import db
from portal.selfassessment import framework
from portal.selfassessment.models import (
    Action,
    ActionStatus,
    AssessedStatement,
    Assessment,
    AssessmentStatus,
    Score,
    Statement,
)

MAX_TITLE_LENGTH = 100
MAX_EVIDENCE_LENGTH = 20_000
MAX_LINK_LENGTH = 500
MAX_LINKS = 50


class AssessmentError(ValueError):
    """A change refused, with the form field it concerns (None when it concerns the whole page)."""

    def __init__(self, message: str, field: str | None = None):
        super().__init__(message)
        self.field = field


class AssessmentFinalised(AssessmentError):
    """Any change to a finalised assessment: its record is closed."""


class NotReadyToFinalise(AssessmentError):
    """Finalising with statements still unscored; `unscored` lists them."""

    def __init__(self, unscored: list[AssessedStatement]):
        super().__init__(f"Score every statement before finalising: {len(unscored)} not scored yet")
        self.unscored = unscored


@dataclass(frozen=True)
class StatementInput:
    score: int | None
    evidence: str
    links: list[str]


@dataclass(frozen=True)
class SavedVersion:
    """A statement as another officer saved it, shown beside what this officer typed."""

    score: int | None
    evidence: str
    links: list[str]
    revision: int
    updated_by: str | None
    updated_at: datetime | None

    @property
    def score_label(self) -> str:
        return f"{self.score}: {Score(self.score).label}" if self.score is not None else "Not scored yet"


class StatementConflict(Exception):
    """Someone saved the statement since this officer opened it; `current` is what they saved."""

    def __init__(self, current: SavedVersion):
        super().__init__("Someone else saved this statement since you opened it")
        self.current = current


# ---- reading ---------------------------------------------------------------------------------------------


def assessments() -> list[Assessment]:
    """Every assessment, newest first."""
    return list(db.session.scalars(select(Assessment).order_by(Assessment.created_at.desc(), Assessment.id.desc())))


def get_assessment_or_404(assessment_id: int) -> Assessment:
    return db.session.get(Assessment, assessment_id) or abort(404)


def get_statement_or_404(assessment: Assessment, statement_id: int) -> AssessedStatement:
    """One of `assessment`'s statements; 404 for a statement of another assessment too."""
    statement = db.session.get(AssessedStatement, statement_id)
    if statement is None or statement.assessment_id != assessment.id:
        abort(404)
    return statement


def unscored(assessment: Assessment) -> list[AssessedStatement]:
    return [statement for statement in assessment.statements if statement.score is None]


def saved_version(statement: AssessedStatement) -> SavedVersion:
    return SavedVersion(
        score=statement.score,
        evidence=statement.evidence or "",
        links=list(statement.links or []),
        revision=statement.revision,
        updated_by=statement.updated_by.name if statement.updated_by else None,
        updated_at=statement.updated_at,
    )


def refuse_if_finalised(assessment: Assessment) -> None:
    """Every change to an assessment calls this first: a finalised one is read-only."""
    if assessment.finalised:
        raise AssessmentFinalised(f"{assessment.title} is finalised, so it can no longer be changed")


# ---- starting --------------------------------------------------------------------------------------------


def check_title(title: str) -> str:
    title = (title or "").strip()
    if not title:
        raise AssessmentError("Enter a title, for example 2026/27", "title")
    if len(title) > MAX_TITLE_LENGTH:
        raise AssessmentError(f"Keep the title to {MAX_TITLE_LENGTH} characters or fewer", "title")
    if db.session.scalar(select(Assessment.id).where(Assessment.title == title)):
        raise AssessmentError(f"There is already an assessment called {title}: choose another title", "title")
    return title


def _copy_of_wording(statement: Statement) -> AssessedStatement:
    return AssessedStatement(
        statement_id=statement.id,
        principle_number=statement.principle.number,
        principle_title=statement.principle.title,
        statement_number=statement.number,
        text=statement.text,
        guidance=statement.guidance,
        indicators=list(statement.indicators or []),
    )


def start_assessment(title: str, copy_from: Assessment | None, by: User) -> Assessment:
    """A new draft with the framework's current wording; optionally carrying forward `copy_from`.

    Carried forward: each matching statement's score, written evidence, links and unfinished actions.
    Attached evidence is not: it was frozen on its day and belongs to that assessment.
    """
    title = check_title(title)
    assessment = Assessment(
        title=title,
        status=AssessmentStatus.DRAFT,
        framework_version=framework.current_version(),
        copied_from_id=copy_from.id if copy_from else None,
        created_by_id=by.id,
        statements=[_copy_of_wording(statement) for statement in framework.active_statements()],
    )
    db.session.add(assessment)
    if copy_from is not None:
        _carry_forward(copy_from, assessment)
    db.session.flush()
    copied = f", carried forward from {copy_from.title}" if copy_from else ""
    audit.record(
        by,
        "assessment.started",
        f"Started the self-assessment {title}{copied}",
        target=assessment,
        detail={"framework_version": assessment.framework_version, "copied_from": assessment.copied_from_id},
    )
    return assessment


def _carry_forward(previous: Assessment, assessment: Assessment) -> None:
    """Match statements by framework statement; by principle and statement number when that is gone."""
    by_statement = {old.statement_id: old for old in previous.statements if old.statement_id is not None}
    by_key = {old.key: old for old in previous.statements if old.statement_id is None}
    for new in assessment.statements:
        old = by_statement.get(new.statement_id) or by_key.get(new.key)
        if old is None:
            continue
        new.score, new.evidence, new.links = old.score, old.evidence, list(old.links or [])
        new.actions = [
            Action(
                what=action.what,
                owner_id=action.owner_id,
                due_on=action.due_on,
                status=action.status,
                reminded_for_due_on=action.reminded_for_due_on,  # already reminded for that date: not twice
            )
            for action in old.actions
            if action.status != ActionStatus.DONE
        ]


# ---- scoring ---------------------------------------------------------------------------------------------


def parse_links(text: str) -> list[str]:
    """One web address per line; blank lines dropped, each kept once."""
    links: list[str] = []
    for line in (text or "").splitlines():
        link = line.strip()
        if link and link not in links:
            links.append(link)
    return links


def _check_input(data: StatementInput) -> None:
    if data.score is not None and data.score not in {score.value for score in Score}:
        raise AssessmentError("Choose a score from the scale", "score")
    if len(data.evidence) > MAX_EVIDENCE_LENGTH:
        raise AssessmentError(f"Keep the evidence to {MAX_EVIDENCE_LENGTH:,} characters or fewer", "evidence")
    if len(data.links) > MAX_LINKS:
        raise AssessmentError(f"Give at most {MAX_LINKS} links", "links")
    for link in data.links:
        if not link.lower().startswith(("https://", "http://")) or len(link) > MAX_LINK_LENGTH:
            raise AssessmentError(f"Each link must be a web address starting with https:// or http://: {link}", "links")


def save_statement(statement: AssessedStatement, data: StatementInput, expected_revision: int, by: User) -> None:
    """Save the score, evidence and links, unless someone saved the statement since `expected_revision`.

    Raises StatementConflict with their version instead of overwriting it. The check is made twice: against
    the revision loaded in this request, and by the database itself when the update is written (the version
    counter in its WHERE clause), which catches two saves that pass the first check at the same moment.
    """
    refuse_if_finalised(statement.assessment)
    _check_input(data)
    if statement.revision != expected_revision:
        raise StatementConflict(saved_version(statement))
    before, by_id = saved_version(statement), by.id  # read first: loading them must not flush half a change
    try:
        with db.session.begin_nested(), db.session.no_autoflush:
            statement.score, statement.evidence, statement.links = data.score, data.evidence, list(data.links)
            statement.updated_by_id, statement.updated_at = by_id, utcnow()
            db.session.flush()
    except StaleDataError:
        db.session.refresh(statement)  # what the other officer committed
        raise StatementConflict(saved_version(statement)) from None
    audit.record(
        by,
        "assessment.statement_saved",
        f"Saved statement {statement.key} of {statement.assessment.title}",
        target=statement,
        detail={"score": [before.score, data.score], "revision": statement.revision},
    )


# ---- finalising ------------------------------------------------------------------------------------------


def finalise(assessment: Assessment, by: User) -> None:
    """Close the record: every statement must be scored; afterwards nothing in it changes."""
    refuse_if_finalised(assessment)
    missing = unscored(assessment)
    if missing:
        raise NotReadyToFinalise(missing)
    assessment.status = AssessmentStatus.FINALISED
    assessment.finalised_at, assessment.finalised_by_id = utcnow(), by.id
    db.session.flush()
    audit.record(by, "assessment.finalised", f"Finalised the self-assessment {assessment.title}", target=assessment)
