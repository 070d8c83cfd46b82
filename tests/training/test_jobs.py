"""Training reminders: one email per member, once per course and due date, read back from a real SMTP server."""

from datetime import date, timedelta

import pytest
from sqlalchemy import event, func, select

from portal.accounts.models import Role
from portal.common.time import format_date
from portal.extensions import db
from portal.jobs.runner import run_due
from portal.outbox.worker import drain
from portal.training.jobs import send_training_reminders
from portal.training.models import ReminderSent, TrainingSettings
from portal.training.status import add_months
from tests.training.factories import complete, make_course

TODAY = date.today()
RECORD_LINK = "http://localhost/training"


@pytest.fixture
def courses(app_context):
    return {
        "safety": make_course(title="Personal safety and risk assessment", refresher_months=24),
        "conduct": make_course(title="Code of conduct", category="code_of_conduct", refresher_months=12),
        "debate": make_course(
            title="Communications and healthy debate", category="communications", refresher_months=None, mandatory=False
        ),
    }


def sent_mail(mail_catcher, expected: int):
    db.session.commit()
    drain()
    return mail_catcher.wait_for(expected, timeout=5)


def text_of(message) -> str:
    return message.get_body(preferencelist=("plain",)).get_content()


def html_of(message) -> str:
    return message.get_body(preferencelist=("html",)).get_content()


def give_due_and_expired(member, courses) -> tuple[date, date]:
    """Safety due soon (expires in about a month), conduct expired (about a month ago), debate valid for ever."""
    safety_done, conduct_done = TODAY - timedelta(days=700), TODAY - timedelta(days=400)
    complete(member, courses["safety"], safety_done)
    complete(member, courses["conduct"], conduct_done)
    complete(member, courses["debate"], TODAY - timedelta(days=900))
    return safety_done, conduct_done


def test_each_member_gets_one_email_listing_due_soon_and_expired_courses(make_user, courses, mail_catcher):
    ruth = make_user(name="Ruth Lindqvist", email="ruth@council.example")
    safety_done, conduct_done = give_due_and_expired(ruth, courses)
    sam = make_user(name="Sam Okafor", email="sam@council.example")
    complete(sam, courses["conduct"], TODAY - timedelta(days=380))
    valid = make_user(email="valid@council.example")
    complete(valid, courses["safety"], TODAY - timedelta(days=30))

    assert send_training_reminders() == 2
    messages = sent_mail(mail_catcher, 2)

    assert sorted(str(m["To"]) for m in messages) == ["ruth@council.example", "sam@council.example"]
    to_ruth = next(m for m in messages if m["To"] == "ruth@council.example")
    assert to_ruth["Subject"] == "Training reminder: 2 courses to renew"
    text = text_of(to_ruth)
    assert "Dear Ruth Lindqvist" in text
    assert f"Code of conduct (required): expired on {format_date(add_months(conduct_done, 12))}" in text
    assert (
        f"Personal safety and risk assessment (required): expires on {format_date(add_months(safety_done, 24))}" in text
    )
    assert text.index("Code of conduct") < text.index("Personal safety")  # expired first
    assert "healthy debate" not in text
    assert RECORD_LINK in text
    assert f'href="{RECORD_LINK}"' in html_of(to_ruth)
    assert "http://localhost/profile" in text


def test_a_second_run_sends_nothing(make_user, courses, mail_catcher):
    give_due_and_expired(make_user(), courses)
    assert send_training_reminders() == 1
    assert len(sent_mail(mail_catcher, 1)) == 1

    assert send_training_reminders() == 0
    assert send_training_reminders(TODAY + timedelta(days=10)) == 0  # same due dates, later days
    drain()
    assert len(mail_catcher.messages) == 1


def test_a_refresher_makes_a_new_due_date_that_is_reminded_again(make_user, courses, mail_catcher):
    member = make_user()
    _, conduct_done = give_due_and_expired(member, courses)
    assert send_training_reminders() == 1
    sent_mail(mail_catcher, 1)

    refresher = TODAY - timedelta(days=5)
    complete(member, courses["conduct"], refresher)
    assert send_training_reminders() == 0  # valid again, and safety was already reminded
    new_expiry = add_months(refresher, 12)
    later = new_expiry - timedelta(days=20)
    assert send_training_reminders(later) == 1

    messages = sent_mail(mail_catcher, 2)
    assert len(messages) == 2
    second = text_of(messages[1])
    assert f"Code of conduct (required): expires on {format_date(new_expiry)}" in second
    assert "Personal safety" not in second  # its expiry has not moved: reminded once already
    dues = db.session.scalars(select(ReminderSent.due_on).where(ReminderSent.course_id == courses["conduct"].id))
    assert sorted(dues) == [add_months(conduct_done, 12), new_expiry]


def test_members_who_opted_out_or_left_and_non_members_get_nothing(make_user, courses, mail_catcher):
    give_due_and_expired(make_user(wants_reminders=False), courses)
    give_due_and_expired(make_user(active=False), courses)
    give_due_and_expired(make_user(Role.OFFICER), courses)

    assert send_training_reminders() == 0
    sent_mail(mail_catcher, 0)
    assert mail_catcher.messages == []
    assert db.session.scalar(select(func.count()).select_from(ReminderSent)) == 0


def test_the_due_soon_window_comes_from_the_training_settings(make_user, courses, mail_catcher):
    member = make_user()
    complete(member, courses["safety"], add_months(TODAY, -24) + timedelta(days=45))  # expires in 45 days
    db.session.add(TrainingSettings(due_soon_days=30))
    assert send_training_reminders() == 0
    db.session.scalar(select(TrainingSettings)).due_soon_days = 60
    assert send_training_reminders() == 1


def test_the_number_of_queries_does_not_grow_with_members(make_user, courses):
    def queries_for_a_run() -> int:
        statements = []
        listener = lambda *args: statements.append(args[2])  # noqa: E731
        event.listen(db.engine, "before_cursor_execute", listener)
        try:
            send_training_reminders()
        finally:
            event.remove(db.engine, "before_cursor_execute", listener)
        db.session.rollback()
        return len(statements)

    for _ in range(2):
        give_due_and_expired(make_user(), courses)
    db.session.commit()
    queries_for_a_run()  # the first run of a test also reads and caches the council's settings
    few = queries_for_a_run()
    for _ in range(8):
        give_due_and_expired(make_user(), courses)
    db.session.commit()
    assert queries_for_a_run() == few


def test_the_job_runner_sends_it_once_however_often_it_runs(make_user, courses, mail_catcher):
    give_due_and_expired(make_user(email="member@council.example"), courses)
    db.session.commit()

    assert run_due()["training.reminders"] == "done"
    assert run_due()["training.reminders"] == "skipped"
    drain()
    messages = mail_catcher.wait_for(1, timeout=5)
    assert [m["To"] for m in messages] == ["member@council.example"]
