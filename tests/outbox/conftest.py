"""Fixtures for the outbox tests: more real SMTP servers, worker subprocesses and quick ways to fill the outbox."""

import os
import signal
import socket
import subprocess
import sys
from collections import Counter
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from sqlalchemy import select

from config import BASE_DIR
from portal.extensions import db
from portal.outbox.catcher import CatchingHandler, MailCatcher
from portal.outbox.models import OutboxMessage
from portal.outbox.services import enqueue_many
from portal.outbox.worker import message_id_for

REFUSED_ADDRESS = "refused@council.example"


class RefusingHandler(CatchingHandler):
    """Turns one address down at RCPT TO with a permanent 550, the way a real server rejects an unknown mailbox."""

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):  # noqa: N802 (aiosmtpd's name)
        if address == REFUSED_ADDRESS:
            return "550 5.1.1 No such mailbox here"
        envelope.rcpt_tos.append(address)
        return "250 OK"


@pytest.fixture
def set_config(app, monkeypatch) -> Callable[..., None]:
    """`set_config(OUTBOX_BATCH_SIZE=2)`: change the shared app's settings for this test only."""

    def change(**values) -> None:
        for name, value in values.items():
            monkeypatch.setitem(app.config, name, value)

    return change


@pytest.fixture
def closed_port() -> int:
    """A loopback port nobody listens on, so connecting is refused at once: a mail server that is down."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture
def refusing_catcher() -> Iterator[MailCatcher]:
    catcher = MailCatcher(handler=RefusingHandler()).start()
    yield catcher
    catcher.stop()


@pytest.fixture
def queue_messages(app_context) -> Callable[..., list[int]]:
    """`queue_messages(3)`: commit that many distinct messages to the outbox and return their ids in order."""

    def queue(count: int, to_address: str = "member{n}@council.example", **fields) -> list[int]:
        first = db.session.scalar(select(db.func.coalesce(db.func.max(OutboxMessage.id), 0)))
        rows = [
            {
                "to_address": to_address.format(n=n),
                "subject": f"Test message {n}",
                "body_text": f"Text body {n}",
                "body_html": f"<p>HTML body {n}</p>",
                **fields,
            }
            for n in range(count)
        ]
        enqueue_many(rows)
        db.session.commit()
        return list(db.session.scalars(select(OutboxMessage.id).where(OutboxMessage.id > first).order_by("id")))

    return queue


def outbox_row(outbox_id: int) -> OutboxMessage:
    """The row as the database holds it now, not as this session last saw it."""
    db.session.expire_all()
    return db.session.get(OutboxMessage, outbox_id)


def expected_message_ids() -> dict[str, int]:
    """Message-ID → outbox id, for every row in the outbox."""
    db.session.expire_all()
    return {message_id_for(row): row.id for row in db.session.scalars(select(OutboxMessage))}


def received_message_ids(catcher: MailCatcher) -> Counter:
    return Counter(message["Message-ID"] for message in catcher.messages)


class WorkerProcesses:
    """`flask outbox …` subprocesses pointed at the test database and a mail catcher; all killed at the end."""

    def __init__(self, database_url: str, catcher: MailCatcher, instance_dir: Path):
        self.env = {
            **os.environ,
            "PORTAL_ENV": "testing",
            "FLASK_APP": "wsgi",
            "TEST_DATABASE_URL": database_url,
            "PORTAL_INSTANCE_DIR": str(instance_dir),
            "MAIL_SERVER": catcher.host,
            "MAIL_PORT": str(catcher.port),
            "LOG_LEVEL": "WARNING",
        }
        self.processes: list[subprocess.Popen] = []

    def start(self, *args: str, **settings: object) -> subprocess.Popen:
        env = {**self.env, **{name: str(value) for name, value in settings.items()}}
        flask = Path(sys.executable).with_name("flask")
        process = subprocess.Popen(
            [str(flask), *args], cwd=BASE_DIR, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
        )
        self.processes.append(process)
        return process

    def run(self, *args: str, timeout: float = 60, **settings: object) -> subprocess.CompletedProcess:
        process = self.start(*args, **settings)
        stdout, stderr = process.communicate(timeout=timeout)
        assert process.returncode == 0, stderr
        return subprocess.CompletedProcess(process.args, process.returncode, stdout, stderr)

    def stop_all(self) -> None:
        for process in self.processes:
            if process.poll() is None:
                process.send_signal(signal.SIGKILL)
            process.communicate()


@pytest.fixture
def workers(app_context, database_url, mail_catcher, tmp_path) -> Iterator[WorkerProcesses]:
    processes = WorkerProcesses(database_url, mail_catcher, tmp_path)
    yield processes
    processes.stop_all()
