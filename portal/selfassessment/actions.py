"""Actions on a statement (what, owner, due date, status) and the forward plan that gathers them all.

Several officers may edit the same action: each form carries the revision it was read at, and a save made from
an out-of-date form is refused with the current values rather than overwriting the other officer's change.
"""

from dataclasses import dataclass
from datetime import date, datetime

from flask import abort
from sqlalchemy import select
from sqlalchemy.orm import contains_eager, joinedload
from sqlalchemy.orm.exc import StaleDataError

from portal.accounts import audit
from portal.accounts.models import Role, User, UserRole
from portal.common.time import COUNCIL_TZ
from portal.extensions import db
from portal.selfassessment.assessments import refuse_if_finalised
from portal.selfassessment.models import Action, ActionStatus, AssessedStatement, Assessment, AssessmentStatus

MAX_WHAT_LENGTH = 1000
OWNER_ROLES = (Role.OFFICER, Role.ADMIN, Role.CHAMPION, Role.COUNCILLOR)


class ActionError(Exception):
    """A change to an action that is refused; `field` names the form field it concerns, if any."""

    def __init__(self, message: str, field: str | None = None):
        super().__init__(message)
        self.field = field


class StaleAction(ActionError):
    """Someone saved the action after this form was read; `action` now holds the current values."""

    def __init__(self, action: Action):
        super().__init__("Someone else changed this action while you were editing it", field="what")
        self.action = action


@dataclass(frozen=True)
class ActionInput:
    what: str
    owner_id: int | None
    due_on: date | None
    status: ActionStatus


def council_today() -> date:
    """Today in the council's time zone: an action due today is not overdue until tomorrow in London."""
    return datetime.now(COUNCIL_TZ).date()


def is_overdue(action: Action, today: date | None = None) -> bool:
    """Due before today and not done."""
    today = today or council_today()
    return action.due_on is not None and action.due_on < today and action.status != ActionStatus.DONE


# ---- look-ups ---------------------------------------------------------------------------------------------


def get_action_or_404(assessment: Assessment, action_id: int) -> Action:
    """The action, only if it is on a statement of `assessment`."""
    action = db.session.get(Action, action_id)
    if action is None or action.statement.assessment_id != assessment.id:
        abort(404)
    return action


def _may_own(user: User | None) -> bool:
    return user is not None and user.active and user.has_role(*OWNER_ROLES)


def possible_owners(including: User | None = None) -> list[User]:
    """Active people with a role, by name; plus the current owner (`including`) even if they have since left."""
    with_role = select(UserRole.user_id).where(UserRole.role.in_([role.value for role in OWNER_ROLES]))
    query = select(User).where(User.id.in_(with_role), User.active.is_(True)).order_by(User.name, User.id)
    owners = list(db.session.scalars(query))
    if including is not None and including not in owners:
        owners.append(including)
    return owners


# ---- changes ----------------------------------------------------------------------------------------------


def _check_owner(owner_id: int | None, current_owner_id: int | None = None) -> None:
    # Keeping a former member as owner is allowed; choosing one anew is not.
    if owner_id is None or owner_id == current_owner_id:
        return
    if not _may_own(db.session.get(User, owner_id)):
        raise ActionError("Choose an owner from the list", field="owner")


def _apply(action: Action, data: ActionInput) -> dict:
    """Set the fields; returns what changed, as {field: [before, after]} for the audit log."""
    changes = {}
    for name, value in (("what", data.what), ("owner_id", data.owner_id), ("due_on", data.due_on)):
        if getattr(action, name) != value:
            changes[name] = [_plain(getattr(action, name)), _plain(value)]
            setattr(action, name, value)
    if action.status != data.status.value:
        changes["status"] = [action.status, data.status.value]
        action.status = data.status.value
    return changes


def _plain(value):
    return value.isoformat() if isinstance(value, date) else value


def _validate(data: ActionInput) -> None:
    if not data.what.strip():
        raise ActionError("Enter what will be done", field="what")
    if len(data.what) > MAX_WHAT_LENGTH:
        raise ActionError(f"Keep what will be done to {MAX_WHAT_LENGTH:,} characters or fewer", field="what")


def add_action(statement: AssessedStatement, data: ActionInput, *, by: User) -> Action:
    """A new action on the statement. Raises AssessmentFinalised on a finalised assessment, ActionError on bad input."""
    refuse_if_finalised(statement.assessment)
    _validate(data)
    _check_owner(data.owner_id)
    action = Action(statement=statement, what=data.what, status=data.status.value)
    _apply(action, data)
    db.session.add(action)
    db.session.flush()
    audit.record(
        by,
        "selfassessment.action_added",
        f"Added an action to statement {statement.key}",
        target=action,
        detail={"assessment_id": statement.assessment_id, "statement_id": statement.id},
    )
    return action


