"""Load test: 200 members using the portal at once while an officer sends a newsletter to everyone.

    .venv/bin/python bench/load_test.py [--members 200] [--seconds 120] [--workers 2] [--threads 4]
                                        [--think 3,12]                        (or: make load-test)

On loopback only, against a throwaway PostgreSQL cluster holding the demo council (the migrations, then
portal.demo.services.load_demo) with councillors added until `--members` of them are invited to the open
survey round and have not answered it. Served by gunicorn as in production (PORTAL_ENV=production, so
production's Argon2 cost), with the outbox worker (`flask outbox work`) sending to a mail catcher
(`flask outbox catch-mail`), each a process of its own.

Each simulated member has a browser of their own (bench/_load_browser.py: one kept-alive connection, their own
session cookie and CSRF token). They arrive at random over the first half of the run and sign in once, then,
thinking a few seconds between pages, go to the home page, search the directory and open a service, read the
newsletters archive and an issue, look at their training, and once answer the open survey (the form, a while
filling it in, then submit with every question answered). Meanwhile an officer views a released round's
results again and again and, a quarter of the way in, sends a newsletter (written beforehand as a draft) to
everyone with the real "Send now" button; a health check asks /healthz every second, the baseline for the
latencies (bench/_load_people.py).

Prints requests per second, p50/p95/p99 latency per page and errors (any answer but 2xx or 3xx, and no answer),
then checks that the survey holds exactly one response per member who submitted and that every newsletter
message reached the catcher once. Target: no errors and the 95th percentile under 300 ms. Everything started
is stopped at the end, on an error or on Ctrl-C; the run is bounded by --seconds plus set-up and the drain.
"""

import argparse
import contextlib
import email.parser
import os
import random
import secrets
import signal
import sys
import tempfile
import threading
import time
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench._load_browser import Browser, Recorder, free_port  # noqa: E402
from bench._load_figures import Outcome, emit, error_lines, format_pages, page_table, verdicts  # noqa: E402
from bench._load_people import Member, Officer, Script, Tally, health_check  # noqa: E402
from bench._load_servers import (  # noqa: E402
    HOST,
    LIGHT_PASSWORDS,
    CpuMeter,
    environment,
    family,
    gunicorn_command,
    log_errors,
    started,
    wait_until_up,
)
from bench._support import with_postgresql  # noqa: E402

DRAIN_SECONDS = 90
NEWSLETTER_SUBJECT = "Load test bulletin: staying safe this winter"
NEWSLETTER_BODY = """\
## Surgeries after dark

Tell someone where you are, carry the personal alarm, and leave if anyone becomes threatening.

## Who to call

Out of hours, call the council's emergency line; in an emergency, always call 999.
"""


# ---- the database ----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Prepared:
    script: Script
    group_key: str  # the newsletter's messages in the outbox
    councillors: int
    added: int


def setup_app(url: str, secret: str, env: dict[str, str]):
    """The app with the servers' settings (production, from their environment), for setting up and checking."""
    from portal import create_app

    settings = {"SQLALCHEMY_DATABASE_URI": url, "SECRET_KEY": secret, "LOG_LEVEL": "WARNING"}
    if LIGHT_PASSWORDS.keys() <= env.keys():
        settings.update({name: int(value) for name, value in LIGHT_PASSWORDS.items()})
    return create_app(settings)


def prepare(app, options: argparse.Namespace) -> Prepared:
    """Migrate, load the demo council, add councillors until --members can answer the open round, and write
    the officer's draft newsletter; all committed."""
    from flask_migrate import upgrade
    from sqlalchemy import func, select

    from portal.accounts.models import Role, User, UserRole
    from portal.demo import data
    from portal.demo.services import load_demo
    from portal.extensions import db
    from portal.surveys.models import RoundStatus, SurveyInvitation, SurveyRound

    with app.app_context():
        upgrade()
        load_demo()
        open_round = db.session.scalars(select(SurveyRound).where(SurveyRound.status == RoundStatus.OPEN)).one()
        waiting = db.session.scalars(
            select(User.email)
            .join(SurveyInvitation, SurveyInvitation.user_id == User.id)
            .where(SurveyInvitation.round_id == open_round.id, SurveyInvitation.answered.is_(False))
            .order_by(User.id)
        ).all()
        added = _add_members(open_round, max(0, options.members - len(waiting)))
        officer = db.session.scalars(select(User).where(User.email == data.email_for("officer"))).one()
        issue = _draft_newsletter(officer)
        script = Script(
            members=[*waiting, *added][: options.members],
            password=data.DEMO_PASSWORD,
            officer=officer.email,
            open_round_id=open_round.id,
            results_paths=_results_paths(),
            issue_id=issue.id,
            think=options.think,
            arrive_within=options.seconds / 2,
            send_after=options.seconds / 4,
        )
        councillor = UserRole.role == Role.COUNCILLOR.value
        councillors = db.session.scalar(select(func.count()).select_from(UserRole).where(councillor))
        prepared = Prepared(script, issue.group_key, councillors, len(added))
        db.session.commit()
    return prepared


