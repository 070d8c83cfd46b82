"""Actions on a statement through the service functions, on both databases."""

from datetime import date

import pytest
from sqlalchemy import func, select, update
from werkzeug.exceptions import NotFound

from portal.accounts.models import AuditEvent, Role
from portal.extensions import db
from portal.selfassessment import actions
from portal.selfassessment.actions import ActionError, ActionInput, StaleAction
from portal.selfassessment.assessments import AssessmentFinalised
from portal.selfassessment.models import Action, ActionStatus
from tests.selfassessment.factories_d import days_ago, make_action, make_assessment, statement_of


def typed(what="Publish where to get support", owner_id=None, due_on=None, status=ActionStatus.NOT_STARTED):
    return ActionInput(what=what, owner_id=owner_id, due_on=due_on, status=status)


def audit_actions() -> list[str]:
    return list(db.session.scalars(select(AuditEvent.action).order_by(AuditEvent.id)))


@pytest.fixture
def officer(make_user):
    return make_user(Role.OFFICER, name="Olu Officer")


@pytest.fixture
def statement(app_context):
    return statement_of(make_assessment(), "1.2")


def test_an_action_is_added_with_its_owner_due_date_and_status(statement, officer, make_user):
    owner = make_user(Role.CHAMPION, name="Cara Champion")
    action = actions.add_action(
        statement, typed(owner_id=owner.id, due_on=date(2027, 3, 31), status=ActionStatus.IN_PROGRESS), by=officer
    )
    db.session.commit()

    saved = db.session.get(Action, action.id)
    assert (saved.what, saved.owner, saved.due_on, saved.status) == (
        "Publish where to get support",
        owner,
        date(2027, 3, 31),
        "in_progress",
    )
    assert saved.statement == statement
    assert audit_actions() == ["selfassessment.action_added"]


@pytest.mark.parametrize(
    ("what", "message"),
    [("   ", "Enter what will be done"), ("x" * 1001, "Keep what will be done to 1,000 characters or fewer")],
)
def test_what_is_required_and_limited(statement, officer, what, message):
    with pytest.raises(ActionError, match=message) as refusal:
        actions.add_action(statement, typed(what=what), by=officer)
    assert refusal.value.field == "what"
    assert db.session.scalar(select(func.count()).select_from(Action)) == 0


def test_a_thousand_characters_is_allowed(statement, officer):
    assert actions.add_action(statement, typed(what="x" * 1000), by=officer).what == "x" * 1000


def test_the_owner_must_be_an_active_person_with_a_role(statement, officer, make_user):
    gone = make_user(Role.OFFICER, active=False)
    no_role = make_user(Role.COUNCILLOR)
    no_role.role_rows.clear()
    db.session.commit()
    for owner_id in (gone.id, no_role.id, 999_999):
        with pytest.raises(ActionError, match="Choose an owner from the list"):
            actions.add_action(statement, typed(owner_id=owner_id), by=officer)


def test_possible_owners_are_active_people_by_name_plus_a_former_current_owner(app_context, make_user):
    zed = make_user(Role.COUNCILLOR, name="Zed Member")
    amy = make_user(Role.ADMIN, name="Amy Admin")
    gone = make_user(Role.OFFICER, name="Gone Officer", active=False)
    assert actions.possible_owners() == [amy, zed]
    assert actions.possible_owners(including=gone) == [amy, zed, gone]


def test_a_former_member_may_stay_owner_when_other_fields_change(statement, officer, make_user):
    owner = make_user(Role.OFFICER)
    action = make_action(statement, owner=owner)
    owner.active = False
    db.session.commit()

    actions.update_action(action, typed(what="Changed", owner_id=owner.id), revision=action.revision, by=officer)
    assert (action.what, action.owner) == ("Changed", owner)


def test_an_update_records_what_changed_and_raises_the_revision(statement, officer):
    action = make_action(statement, "Old words", due_on=date(2027, 1, 10))
    first = action.revision

    actions.update_action(
        action, typed(what="New words", due_on=date(2027, 2, 1), status=ActionStatus.DONE), revision=first, by=officer
    )
    db.session.commit()

    assert action.revision == first + 1
    event = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "selfassessment.action_changed")).one()
    assert event.detail["changes"] == {
        "what": ["Old words", "New words"],
        "due_on": ["2027-01-10", "2027-02-01"],
        "status": ["not_started", "done"],
    }


def test_a_save_from_an_out_of_date_form_is_refused_with_the_current_values(statement, officer):
    action = make_action(statement, "First words")
    read_at = action.revision
    actions.update_action(action, typed(what="Another officer's words"), revision=read_at, by=officer)
    db.session.commit()

    with pytest.raises(StaleAction) as stale:
        actions.update_action(action, typed(what="My words"), revision=read_at, by=officer)
    assert stale.value.action.what == "Another officer's words"
    db.session.commit()
    assert db.session.get(Action, action.id).what == "Another officer's words"


def test_a_save_that_races_another_in_the_database_is_refused(statement, officer):
    """Both forms were read at the same revision and both pass the first check; the database stops the second."""
    action = make_action(statement, "First words")
    read_at = action.revision
    # Another request commits between this one reading the action and writing it.
    db.session.execute(
        update(Action.__table__)
        .where(Action.__table__.c.id == action.id)
        .values(what="Their words", revision=read_at + 1)
    )

    with pytest.raises(StaleAction) as stale:
        actions.update_action(action, typed(what="My words"), revision=read_at, by=officer)
    assert (stale.value.action.what, stale.value.action.revision) == ("Their words", read_at + 1)


def test_actions_of_a_finalised_assessment_do_not_change(app_context, officer):
    statement = statement_of(make_assessment(finalised=True), "2.1")
    action = make_action(statement, "Kept on the record")

    with pytest.raises(AssessmentFinalised):
        actions.add_action(statement, typed(), by=officer)
    with pytest.raises(AssessmentFinalised):
        actions.update_action(action, typed(what="Changed"), revision=action.revision, by=officer)
    with pytest.raises(AssessmentFinalised):
        actions.delete_action(action, by=officer)
    db.session.commit()
    assert [a.what for a in db.session.scalars(select(Action))] == ["Kept on the record"]


def test_delete_removes_the_action_and_is_audited(statement, officer):
    action = make_action(statement)
    actions.delete_action(action, by=officer)
    db.session.commit()
    assert db.session.scalar(select(func.count()).select_from(Action)) == 0
    assert audit_actions() == ["selfassessment.action_deleted"]


def test_an_action_is_found_only_through_its_own_assessment(statement):
    action = make_action(statement)
    other = make_assessment("2025/26")
    assert actions.get_action_or_404(statement.assessment, action.id) == action
    with pytest.raises(NotFound):
        actions.get_action_or_404(other, action.id)


@pytest.mark.parametrize(
    ("due_on", "status", "overdue"),
    [
        (days_ago(1), ActionStatus.NOT_STARTED, True),
        (days_ago(1), ActionStatus.IN_PROGRESS, True),
        (days_ago(1), ActionStatus.DONE, False),
        (days_ago(0), ActionStatus.NOT_STARTED, False),  # due today: not overdue until tomorrow
        (None, ActionStatus.NOT_STARTED, False),
    ],
)
def test_overdue_means_due_before_today_and_not_done(due_on, status, overdue):
    assert actions.is_overdue(Action(due_on=due_on, status=status.value)) is overdue
