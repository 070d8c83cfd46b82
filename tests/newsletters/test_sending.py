"""Sending an issue: all or none, at most once, to the right people, now or on schedule, and followed to the end."""

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import timedelta
from urllib.parse import urlsplit

import pytest
from sqlalchemy import delete, event, func, insert, select, update

from portal.accounts.models import AuditEvent, Role, User, UserRole
from portal.common.time import utcnow
from portal.extensions import db
from portal.jobs.runner import run_due
from portal.newsletters import sending, services
from portal.newsletters.audience import Person
from portal.newsletters.email import email_message_for, rendered_parts
from portal.newsletters.models import Audience, Channel, IssueStatus, NewsletterIssue, Recipient
from portal.newsletters.unsubscribe import unsubscribe_url
from portal.outbox.models import MessageStatus, OutboxMessage
from portal.outbox.worker import drain
from portal.settings.services import current_settings

# ---- helpers the other sending tests share ---------------------------------------------------------------


def add_councillors(count: int, ward: str = "Abbey", prefix: str = "member", **fields) -> list[User]:
    """`count` councillors inserted in bulk (no password, no factory), committed; returned by email."""
    rows = [
        {"email": f"{prefix}{n:05d}@council.example", "name": f"{prefix.title()} {n:05d}", "ward": ward, **fields}
        for n in range(count)
    ]
    db.session.execute(insert(User), rows)
    emails = [row["email"] for row in rows]
    ids = db.session.scalars(select(User.id).where(User.email.in_(emails))).all()
    db.session.execute(insert(UserRole), [{"user_id": user_id, "role": Role.COUNCILLOR.value} for user_id in ids])
    db.session.commit()
    return list(db.session.scalars(select(User).where(User.id.in_(ids)).order_by(User.email)))


def write_issue(by: User, channel: Channel = Channel.NEWSLETTER, **fields) -> NewsletterIssue:
    """A draft written through the editor's own service, committed."""
    data = services.IssueInput(
        subject=fields.pop("subject", "Safety bulletin"),
        summary=fields.pop("summary", "What changed this month"),
        body_markdown=fields.pop("body_markdown", "## Lone working\n\nCarry your **alarm** & tell someone."),
        channel=channel.value,
        audience=fields.pop("audience", Audience.ALL_COUNCILLORS.value),
        audience_values=fields.pop("audience_values", []),
    )
    issue = services.create_issue(data, by)
    db.session.commit()
    return issue


def outbox_rows(issue: NewsletterIssue) -> list[OutboxMessage]:
    db.session.expire_all()
    return list(db.session.scalars(select(OutboxMessage).where(OutboxMessage.group_key == issue.group_key)))


def recipients_of(issue: NewsletterIssue) -> list[Recipient]:
    return list(db.session.scalars(select(Recipient).where(Recipient.issue_id == issue.id).order_by(Recipient.email)))


def status_of(issue: NewsletterIssue) -> str:
    return db.session.scalar(select(NewsletterIssue.status).where(NewsletterIssue.id == issue.id))


@contextmanager
def statements_run() -> Iterator[list[str]]:
    """Every SQL statement sent to the database inside the block (a batch of an executemany counts once)."""
    seen: list[str] = []

    def note(_connection, _cursor, statement, _parameters, _context, _executemany):
        seen.append(statement)

    event.listen(db.engine, "before_cursor_execute", note)
    try:
        yield seen
    finally:
        event.remove(db.engine, "before_cursor_execute", note)


@contextmanager
def failing_on(statement_start: str) -> Iterator[None]:
    """Make the database refuse the first statement that starts with `statement_start`, as a full disk would."""

    def refuse(_connection, _cursor, statement, _parameters, _context, _executemany):
        if statement.lstrip().upper().startswith(statement_start.upper()):
            raise RuntimeError("the disk is full")

    event.listen(db.engine, "before_cursor_execute", refuse)
    try:
        yield
    finally:
        event.remove(db.engine, "before_cursor_execute", refuse)


@pytest.fixture
def champion(make_user):
    return make_user(Role.CHAMPION, name="Chris Champion")


