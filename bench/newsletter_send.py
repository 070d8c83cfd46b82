"""Sending one newsletter to 10,000 members: the enqueue, then the worker against a plain smtplib loop.

    .venv/bin/python bench/newsletter_send.py [--recipients N] [--batch-size B] [--round R] [--max-seconds S]
                                              [--no-postgresql] [--profile]

For each database (a temporary SQLite file, and PostgreSQL when tests/pg_cluster.py can start a cluster) it adds N
councillors with bulk inserts and writes one issue, then:
- times `send_now`, which snapshots the recipients and writes N outbox rows and N recipient rows in one
  transaction, and counts its SQL statements (they must not grow with N, beyond a batch per thousand rows);
- times the outbox worker (`drain`, batch by batch) sending the N messages to a MailCatcher on loopback, which
  runs in a process of its own as a real mail server would;
- times a plain smtplib loop sending the same messages (the same rows, composed with the standard library) over
  one connection to the same catcher, taking turns with the worker a round of R messages at a time;
and prints both rates and their ratio (target 0.7 or more). The catcher checks that every message arrived once,
with its one-click unsubscribe header. When the worker and the loop together have used --max-seconds, the rounds
stop and the rates are over what was sent by then, so a slow machine gives a shorter run rather than a longer one.
--profile prints where the worker's time goes.
"""

import argparse
import cProfile
import multiprocessing
import pstats
import smtplib
import sys
import time
from dataclasses import dataclass
from email.message import EmailMessage
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))  # run as a script from anywhere

from flask_migrate import upgrade
from sqlalchemy import event, insert, select

from bench._support import on_each_database, report_result
from config import TestingConfig
from portal import create_app
from portal.accounts.models import Role, User, UserRole
from portal.extensions import db
from portal.newsletters import sending, services
from portal.newsletters.models import NewsletterIssue
from portal.outbox.catcher import MailCatcher
from portal.outbox.models import OutboxMessage
from portal.outbox.worker import drain, message_id_for

WAIT_SECONDS = 30
INSERT_CHUNK = 2000
BODY = """\
## Lone working after dark

Members who hold surgeries alone should tell someone where they are, carry the **personal alarm** issued by
member services, and leave if anyone becomes threatening. [Read the lone-working guide](https://example.org/guide).

## Training this month

- Personal safety and risk assessment (mandatory)
- Conflict de-escalation
- Social media and digital citizenship

## Who to call

Out of hours, call the council's emergency line on 01632 960000; in an emergency, always call 999.
"""


class CatcherProcess:
    """A MailCatcher on loopback in a process of its own, as a real mail server would be: it takes no CPU time
    from the worker or the plain loop being timed, and they take none from it."""

    def __init__(self):
        self._pipe, child_end = multiprocessing.Pipe()
        self._process = multiprocessing.get_context("spawn").Process(target=_serve, args=(child_end,), daemon=True)
        self._process.start()
        self.host, self.port = self._pipe.recv()

    def _ask(self, *command):
        self._pipe.send(command)
        return self._pipe.recv()

    def clear(self) -> None:
        self._ask("clear")

    def delivered(self, count: int) -> "Delivered":
        """What had arrived once `count` messages were in (or WAIT_SECONDS passed)."""
        return self._ask("wait", count)

    def stop(self) -> None:
        self._ask("stop")
        self._process.join(timeout=10)


@dataclass(frozen=True)
class Delivered:
    messages: int
    addresses: int  # different To addresses: fewer than messages means someone got a message twice
    one_click: int  # messages with the RFC 8058 List-Unsubscribe-Post header


