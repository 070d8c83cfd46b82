"""Overdue action reminders: one email per owner, once per action and due date, read back from a real SMTP server."""

from datetime import datetime

import pytest
from sqlalchemy import select

from portal.accounts.models import Role
from portal.common.time import format_date
from portal.extensions import db
from portal.jobs.runner import run_due
from portal.outbox.worker import drain
from portal.selfassessment.jobs import send_overdue_action_reminders
from portal.selfassessment.models import Action, ActionStatus
from tests.selfassessment.factories_d import days_ago, make_action, make_assessment, statement_of


def sent_mail(mail_catcher, expected: int):
    db.session.commit()
    drain()
    return mail_catcher.wait_for(expected, timeout=5)


def text_of(message) -> str:
    return message.get_body(preferencelist=("plain",)).get_content()


def html_of(message) -> str:
    return message.get_body(preferencelist=("html",)).get_content()


@pytest.fixture
def draft(app_context):
    return make_assessment("2026/27", created_at=datetime(2026, 5, 1))


@pytest.fixture
def owners(make_user):
    return {
        "ruth": make_user(Role.OFFICER, name="Ruth Lindqvist", email="ruth@council.example"),
        "sam": make_user(Role.COUNCILLOR, name="Sam Okafor", email="sam@council.example"),
    }


def test_each_owner_gets_one_email_listing_their_overdue_actions(draft, owners, mail_catcher):
    ruth, sam = owners["ruth"], owners["sam"]
    first = make_action(statement_of(draft, "1.2"), "Publish the support page", owner=ruth, due_on=days_ago(3))
    make_action(statement_of(draft, "4.1"), "Name a police contact", owner=ruth, due_on=days_ago(40))
    make_action(statement_of(draft, "2.2"), "Review the risk log", owner=sam, due_on=days_ago(1))
    make_action(statement_of(draft, "2.3"), "Done already", owner=sam, due_on=days_ago(5), status=ActionStatus.DONE)
    make_action(statement_of(draft, "2.4"), "Due today", owner=sam, due_on=days_ago(0))
    make_action(statement_of(draft, "2.5"), "Nobody owns this", due_on=days_ago(5))

    assert send_overdue_action_reminders() == 2
    messages = sent_mail(mail_catcher, 2)

    assert sorted(str(m["To"]) for m in messages) == ["ruth@council.example", "sam@council.example"]
    to_ruth = next(m for m in messages if m["To"] == "ruth@council.example")
    assert to_ruth["Subject"] == "Self-assessment: 2 overdue actions"
    text = text_of(to_ruth)
    assert "Dear Ruth Lindqvist" in text
    assert f"Due on {format_date(days_ago(40))} (not started). Statement 4.1 of 2026/27." in text
    assert text.index("Name a police contact") < text.index("Publish the support page")  # longest overdue first
    statement_link = f"http://localhost/self-assessment/{draft.id}/statements/{first.statement_id}"
    assert statement_link in text
    assert f'href="{statement_link}"' in html_of(to_ruth)
    assert f"http://localhost/self-assessment/plan?owner={ruth.id}&overdue=y" in text
    to_sam = text_of(next(m for m in messages if m["To"] == "sam@council.example"))
    assert "Review the risk log" in to_sam
    assert "Done already" not in to_sam and "Due today" not in to_sam


def test_a_second_run_and_a_run_after_a_pause_send_nothing_more(draft, owners, mail_catcher):
    make_action(statement_of(draft, "1.1"), owner=owners["ruth"], due_on=days_ago(3))
    assert send_overdue_action_reminders() == 1
    assert len(sent_mail(mail_catcher, 1)) == 1

    assert send_overdue_action_reminders() == 0
    assert send_overdue_action_reminders(days_ago(-30)) == 0  # a month later, same due date
    drain()
    assert len(mail_catcher.messages) == 1


def test_moving_the_due_date_makes_the_action_eligible_again(draft, owners, mail_catcher):
    action = make_action(statement_of(draft, "1.1"), "Moved on", owner=owners["ruth"], due_on=days_ago(10))
    assert send_overdue_action_reminders() == 1
    sent_mail(mail_catcher, 1)
    assert db.session.get(Action, action.id).reminded_for_due_on == days_ago(10)

    action.due_on = days_ago(2)
    db.session.commit()
    assert send_overdue_action_reminders() == 1
    messages = sent_mail(mail_catcher, 2)
    assert format_date(days_ago(2)) in text_of(messages[1])


def test_a_reminder_does_not_make_an_open_edit_form_stale(draft, owners):
    action = make_action(statement_of(draft, "1.1"), owner=owners["ruth"], due_on=days_ago(3))
    read_at = action.revision
    send_overdue_action_reminders()
    db.session.commit()
    db.session.expire_all()
    assert db.session.get(Action, action.id).revision == read_at


def test_inactive_owners_and_owners_without_an_email_get_nothing(draft, make_user, mail_catcher):
    gone = make_user(Role.OFFICER, active=False)
    no_email = make_user(Role.OFFICER, email="")
    make_action(statement_of(draft, "1.1"), owner=gone, due_on=days_ago(3))
    make_action(statement_of(draft, "1.2"), owner=no_email, due_on=days_ago(3))
    assert send_overdue_action_reminders() == 0
    assert db.session.scalars(select(Action.reminded_for_due_on)).all() == [None, None]


def test_finalised_assessments_are_included_unless_carried_forward(owners, app_context, mail_catcher):
    ruth = owners["ruth"]
    closed = make_assessment("2024/25", finalised=True, created_at=datetime(2024, 5, 1))
    make_action(statement_of(closed, "1.1"), "Still open from 2024/25", owner=ruth, due_on=days_ago(100))
    carried = make_assessment("2025/26", finalised=True, created_at=datetime(2025, 5, 1))
    make_action(statement_of(carried, "3.1"), "Carried into the draft", owner=ruth, due_on=days_ago(50))
    draft = make_assessment("2026/27", created_at=datetime(2026, 5, 1), copied_from=carried)
    make_action(statement_of(draft, "3.1"), "Carried into the draft", owner=ruth, due_on=days_ago(50))

    assert send_overdue_action_reminders() == 1
    (message,) = sent_mail(mail_catcher, 1)
    text = text_of(message)
    assert "Still open from 2024/25" in text
    assert text.count("Carried into the draft") == 1
    assert "Statement 3.1 of 2026/27" in text


def test_the_job_runner_sends_it_once_however_often_it_runs(draft, owners, mail_catcher):
    make_action(statement_of(draft, "1.1"), owner=owners["sam"], due_on=days_ago(3))

    assert run_due()["selfassessment.overdue_actions"] == "done"
    assert run_due()["selfassessment.overdue_actions"] == "skipped"
    drain()
    messages = mail_catcher.wait_for(1, timeout=5)
    assert [m["To"] for m in messages] == ["sam@council.example"]
