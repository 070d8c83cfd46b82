"""The self-assessment's periodic jobs. Importing this module registers them.

Overdue actions: each owner gets one email listing their actions that are past due and not done, and each action
is reminded once per due date (moving the date makes it eligible again). Actions carry on after their assessment
is finalised, so those are reminded too; but an action carried forward into a later assessment is reminded there
only, not twice.
"""

from collections import defaultdict
from datetime import date

from sqlalchemy import or_, select, update
from sqlalchemy.orm import contains_eager

from portal.accounts.models import User
from portal.accounts.services import absolute_url
from portal.extensions import db
from portal.jobs.registry import register
from portal.outbox.services import enqueue_many, render_email
from portal.selfassessment.actions import council_today
from portal.selfassessment.models import Action, ActionStatus, AssessedStatement, Assessment


def overdue_to_remind(today: date) -> dict[User, list[Action]]:
    """Owner → their overdue actions not yet reminded for the current due date, earliest due first."""
    carried_forward = select(Assessment.copied_from_id).where(Assessment.copied_from_id.is_not(None))
    query = (
        select(Action)
        .join(Action.owner)
        .join(Action.statement)
        .join(AssessedStatement.assessment)
        .options(
            contains_eager(Action.owner), contains_eager(Action.statement).contains_eager(AssessedStatement.assessment)
        )
        .where(Action.status != ActionStatus.DONE, Action.due_on < today)
        .where(or_(Action.reminded_for_due_on.is_(None), Action.reminded_for_due_on != Action.due_on))
        .where(User.active.is_(True), User.email != "")
        .where(Assessment.id.not_in(carried_forward))
        .order_by(User.id, Action.due_on, Action.id)
    )
    by_owner: dict[User, list[Action]] = defaultdict(list)
    for action in db.session.scalars(query).unique():
        by_owner[action.owner].append(action)
    return dict(by_owner)


def _message(owner: User, overdue: list[Action], today: date) -> dict:
    links = {
        action.id: absolute_url(
            "selfassessment.statement", assessment_id=action.statement.assessment_id, statement_id=action.statement_id
        )
        for action in overdue
    }
    plan_link = absolute_url("selfassessment.plan", owner=owner.id, overdue="y")
    context = {"owner": owner, "actions": overdue, "links": links, "plan_link": plan_link}
    body_text, body_html = render_email("selfassessment/overdue_actions", context)
    count = len(overdue)
    return {
        "to_address": owner.email,
        "subject": f"Self-assessment: {count} overdue action{'s' if count != 1 else ''}",
        "body_text": body_text,
        "body_html": body_html,
        "group_key": f"selfassessment-overdue-{today.isoformat()}",
    }


@register(
    "selfassessment.overdue_actions", "day", "Email each owner their overdue self-assessment actions, once per due date"
)
def send_overdue_action_reminders(today: date | None = None) -> int:
    """Enqueue one email per owner with overdue actions; returns how many.

    The emails and the record of what was reminded are written in the caller's transaction, so a run that fails
    sends nothing, and a run that commits is not repeated for the same action and due date.
    """
    today = today or council_today()
    due = overdue_to_remind(today)
    enqueue_many(_message(owner, overdue, today) for owner, overdue in due.items())
    reminded = [action.id for overdue in due.values() for action in overdue]
    if reminded:
        # Through the table, not the ORM: a reminder is not an edit, so it must not make an open edit form stale.
        table = Action.__table__
        db.session.execute(update(table).where(table.c.id.in_(reminded)).values(reminded_for_due_on=table.c.due_on))
    return len(due)
