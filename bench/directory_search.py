"""How fast the directory search is under load, against a trivial route on the same server in the same run.

    .venv/bin/python bench/directory_search.py [--services 5000] [--seconds 12] [--rounds 6] [--clients 4]

Builds a throwaway SQLite database (the migrations, then 5,000 varied entries), serves the app with gunicorn on
loopback, and drives it with a small keep-alive load generator (one process per client). It measures the
trivial route (/healthz, one SELECT 1), a plain signed-in page (the page shell alone, for scale), the search
page, the search page filtered to "open now", the A to Z listing and the Open Referral API's search, and prints
requests per second, latency and each one's ratio to the trivial route. The targets take turns in short
rounds, so that a machine getting busier or quieter during the run moves every figure alike. The goal: the
search page at one third or more of the trivial route's rate. Everything stops by itself in about two minutes.
"""

import argparse
import contextlib
import http.client
import multiprocessing
import os
import random
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from collections import Counter
from dataclasses import dataclass
from datetime import date, timedelta
from datetime import time as clock
from pathlib import Path
from urllib.parse import urlencode

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench._support import report_result  # noqa: E402
from config import TestingConfig  # noqa: E402

DATABASE_ENV = "BENCH_DIRECTORY_DATABASE_URL"
HOST = "127.0.0.1"
USER_AGENT = "directory-search-bench"
WARM_UP_SECONDS = 1.0
QUERIES = [
    "counselling",
    "legal advice",
    "bereavement",
    "online safety",
    "helpline",
    "riverside",
    "mental health",
    "debt",
    "police",
    "peer support group",
    "surgery safety",
    "Services",
    "harassment",
    "astronomy",  # finds nothing
]


class BenchConfig(TestingConfig):
    TESTING = False  # errors as the public sees them, not raised into the server
    SECRET_KEY = "bench-only-not-secret"  # noqa: S105 (a throwaway database on loopback)
    RATELIMIT_ENABLED = False
    LOG_LEVEL = "WARNING"
    SQLALCHEMY_DATABASE_URI = os.environ.get(DATABASE_ENV, "sqlite://")


def bench_app():
    """The app gunicorn serves: `bench.directory_search:bench_app()`, the database named in the environment."""
    from portal import create_app

    return create_app(BenchConfig)


# ---- the directory ------------------------------------------------------------------------------------

PLACES = ["Northshire", "Riverside", "Eastgate", "Millbrook", "Hillcrest", "Westfield", "Oakley", "Harbourside"]
TOPICS = [
    ("Counselling", "Confidential counselling sessions with a qualified counsellor."),
    ("Bereavement", "Support after the death of someone close, by phone or in person."),
    ("Legal advice", "Advice on defamation, harassment and what the law allows."),
    ("Online safety", "Help with online abuse, account security and taking content down."),
    ("Mental health", "Support for your mental health, from low mood to crisis."),
    ("Debt advice", "Free and confidential help with money worries and debt."),
    ("Police liaison", "The police single point of contact for elected members."),
    ("Peer support", "Other councillors who have been through the same thing."),
    ("Surgery safety", "Risk assessment and personal safety for ward surgeries."),
    ("Lone working", "Check-in calls and alarms for members working alone."),
    ("Wellbeing", "Ways to look after yourself in public life."),
    ("Housing", "Advice if your home address has been published or you feel unsafe at home."),
]
KINDS = ["helpline", "service", "clinic", "network", "team", "drop-in", "group", "line", "hub", "project"]
AUDIENCES = ["All councillors", "New members", "Members and their families", "Members and officers", ""]


def _hours(rng: random.Random) -> list:
    from portal.directory.models import OpeningHours

    pattern = rng.choice(["office", "office", "office", "always", "evenings", "overnight", "none"])
    spans = {
        "office": [(day, clock(9), clock(17)) for day in range(5)],
        "always": [(day, clock(0), clock(0)) for day in range(7)],
        "evenings": [(day, clock(18), clock(22)) for day in range(7)],
        "overnight": [(day, clock(22), clock(2)) for day in range(7)],
        "none": [],
    }[pattern]
    return [OpeningHours(weekday=day, opens_at=opens, closes_at=closes) for day, opens, closes in spans]


