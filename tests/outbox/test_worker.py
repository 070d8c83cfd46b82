"""The worker against real SMTP servers on loopback and real databases, in-process and as `flask outbox` commands."""

import asyncio
import re
import signal
import time
from datetime import timedelta

import pytest
from sqlalchemy import select, text, update

from portal.common.time import utcnow
from portal.extensions import db
from portal.outbox.catcher import CatchingHandler, MailCatcher
from portal.outbox.models import MessageStatus, OutboxMessage
from portal.outbox.worker import claim_batch, drain, message_id_for
from portal.settings.services import current_settings
from tests.outbox.conftest import REFUSED_ADDRESS, expected_message_ids, outbox_row, received_message_ids


def _make_due(ids: list[int]) -> None:
    """Let the backoff pass without waiting for it."""
    db.session.execute(update(OutboxMessage).where(OutboxMessage.id.in_(ids)).values(next_attempt_at=utcnow()))
    db.session.commit()


def _statuses(ids: list[int]) -> list[str]:
    """The status of each of `ids`, in that order, as the database holds them now."""
    db.session.expire_all()
    found = dict(
        db.session.execute(select(OutboxMessage.id, OutboxMessage.status).where(OutboxMessage.id.in_(ids))).all()
    )
    return [found.get(outbox_id) for outbox_id in ids]


class ShuttingDownHandler(CatchingHandler):
    """Takes `accept` messages, then answers 421 to MAIL FROM, as a server going down for maintenance does."""

    def __init__(self, accept: int):
        super().__init__()
        self.accept = accept

    async def handle_MAIL(self, server, session, envelope, address, mail_options):  # noqa: N802 (aiosmtpd's name)
        if len(self.messages) >= self.accept:
            return "421 4.3.2 Service shutting down"
        envelope.mail_from = address
        envelope.mail_options.extend(mail_options)
        return "250 OK"


class SlowHandler(CatchingHandler):
    """Takes `seconds` to accept each message, like a relay that scans content."""

    def __init__(self, seconds: float):
        super().__init__()
        self.seconds = seconds

    async def handle_DATA(self, server, session, envelope):  # noqa: N802 (aiosmtpd's name)
        await asyncio.sleep(self.seconds)
        return await super().handle_DATA(server, session, envelope)


@pytest.fixture
def catcher_with(set_config):
    """`catcher_with(handler)`: a mail server of our own for one test, which the worker then sends to."""
    started = []

    def start(handler: CatchingHandler) -> MailCatcher:
        catcher = MailCatcher(handler=handler).start()
        started.append(catcher)
        set_config(MAIL_SERVER=catcher.host, MAIL_PORT=catcher.port)
        return catcher

    yield start
    for catcher in started:
        catcher.stop()


# Delivery


def test_drain_delivers_headers_and_both_parts(app_context, queue_messages, mail_catcher):
    settings = current_settings()
    settings.mail_from_name, settings.mail_reply_to = "Borsetshire Members' Support", "members@council.example"
    unsubscribe = "<https://localhost/newsletters/unsubscribe/abc>"
    [outbox_id] = queue_messages(1, subject="Café opening – all welcome", headers={"List-Unsubscribe": unsubscribe})

    assert drain().sent == 1

    [message] = mail_catcher.wait_for(1)
    assert message["From"] == "Borsetshire Members' Support <councillor-support@localhost>"
    assert message["To"] == "member0@council.example"
    assert message["Reply-To"] == "members@council.example"
    assert message["Subject"] == "Café opening – all welcome"
    assert message["Message-ID"] == message_id_for(outbox_row(outbox_id))
    assert message["List-Unsubscribe"] == unsubscribe
    # The catcher keeps the wire's CRLF line ends.
    assert message.get_body(("plain",)).get_content().rstrip() == "Text body 0"
    assert message.get_body(("html",)).get_content().rstrip() == "<p>HTML body 0</p>"
    assert mail_catcher.envelopes == [("councillor-support@localhost", ["member0@council.example"])]
    row = outbox_row(outbox_id)
    assert (row.status, row.attempts, row.claim_token, row.last_error) == (MessageStatus.SENT, 1, None, None)
    assert row.sent_at is not None


def test_each_batch_goes_over_one_connection(app_context, queue_messages, mail_catcher, set_config):
    set_config(OUTBOX_BATCH_SIZE=2)
    ids = queue_messages(5)

    result = drain()

    assert (result.sent, result.batches) == (5, 3)
    assert len(mail_catcher.wait_for(5)) == 5
    assert mail_catcher.connection_count == 3
    assert set(received_message_ids(mail_catcher)) == {message_id_for(outbox_row(i)) for i in ids}


def test_message_ids_stay_the_same_on_a_second_try(app_context, queue_messages, mail_catcher):
    [outbox_id] = queue_messages(1)
    first = message_id_for(outbox_row(outbox_id))
    drain()
    # As a worker killed before recording the send would leave it.
    db.session.execute(update(OutboxMessage).values(status=MessageStatus.PENDING))
    db.session.commit()
    drain()

    assert [message["Message-ID"] for message in mail_catcher.wait_for(2)] == [first, first]


