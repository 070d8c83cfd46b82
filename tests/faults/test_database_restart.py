"""Fault 4: PostgreSQL stops for a few seconds and starts again while the worker sends 2,000 messages.

The worker must ride it out by itself (a production worker is not restarted by anyone): it keeps running,
sends at most the message in flight twice, and delivers everything once the database is back; the web server
says it is unhealthy (503) while the database is away and answers again after. The cluster is a throwaway one
of this test's own, since stopping the suite's shared one would break the other tests.
"""

import time
from collections.abc import Iterator

import pytest
from flask_migrate import upgrade

from config import TestingConfig
from portal import create_app
from portal.extensions import db
from portal.outbox.services import enqueue_many
from tests.faults.data import all_sent
from tests.faults.harness import FaultDatabase, request, wait_until
from tests.pg_cluster import PostgresCluster, started_or_skipped

MESSAGES = 2000
STOP_AFTER = 300  # messages received before the database stops
DOWN_SECONDS = 5
LEASE_SECONDS = 10


class RestartableCluster(PostgresCluster):
    """The throwaway cluster, stopped cleanly (as `pg_ctl restart` or a package upgrade does) and started again."""

    def shut_down(self) -> None:
        self._run("pg_ctl", "-D", str(self.data), "-m", "fast", "-w", "stop")

    def start_again(self) -> None:
        # The options PostgresCluster.start gives: `pg_ctl start` does not reuse them by itself.
        options = (
            f"-p {self.port} -k {self.folder} -c listen_addresses=127.0.0.1 -c fsync=off "
            "-c synchronous_commit=off -c full_page_writes=off -c max_connections=200"
        )
        self._run("pg_ctl", "-D", str(self.data), "-o", options, "-l", str(self.folder / "log"), "-w", "start")


@pytest.fixture
def cluster() -> Iterator[RestartableCluster]:
    cluster = started_or_skipped(RestartableCluster())
    yield cluster
    cluster.stop()


@pytest.fixture
def fault_db(cluster) -> Iterator[FaultDatabase]:
    """Overrides the suite's database: a migrated one in this test's own cluster."""
    url = cluster.create_database("faults")

    class Config(TestingConfig):
        SQLALCHEMY_DATABASE_URI = url

    app = create_app(Config)
    with app.app_context():
        upgrade()
        yield FaultDatabase(app, url, "postgresql")
        db.session.remove()
        db.engine.dispose()


@pytest.mark.fault(backends=("postgresql",))
def test_worker_rides_out_a_database_restart_and_delivers_everything(cluster, fault_db, launch, catcher, results):
    addresses = {f"member{n:05d}@council.example" for n in range(MESSAGES)}
    enqueue_many(
        {"to_address": address, "subject": "Newsletter", "body_text": "Text", "body_html": "<p>HTML</p>"}
        for address in sorted(addresses)
    )
    db.session.commit()
    web = launch.web()
    worker = launch.worker(OUTBOX_LEASE_SECONDS=LEASE_SECONDS)

    catcher.wait_for(STOP_AFTER, timeout=180)
    cluster.shut_down()
    at_stop = catcher.count()
    assert at_stop < MESSAGES, "everything was sent before the database stopped"
    time.sleep(DOWN_SECONDS)
    sent_while_down = catcher.count() - at_stop
    health_while_down = request(web.port, "GET", "/healthz").status
    assert worker.running, f"the worker died with the database:\n{worker.log()}"

    back = time.monotonic()
    cluster.start_again()
    web_back = web.wait_until_answering(60)
    tally = catcher.wait_for_everyone(addresses, timeout=300)
    all_delivered = time.monotonic() - back
    wait_until(lambda: all_sent(), 60, 0.2, "every outbox row marked sent")

    tally = catcher.tally()
    assert health_while_down == 503
    assert sent_while_down <= 1, "with no database to record a send, the worker must stop sending"
    assert worker.running and worker.starts == 1, "the worker recovered by itself, without a restart"
    assert set(tally.by_recipient) == addresses
    assert tally.repeats <= 1, f"{tally.repeats} messages went twice; only the one in flight may"
    results.append(
        f"{MESSAGES} messages; database stopped at {at_stop} received, down {DOWN_SECONDS} s; "
        f"{sent_while_down} sent while down; /healthz {health_while_down} while down, 200 again "
        f"{web_back:.1f} s after the start; worker never restarted; delivered {len(tally.by_recipient)}, "
        f"{tally.repeats} twice, all {all_delivered:.1f} s after the database came back (lease {LEASE_SECONDS} s)"
    )
