"""Fault 1: the web server and the worker are killed (SIGKILL) in the middle of a newsletter send to 2,000 members.

An officer sends the issue through the real web server; once the mail server has some of the messages but not
all, both processes die at once; they start again, and every member gets the newsletter, at most one of them
twice (the message in flight), the web answers again and the issue ends as sent.
"""

import threading
import time
from http.client import HTTPException

import pytest

from portal.accounts.models import Role
from portal.extensions import db
from portal.newsletters import services
from portal.newsletters.models import IssueStatus, NewsletterIssue
from tests.factories import UserFactory
from tests.faults.data import add_councillors, all_sent, emails_of, outbox_statuses
from tests.faults.harness import Browser, session_cookie_for, wait_until
from tests.faults.postgres import table_locks, waiting_to_write

RECIPIENTS = 2000
KILL_AFTER = 300  # messages received before the kill
LEASE_SECONDS = 10  # how soon the dead worker's claim is offered again (production: 300)
BODY = "## Lone working after dark\n\nTell someone where you are, and carry the **personal alarm**."


@pytest.mark.fault(backends=("sqlite", "postgresql"))
def test_killing_web_server_and_worker_mid_send_delivers_every_newsletter(fault_db, launch, catcher, results):
    member_ids = add_councillors(RECIPIENTS)
    officer = UserFactory(roles=(Role.OFFICER,), email="officer@council.example")
    issue = services.create_issue(services.IssueInput("Members' safety bulletin", "This month", BODY), officer)
    db.session.commit()
    issue_id, group_key, expected = issue.id, issue.group_key, emails_of(member_ids)

    web = launch.web()
    worker = launch.worker(OUTBOX_LEASE_SECONDS=LEASE_SECONDS)
    officer_browser = Browser(web.port, session_cookie_for(fault_db.app, officer))
    preview = officer_browser.get(f"/newsletters/{issue_id}/preview")
    assert preview.status == 200
    sent = officer_browser.post(
        f"/newsletters/{issue_id}/send",
        {"csrf_token": Browser.csrf_token(preview), "recipient_count": str(RECIPIENTS)},
    )
    assert (sent.status, sent.location) == (302, f"/newsletters/{issue_id}/sending")

    catcher.wait_for(KILL_AFTER, timeout=180)
    worker.kill()
    web.kill()
    at_kill = catcher.count()
    assert at_kill < RECIPIENTS, "the send finished before the kill: nothing was interrupted"
    assert not web.healthy()

    restarted = time.monotonic()
    worker.start()
    web.start()
    web_back = time.monotonic() - restarted
    catcher.wait_for_everyone(expected, timeout=300)
    all_delivered = time.monotonic() - restarted
    wait_until(lambda: all_sent(group_key), 60, 0.2, "every outbox row marked sent")

    # The officer's page answers, and following the send marks the issue finished.
    assert officer_browser.get("/").status == 200
    assert officer_browser.get(f"/newsletters/{issue_id}/sending").status == 200
    progress = officer_browser.get(f"/newsletters/{issue_id}/progress.json")
    assert progress.status == 200 and '"finished":true' in progress.body.replace(" ", "")
    db.session.expire_all()
    assert db.session.get(NewsletterIssue, issue_id).status == IssueStatus.SENT

    tally = catcher.tally()
    assert set(tally.by_recipient) == expected
    assert tally.repeats <= 1, f"{tally.repeats} messages went twice; only the one in flight may"
    assert tally.recipients_with_repeats <= 1
    results.append(
        f"{RECIPIENTS} recipients, killed at {at_kill} received; delivered {len(tally.by_recipient)}, "
        f"{tally.repeats} twice; web answering {web_back:.1f} s after restart, all delivered after "
        f"{all_delivered:.1f} s (lease {LEASE_SECONDS} s); issue status {IssueStatus.SENT.value}"
    )


@pytest.mark.fault(backends=("postgresql",))
def test_killing_the_web_server_during_the_send_click_sends_nothing_until_sent_again(
    fault_db, launch, catcher, results
):
    """The click that enqueues the issue is one transaction: killed inside it (held at its outbox insert by a
    table lock, PostgreSQL only), the issue stays a draft with nothing queued, and sending again works."""
    recipients = 500
    member_ids = add_councillors(recipients)
    officer = UserFactory(roles=(Role.OFFICER,), email="officer@council.example")
    issue = services.create_issue(services.IssueInput("Members' safety bulletin", "This month", BODY), officer)
    db.session.commit()
    issue_id, group_key, expected = issue.id, issue.group_key, emails_of(member_ids)
    web = launch.web()
    officer_browser = Browser(web.port, session_cookie_for(fault_db.app, officer))
    form = {"csrf_token": Browser.csrf_token(officer_browser.get(f"/newsletters/{issue_id}/preview"))}
    form["recipient_count"] = str(recipients)

    click: list[object] = []
    with table_locks(fault_db.url) as locks:
        locks.lock("outbox_messages")
        clicking = threading.Thread(target=lambda: click.append(_try(officer_browser.post, form, issue_id)))
        clicking.start()
        wait_until(lambda: waiting_to_write(db.session, "outbox_messages"), 60, what="the send to queue its emails")
        web.kill()
    clicking.join(timeout=30)
    assert isinstance(click[0], OSError | HTTPException), f"the click should have failed with the server: {click}"
    time.sleep(1)  # the dead request's database session notices its client has gone and rolls back
    db.session.expire_all()
    assert db.session.get(NewsletterIssue, issue_id).status == IssueStatus.DRAFT
    assert outbox_statuses(group_key) == {}
    db.session.commit()

    web.start()
    preview = officer_browser.get(f"/newsletters/{issue_id}/preview")
    again = officer_browser.post(
        f"/newsletters/{issue_id}/send",
        {"csrf_token": Browser.csrf_token(preview), "recipient_count": str(recipients)},
    )
    assert (again.status, again.location) == (302, f"/newsletters/{issue_id}/sending")
    launch.worker()
    catcher.wait_for_everyone(expected, timeout=300)
    wait_until(lambda: all_sent(group_key), 60, 0.2, "every outbox row marked sent")
    tally = catcher.tally()
    assert set(tally.by_recipient) == expected and tally.repeats == 0
    results.append(
        f"killed inside the send click's transaction: issue still a draft, 0 messages queued; sent again: "
        f"{len(tally.by_recipient)} of {recipients} delivered, {tally.repeats} twice"
    )


def _try(post, form: dict, issue_id: int) -> object:
    try:
        return post(f"/newsletters/{issue_id}/send", form)
    except (OSError, HTTPException) as error:
        return error
