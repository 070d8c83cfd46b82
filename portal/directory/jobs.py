"""Directory review reminders: each owner hears, at most once in 30 days, which of their entries are due a check.

Entries without an owner, or whose owner's account is deactivated, are left to the officers' due-a-check list.
"""

from datetime import datetime, timedelta

from sqlalchemy import select

from portal.accounts.models import Role, User
from portal.accounts.services import absolute_url
from portal.common.time import to_local, utcnow
from portal.directory import services
from portal.directory.models import ReviewReminder, Service
from portal.extensions import db
from portal.jobs.registry import register
from portal.outbox.services import enqueue_email

REMIND_EVERY = timedelta(days=30)


@register("directory.review-reminders", "day", "Email each owner their entries due a check, at most every 30 days")
def send_review_reminders(now: datetime | None = None) -> int:
    """Enqueue one email to each active owner with entries due a check, unless they had one in the last 30 days.

    `now` is a naive UTC datetime (the job runs at the current time). Returns how many owners were emailed.
    """
    now = now or utcnow()
    reminders = {row.owner_id: row for row in db.session.scalars(select(ReviewReminder))}
    emailed = 0
    for entries in due_by_owner(now).values():
        owner = entries[0].owner
        reminder = reminders.get(owner.id)
        if reminder is not None and now - reminder.last_sent_at < REMIND_EVERY:
            continue
        _email_owner(owner, entries)
        _record_sent(owner, reminder, now)
        emailed += 1
    return emailed


def due_by_owner(now: datetime) -> dict[int, list[Service]]:
    """Entries due a check on the council's date at `now`, by owner id; only owners whose accounts are active."""
    grouped: dict[int, list[Service]] = {}
    for service in services.due_a_check(to_local(now).date()):
        if service.owner is not None and service.owner.active:
            grouped.setdefault(service.owner_id, []).append(service)
    return grouped


def _email_owner(owner: User, entries: list[Service]) -> None:
    count = len(entries)
    subject = f"{count} directory {'entry is' if count == 1 else 'entries are'} due a check"
    context = {
        "owner": owner,
        "entries": [(entry, absolute_url("directory.show_service", service_id=entry.id)) for entry in entries],
        # The list is an officers' page: a former officer who still owns entries gets no link to it.
        "due_list_link": absolute_url("directory.due_a_check") if owner.has_role(Role.OFFICER) else None,
    }
    enqueue_email(owner.email, subject, "directory/review_due", context)


def _record_sent(owner: User, reminder: ReviewReminder | None, now: datetime) -> None:
    if reminder is None:
        db.session.add(ReviewReminder(owner_id=owner.id, last_sent_at=now))
    else:
        reminder.last_sent_at = now