@pytest.fixture
def officer(make_user):
    return make_user(Role.OFFICER, name="Olu Officer")


# ---- sending now -------------------------------------------------------------------------------------------


def test_sending_writes_an_outbox_message_and_a_recipient_row_per_person(app_context, champion):
    members = add_councillors(3)
    issue = write_issue(champion)

    assert sending.send_now(issue, champion) == 3
    db.session.commit()

    messages = outbox_rows(issue)
    recipients = recipients_of(issue)
    assert sorted(message.to_address for message in messages) == [member.email for member in members]
    assert [(r.user_id, r.email, r.name) for r in recipients] == [(m.id, m.email, m.name) for m in members]
    by_id = {message.id: message for message in messages}
    assert all(by_id[r.outbox_message_id].to_address == r.email for r in recipients)
    assert {message.status for message in messages} == {MessageStatus.PENDING}
    assert (issue.status, issue.recipient_count, issue.sent_by_id) == (IssueStatus.SENDING, 3, champion.id)
    assert issue.sent_at is not None
    assert db.session.scalar(select(AuditEvent.action).where(AuditEvent.action == "newsletters.sent"))


def test_the_statements_do_not_grow_with_the_audience_and_nothing_is_committed(app_context, champion):
    add_councillors(10, ward="Abbey", prefix="abbey")
    add_councillors(300, ward="Castle", prefix="castle")
    small = write_issue(champion, audience=Audience.WARDS.value, audience_values=["Abbey"])
    large = write_issue(champion, audience=Audience.WARDS.value, audience_values=["Castle"])
    # What a request has read before it sends (the settings, the issue, the sender) is not part of the send's cost.
    current_settings()
    assert small.status and large.status and champion.id
    commits = []

    def note_commit(connection):
        commits.append(connection)

    event.listen(db.engine, "commit", note_commit)
    try:
        with statements_run() as for_small:
            assert sending.send_now(small, champion) == 10
            db.session.flush()  # the audit event too
        with statements_run() as for_large:
            assert sending.send_now(large, champion) == 300
            db.session.flush()
    finally:
        event.remove(db.engine, "commit", note_commit)

    assert len(for_large) == len(for_small) <= 15
    assert commits == []  # the caller's one transaction holds the whole send
    db.session.commit()
    assert len(outbox_rows(large)) == 300 and len(recipients_of(large)) == 300


@pytest.mark.parametrize("failing_statement", ["INSERT INTO newsletter_recipients", "INSERT INTO outbox_messages"])
def test_a_failure_part_way_leaves_nothing_behind(app_context, champion, failing_statement):
    add_councillors(3)
    issue = write_issue(champion)

    with failing_on(failing_statement), pytest.raises(RuntimeError, match="disk is full"):
        sending.send_now(issue, champion)
    db.session.rollback()

    assert outbox_rows(issue) == []
    assert recipients_of(issue) == []
    assert status_of(issue) == IssueStatus.DRAFT


def test_a_second_send_is_refused_and_sends_nothing_more(app_context, champion):
    add_councillors(2)
    issue = write_issue(champion)
    sending.send_now(issue, champion)
    db.session.commit()

    with pytest.raises(services.NewsletterError, match="already been sent"):
        sending.send_now(issue, champion)
    assert len(outbox_rows(issue)) == 2


def test_a_send_racing_another_is_refused_by_the_database_not_by_what_this_session_last_read(app_context, champion):
    add_councillors(2)
    issue = write_issue(champion)
    assert issue.status == IssueStatus.DRAFT  # what this session holds in memory from now on
    with db.engine.begin() as other_connection:  # another request, or the scheduler, got there first
        other_connection.execute(
            update(NewsletterIssue).where(NewsletterIssue.id == issue.id).values(status=IssueStatus.SENDING)
        )

    with pytest.raises(services.NewsletterError, match="already been sent"):
        sending.send_now(issue, champion)
    db.session.rollback()
    assert outbox_rows(issue) == [] and recipients_of(issue) == []


