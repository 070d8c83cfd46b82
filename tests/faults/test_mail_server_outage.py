"""Fault 5: the mail server goes away for five minutes in the middle of a send, and comes back.

The outbox tries again with exponential backoff (OUTBOX_RETRY_BASE_SECONDS, doubling, OUTBOX_MAX_ATTEMPTS tries)
and, the outage being shorter than that budget, marks nothing as failed and delivers everything once the
server is back. `make test-faults` runs the real five minutes (FAULTS_SMTP_OUTAGE_SECONDS changes it); the
ordinary suite runs a ten-second version. The worker's retry base is set so that a try falls soon after the
outage ends: tries come at base × (1, 3, 7, 15, 31, …) seconds after the first failure, so with base =
outage / 31 the sixth try is the first after the outage, well within the eight the production setting allows.
"""

import math
import os
import time

import pytest
from sqlalchemy import func, select

from config import ProductionConfig
from portal.extensions import db
from portal.outbox.models import MessageStatus, OutboxMessage
from portal.outbox.services import enqueue_many
from tests.faults.data import all_sent, outbox_statuses
from tests.faults.harness import full_run, wait_until

OUTAGE_SECONDS = float(os.environ.get("FAULTS_SMTP_OUTAGE_SECONDS", 300)) if full_run() else 10.0
MESSAGES = 1000 if full_run() else 200
STOP_AFTER = 100  # messages received before the mail server stops
MAX_ATTEMPTS = ProductionConfig.OUTBOX_MAX_ATTEMPTS  # 8, as in production, unless the environment says otherwise


def _most_attempts() -> int:
    attempts = db.session.scalar(select(func.max(OutboxMessage.attempts)))
    db.session.commit()
    return attempts


@pytest.mark.slow
@pytest.mark.fault(backends=("postgresql",), quick="sqlite")
def test_outbox_rides_out_a_mail_server_outage_and_delivers_everything(fault_db, launch, catcher, results):
    retry_base = max(1, math.ceil(OUTAGE_SECONDS / 31))
    budget = retry_base * (2 ** (MAX_ATTEMPTS - 1) - 1)  # seconds from the first failed try to giving up
    assert budget > OUTAGE_SECONDS, "the retry budget must outlast the outage for this test to mean anything"
    addresses = {f"member{n:05d}@council.example" for n in range(MESSAGES)}
    enqueue_many(
        {"to_address": address, "subject": "Newsletter", "body_text": "Text", "body_html": "<p>HTML</p>"}
        for address in sorted(addresses)
    )
    db.session.commit()
    worker = launch.worker(OUTBOX_RETRY_BASE_SECONDS=retry_base, OUTBOX_MAX_ATTEMPTS=MAX_ATTEMPTS)

    catcher.wait_for(STOP_AFTER, timeout=180)
    catcher.stop_listening()
    down_since = time.monotonic()
    at_stop = catcher.count()
    assert at_stop < MESSAGES, "everything was sent before the mail server stopped"
    # Through the outage nothing is given up on, and the worker keeps going.
    while time.monotonic() - down_since < OUTAGE_SECONDS:
        assert outbox_statuses().get(MessageStatus.FAILED, 0) == 0, "a message was given up on during the outage"
        time.sleep(min(5.0, OUTAGE_SECONDS / 5))
    attempts_during_outage = _most_attempts()
    pending_at_return = MESSAGES - catcher.count()
    assert worker.running, worker.log()
    assert catcher.count() == at_stop

    catcher.start_listening()
    back = time.monotonic()
    tally = catcher.wait_for_everyone(addresses, timeout=OUTAGE_SECONDS + 300)
    all_delivered = time.monotonic() - back
    wait_until(lambda: all_sent(), 60, 0.2, "every outbox row marked sent")

    tally = catcher.tally()
    assert set(tally.by_recipient) == addresses
    assert tally.repeats <= 1, f"{tally.repeats} messages went twice; only the one in flight may"
    assert attempts_during_outage > 1, "the worker never tried again during the outage"
    assert _most_attempts() <= MAX_ATTEMPTS
    results.append(
        f"{MESSAGES} messages; mail server stopped at {at_stop} received, for {OUTAGE_SECONDS:.0f} s; retry base "
        f"{retry_base} s, {MAX_ATTEMPTS} tries (budget {budget} s); {pending_at_return} waiting at the return, "
        f"up to {attempts_during_outage} tries used during the outage, none failed; all delivered "
        f"{all_delivered:.1f} s after the return, {tally.repeats} twice; most tries of any message {_most_attempts()}"
    )
