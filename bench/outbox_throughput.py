"""How fast the outbox worker sends, against a plain smtplib loop to the same SMTP server in the same run.

    .venv/bin/python bench/outbox_throughput.py [--messages N] [--batch-size B] [--max-seconds S] [--no-postgresql]

For each database (a temporary SQLite file, and PostgreSQL when tests/pg_cluster.py can start a cluster) it
enqueues N messages, times drain() to a MailCatcher on loopback, then times one smtplib connection sending
the same N messages, composed the same way, to that catcher. The difference is what the outbox costs: the
claim, a commit per message and reading the rows. Each timing stops after --max-seconds and reports the rate
over what was sent by then, so a slow machine gives a shorter run rather than a longer one.
"""

import argparse
import smtplib
import sys
import time
from email.message import EmailMessage
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))  # run as a script from anywhere

from flask_migrate import upgrade
from sqlalchemy import select

from bench._support import on_each_database, report_result
from config import TestingConfig
from portal import create_app
from portal.extensions import db
from portal.outbox.catcher import MailCatcher
from portal.outbox.models import OutboxMessage
from portal.outbox.services import enqueue_many
from portal.outbox.worker import drain, message_id_for

WAIT_SECONDS = 30


def _app(database_url: str, catcher: MailCatcher, batch_size: int):
    class BenchConfig(TestingConfig):
        SQLALCHEMY_DATABASE_URI = database_url
        MAIL_SERVER, MAIL_PORT = catcher.host, catcher.port
        OUTBOX_BATCH_SIZE = batch_size
        LOG_LEVEL = "WARNING"

    return create_app(BenchConfig)


def _fill_outbox(count: int) -> None:
    rows = [
        {
            "to_address": f"member{n}@council.example",
            "subject": f"Training reminder {n}",
            "body_text": f"Dear member {n},\n\nYour safeguarding refresher is due.\n" + "Details follow.\n" * 20,
            "body_html": f"<p>Dear member {n},</p><p>Your safeguarding refresher is due.</p>" + "<p>Details.</p>" * 20,
        }
        for n in range(count)
    ]
    enqueue_many(rows)
    db.session.commit()


def _time_drain(catcher: MailCatcher, count: int, budget: float) -> tuple[int, float]:
    """How many messages drain() sent, batch by batch until done or out of time, and in how long."""
    catcher.clear()
    sent, started = 0, time.perf_counter()
    while sent < count and time.perf_counter() - started < budget:
        result = drain(max_batches=1)
        if result.errors or not result.batches:
            raise SystemExit(f"drain stopped after {sent} of {count}: {result.errors[:3]}")
        sent += result.sent
    elapsed = time.perf_counter() - started
    _check_delivered(catcher, sent)
    return sent, elapsed


def _check_delivered(catcher: MailCatcher, count: int) -> None:
    if len(catcher.wait_for(count, WAIT_SECONDS)) != count:
        raise SystemExit(f"the catcher received {len(catcher.messages)} of {count} messages")


def _compose(row: OutboxMessage, sender: str) -> EmailMessage:
    email = EmailMessage()
    email["Subject"], email["From"], email["To"] = row.subject, sender, row.to_address
    email["Message-ID"] = message_id_for(row)
    email.set_content(row.body_text)
    email.add_alternative(row.body_html, subtype="html")
    return email


def _time_plain_smtplib(catcher: MailCatcher, count: int, budget: float) -> tuple[int, float]:
    """The same rows, composed the same way, over one connection with no database writes."""
    rows = list(db.session.scalars(select(OutboxMessage).order_by(OutboxMessage.id).limit(count)))
    sender = "councillor-support@localhost"
    catcher.clear()
    sent, started = 0, time.perf_counter()
    with smtplib.SMTP(catcher.host, catcher.port, timeout=30) as smtp:
        for row in rows:
            if time.perf_counter() - started >= budget:
                break
            smtp.send_message(_compose(row, sender), from_addr=sender, to_addrs=[row.to_address])
            sent += 1
    elapsed = time.perf_counter() - started
    _check_delivered(catcher, sent)
    return sent, elapsed


def measure(name: str, database_url: str, catcher: MailCatcher, options: argparse.Namespace) -> None:
    app = _app(database_url, catcher, options.batch_size)
    with app.app_context():
        upgrade()
        _fill_outbox(options.messages)
        outbox_sent, outbox_seconds = _time_drain(catcher, options.messages, options.max_seconds)
        plain_sent, plain_seconds = _time_plain_smtplib(catcher, options.messages, options.max_seconds)
        db.engine.dispose()
    outbox_rate, plain_rate = outbox_sent / outbox_seconds, plain_sent / plain_seconds
    print(
        f"{name:<11} outbox drain {outbox_rate:6.0f} msg/s ({outbox_sent} in {outbox_seconds:5.2f} s)   "
        f"plain smtplib {plain_rate:6.0f} msg/s ({plain_sent} in {plain_seconds:5.2f} s)   "
        f"outbox/plain {outbox_rate / plain_rate:4.2f}"
    )
    report_result(f"outbox worker ({name})", outbox_rate, "msg/s", baseline="plain smtplib", baseline_value=plain_rate)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--messages", type=int, default=2000)
    parser.add_argument("--batch-size", type=int, default=TestingConfig.OUTBOX_BATCH_SIZE)
    parser.add_argument("--max-seconds", type=float, default=30.0, help="time budget for each timing")
    parser.add_argument("--no-postgresql", action="store_true", help="only the SQLite figures")
    options = parser.parse_args()
    catcher = MailCatcher().start()
    print(f"{options.messages} messages, batches of {options.batch_size}, MailCatcher on {catcher.host}:{catcher.port}")

    def run(name: str, database_url: str) -> None:
        measure(name, database_url, catcher, options)

    try:
        on_each_database(run, "outbox_bench", postgresql=not options.no_postgresql)
    finally:
        catcher.stop()


if __name__ == "__main__":
    main()