def test_members_who_opted_out_get_newsletters_no_more_but_still_get_safety_notices(app_context, champion):
    keen, opted_out = add_councillors(2)
    opted_out.wants_newsletters = False
    db.session.commit()
    newsletter = write_issue(champion)
    notice = write_issue(champion, Channel.SAFETY_NOTICE, subject="Threat to members at the civic centre")

    sending.send_now(newsletter, champion)
    sending.send_now(notice, champion)
    db.session.commit()

    assert [message.to_address for message in outbox_rows(newsletter)] == [keen.email]
    assert sorted(message.to_address for message in outbox_rows(notice)) == [keen.email, opted_out.email]


def test_deactivated_accounts_are_left_out(app_context, champion):
    active, deactivated = add_councillors(2)
    deactivated.active = False
    db.session.commit()
    issue = write_issue(champion, Channel.SAFETY_NOTICE)

    assert sending.send_now(issue, champion) == 1
    assert [r.email for r in recipients_of(issue)] == [active.email]


def test_an_audience_with_no_one_left_in_it_is_refused_with_a_clear_message(app_context, champion):
    (member,) = add_councillors(1)
    issue = write_issue(champion)
    member.wants_newsletters = False
    db.session.commit()

    with pytest.raises(services.NewsletterError, match="No one is in this audience"):
        sending.send_now(issue, champion)
    with pytest.raises(services.NewsletterError, match="No one is in this audience"):
        sending.schedule(issue, utcnow() + timedelta(hours=1), champion)
    assert status_of(issue) == IssueStatus.DRAFT and outbox_rows(issue) == []


def test_a_changed_audience_since_the_sender_looked_is_refused(app_context, champion):
    add_councillors(2)
    issue = write_issue(champion)

    with pytest.raises(services.NewsletterError, match="now has 2 people, not 3"):
        sending.send_now(issue, champion, expected_count=3)
    assert sending.send_now(issue, champion, expected_count=2) == 2


def test_approval_is_respected_when_the_council_requires_it(app_context, champion, officer):
    add_councillors(1)
    current_settings().newsletter_approval_required = True
    issue = write_issue(champion)

    with pytest.raises(services.NewsletterError, match="must approve"):
        sending.send_now(issue, champion)
    with pytest.raises(services.NewsletterError, match="must approve"):
        sending.schedule(issue, utcnow() + timedelta(hours=1), champion)
    services.approve(issue, officer)
    assert sending.send_now(issue, champion) == 1


def test_the_email_is_rendered_once_yet_each_copy_is_exactly_what_the_composer_makes_for_that_person(
    app_context, champion
):
    add_councillors(1)
    (awkward,) = add_councillors(1, prefix="o'brien&co")
    awkward.name = "Siân O'Brien <& Co>"
    db.session.commit()
    issue = write_issue(champion)
    sending.send_now(issue, champion)

    message = next(m for m in outbox_rows(issue) if m.to_address == awkward.email)
    person = Person(awkward.id, awkward.email, awkward.name)
    expected = email_message_for(issue, person, unsubscribe_url(awkward.id))
    body_text, body_html = rendered_parts(expected)
    assert (message.subject, message.body_text, message.body_html) == (expected.subject, body_text, body_html)
    assert message.headers == dict(expected.headers)


# ---- scheduling --------------------------------------------------------------------------------------------


def test_a_time_in_the_past_is_refused(app_context, champion):
    add_councillors(1)
    issue = write_issue(champion)

    with pytest.raises(services.NewsletterError, match="must be in the future"):
        sending.schedule(issue, utcnow() - timedelta(minutes=1), champion)
    assert status_of(issue) == IssueStatus.DRAFT


def test_a_scheduled_issue_goes_out_once_when_due(app_context, champion):
    add_councillors(2)
    issue = write_issue(champion)
    due = utcnow() + timedelta(hours=2)
    sending.schedule(issue, due, champion)
    db.session.commit()

    assert sending.run_scheduled(now=due - timedelta(minutes=1)).sent == []
    assert outbox_rows(issue) == []
    assert sending.run_scheduled(now=due + timedelta(minutes=1)).sent == [issue.id]
    db.session.commit()
    assert sending.run_scheduled(now=due + timedelta(minutes=2)).sent == []
    assert len(outbox_rows(issue)) == 2
    assert (status_of(issue), issue.sent_by_id) == (IssueStatus.SENDING, champion.id)


