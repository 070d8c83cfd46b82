"""The audit log of privileged actions: who did what, and when."""

from typing import Any

from sqlalchemy import select

from portal.accounts.models import AuditEvent, User
from portal.extensions import db


def record(
    actor: User | None,
    action: str,
    summary: str,
    *,
    target: Any = None,
    detail: dict | None = None,
) -> AuditEvent:
    """Add an audit event in the caller's transaction, so the log and the change commit together."""
    event = AuditEvent(
        actor_id=actor.id if actor is not None else None,
        action=action,
        summary=summary[:500],
        target_type=type(target).__name__ if target is not None else None,
        target_id=str(target.id) if target is not None else None,
        detail=detail or {},
    )
    db.session.add(event)
    return event


def recent_events(page: int = 1, per_page: int = 50, action: str | None = None):
    query = select(AuditEvent).order_by(AuditEvent.occurred_at.desc(), AuditEvent.id.desc())
    if action:
        query = query.where(AuditEvent.action == action)
    return db.paginate(query, page=page, per_page=per_page, error_out=False)