# Retries and failures


def test_server_down_backs_off_exponentially_then_fails(app_context, queue_messages, set_config, closed_port):
    set_config(MAIL_PORT=closed_port, OUTBOX_RETRY_BASE_SECONDS=60, OUTBOX_MAX_ATTEMPTS=4)
    [outbox_id] = queue_messages(1)
    delays = []
    for attempt in (1, 2, 3):
        tried_at = utcnow()
        assert drain().retried == 1
        row = outbox_row(outbox_id)
        assert (row.status, row.attempts, row.claim_token) == (MessageStatus.PENDING, attempt, None)
        assert row.last_error.startswith("could not connect to the mail server: ConnectionRefusedError")
        delays.append(round((row.next_attempt_at - tried_at).total_seconds() / 10) * 10)
        assert drain().retried == 0  # not due again until the backoff has passed
        _make_due([outbox_id])

    assert delays == [60, 120, 240]
    assert drain().failed == 1
    assert (outbox_row(outbox_id).status, outbox_row(outbox_id).attempts) == (MessageStatus.FAILED, 4)


def test_pending_mail_goes_when_the_server_comes_back(
    app_context, queue_messages, mail_catcher, set_config, closed_port
):
    set_config(MAIL_PORT=closed_port, OUTBOX_MAX_ATTEMPTS=2)
    gave_up = queue_messages(1, to_address="gave-up{n}@council.example")
    drain()
    _make_due(gave_up)
    drain()
    waiting = queue_messages(3)
    drain()
    assert _statuses(gave_up + waiting) == ["failed", "pending", "pending", "pending"]

    set_config(MAIL_PORT=mail_catcher.port)
    _make_due(waiting)

    assert drain().sent == 3
    assert _statuses(gave_up + waiting) == ["failed", "sent", "sent", "sent"]
    assert sorted(message["To"] for message in mail_catcher.wait_for(3)) == [
        f"member{n}@council.example" for n in range(3)
    ]


def test_unreachable_server_ends_the_drain_after_one_try(app_context, queue_messages, set_config, closed_port):
    set_config(MAIL_PORT=closed_port, OUTBOX_BATCH_SIZE=2)  # and no backoff: the testing default
    ids = queue_messages(5)

    result = drain()

    assert (result.batches, result.retried) == (1, 2)
    assert [outbox_row(i).attempts for i in ids] == [1, 1, 0, 0, 0]


def test_server_going_down_mid_drain_ends_it_without_spending_tries(
    app_context, queue_messages, catcher_with, set_config
):
    set_config(OUTBOX_BATCH_SIZE=2)
    catcher = catcher_with(ShuttingDownHandler(accept=3))
    ids = queue_messages(8)

    result = drain()

    assert (result.sent, result.failed) == (3, 0)
    assert len(catcher.messages) == 3
    assert max(outbox_row(i).attempts for i in ids) == 1
    assert "421 4.3.2 Service shutting down" in outbox_row(ids[3]).last_error


def test_refused_recipient_is_retried_then_failed_without_holding_up_others(
    app_context, queue_messages, refusing_catcher, set_config
):
    set_config(MAIL_PORT=refusing_catcher.port, OUTBOX_MAX_ATTEMPTS=2)
    [before] = queue_messages(1, to_address="before{n}@council.example")
    [refused] = queue_messages(1, to_address=REFUSED_ADDRESS)
    [after] = queue_messages(1, to_address="after{n}@council.example")

    result = drain()

    assert (result.sent, result.retried, result.batches) == (2, 1, 1)
    assert [message["To"] for message in refusing_catcher.wait_for(2)] == [
        "before0@council.example",
        "after0@council.example",
    ]
    assert refusing_catcher.connection_count == 1  # the refusal did not cost the connection
    row = outbox_row(refused)
    assert (row.status, row.attempts) == (MessageStatus.PENDING, 1)
    assert row.last_error == "recipient refused: 550 5.1.1 No such mailbox here"

    _make_due([refused])
    assert drain().failed == 1
    assert _statuses([before, refused, after]) == ["sent", "failed", "sent"]
    assert len(refusing_catcher.messages) == 2


def test_an_old_sending_claim_is_taken_over_after_the_lease(app_context, queue_messages, mail_catcher):
    [outbox_id] = queue_messages(1)
    lease = app_context.config["OUTBOX_LEASE_SECONDS"]
    db.session.execute(update(OutboxMessage).values(status=MessageStatus.SENDING, claim_token="dead-worker"))
    db.session.execute(update(OutboxMessage).values(claimed_at=utcnow() - timedelta(seconds=lease - 5)))
    db.session.commit()
    assert drain().sent == 0  # its worker may still be at it

    db.session.execute(update(OutboxMessage).values(claimed_at=utcnow() - timedelta(seconds=lease + 5)))
    db.session.commit()
    assert drain().sent == 1
    assert outbox_row(outbox_id).status == MessageStatus.SENT


