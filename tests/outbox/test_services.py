"""Enqueueing: rendered from the email templates, and part of the caller's transaction."""

from types import SimpleNamespace

import pytest
from sqlalchemy import func, select

from portal.extensions import db
from portal.outbox.models import MessageStatus, OutboxMessage
from portal.outbox.services import enqueue_email, status_counts
from portal.outbox.worker import drain

INVITATION_LINK = "http://localhost/invitation/token-123"


def _enqueue_invitation(to_address: str = "sian@council.example", name: str = "Siân O'Brien & Co", **options):
    context = {"user": SimpleNamespace(name=name), "link": INVITATION_LINK, "valid_days": 7}
    return enqueue_email(to_address, "You have been invited", "accounts/invitation", context, **options)


def _rows_seen_by_another_connection() -> int:
    """What a worker, on its own connection, could claim right now."""
    with db.engine.connect() as other:
        return other.scalar(select(func.count()).select_from(OutboxMessage))


def test_enqueue_renders_both_invitation_templates(app_context):
    message = _enqueue_invitation(headers={"List-Unsubscribe": "<mailto:leave@council.example>"}, group_key="invite:1")

    assert "Dear Siân O'Brien & Co," in message.body_text
    assert INVITATION_LINK in message.body_text
    assert "for 7 days" in message.body_text
    # Only the HTML part escapes what came from the database.
    assert "Dear Siân O&#39;Brien &amp; Co," in message.body_html
    assert f'<a href="{INVITATION_LINK}"' in message.body_html
    assert "<title>You have been invited to Councillor Support Hub</title>" in message.body_html
    assert message.headers == {"List-Unsubscribe": "<mailto:leave@council.example>"}
    assert (message.status, message.attempts, message.group_key) == (MessageStatus.PENDING, 0, "invite:1")


def test_nothing_can_be_sent_before_the_transaction_commits(app_context, mail_catcher):
    _enqueue_invitation()
    assert _rows_seen_by_another_connection() == 0

    db.session.commit()

    assert _rows_seen_by_another_connection() == 1
    assert drain().sent == 1
    assert [message["To"] for message in mail_catcher.wait_for(1)] == ["sian@council.example"]


def test_a_rolled_back_transaction_leaves_no_message(app_context, mail_catcher):
    _enqueue_invitation()
    db.session.rollback()

    assert _rows_seen_by_another_connection() == 0
    assert drain().sent == 0
    assert mail_catcher.messages == []


# A list walked inside one test rather than pytest.mark.parametrize: mixing that with the session-scoped
# backend parameter makes pytest set the PostgreSQL database up twice (see the report on tests/conftest.py).
INJECTION_ATTEMPTS = [
    ("sian@council.example", "Hello\r\nBcc: everyone@example.com", {}),
    ("sian@council.example\nBcc: everyone@example.com", "Hello", {}),
    ("sian@council.example", "Hello", {"List-Unsubscribe": "<mailto:x@example.com>\nBcc: everyone@example.com"}),
]


def test_enqueue_refuses_header_injection(app_context):
    for to_address, subject, headers in INJECTION_ATTEMPTS:
        with pytest.raises(ValueError, match="one line"):
            enqueue_email(
                to_address, subject, "accounts/invitation", {"user": SimpleNamespace(name="x")}, headers=headers
            )
    assert db.session.scalar(select(func.count()).select_from(OutboxMessage)) == 0


def test_status_counts_cover_every_status_and_filter_by_group(app_context):
    _enqueue_invitation(group_key="newsletter:1")
    _enqueue_invitation(group_key="newsletter:1").status = MessageStatus.FAILED
    _enqueue_invitation(group_key="newsletter:2")
    db.session.flush()

    assert status_counts() == {"pending": 2, "sending": 0, "sent": 0, "failed": 1}
    assert status_counts("newsletter:1") == {"pending": 1, "sending": 0, "sent": 0, "failed": 1}
