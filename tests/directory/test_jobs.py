"""The review reminder job: one email per owner with entries due a check, at most once in 30 days."""

from datetime import date, datetime, time, timedelta

from bs4 import BeautifulSoup
from sqlalchemy import func, select

from portal.accounts.models import Role, User
from portal.directory.jobs import send_review_reminders
from portal.directory.models import ReviewReminder, Service
from portal.extensions import db
from portal.jobs.runner import run_due
from portal.outbox.models import OutboxMessage
from portal.outbox.worker import drain
from tests.directory.factories import make_service

NOW = datetime.combine(date.today(), time(6))  # early morning UTC: the same date in London all year
LONG_AGO = date.today() - timedelta(days=400)


def run_job(now: datetime = NOW) -> int:
    emailed = send_review_reminders(now=now)
    db.session.commit()
    return emailed


def outbox_size() -> int:
    return db.session.scalar(select(func.count()).select_from(OutboxMessage))


def owner_with_two_due_entries(make_user, **fields) -> tuple[User, list[Service]]:
    """An officer who owns two entries due a check (one never checked) and one checked today."""
    owner = make_user(Role.OFFICER, name="Olu Officer", **fields)
    due = [
        make_service(name="Harbourlight assistance line", owner_id=owner.id, last_checked_on=LONG_AGO),
        make_service(name="Lanternline listening service", owner_id=owner.id, last_checked_on=None),
    ]
    make_service(name="Member services team", owner_id=owner.id, last_checked_on=date.today())
    return owner, due


def test_an_owner_gets_one_email_listing_their_entries_due_a_check(app_context, make_user, mail_catcher):
    owner, due = owner_with_two_due_entries(make_user)

    assert run_job() == 1
    assert drain().sent == 1

    [message] = mail_catcher.messages
    assert message["To"] == owner.email
    assert message["Subject"] == "2 directory entries are due a check"
    text = message.get_body(preferencelist=("plain",)).get_content()
    html = message.get_body(preferencelist=("html",)).get_content()
    links = {a.get_text(): a["href"] for a in BeautifulSoup(html, "html.parser").select("a")}
    for service in due:
        link = f"http://localhost/directory/services/{service.id}"
        assert service.name in text and link in text
        assert links[service.name] == link
    for body in (text, html):
        assert "Member services team" not in body  # checked today
        assert "http://localhost/directory/due-a-check" in body
        assert f"last checked: {LONG_AGO.day} {LONG_AGO:%B %Y}" in body
        assert "last checked: never" in body


def test_the_send_is_recorded_for_the_owner(app_context, make_user):
    owner, _ = owner_with_two_due_entries(make_user)

    run_job()

    reminder = db.session.scalar(select(ReviewReminder).where(ReviewReminder.owner_id == owner.id))
    assert reminder.last_sent_at == NOW


def test_no_second_email_the_same_day_or_ten_days_later(app_context, make_user):
    owner_with_two_due_entries(make_user)
    run_job()

    assert run_job() == 0
    assert run_job(NOW + timedelta(hours=5)) == 0
    assert run_job(NOW + timedelta(days=10)) == 0
    assert outbox_size() == 1


def test_another_email_after_thirty_days_when_entries_are_still_due(app_context, make_user, mail_catcher):
    owner, _ = owner_with_two_due_entries(make_user)
    run_job()

    assert run_job(NOW + timedelta(days=31)) == 1
    drain()

    assert [message["To"] for message in mail_catcher.messages] == [owner.email, owner.email]
    reminder = db.session.scalar(select(ReviewReminder).where(ReviewReminder.owner_id == owner.id))
    assert reminder.last_sent_at == NOW + timedelta(days=31)
    assert db.session.scalar(select(func.count()).select_from(ReviewReminder)) == 1


def test_nothing_when_everything_was_checked_since(app_context, make_user):
    _, due = owner_with_two_due_entries(make_user)
    run_job()
    for service in due:
        service.last_checked_on = date.today()
    db.session.commit()

    assert run_job(NOW + timedelta(days=31)) == 0


def test_an_owner_with_nothing_due_gets_nothing(app_context, make_user):
    owner = make_user(Role.OFFICER)
    make_service(owner_id=owner.id, last_checked_on=date.today() - timedelta(days=300))

    assert run_job() == 0
    assert outbox_size() == 0


def test_a_deactivated_owner_gets_nothing(app_context, make_user):
    owner_with_two_due_entries(make_user, active=False)

    assert run_job() == 0
    assert outbox_size() == 0


def test_entries_without_an_owner_are_left_to_the_officers_list(app_context, make_user):
    make_service(owner_id=None, last_checked_on=LONG_AGO)

    assert run_job() == 0
    assert outbox_size() == 0


def test_each_owner_hears_only_about_their_own_entries(app_context, make_user, mail_catcher):
    first = make_user(Role.OFFICER)
    second = make_user(Role.OFFICER)
    make_service(name="Castlegate legal advice", owner_id=first.id, last_checked_on=LONG_AGO)
    make_service(name="Takedown Assist", owner_id=second.id, last_checked_on=LONG_AGO)

    assert run_job() == 2
    drain()

    bodies = {m["To"]: m.get_body(preferencelist=("plain",)).get_content() for m in mail_catcher.messages}
    assert "Castlegate legal advice" in bodies[first.email] and "Takedown Assist" not in bodies[first.email]
    assert "Takedown Assist" in bodies[second.email] and "Castlegate legal advice" not in bodies[second.email]
    assert [m["Subject"] for m in mail_catcher.messages] == ["1 directory entry is due a check"] * 2


def test_an_owner_who_is_no_longer_an_officer_gets_no_link_to_the_officers_list(app_context, make_user):
    owner = make_user(Role.COUNCILLOR)
    make_service(owner_id=owner.id, last_checked_on=LONG_AGO)

    run_job()

    message = db.session.scalar(select(OutboxMessage))
    assert "due-a-check" not in message.body_text and "due-a-check" not in message.body_html
    assert "Member services can update these entries for you." in message.body_text


def test_the_job_runner_sends_one_email_however_often_it_runs(app_context, make_user, mail_catcher):
    owner, _ = owner_with_two_due_entries(make_user)

    first, second = run_due(), run_due()
    drain()

    assert first["directory.review-reminders"] == "done"
    assert second["directory.review-reminders"] == "skipped"
    assert [message["To"] for message in mail_catcher.messages] == [owner.email]
