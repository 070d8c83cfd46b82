"""Fault 2: the worker is killed (SIGKILL) while it opens a survey round for 300 councillors, and again while it
sends the invitations. Every councillor ends with one invitation row and one email (at most one sent twice).

The first kill lands inside the job's transaction at a known point: the test holds the invitation and outbox
tables still (SHARE locks, PostgreSQL only) so that the job stops with the round claimed as open, the
invitations written and every email rendered, waiting to queue them. The second lands mid-send.
"""

import time
from datetime import timedelta

import pytest
from sqlalchemy import func, select, update

from portal.extensions import db
from portal.jobs.models import JobRun
from portal.jobs.runner import STALE_AFTER
from portal.outbox.models import OutboxMessage
from portal.surveys.models import RoundStatus, SurveyInvitation, SurveyRound
from portal.surveys.rounds import council_today
from tests.faults.data import add_councillors, all_sent, emails_of
from tests.faults.harness import wait_until
from tests.faults.postgres import table_locks, waiting_to_write
from tests.surveys.factories import make_round, make_template

COUNCILLORS = 300
KILL_AFTER = 30  # invitations received before the second kill
LEASE_SECONDS = 10
OPEN_ROUNDS_JOB = "surveys.open-rounds"


def _round_state(round_id: int) -> tuple[str, int, int]:
    """(status, invitation rows, outbox rows) as committed now."""
    db.session.expire_all()
    status = db.session.scalar(select(SurveyRound.status).where(SurveyRound.id == round_id))
    invitations = db.session.scalar(select(func.count()).where(SurveyInvitation.round_id == round_id))
    queued = db.session.scalar(select(func.count()).where(OutboxMessage.group_key == f"survey:{round_id}"))
    db.session.commit()
    return status, invitations, queued


def _job_status() -> str | None:
    status = db.session.scalar(select(JobRun.status).where(JobRun.job_name == OPEN_ROUNDS_JOB))
    db.session.commit()
    return status


@pytest.mark.fault(backends=("postgresql",))
def test_killing_the_worker_while_it_invites_a_round_invites_each_councillor_once(fault_db, launch, catcher, results):
    member_ids = add_councillors(COUNCILLORS)
    today = council_today()
    survey_round = make_round(
        make_template("who5", "experience"),
        status=RoundStatus.SCHEDULED,
        opens_on=today,
        closes_on=today + timedelta(days=21),
    )
    db.session.commit()
    round_id, expected = survey_round.id, emails_of(member_ids)

    # First kill: inside the job's transaction, everything done but queueing the emails and committing.
    with table_locks(fault_db.url) as locks:
        locks.lock("survey_invitations")
        worker = launch.worker(OUTBOX_LEASE_SECONDS=LEASE_SECONDS)
        wait_until(lambda: waiting_to_write(db.session, "survey_invitations"), 120, what="the job to write invitations")
        locks.lock("outbox_messages")
        locks.release("survey_invitations")
        wait_until(lambda: waiting_to_write(db.session, "outbox_messages"), 60, what="the job to queue its emails")
        worker.kill()
    # The dead worker's transaction is rolled back whole: the round is not open, no one is invited.
    time.sleep(1)
    assert _round_state(round_id) == (RoundStatus.SCHEDULED, 0, 0)
    assert _job_status() == "running", "the dead run still holds today's claim on the job"
    # A run left "running" is taken over once it is STALE_AFTER old; the test moves its start back rather than wait.
    db.session.execute(
        update(JobRun).where(JobRun.job_name == OPEN_ROUNDS_JOB).values(started_at=JobRun.started_at - STALE_AFTER)
    )
    db.session.commit()

    # Second kill: while the invitations are being sent.
    restarted = time.monotonic()
    worker.start()
    catcher.wait_for(KILL_AFTER, timeout=180)
    worker.kill()
    at_kill = catcher.count()
    assert at_kill < COUNCILLORS, "every invitation went before the kill: nothing was interrupted"
    assert _round_state(round_id) == (RoundStatus.OPEN, COUNCILLORS, COUNCILLORS)

    worker.start()
    tally = catcher.wait_for_everyone(expected, timeout=300)
    all_delivered = time.monotonic() - restarted
    wait_until(lambda: all_sent(f"survey:{round_id}"), 60, 0.2, "every invitation marked sent")

    tally = catcher.tally()
    assert set(tally.by_recipient) == expected
    assert tally.repeats <= 1, f"{tally.repeats} invitations went twice; only the one in flight may"
    invited = list(db.session.scalars(select(SurveyInvitation.user_id).where(SurveyInvitation.round_id == round_id)))
    assert sorted(invited) == member_ids, "one invitation row per councillor"
    assert _round_state(round_id) == (RoundStatus.OPEN, COUNCILLORS, COUNCILLORS)
    assert _job_status() == "done"
    results.append(
        f"{COUNCILLORS} councillors; kill 1 inside the job's transaction (invitations written, emails rendered): "
        f"round still scheduled, 0 invitations, 0 emails queued; kill 2 at {at_kill} invitations received; "
        f"delivered {len(tally.by_recipient)}, {tally.repeats} twice, {len(invited)} invitation rows; "
        f"all delivered {all_delivered:.1f} s after the first restart (lease {LEASE_SECONDS} s)"
    )