def _add_members(open_round, count: int) -> list[str]:
    """`count` more councillors, each invited to the open round; they share the demo password's hash."""
    from sqlalchemy import select

    from portal.accounts.models import Role, User, UserRole
    from portal.demo import data
    from portal.extensions import db
    from portal.surveys.models import SurveyInvitation

    password_hash = db.session.scalars(select(User.password_hash).where(User.password_hash.is_not(None))).first()
    people = [
        User(
            email=data.email_for(f"load.member{number:03d}"),
            name=f"Member {number:03d}",
            ward=f"Ward {number % 12 + 1}",
            password_hash=password_hash,
            role_rows=[UserRole(role=Role.COUNCILLOR.value)],
        )
        for number in range(count)
    ]
    db.session.add_all(people)
    db.session.flush()
    db.session.add_all(SurveyInvitation(round_id=open_round.id, user_id=person.id) for person in people)
    open_round.invited_count += count
    return [person.email for person in people]


def _draft_newsletter(officer):
    """A draft to everyone with an account, approved first when the council's settings ask for approval."""
    from portal.newsletters import services
    from portal.newsletters.models import Audience
    from portal.settings.services import current_settings

    summary = "Safety for members"
    details = services.IssueInput(NEWSLETTER_SUBJECT, summary, NEWSLETTER_BODY, audience=Audience.ALL_USERS.value)
    issue = services.create_issue(details, officer)
    if current_settings().newsletter_approval_required:
        services.approve(issue, officer)
    return issue


def _results_paths() -> list[str]:
    """The latest released round's results page, overall and broken down by each attribute the round asked."""
    from sqlalchemy import select

    from portal.extensions import db
    from portal.surveys.models import RoundStatus, SurveyRound

    survey_round = db.session.scalars(
        select(SurveyRound).where(SurveyRound.status == RoundStatus.RELEASED).order_by(SurveyRound.closes_on.desc())
    ).first()
    page = f"/surveys/rounds/{survey_round.id}/results"
    attributes = [question.id for question in survey_round.template.questions if question.is_attribute]
    return [page, *(f"{page}?by={attribute}" for attribute in attributes)]


def counts(app, prepared: Prepared) -> tuple[int, int, int, int]:
    """Responses and answered invitations in the open round; the newsletter's messages, and how many are sent."""
    from sqlalchemy import func, select

    from portal.extensions import db
    from portal.outbox.models import MessageStatus, OutboxMessage
    from portal.surveys.models import SurveyInvitation, SurveyResponse

    def count(model, *conditions) -> int:
        return db.session.scalar(select(func.count()).select_from(model).where(*conditions))

    round_id, newsletter = prepared.script.open_round_id, OutboxMessage.group_key == prepared.group_key
    with app.app_context():
        return (
            count(SurveyResponse, SurveyResponse.round_id == round_id),
            count(SurveyInvitation, SurveyInvitation.round_id == round_id, SurveyInvitation.answered),
            count(OutboxMessage, newsletter),
            count(OutboxMessage, newsletter, OutboxMessage.status == MessageStatus.SENT),
        )


def wait_for_outbox(app, prepared: Prepared) -> tuple[int, int]:
    """Until the worker has sent every newsletter message (or DRAIN_SECONDS pass): (enqueued, sent)."""
    deadline = time.monotonic() + DRAIN_SECONDS
    while True:
        *_, enqueued, sent = counts(app, prepared)
        if sent >= enqueued or time.monotonic() > deadline:
            return enqueued, sent
        time.sleep(1)