def update_action(action: Action, data: ActionInput, *, revision: int, by: User) -> Action:
    """Save changes made on a form read at `revision`.

    Raises StaleAction (with the action refreshed to its current values) when someone saved it since,
    AssessmentFinalised on a finalised assessment, ActionError on bad input.
    """
    refuse_if_finalised(action.statement.assessment)
    _validate(data)
    _check_owner(data.owner_id, current_owner_id=action.owner_id)
    if revision != action.revision:
        raise StaleAction(action)
    try:
        with db.session.begin_nested():
            changes = _apply(action, data)
            db.session.flush()  # the UPDATE names the revision read, so a save in between matches no row
    except StaleDataError:
        db.session.refresh(action)
        raise StaleAction(action) from None
    if changes:
        audit.record(
            by,
            "selfassessment.action_changed",
            f"Changed an action on statement {action.statement.key}",
            target=action,
            detail={"changes": changes},
        )
    return action


def delete_action(action: Action, *, by: User) -> None:
    """Remove the action. Raises AssessmentFinalised on a finalised assessment."""
    statement = action.statement
    refuse_if_finalised(statement.assessment)
    audit.record(
        by,
        "selfassessment.action_deleted",
        f"Deleted an action on statement {statement.key}",
        target=action,
        detail={"what": action.what, "statement_id": statement.id},
    )
    db.session.delete(action)
    db.session.flush()


# ---- the forward plan -------------------------------------------------------------------------------------

PLAN_ORDERS = ("due", "owner")


@dataclass(frozen=True)
class PlanFilters:
    assessment_id: int | None = None  # None: every draft assessment
    owner_id: int | None = None
    no_owner: bool = False  # only actions nobody owns yet
    status: ActionStatus | None = None
    overdue_only: bool = False
    order: str = "due"


@dataclass(frozen=True)
class PlanRow:
    action: Action
    statement: AssessedStatement
    assessment: Assessment
    owner_name: str | None
    overdue: bool


def _due_key(row: PlanRow) -> tuple:
    return (row.action.due_on is None, row.action.due_on or date.min)


def _owner_key(row: PlanRow) -> tuple:
    return (row.owner_name is None, (row.owner_name or "").casefold())


def _statement_key(row: PlanRow) -> tuple:
    return (row.assessment.id, row.statement.principle_number, row.statement.statement_number, row.action.id)


def forward_plan(filters: PlanFilters, today: date | None = None) -> list[PlanRow]:
    """Every action that matches, by due date (undated last) or grouped by owner (no owner last)."""
    today = today or council_today()
    query = (
        select(Action)
        .join(Action.statement)
        .join(AssessedStatement.assessment)
        .options(
            contains_eager(Action.statement).contains_eager(AssessedStatement.assessment), joinedload(Action.owner)
        )
    )
    if filters.assessment_id is not None:
        query = query.where(Assessment.id == filters.assessment_id)
    else:
        query = query.where(Assessment.status == AssessmentStatus.DRAFT)
    if filters.owner_id is not None:
        query = query.where(Action.owner_id == filters.owner_id)
    elif filters.no_owner:
        query = query.where(Action.owner_id.is_(None))
    if filters.status is not None:
        query = query.where(Action.status == filters.status.value)
    if filters.overdue_only:
        query = query.where(Action.due_on < today, Action.status != ActionStatus.DONE)
    rows = [
        PlanRow(
            action,
            action.statement,
            action.statement.assessment,
            action.owner and action.owner.name,
            is_overdue(action, today),
        )
        for action in db.session.scalars(query).unique()
    ]
    if filters.order == "owner":
        return sorted(rows, key=lambda row: (_owner_key(row), _due_key(row), _statement_key(row)))
    return sorted(rows, key=lambda row: (_due_key(row), _owner_key(row), _statement_key(row)))


def plan_owners() -> list[User]:
    """Everyone who owns an action, for the owner filter (a former member may still own one)."""
    owner_ids = select(Action.owner_id).where(Action.owner_id.is_not(None)).distinct()
    return list(db.session.scalars(select(User).where(User.id.in_(owner_ids)).order_by(User.name, User.id)))


def assessments_newest_first() -> list[Assessment]:
    return list(db.session.scalars(select(Assessment).order_by(Assessment.created_at.desc(), Assessment.id.desc())))