def test_the_jobs_runner_sends_what_is_due(app_context, champion):
    add_councillors(1)
    issue = write_issue(champion)
    sending.schedule(issue, utcnow() + timedelta(seconds=1), champion)
    db.session.execute(
        update(NewsletterIssue).where(NewsletterIssue.id == issue.id).values(scheduled_for=utcnow() - timedelta(1 / 24))
    )
    db.session.commit()

    assert run_due()["newsletters.send-scheduled"] == "done"
    assert status_of(issue) == IssueStatus.SENDING and len(outbox_rows(issue)) == 1


def test_an_issue_more_than_a_day_late_waits_for_an_officer_who_can_send_it(app_context, champion, officer):
    add_councillors(2)
    issue = write_issue(champion)
    due = utcnow() + timedelta(hours=1)
    sending.schedule(issue, due, champion)
    db.session.commit()

    run = sending.run_scheduled(now=due + timedelta(days=1, minutes=1))  # the portal was down for a day
    db.session.commit()

    assert run.needs_confirmation == [issue.id] and run.sent == []
    assert status_of(issue) == IssueStatus.NEEDS_CONFIRMATION and outbox_rows(issue) == []
    assert sending.run_scheduled(now=due + timedelta(days=2)).sent == []  # the job leaves it to a person
    with pytest.raises(services.NewsletterError, match="an officer must decide"):
        sending.send_now(issue, champion)
    with pytest.raises(services.NewsletterError, match="an officer must decide"):
        sending.schedule(issue, utcnow() + timedelta(hours=1), champion)
    assert sending.confirm_overdue(issue, officer) == 2
    db.session.commit()
    assert status_of(issue) == IssueStatus.SENDING and len(outbox_rows(issue)) == 2


def test_an_officer_can_give_an_overdue_issue_a_new_time_or_take_it_off(app_context, champion, officer):
    add_councillors(1)
    issue = write_issue(champion)
    sending.schedule(issue, utcnow() + timedelta(hours=1), champion)
    sending.run_scheduled(now=utcnow() + timedelta(days=3))

    later = utcnow() + timedelta(days=1)
    sending.schedule(issue, later, officer)
    assert (issue.status, issue.scheduled_for) == (IssueStatus.SCHEDULED, later)
    sending.unschedule(issue, officer)
    assert (issue.status, issue.scheduled_for) == (IssueStatus.DRAFT, None)


def test_a_scheduled_issue_whose_audience_emptied_is_held_and_the_others_still_go(app_context, champion):
    (member,) = add_councillors(1)
    notice_reader = add_councillors(1, prefix="reader", wants_newsletters=False)[0]
    newsletter = write_issue(champion)
    notice = write_issue(champion, Channel.SAFETY_NOTICE)
    due = utcnow() + timedelta(hours=1)
    sending.schedule(newsletter, due, champion)
    sending.schedule(notice, due, champion)
    member.wants_newsletters = False
    db.session.commit()

    run = sending.run_scheduled(now=due + timedelta(minutes=1))
    db.session.commit()

    assert (run.sent, run.needs_confirmation) == ([notice.id], [newsletter.id])
    assert status_of(newsletter) == IssueStatus.NEEDS_CONFIRMATION
    assert sorted(m.to_address for m in outbox_rows(notice)) == sorted([member.email, notice_reader.email])


# ---- following the send ------------------------------------------------------------------------------------