def caught(mail_folder: Path, expected: int, seconds: float = 30) -> tuple[int, int]:
    """The newsletter messages the catcher saved (waiting for `expected`), and to how many different addresses."""
    deadline = time.monotonic() + seconds
    parser = email.parser.BytesHeaderParser()
    while True:
        headers = [parser.parsebytes(path.read_bytes()) for path in sorted(mail_folder.glob("*.eml"))]
        ours = [header for header in headers if header["Subject"] == NEWSLETTER_SUBJECT]
        if len(ours) >= expected or time.monotonic() > deadline:
            return len(ours), len({header["To"] for header in ours})
        time.sleep(1)


# ---- the run ---------------------------------------------------------------------------------------------


def warm_up(port: int, script: Script, rounds: int = 4) -> None:
    """Each page a few times on new connections (so in both workers), unrecorded: a server that has been up a
    while has compiled its templates and opened its database connections. Reads only; nothing is answered."""
    recorder = Recorder(recording=False)
    for round_number in range(rounds):
        for address, paths in (
            (script.members[0], ["/", "/directory?q=counselling", "/newsletters", "/training"]),
            (script.officer, [*script.results_paths, f"/newsletters/{script.issue_id}/preview"]),
        ):
            person = Member(Browser(HOST, port, recorder), script, threading.Event(), Tally(), round_number)
            person.sign_in(address)
            for path in paths:
                person.browser.get("warm-up", path)
            if address != script.officer:
                person.browser.get("warm-up", f"/surveys/{script.open_round_id}")
                person.follow_a_link("warm-up", "/directory?q=support", "warm-up", r"/directory/services/\d+", (0, 0))
                person.follow_a_link("warm-up", "/newsletters", "warm-up", r"/newsletters/\d+", (0, 0))
            person.browser.close()


def drive(port: int, script: Script, seconds: float, recorder: Recorder, tally: Tally) -> float:
    """The members, the officer and the health check, for `seconds`; returns the seconds measured."""
    stop = threading.Event()

    def browser() -> Browser:
        return Browser(HOST, port, recorder)

    seeds = random.Random(2026)  # simulated behaviour, nothing secret
    people = [
        threading.Thread(target=Member(browser(), script, stop, tally, seeds.random()), args=(email,), daemon=True)
        for email in script.members
    ]
    people.append(threading.Thread(target=Officer(browser(), script, stop, tally, seeds.random()), daemon=True))
    people.append(threading.Thread(target=health_check, args=(browser(), stop), daemon=True))
    started_at = time.monotonic()
    for person in people:
        person.start()
    try:
        stop.wait(seconds)
    finally:
        measured = time.monotonic() - started_at
        stop.set()
        deadline = time.monotonic() + 35  # a request under way when time is up finishes, or times out
        for person in people:
            person.join(timeout=max(0.1, deadline - time.monotonic()))
    return measured


def run(url: str, options: argparse.Namespace) -> bool:
    secret = secrets.token_urlsafe(32)
    with tempfile.TemporaryDirectory(prefix="portal-load-") as name, contextlib.ExitStack() as stack:
        folder, web_port, mail_port = Path(name), free_port(HOST), free_port(HOST)
        env = environment(url, secret, folder, (web_port, mail_port), options.light_passwords)
        os.environ.update({key: env[key] for key in ("PORTAL_ENV", "SECRET_KEY", "DATABASE_URL")})
        app = setup_app(url, secret, env)
        begun = time.monotonic()
        prepared = prepare(app, options)
        responses_before, answered_before, *_ = counts(app, prepared)
        print(
            f"Demo council loaded in {time.monotonic() - begun:.0f} s: {prepared.councillors} councillors "
            f"({prepared.added} added); {len(prepared.script.members)} of them simulated, each yet to answer the "
            "open survey",
            flush=True,
        )
        flask = str(Path(sys.executable).parent / "flask")
        catch = [flask, "outbox", "catch-mail", "--port", str(mail_port)]
        catcher = stack.enter_context(started(catch, env, folder / "catcher.log"))
        wait_until_up(mail_port, [catcher], "the mail catcher", None)
        worker = stack.enter_context(started([flask, "outbox", "work"], env, folder / "worker.log"))
        gunicorn = gunicorn_command(web_port, options.workers, options.threads)
        web = stack.enter_context(started(gunicorn, env, folder / "web.log"))
        wait_until_up(web_port, [web, worker], "gunicorn", "/healthz")
        print(
            f"gunicorn {options.workers} workers x {options.threads} threads, outbox worker and mail catcher on "
            f"loopback; {len(prepared.script.members)} members for {options.seconds:g} s, pausing "
            f"{options.think[0]:g} to {options.think[1]:g} s between pages; Argon2 at "
            f"{'the tests’' if options.light_passwords else 'production’s'} cost; load average {load_average()}",
            flush=True,
        )
        warm_up(web_port, prepared.script)
        recorder, tally = Recorder(), Tally()
        cpu = CpuMeter(web=family(web.pid), worker=family(worker.pid)).start()
        try:
            seconds = drive(web_port, prepared.script, options.seconds, recorder, tally)
        finally:
            recorder.recording = False
            cpu.stop()
        print(f"Load over; load average {load_average()}. Waiting for the outbox to drain...", flush=True)
        enqueued, sent = wait_for_outbox(app, prepared)
        delivered, addresses = caught(folder / "mail", enqueued)
        responses, answered, *_ = counts(app, prepared)
        outcome = Outcome(
            tally.submitted,
            tally.submits_unanswered,
            responses - responses_before,
            answered - answered_before,
            tally.newsletter_sent,
            enqueued,
            sent,
            delivered,
            addresses,
        )
        with app.app_context():
            from portal.extensions import db

            db.engine.dispose()  # before the cluster stops
        return report(recorder, seconds, tally, outcome, cpu, log_errors(folder))


