"""The periodic jobs runner: once per period, even when runners overlap, fail or die; and the outbox's prune job."""

import threading
import time
from datetime import datetime, timedelta

import pytest
from sqlalchemy import select

from portal.common.time import utcnow
from portal.extensions import db
from portal.jobs.models import JobRun
from portal.jobs.registry import JOBS, register
from portal.jobs.runner import STALE_AFTER, load_jobs, run_due, run_job
from portal.outbox.models import MessageStatus, OutboxMessage

NOW = datetime(2026, 11, 28, 14, 5)


class CallCounter:
    """A job body that counts its runs, can fail on chosen runs and can take a while."""

    def __init__(self, fail_on: tuple[int, ...] = (), seconds: float = 0.0):
        self.calls = 0
        self.fail_on = fail_on
        self.seconds = seconds
        self.lock = threading.Lock()

    def __call__(self) -> None:
        with self.lock:
            self.calls += 1
            call = self.calls
        time.sleep(self.seconds)  # long enough for a second runner to arrive meanwhile
        if call in self.fail_on:
            raise RuntimeError("the mail server said no")


@pytest.fixture
def temporary_job():
    """`temporary_job(body, period)`: a job registered for this test only, removed from JOBS afterwards."""
    names = []

    def add(body: CallCounter, period: str = "hour"):
        name = f"testing.job-{len(names)}"
        register(name, period, "a job that exists only in this test")(body)
        names.append(name)
        return JOBS[name]

    yield add
    for name in names:
        JOBS.pop(name, None)


def _run_row(job_name: str) -> JobRun:
    db.session.expire_all()
    return db.session.scalar(select(JobRun).where(JobRun.job_name == job_name))


def _run_due_in_threads(app, count: int, now: datetime) -> list[dict[str, str]]:
    """`count` runners, each with its own app context and database connection, started at the same moment."""
    start_together = threading.Barrier(count)
    outcomes = []

    def runner():
        with app.app_context():
            start_together.wait(timeout=10)
            outcomes.append(run_due(now))

    threads = [threading.Thread(target=runner) for _ in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    return outcomes


def test_two_runners_at_once_run_each_job_once_per_period(app_context, temporary_job):
    body = CallCounter(seconds=0.3)
    job = temporary_job(body)

    outcomes = _run_due_in_threads(app_context, 2, NOW)

    assert sorted(outcome[job.name] for outcome in outcomes) == ["done", "skipped"]
    assert sorted(outcome["outbox.prune-sent"] for outcome in outcomes) == ["done", "skipped"]
    assert body.calls == 1
    assert run_due(NOW + timedelta(minutes=50))[job.name] == "skipped"  # still the same hour
    assert body.calls == 1


def test_after_a_long_pause_a_job_runs_once_for_the_new_period(app_context, temporary_job):
    hourly, daily = CallCounter(), CallCounter()
    hourly_job, daily_job = temporary_job(hourly, "hour"), temporary_job(daily, "day")
    run_due(NOW)

    later = NOW + timedelta(days=40, hours=3)
    first, second = run_due(later), run_due(later + timedelta(minutes=1))

    assert (first[hourly_job.name], first[daily_job.name]) == ("done", "done")
    assert (second[hourly_job.name], second[daily_job.name]) == ("skipped", "skipped")
    assert (hourly.calls, daily.calls) == (2, 2)


def test_a_failed_job_is_recorded_and_runs_again_on_the_next_call(app_context, temporary_job):
    failing, other = CallCounter(fail_on=(1,)), CallCounter()
    failing_job, other_job = temporary_job(failing), temporary_job(other)

    outcome = run_due(NOW)

    assert (outcome[failing_job.name], outcome[other_job.name]) == ("failed", "done")
    run = _run_row(failing_job.name)
    assert (run.status, run.error, run.attempts) == ("failed", "RuntimeError: the mail server said no", 1)
    assert run.finished_at is not None

    assert run_due(NOW)[failing_job.name] == "done"
    run = _run_row(failing_job.name)
    assert (run.status, run.error, run.attempts, failing.calls) == ("done", None, 2, 2)
    assert run_due(NOW)[failing_job.name] == "skipped"


def test_a_failed_job_leaves_no_half_done_work(app_context, temporary_job):
    def enqueue_then_fail():
        db.session.add(OutboxMessage(to_address="a@council.example", subject="s", body_text="t", body_html="h"))
        db.session.flush()
        raise RuntimeError("stopped half way")

    job = temporary_job(enqueue_then_fail)

    assert run_job(job, NOW) == "failed"
    assert db.session.scalar(select(db.func.count()).select_from(OutboxMessage)) == 0


def test_a_stale_running_claim_is_taken_over_and_a_fresh_one_is_left_alone(app_context, temporary_job):
    stale_body, busy_body = CallCounter(), CallCounter()
    stale_job, busy_job = temporary_job(stale_body), temporary_job(busy_body)
    for job, started in ((stale_job, NOW - STALE_AFTER - timedelta(minutes=1)), (busy_job, NOW - timedelta(minutes=5))):
        db.session.add(JobRun(job_name=job.name, period_key=job.period_key(NOW), started_at=started))
    db.session.commit()

    assert run_job(stale_job, NOW) == "done"
    assert run_job(busy_job, NOW) == "skipped"

    assert (stale_body.calls, busy_body.calls) == (1, 0)
    run = _run_row(stale_job.name)
    assert (run.status, run.attempts, run.started_at) == ("done", 2, NOW)
    assert _run_row(busy_job.name).status == "running"


def _outbox_row(status: MessageStatus, age: timedelta, sent: bool = False) -> OutboxMessage:
    when = utcnow() - age
    row = OutboxMessage(
        to_address="a@council.example", subject=f"{status} {age.days} days", body_text="t", body_html="h"
    )
    row.status, row.created_at, row.sent_at = status, when, when if sent else None
    return row


def test_prune_deletes_only_sent_messages_older_than_the_keep_period(app_context, monkeypatch):
    monkeypatch.setitem(app_context.config, "OUTBOX_KEEP_SENT_DAYS", 30)
    db.session.add_all(
        [
            _outbox_row(MessageStatus.SENT, timedelta(days=31), sent=True),
            _outbox_row(MessageStatus.SENT, timedelta(days=29), sent=True),
            _outbox_row(MessageStatus.FAILED, timedelta(days=200)),
            _outbox_row(MessageStatus.PENDING, timedelta(days=200)),
        ]
    )
    db.session.commit()
    load_jobs()

    assert run_job(JOBS["outbox.prune-sent"], utcnow()) == "done"

    db.session.expire_all()
    kept = sorted(db.session.scalars(select(OutboxMessage.subject)))
    assert kept == ["failed 200 days", "pending 200 days", "sent 29 days"]