def test_rows_that_cannot_become_emails_fail_at_once(app_context, queue_messages, mail_catcher):
    # enqueue_email refuses these; rows written another way (an old release, a manual fix) must not jam the queue.
    db.session.add_all(
        [
            OutboxMessage(to_address="a@council.example", subject="Hi\nBcc: all@x", body_text="", body_html=""),
            OutboxMessage(to_address="b@council.example", subject="Hi", body_text="", body_html="", headers={"X": [1]}),
        ]
    )
    db.session.commit()
    [good] = queue_messages(1)

    result = drain()

    assert (result.sent, result.failed) == (1, 2)
    broken = db.session.scalars(select(OutboxMessage).where(OutboxMessage.id != good)).all()
    assert {(row.status, row.attempts) for row in broken} == {(MessageStatus.FAILED, 1)}
    assert all(row.last_error.startswith("cannot be sent as it stands") for row in broken)
    assert [message["To"] for message in mail_catcher.wait_for(1)] == ["member0@council.example"]


def test_worker_stops_sending_when_its_lease_runs_out(app_context, queue_messages, catcher_with, set_config):
    set_config(OUTBOX_LEASE_SECONDS=1)
    catcher = catcher_with(SlowHandler(seconds=0.4))
    ids = queue_messages(6)

    result = drain(max_batches=1)

    assert 0 < result.sent < 6
    assert len(catcher.messages) == result.sent
    handed_back = [outbox_row(i) for i in ids[result.sent :]]
    assert {(row.status, row.attempts, row.claim_token) for row in handed_back} == {(MessageStatus.PENDING, 0, None)}


def test_claim_skips_rows_another_worker_is_claiming_on_postgresql(backend, app_context, queue_messages):
    if backend != "postgresql":
        pytest.skip("SQLite lets one writer at a time claim, so there is nothing to skip")
    ids = queue_messages(4)
    with db.engine.connect() as other_worker:
        other_worker.execute(select(OutboxMessage.id).where(OutboxMessage.id.in_(ids[:2])).with_for_update())
        db.session.execute(text("SET LOCAL lock_timeout = '2s'"))  # fail rather than wait for the other worker
        claim = claim_batch(10)
        other_worker.rollback()

    assert [row.id for row in claim.messages] == ids[2:]
    assert _statuses(ids) == ["pending", "pending", "sending", "sending"]


# Worker processes


def _sent_count(output: str) -> int:
    return int(re.search(r"sent (\d+)", output).group(1))


@pytest.mark.slow
def test_killed_worker_loses_nothing_and_repeats_at_most_one_message(queue_messages, workers, mail_catcher):
    queue_messages(500)
    expected = expected_message_ids()
    settings = {"OUTBOX_LEASE_SECONDS": 2, "OUTBOX_BATCH_SIZE": 50}
    first = workers.start("outbox", "work", **settings)

    mail_catcher.wait_for(50, timeout=30)
    first.send_signal(signal.SIGKILL)
    first.wait()
    received_by_first = len(mail_catcher.messages)
    assert 50 <= received_by_first < 500, first.stderr.read()

    time.sleep(2.2)  # the dead worker's lease runs out
    second = workers.run("outbox", "drain", **settings)

    assert re.fullmatch(r"sent \d+, to retry 0, failed 0", second.stdout.strip())

    received = received_message_ids(mail_catcher)
    assert set(received) == set(expected)
    repeats = [count for count in received.values() if count > 1]
    assert repeats in ([], [2]), "only the message in flight when the worker died may go twice"
    assert set(_statuses(list(expected.values()))) == {"sent"}


@pytest.mark.slow
def test_two_workers_on_postgresql_send_each_message_once(backend, queue_messages, workers, mail_catcher):
    if backend != "postgresql":
        pytest.skip("only PostgreSQL lets two workers claim side by side (SKIP LOCKED); SQLite takes one at a time")
    queue_messages(1000)
    expected = expected_message_ids()

    both = [workers.start("outbox", "drain", OUTBOX_BATCH_SIZE=20) for _ in range(2)]
    # A guard against a hung worker, not a speed check: 1,000 messages take ~10 s alone, far more on a crowded runner.
    outputs = [worker.communicate(timeout=240) for worker in both]

    assert [worker.returncode for worker in both] == [0, 0], outputs
    sent_by_each = [_sent_count(stdout) for stdout, _stderr in outputs]
    assert sum(sent_by_each) == 1000
    assert min(sent_by_each) > 0, "one worker sent everything: they did not run side by side"
    received = received_message_ids(mail_catcher)
    assert set(received) == set(expected)
    assert set(received.values()) == {1}


def test_work_sends_what_arrives_while_it_runs_and_stops_on_sigterm(queue_messages, workers, mail_catcher):
    worker = workers.start("outbox", "work", OUTBOX_IDLE_SECONDS=0.1)
    queue_messages(2)
    assert len(mail_catcher.wait_for(2, timeout=30)) == 2
    time.sleep(0.3)  # at least one idle pass in between
    queue_messages(2)
    assert len(mail_catcher.wait_for(4, timeout=10)) == 4, worker.stderr.read() if worker.poll() else ""

    worker.send_signal(signal.SIGTERM)
    stdout, stderr = worker.communicate(timeout=10)
    assert worker.returncode == 0, stderr
    assert stdout.strip().endswith("outbox worker stopped")