def report(recorder: Recorder, seconds: float, tally: Tally, outcome: Outcome, cpu: CpuMeter, tracebacks: int) -> bool:
    hits = list(recorder.hits)
    rows = page_table(hits)
    print("\n" + format_pages(rows, seconds))
    print("\n".join(error_lines(hits)))
    served = sum(row.requests for row in rows[:-1])  # the health checks too: they ran on the same workers
    print(
        f"\n{rows[-1].requests / seconds:.1f} requests per second over {seconds:.0f} s; {tally.signed_in} signed "
        f"in; {recorder.reconnects} reconnects after the server closed an idle connection (not errors); "
        f"{tracebacks} tracebacks in the servers' logs\n"
        f"CPU: the web server's workers {cpu.web_seconds:.0f} s ({cpu.web_seconds / seconds:.2f} of "
        f"{os.cpu_count()} CPUs; {1000 * cpu.web_seconds / max(1, served):.0f} ms a request), the outbox worker "
        f"{cpu.worker_seconds:.0f} s; the whole machine was {cpu.machine_busy:.0%} busy"
    )
    results = verdicts(rows[-1], outcome)
    for words, passed in results:
        print(f"{'PASS' if passed else 'FAIL'}  {words}")
    emit(rows, seconds, outcome, 1000 * cpu.web_seconds / max(1, served))
    return all(passed for _, passed in results) and not tracebacks


def load_average() -> str:
    return " ".join(f"{figure:.2f}" for figure in os.getloadavg())


def _stop_on_sigterm(*_args) -> None:
    raise KeyboardInterrupt


def think_range(text: str) -> tuple[float, float]:
    try:
        low, high = (float(part) for part in text.split(","))
    except ValueError:
        low = high = -1
    if not 0 <= low <= high:
        raise argparse.ArgumentTypeError("give the shortest and longest pause in seconds, like 3,12")
    return low, high


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--members", type=int, default=200, help="simulated members")
    parser.add_argument("--seconds", type=float, default=120, help="how long the load lasts")
    parser.add_argument("--workers", type=int, default=2, help="gunicorn worker processes")
    parser.add_argument("--threads", type=int, default=4, help="threads per gunicorn worker")
    parser.add_argument("--think", type=think_range, default=(3.0, 12.0), help="seconds between pages: low,high")
    parser.add_argument("--light-passwords", action="store_true", help="Argon2 at the tests' cost, not production's")
    options = parser.parse_args()
    signal.signal(signal.SIGTERM, _stop_on_sigterm)
    passed = {}

    def on_postgresql(_backend: str, url: str) -> None:
        passed["all"] = run(url, options)

    try:
        with_postgresql(on_postgresql, "load_test")
    except KeyboardInterrupt:
        print("\nStopped with Ctrl-C; everything the load test started has been stopped.")
        return 130
    if "all" not in passed:
        print("The load test needs PostgreSQL: see above why it could not start.")
        return 1
    return 0 if passed["all"] else 1


if __name__ == "__main__":
    sys.exit(main())