def _service(number: int, rng: random.Random, categories: list, providers: list):
    from portal.directory.models import Service, ServiceContact, ServicePhone, ServiceStatus

    place, (topic, about), kind = rng.choice(PLACES), rng.choice(TOPICS), rng.choice(KINDS)
    roll = rng.random()
    status = ServiceStatus.CLOSED if roll < 0.02 else ServiceStatus.TEMPORARILY_CLOSED if roll < 0.05 else None
    status = status or ServiceStatus.ACTIVE
    return Service(
        name=f"{place} {topic.lower()} {kind} {number}",
        summary=about,
        description=f"{about} Run for members in {place}. {rng.choice(TOPICS)[1]}",
        category=rng.choice(categories),
        provider=rng.choice(providers),
        is_internal=rng.random() < 0.3,
        email=f"service{number}@example.org",
        website=f"https://www.example.org/services/{number}",
        out_of_hours=rng.random() < 0.2,
        audience=rng.choice(AUDIENCES),
        opening_notes="",
        shareable=rng.random() < 0.7,
        status=status,
        last_checked_on=date(2026, 11, 1) - timedelta(days=rng.randrange(0, 700)),
        contacts=[ServiceContact(name=f"Contact {number}", role=rng.choice(["Coordinator", "Adviser", ""]))],
        phones=[ServicePhone(number=f"01632 96{number % 1000:04d}", position=0)],  # Ofcom's drama numbers
        opening_hours=_hours(rng),
    )


def load_directory(count: int) -> None:
    """`count` varied services in one transaction, their search text made by the app's own code."""
    from portal.directory import services
    from portal.directory.models import Provider
    from portal.extensions import db

    rng = random.Random(2026)
    categories = services.categories()
    providers = [Provider(name=f"{place} {org}") for place in PLACES for org in ("Council", "Mind", "Law Centre")]
    entries = [_service(number, rng, categories, providers) for number in range(count)]
    for service in entries:
        services.refresh_search_text(service)
    db.session.add_all(entries)
    db.session.flush()
    services.index_for_search(entries)
    db.session.commit()


def councillor_cookie(app) -> str:
    """A signed session cookie for a new councillor, as Flask-Login leaves it after a sign-in from loopback."""
    from flask import session
    from flask_login import login_user

    from portal.accounts.models import Role, User, UserRole
    from portal.extensions import db

    user = User(name="Bench Councillor", email="bench@council.example", role_rows=[UserRole(role=Role.COUNCILLOR)])
    db.session.add(user)
    db.session.commit()
    environ = {"REMOTE_ADDR": HOST, "HTTP_USER_AGENT": USER_AGENT}
    with app.test_request_context(environ_base=environ):
        login_user(user)
        value = app.session_interface.get_signing_serializer(app).dumps(dict(session))
    return f"{app.config['SESSION_COOKIE_NAME']}={value}"


def build_database(url: str, count: int) -> str:
    """Migrate and fill the database; returns the councillor's cookie."""
    import logging

    from flask_migrate import upgrade

    app = bench_app()
    with app.app_context():
        upgrade()
        logging.getLogger("alembic").setLevel(logging.WARNING)
        load_directory(count)
        return councillor_cookie(app)


# ---- the server ---------------------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind((HOST, 0))
        return sock.getsockname()[1]


@contextlib.contextmanager
def gunicorn(url: str, port: int, workers: int):
    env = {**os.environ, DATABASE_ENV: url}
    command = [
        sys.executable,
        "-m",
        "gunicorn",
        "--chdir",
        str(ROOT),
        "--workers",
        str(workers),
        "--worker-class",
        "gthread",
        "--threads",
        "2",
        "--keep-alive",
        "10",
        "--bind",
        f"{HOST}:{port}",
        "--log-level",
        "warning",
        "bench.directory_search:bench_app()",
    ]
    server = subprocess.Popen(command, env=env, start_new_session=True)
    try:
        _wait_until_up(port, server)
        yield
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        try:
            server.wait(timeout=10)
        except subprocess.TimeoutExpired:
            os.killpg(server.pid, signal.SIGKILL)
            server.wait()