def test_progress_counts_sent_pending_and_failed_of_the_total_and_the_issue_ends_up_sent(
    app_context, champion, mail_catcher
):
    add_councillors(3)
    issue = write_issue(champion)
    sending.send_now(issue, champion)
    db.session.commit()
    assert sending.progress(issue) == {"sent": 0, "pending": 3, "failed": 0, "total": 3}

    assert drain().sent == 3
    first, *_ = outbox_rows(issue)
    db.session.execute(update(OutboxMessage).where(OutboxMessage.id == first.id).values(status=MessageStatus.FAILED))
    db.session.execute(delete(OutboxMessage).where(OutboxMessage.id != first.id))  # the outbox pruned the others

    assert sending.progress(issue) == {"sent": 2, "pending": 0, "failed": 1, "total": 3}
    db.session.commit()
    assert status_of(issue) == IssueStatus.SENT
    rows = sending.delivery_rows(issue)
    assert sorted(row.status for row in rows) == [MessageStatus.FAILED, MessageStatus.SENT, MessageStatus.SENT]
    assert [row.email for row in sending.delivery_rows(issue, MessageStatus.FAILED)] == [first.to_address]


def test_the_minute_job_marks_finished_sends_as_sent(app_context, champion, mail_catcher):
    add_councillors(1)
    issue = write_issue(champion)
    sending.send_now(issue, champion)
    db.session.commit()
    assert sending.run_scheduled().finished == 0

    drain()
    assert sending.run_scheduled().finished == 1
    assert status_of(issue) == IssueStatus.SENT


def test_failed_messages_can_be_retried_with_their_tries_reset(app_context, champion, officer, mail_catcher):
    add_councillors(2)
    issue = write_issue(champion)
    sending.send_now(issue, champion)
    db.session.commit()
    db.session.execute(
        update(OutboxMessage)
        .where(OutboxMessage.group_key == issue.group_key)
        .values(status=MessageStatus.FAILED, attempts=8, last_error="550 mailbox full")
    )
    sending.progress(issue)  # nothing pending: the send is over, with failures
    db.session.commit()
    assert status_of(issue) == IssueStatus.SENT

    assert sending.retry_failed(issue, officer) == 2
    db.session.commit()

    assert {(m.status, m.attempts) for m in outbox_rows(issue)} == {(MessageStatus.PENDING, 0)}
    assert status_of(issue) == IssueStatus.SENT  # it stays in the archive meanwhile
    assert sending.progress(issue) == {"sent": 0, "pending": 2, "failed": 0, "total": 2}
    assert db.session.scalar(select(func.count()).where(AuditEvent.action == "newsletters.retried")) == 1
    assert drain().sent == 2
    assert sending.retry_failed(issue, officer) == 0


# ---- the real emails ---------------------------------------------------------------------------------------


def test_members_get_their_own_email_with_a_working_one_click_unsubscribe(app_context, champion, mail_catcher):
    members = add_councillors(2)
    issue = write_issue(champion, subject="November bulletin")
    sending.send_now(issue, champion)
    db.session.commit()

    assert drain().sent == 2
    received = {message["To"]: message for message in mail_catcher.wait_for(2)}
    assert set(received) == {member.email for member in members}
    first = received[members[0].email]
    assert first["Subject"] == "November bulletin"
    assert first["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    link = first["List-Unsubscribe"].strip().removeprefix("<").removesuffix(">")  # a long header is folded
    assert link == unsubscribe_url(members[0].id)
    assert link in first.get_body(("plain",)).get_content()
    assert f"Sent to {members[0].email}" in first.get_body(("plain",)).get_content()

    one_click = app_context.test_client(use_cookies=False).post(
        urlsplit(link).path, data="List-Unsubscribe=One-Click", content_type="application/x-www-form-urlencoded"
    )

    assert one_click.status_code == 200
    db.session.expire_all()
    assert [member.wants_newsletters for member in members] == [False, True]


def test_a_safety_notice_carries_no_unsubscribe_link_or_headers(app_context, champion, mail_catcher):
    add_councillors(1)
    issue = write_issue(champion, Channel.SAFETY_NOTICE, subject="Protest at the town hall tonight")
    sending.send_now(issue, champion)
    db.session.commit()

    drain()
    (message,) = mail_catcher.wait_for(1)
    assert message["Subject"] == "Safety notice: Protest at the town hall tonight"
    assert message["List-Unsubscribe"] is None and message["List-Unsubscribe-Post"] is None
    assert "/unsubscribe/" not in message.get_body(("plain",)).get_content()
