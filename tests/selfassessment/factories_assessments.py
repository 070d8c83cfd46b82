"""Helpers for the assessment tests (part B): start an assessment, score it, read what is stored."""

from datetime import date

from sqlalchemy import select

from portal.accounts.models import AuditEvent
from portal.extensions import db
from portal.selfassessment import assessments
from portal.selfassessment.models import Action, ActionStatus, AssessedStatement, Assessment, AttachedEvidence


def start(by, title: str = "2026/27", copy_from: Assessment | None = None) -> Assessment:
    assessment = assessments.start_assessment(title, copy_from, by=by)
    db.session.commit()
    return assessment


def score_all(assessment: Assessment, score: int = 1) -> None:
    for statement in assessment.statements:
        statement.score = score
    db.session.commit()


def statement(assessment: Assessment, key: str) -> AssessedStatement:
    return next(statement for statement in assessment.statements if statement.key == key)


def add_action(statement: AssessedStatement, what: str, status: ActionStatus, owner=None) -> Action:
    action = Action(what=what, status=status, owner_id=owner.id if owner else None, due_on=date(2027, 3, 31))
    statement.actions.append(action)
    db.session.commit()
    return action


def attach_figure(statement: AssessedStatement, label: str = "Members trained") -> AttachedEvidence:
    figure = AttachedEvidence(
        indicator="training.coverage", label=label, value="80%", source="Training records", as_of=date(2026, 5, 1)
    )
    statement.gathered.append(figure)
    db.session.commit()
    return figure


def stored(statement_id: int) -> AssessedStatement:
    """The statement as the database holds it now, not as this session last saw it."""
    db.session.expire_all()
    return db.session.get(AssessedStatement, statement_id)


def audit_actions() -> list[str]:
    return list(db.session.scalars(select(AuditEvent.action).order_by(AuditEvent.id)))