def _wait_until_up(port: int, server: subprocess.Popen, seconds: float = 30) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise SystemExit(f"gunicorn stopped with exit code {server.returncode}")
        with contextlib.suppress(OSError):
            if fetch(port, "/healthz", "")[0] == 200:
                return
        time.sleep(0.2)
    raise SystemExit("gunicorn did not answer within 30 seconds")


def fetch(port: int, path: str, cookie: str) -> tuple[int, bytes]:
    connection = http.client.HTTPConnection(HOST, port, timeout=10)
    try:
        connection.request("GET", path, headers={"Cookie": cookie, "User-Agent": USER_AGENT})
        response = connection.getresponse()
        return response.status, response.read()
    finally:
        connection.close()


# ---- the load generator -------------------------------------------------------------------------------


def hammer(port: int, paths: list[str], cookie: str, seconds: float, offset: int) -> tuple[list[float], Counter]:
    """One client: requests back to back on a kept-alive connection for `seconds`; latencies and statuses."""
    headers = {"Cookie": cookie, "User-Agent": USER_AGENT}
    connection = http.client.HTTPConnection(HOST, port, timeout=10)
    latencies, statuses, count = [], Counter(), offset
    deadline = time.perf_counter() + seconds
    while (started := time.perf_counter()) < deadline:
        path, count = paths[count % len(paths)], count + 1
        try:
            connection.request("GET", path, headers=headers)
            response = connection.getresponse()
            response.read()
        except (OSError, http.client.HTTPException):
            statuses["connection error"] += 1
            connection.close()
            connection = http.client.HTTPConnection(HOST, port, timeout=10)
            continue
        latencies.append(time.perf_counter() - started)
        statuses[response.status] += 1
        if response.will_close:
            connection.close()
            connection = http.client.HTTPConnection(HOST, port, timeout=10)
    connection.close()
    return latencies, statuses


@dataclass
class Result:
    target: str
    rate: float | None = None
    p50_ms: float = 0.0
    p95_ms: float = 0.0
    errors: int = 0
    note: str = ""


def run(pool, port: int, cookie: str, paths: list[str], seconds: float, clients: int) -> tuple[list[float], Counter]:
    """All clients on `paths` at once for `seconds`: every latency and the count of each status."""
    jobs = [(port, paths, cookie, seconds, client * 7) for client in range(clients)]
    latencies, statuses = [], Counter()
    for client_latencies, client_statuses in pool.starmap(hammer, jobs):
        latencies += client_latencies
        statuses += client_statuses
    return latencies, statuses


def measure(pool, port: int, cookie: str, target: str, paths: list[str], seconds: float, clients: int) -> Result:
    """One target on its own, after a warm-up."""
    run(pool, port, cookie, paths, WARM_UP_SECONDS, clients)
    latencies, statuses = run(pool, port, cookie, paths, seconds, clients)
    return _result(target, latencies, statuses, seconds)


def _result(target: str, latencies: list[float], statuses: Counter, seconds: float) -> Result:
    if not latencies:
        return Result(target, note="no responses")
    ok, cuts = statuses.get(200, 0), statistics.quantiles(latencies, n=20)
    return Result(target, ok / seconds, cuts[9] * 1000, cuts[18] * 1000, sum(statuses.values()) - ok)


def measure_all(pool, port: int, cookie: str, options: argparse.Namespace) -> list[Result]:
    """Each target in turn, round after round, so that a change in how busy the machine is falls on every
    target alike rather than on whichever was measured at the time; then each target's figures over its rounds."""
    every_target = targets(port)
    measurable = [(target, paths) for target, paths in every_target if not isinstance(paths, str)]
    gathered = {target: ([], Counter()) for target, _paths in measurable}
    for _target, paths in measurable:
        run(pool, port, cookie, paths, WARM_UP_SECONDS, options.clients)
    for _round in range(options.rounds):
        for target, paths in measurable:
            latencies, statuses = run(pool, port, cookie, paths, options.seconds / options.rounds, options.clients)
            gathered[target][0].extend(latencies)
            gathered[target][1].update(statuses)
    return [
        Result(target, note=paths) if isinstance(paths, str) else _result(target, *gathered[target], options.seconds)
        for target, paths in every_target
    ]