def _serve(pipe) -> None:
    catcher = MailCatcher().start()
    pipe.send((catcher.host, catcher.port))
    while True:
        command, *arguments = pipe.recv()
        if command == "clear":
            catcher.clear()
            pipe.send(None)
        elif command == "wait":
            messages = catcher.wait_for(arguments[0], WAIT_SECONDS)
            addresses = len({message["To"] for message in messages})
            one_click = sum(message["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click" for message in messages)
            pipe.send(Delivered(len(messages), addresses, one_click))
        else:
            catcher.stop()
            pipe.send(None)
            return


def _app(database_url: str, catcher: CatcherProcess, batch_size: int):
    class BenchConfig(TestingConfig):
        SQLALCHEMY_DATABASE_URI = database_url
        MAIL_SERVER, MAIL_PORT = catcher.host, catcher.port
        OUTBOX_BATCH_SIZE = batch_size
        LOG_LEVEL = "WARNING"

    return create_app(BenchConfig)


def _add_members(count: int) -> User:
    """`count` councillors in bulk (Core inserts, a few thousand rows a statement) and one champion to write."""
    for start in range(0, count, INSERT_CHUNK):
        rows = [
            {"email": f"member{n:05d}@council.example", "name": f"Councillor {n:05d}", "ward": f"Ward {n % 40}"}
            for n in range(start, min(start + INSERT_CHUNK, count))
        ]
        db.session.execute(insert(User), rows)
    member_ids = db.session.scalars(select(User.id)).all()
    db.session.execute(insert(UserRole), [{"user_id": i, "role": Role.COUNCILLOR.value} for i in member_ids])
    champion = User(email="champion@council.example", name="Chris Champion")
    champion.role_rows = [UserRole(role=Role.CHAMPION.value)]
    db.session.add(champion)
    db.session.commit()
    return champion


def _time_send(champion: User) -> tuple[NewsletterIssue, int, float, int]:
    """Write an issue and send it: (issue, recipients, seconds for send_now and its commit, SQL statements)."""
    issue = services.create_issue(services.IssueInput("Members' safety bulletin", "This month", BODY), champion)
    db.session.commit()
    statements = []

    def count(*_args) -> None:
        statements.append(1)

    event.listen(db.engine, "before_cursor_execute", count)
    started = time.perf_counter()
    try:
        sent_to = sending.send_now(issue, champion)
        db.session.commit()
    finally:
        event.remove(db.engine, "before_cursor_execute", count)
    return issue, sent_to, time.perf_counter() - started, len(statements)


@dataclass
class Timings:
    """Messages sent and seconds spent by each way of sending, summed over the rounds."""

    worker_sent: int = 0
    worker_seconds: float = 0.0
    plain_sent: int = 0
    plain_seconds: float = 0.0


def _worker_round(catcher: CatcherProcess, count: int, profiler: cProfile.Profile | None) -> tuple[int, float]:
    """The worker sends up to `count` more messages (whole batches): how many, in how long."""
    catcher.clear()
    sent, started = 0, time.perf_counter()
    if profiler:
        profiler.enable()
    while sent < count:
        result = drain(max_batches=1)
        if result.errors or not result.batches:
            raise SystemExit(f"the worker stopped after {sent} of {count}: {result.errors[:3]}")
        sent += result.sent
    elapsed = time.perf_counter() - started
    if profiler:
        profiler.disable()
    _check_delivered(catcher, sent)
    return sent, elapsed


def _check_delivered(catcher: CatcherProcess, count: int) -> None:
    """Every message arrived, once each, with its one-click unsubscribe header."""
    delivered = catcher.delivered(count)
    if not delivered.messages == delivered.addresses == delivered.one_click == count:
        raise SystemExit(f"expected {count} messages to as many addresses, each with List-Unsubscribe: {delivered}")


def _compose(row: OutboxMessage, sender: str) -> EmailMessage:
    email = EmailMessage()
    email["Subject"], email["From"], email["To"] = row.subject, sender, row.to_address
    email["Message-ID"] = message_id_for(row)
    for name, value in row.headers.items():
        email[name] = value
    email.set_content(row.body_text)
    email.add_alternative(row.body_html, subtype="html")
    return email


def _plain_round(catcher: CatcherProcess, smtp: smtplib.SMTP, rows: list[OutboxMessage]) -> float:
    """The same rows the worker just sent, composed with the standard library, with no database writes."""
    sender = TestingConfig.MAIL_DEFAULT_SENDER
    catcher.clear()
    started = time.perf_counter()
    for row in rows:
        smtp.send_message(_compose(row, sender), from_addr=sender, to_addrs=[row.to_address])
    elapsed = time.perf_counter() - started
    _check_delivered(catcher, len(rows))
    return elapsed


def _time_sending(catcher: CatcherProcess, issue: NewsletterIssue, options: argparse.Namespace) -> Timings:
    """Worker and plain loop take turns, a round of --round messages each, so that a change in the machine's load
    during the run weighs on both alike; the rounds stop when all are sent or the time budget is spent."""
    rows = list(
        db.session.scalars(
            select(OutboxMessage).where(OutboxMessage.group_key == issue.group_key).order_by(OutboxMessage.id)
        )
    )
    for row in rows:
        db.session.expunge(row)  # read once, before the worker changes them
    timings = Timings()
    profiler = cProfile.Profile() if options.profile else None
    with smtplib.SMTP(catcher.host, catcher.port, timeout=30) as smtp:
        while timings.worker_sent < len(rows) and timings.worker_seconds + timings.plain_seconds < options.max_seconds:
            sent, seconds = _worker_round(catcher, min(options.round, len(rows) - timings.worker_sent), profiler)
            done = rows[timings.worker_sent : timings.worker_sent + sent]  # the worker sends the oldest first
            timings.worker_sent, timings.worker_seconds = timings.worker_sent + sent, timings.worker_seconds + seconds
            timings.plain_seconds += _plain_round(catcher, smtp, done)
            timings.plain_sent += len(done)
    if profiler:
        pstats.Stats(profiler).sort_stats("cumulative").print_stats(30)
    return timings


def measure(name: str, database_url: str, catcher: CatcherProcess, options: argparse.Namespace) -> None:
    app = _app(database_url, catcher, options.batch_size)
    with app.app_context():
        upgrade()
        champion = _add_members(options.recipients)
        issue, recipients, send_seconds, statements = _time_send(champion)
        print(
            f"{name:<11} send_now to {recipients} recipients: {send_seconds:5.2f} s in one transaction, "
            f"{statements} SQL statements",
            flush=True,
        )
        timings = _time_sending(catcher, issue, options)
        db.session.remove()
        db.engine.dispose()
    worker, plain = timings.worker_sent, timings.plain_sent
    worker_rate, plain_rate = worker / timings.worker_seconds, plain / timings.plain_seconds
    print(
        f"{name:<11} outbox worker {worker_rate:5.0f} msg/s ({worker} in {timings.worker_seconds:.1f} s)   "
        f"plain smtplib {plain_rate:5.0f} msg/s ({plain} in {timings.plain_seconds:.1f} s)   "
        f"worker/plain {worker_rate / plain_rate:4.2f} (target 0.70)",
        flush=True,
    )
    figure = f"worker sending one issue ({name})"
    report_result(figure, worker_rate, "msg/s", baseline="plain smtplib", baseline_value=plain_rate, ratio_min=0.7)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--recipients", type=int, default=10_000)
    parser.add_argument("--batch-size", type=int, default=TestingConfig.OUTBOX_BATCH_SIZE)
    parser.add_argument("--round", type=int, default=1000, help="messages each way of sending takes in turn")
    parser.add_argument("--max-seconds", type=float, default=45.0, help="time budget for both ways together")
    parser.add_argument("--no-postgresql", action="store_true", help="only the SQLite figures")
    parser.add_argument("--profile", action="store_true", help="print where the worker's time goes")
    options = parser.parse_args()
    catcher = CatcherProcess()
    print(
        f"{options.recipients} recipients, worker batches of {options.batch_size}, "
        f"MailCatcher in its own process on {catcher.host}:{catcher.port}"
    )

    def run(name: str, database_url: str) -> None:
        measure(name, database_url, catcher, options)

    try:
        on_each_database(run, "newsletter_bench", postgresql=not options.no_postgresql)
    finally:
        catcher.stop()


if __name__ == "__main__":
    main()
