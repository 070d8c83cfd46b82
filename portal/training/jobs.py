"""Training reminders: each member hears once about each course that is due soon or has expired.

A reminder is remembered by (member, course, due date). A refresher taken later moves the due date on, so
the member may be reminded again when that new date comes near; the same due date never twice.
"""

from datetime import date, datetime

from sqlalchemy import insert, select

from portal.accounts.models import User
from portal.accounts.services import absolute_url
from portal.common.time import COUNCIL_TZ
from portal.extensions import db
from portal.jobs.registry import register
from portal.outbox.services import enqueue_many, render_email
from portal.training import services
from portal.training.models import ReminderSent
from portal.training.services import RecordLine
from portal.training.status import Status

REMINDED = (Status.EXPIRED, Status.DUE_SOON)


def _council_today() -> date:
    return datetime.now(COUNCIL_TZ).date()


def _already_sent(member_ids: list[int]) -> set[tuple[int, int, date]]:
    query = select(ReminderSent.user_id, ReminderSent.course_id, ReminderSent.due_on).where(
        ReminderSent.user_id.in_(member_ids)
    )
    return set(db.session.execute(query).tuples())


def courses_to_remind(members: list[User], today: date) -> dict[int, list[RecordLine]]:
    """Member id → the courses due soon or expired that nobody has reminded them of yet, in a few queries."""
    window, course_list = services.due_soon_days(), services.courses()
    member_ids = [member.id for member in members]
    latest = services.latest_completions(member_ids, on=today)
    sent = _already_sent(member_ids)
    due = {}
    for member in members:
        lines = []
        for course in course_list:
            standing = services.standing_of(member, course, latest.get((member.id, course.id)), today, window)
            if standing.status in REMINDED and (member.id, course.id, standing.due_on) not in sent:
                lines.append(RecordLine(course, standing))
        if lines:
            due[member.id] = sorted(
                lines, key=lambda line: (REMINDED.index(line.standing.status), line.standing.due_on)
            )
    return due


def _links() -> dict[str, str]:
    return {"link": absolute_url("training.my_training"), "profile_link": absolute_url("accounts.profile")}


def _message(member: User, lines: list[RecordLine], links: dict[str, str], today: date) -> dict:
    body_text, body_html = render_email("training/reminder", {"member": member, "lines": lines, **links})
    count = len(lines)
    return {
        "to_address": member.email,
        "subject": f"Training reminder: {count} course{'s' if count != 1 else ''} to renew",
        "body_text": body_text,
        "body_html": body_html,
        "group_key": f"training-reminders-{today.isoformat()}",
    }


@register("training.reminders", "day", "Email members the training that is due soon or has expired, once per expiry")
def send_training_reminders(today: date | None = None) -> int:
    """Enqueue one email per member who wants reminders and has courses to renew; returns how many.

    The emails and the record of what was reminded are written in the caller's transaction, so a run that
    fails sends nothing and a run that commits is never repeated for the same course and due date.
    """
    today = today or _council_today()
    members = [member for member in services.current_members() if member.wants_reminders]
    due = courses_to_remind(members, today)
    links = _links()
    messages, reminded = [], []
    for member in members:
        if lines := due.get(member.id):
            messages.append(_message(member, lines, links, today))
            reminded += [
                {"user_id": member.id, "course_id": line.course.id, "due_on": line.standing.due_on} for line in lines
            ]
    enqueue_many(messages)
    if reminded:
        db.session.execute(insert(ReminderSent), reminded)
    return len(messages)
