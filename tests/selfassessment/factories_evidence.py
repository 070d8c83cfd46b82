"""Helpers for the gathered-evidence and export tests (part C): a statement that lists chosen indicators."""

from datetime import datetime, timedelta

from sqlalchemy import select

from portal.accounts.models import AuditEvent
from portal.extensions import db
from portal.newsletters.models import Channel, IssueStatus, NewsletterIssue
from portal.selfassessment import assessments
from portal.selfassessment.models import AssessedStatement, Assessment


def assessment_by(officer, title: str = "2026/27") -> Assessment:
    assessment = assessments.start_assessment(title, None, by=officer)
    db.session.flush()
    return assessment


def statement_with(assessment: Assessment, key: str, *indicators: str) -> AssessedStatement:
    """The assessment's statement `key`, listing exactly `indicators` (whatever the shipped framework says)."""
    statement = next(statement for statement in assessment.statements if statement.key == key)
    statement.indicators = list(indicators)
    db.session.flush()
    return statement


def issue(status: IssueStatus, channel: Channel, sent_days_ago: int | None) -> NewsletterIssue:
    sent_at = datetime.now() - timedelta(days=sent_days_ago) if sent_days_ago is not None else None
    newsletter = NewsletterIssue(subject="News", status=status, channel=channel, sent_at=sent_at)
    db.session.add(newsletter)
    db.session.flush()
    return newsletter


def audit_actions() -> list[str]:
    return list(db.session.scalars(select(AuditEvent.action).order_by(AuditEvent.id)))
