"""Enqueue mail, and read the outbox for the officers' view."""

from collections.abc import Iterable, Mapping
from typing import Any

from flask import render_template
from sqlalchemy import func, insert, select

from portal.extensions import db
from portal.outbox.models import MessageStatus, OutboxMessage


def render_email(template: str, context: Mapping[str, Any]) -> tuple[str, str]:
    """The plain-text and HTML bodies of `templates/emails/<template>.{txt,html}`."""
    return (
        render_template(f"emails/{template}.txt", **context),
        render_template(f"emails/{template}.html", **context),
    )


def _refuse_line_breaks(*values: str) -> None:
    # A line break in a header would let text from a form add headers or recipients of its own.
    if any("\r" in value or "\n" in value for value in values):
        raise ValueError("email addresses, subjects and headers must be on one line")


def enqueue_email(
    to_address: str,
    subject: str,
    template: str,
    context: Mapping[str, Any] | None = None,
    *,
    headers: Mapping[str, str] | None = None,
    group_key: str | None = None,
) -> OutboxMessage:
    """Add one message to the outbox in the caller's transaction; it leaves only if that transaction commits.

    Raises ValueError when the address, subject or a header holds a line break (header injection).
    """
    _refuse_line_breaks(to_address, subject, *(headers or {}).keys(), *(headers or {}).values())
    body_text, body_html = render_email(template, context or {})
    message = OutboxMessage(
        to_address=to_address,
        subject=subject,
        body_text=body_text,
        body_html=body_html,
        headers=dict(headers or {}),
        group_key=group_key,
    )
    db.session.add(message)
    db.session.flush()
    return message


def enqueue_many(rows: Iterable[Mapping[str, Any]]) -> int:
    """Add many pre-rendered messages in one statement; each row has the OutboxMessage columns to set."""
    rows = [{"headers": {}, "group_key": None, **row} for row in rows]
    for row in rows:
        _refuse_line_breaks(row["to_address"], row["subject"], *row["headers"].keys(), *row["headers"].values())
    if rows:
        db.session.execute(insert(OutboxMessage), rows)
    return len(rows)


def status_counts(group_key: str | None = None) -> dict[str, int]:
    """How many messages are in each status, for the whole outbox or one group."""
    query = select(OutboxMessage.status, func.count()).group_by(OutboxMessage.status)
    if group_key is not None:
        query = query.where(OutboxMessage.group_key == group_key)
    counts = {status.value: 0 for status in MessageStatus}
    counts.update(dict(db.session.execute(query).all()))
    return counts


def recent_messages(status: str | None = None, limit: int = 100) -> list[OutboxMessage]:
    """The newest messages, all or those in one status, for the officers' view."""
    query = select(OutboxMessage).order_by(OutboxMessage.id.desc()).limit(limit)
    if status:
        query = query.where(OutboxMessage.status == status)
    return list(db.session.scalars(query))