def targets(port: int) -> list[tuple[str, list[str] | str]]:
    """Each target's name and the paths its clients take turns with (or why it cannot be measured)."""
    search = [f"/directory?{urlencode({'q': query})}" for query in QUERIES]
    open_now = [f"/directory?{urlencode({'q': query, 'open_now': 'y'})}" for query in QUERIES]
    api = [f"/api/oruk/services?{urlencode({'search': query})}" for query in QUERIES]
    status, _ = fetch(port, api[0], "")
    return [
        ("trivial route (/healthz)", ["/healthz"]),
        ("plain page, for scale (/accessibility)", ["/accessibility"]),
        ("search page (/directory?q=...)", search),
        ("search page, open now", open_now),
        ("directory listing, no words", ["/directory", "/directory?page=3", "/directory?page=100"]),
        ("API search (/api/oruk/services)", api if status == 200 else f"not available ({status})"),
    ]


def check_signed_in(port: int, cookie: str) -> None:
    status, body = fetch(port, "/directory?q=counselling", cookie)
    if status != 200 or b"services" not in body:
        raise SystemExit(f"the search page answered {status}: the councillor's cookie was not accepted")


def report(results: list[Result], options: argparse.Namespace) -> None:
    trivial = results[0].rate
    print(
        f"\n{options.services:,} directory entries; SQLite; gunicorn {options.workers} workers x 2 threads; "
        f"{options.clients} clients;"
    )
    print(
        f"{options.seconds:g} s per target in {options.rounds} rounds taking turns, after {WARM_UP_SECONDS:g} s "
        f"warm-up; {os.cpu_count()} CPUs shared with the clients\n"
    )
    print(f"{'target':<40} {'req/s':>8} {'p50 ms':>8} {'p95 ms':>8} {'ratio':>7}  note")
    for result in results:
        if result.rate is None:
            print(f"{result.target:<40} {'-':>8} {'-':>8} {'-':>8} {'-':>7}  {result.note}")
            continue
        ratio = result.rate / trivial if trivial else 0
        note = f"{result.errors} non-200 responses" if result.errors else result.note
        print(
            f"{result.target:<40} {result.rate:>8.0f} {result.p50_ms:>8.1f} {result.p95_ms:>8.1f} {ratio:>7.2f}  {note}"
        )
    for result in results[1:]:
        if result.rate is not None:
            goal = {"ratio_min": 1 / 3} if result.target.startswith("search page (") else {}
            report_result(result.target, result.rate, "req/s", baseline="/healthz", baseline_value=trivial, **goal)
    search = next(result.rate or 0 for result in results if result.target.startswith("search page"))
    verdict = "met" if trivial and search / trivial >= 1 / 3 else "NOT met"
    print(f"\nTarget, search page at one third or more of the trivial route: {verdict}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--services", type=int, default=5000)
    parser.add_argument("--seconds", type=float, default=12.0, help="measured time per target, over all rounds")
    parser.add_argument("--rounds", type=int, default=6, help="rounds in which the targets take turns")
    parser.add_argument("--clients", type=int, default=4, help="concurrent keep-alive connections")
    parser.add_argument("--workers", type=int, default=2, help="gunicorn worker processes")
    options = parser.parse_args()

    with tempfile.TemporaryDirectory(prefix="bench-directory-") as folder:
        url = f"sqlite:///{Path(folder) / 'directory.sqlite3'}"
        os.environ[DATABASE_ENV] = url
        BenchConfig.SQLALCHEMY_DATABASE_URI = url
        started = time.monotonic()
        cookie = build_database(url, options.services)
        print(f"Built {options.services:,} entries in {time.monotonic() - started:.1f} s")
        port = free_port()
        with gunicorn(url, port, options.workers), multiprocessing.get_context("fork").Pool(options.clients) as pool:
            check_signed_in(port, cookie)
            results = measure_all(pool, port, cookie, options)
        report(results, options)


if __name__ == "__main__":
    main()
