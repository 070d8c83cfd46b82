"""How fast is the compliance matrix for a large council? Prints figures; loopback only, under 90 seconds.

Builds a temporary SQLite database with 120 members × 30 courses × 10 years of completions, serves the app with
gunicorn on a free loopback port, and loads /healthz (trivial) and the matrix page in turn for a few seconds each
with keep-alive connections. Prints requests per second, p50/p95 latency, their ratio, and how many SQL
statements one matrix request runs.

    .venv/bin/python bench/training_matrix.py [--seconds 8] [--clients 4] [--profile]
"""

import argparse
import cProfile
import http.client
import os
import pstats
import random
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
# The same folder for this script and the gunicorn it starts (which imports this module again).
BENCH_DIR = Path(os.environ.get("BENCH_DIR") or tempfile.mkdtemp(prefix="portal-bench-"))
os.environ["BENCH_DIR"] = str(BENCH_DIR)
os.environ.setdefault("PORTAL_INSTANCE_DIR", str(BENCH_DIR))
sys.path.insert(0, str(ROOT))

from flask import Flask  # noqa: E402
from sqlalchemy import event, insert  # noqa: E402

from bench._support import report_result  # noqa: E402
from config import TestingConfig  # noqa: E402
from portal import create_app  # noqa: E402
from portal.accounts.models import Role, User, UserRole  # noqa: E402
from portal.extensions import db  # noqa: E402
from portal.training.models import Completion, Course, CourseCategory  # noqa: E402

MEMBERS, COURSES, YEARS = 120, 30, 10
MATRIX, TRIVIAL = "/training/compliance-matrix", "/healthz"
DATABASE_URL = f"sqlite:///{BENCH_DIR / 'bench.sqlite3'}"
OFFICER_ID, OFFICER_STAMP = MEMBERS + 1, "bench-officer-stamp"


class BenchConfig(TestingConfig):
    SQLALCHEMY_DATABASE_URI = DATABASE_URL
    RATELIMIT_ENABLED = False
    LOG_LEVEL = "WARNING"


def serve_app() -> Flask:
    """The gunicorn entry point: `training_matrix:serve_app()`."""
    return create_app(BenchConfig)


# ---- data ------------------------------------------------------------------------------------------------


def _members(today: date, rng: random.Random) -> list[dict]:
    wards = [f"Ward {n:02d}" for n in range(1, 21)]
    groups = ["Labour", "Conservative", "Liberal Democrat", "Green", "Independent"]
    return [
        {
            "id": n,
            "email": f"member{n}@council.example",
            "name": f"Member {n:03d}",
            "ward": wards[n % len(wards)],
            "political_group": groups[n % len(groups)],
            "date_elected": today - timedelta(days=rng.choice([30, 400, 1500, 2900, 4000])),
        }
        for n in range(1, MEMBERS + 1)
    ]


def _roles() -> list[dict]:
    """Members 1 to 120 are councillors; the last user is the officer who looks at the matrix."""
    return [
        {"user_id": n, "role": (Role.COUNCILLOR if n <= MEMBERS else Role.OFFICER).value}
        for n in range(1, OFFICER_ID + 1)
    ]


def _courses() -> list[dict]:
    categories = list(CourseCategory)
    return [
        {
            "id": n,
            "title": f"Course {n:02d}",
            "category": categories[n % len(categories)].value,
            "refresher_months": [None, 12, 24, 36][n % 4],
            "due_within_months_of_election": 2 if n % 7 == 0 else None,
            "mandatory": n % 3 == 0,
        }
        for n in range(1, COURSES + 1)
    ]


def _completions(today: date, rng: random.Random) -> list[dict]:
    """Each member-course pair: most started within the ten years, then came back every one to three years."""
    rows = []
    for user_id in range(1, MEMBERS + 1):
        for course_id in range(1, COURSES + 1):
            if rng.random() < 0.15:
                continue  # never taken
            day = today - timedelta(days=YEARS * 365 - rng.randrange(365))
            while day <= today:
                rows.append({"user_id": user_id, "course_id": course_id, "completed_on": day})
                day += timedelta(days=rng.randrange(365, 3 * 365))
    return rows


def build_database(app: Flask) -> int:
    """Schema from the migrations, then the council's data in bulk; returns the number of completions."""
    from flask_migrate import upgrade

    today, rng = date.today(), random.Random(4)
    with app.app_context():
        upgrade()
        officer = {
            "id": OFFICER_ID,
            "email": "officer@council.example",
            "name": "Officer",
            "security_stamp": OFFICER_STAMP,
        }
        completions = _completions(today, rng)
        tables = [(User, [officer]), (User, _members(today, rng)), (UserRole, _roles()), (Course, _courses())]
        for model, rows in [*tables, (Completion, completions)]:
            db.session.execute(insert(model.__table__), rows)  # Core executemany: one statement per table
        db.session.commit()
    return len(completions)


def officer_cookie(app: Flask) -> str:
    """A signed session cookie for the officer, made the way tests/conftest.py signs people in."""
    client = app.test_client()
    with client.session_transaction() as session:
        session["_user_id"] = f"{OFFICER_ID}:{OFFICER_STAMP}"
        session["_fresh"] = True
    return client.get_cookie("session").value


def statements_per_request(app: Flask, cookie: str) -> tuple[int, int]:
    """How many SQL statements one matrix request runs, and how many bytes it returns."""
    client = app.test_client()
    client.set_cookie("session", cookie)
    statements = []
    with app.app_context():
        engine = db.engine
    listener = lambda *_args: statements.append(1)  # noqa: E731
    event.listen(engine, "before_cursor_execute", listener)
    try:
        response = client.get(MATRIX)
    finally:
        event.remove(engine, "before_cursor_execute", listener)
    assert response.status_code == 200, response.status_code
    return len(statements), len(response.data)


def cpu_per_request(app: Flask, cookie: str, path: str, requests: int) -> float:
    """The least CPU time (ms) one in-process request to `path` took: steady however busy the machine is."""
    client = app.test_client()
    client.set_cookie("session", cookie)
    client.get(path)
    times = []
    for _ in range(requests):
        start = time.process_time()
        client.get(path)
        times.append(time.process_time() - start)
    return min(times) * 1000


def profile(app: Flask, cookie: str, requests: int = 5) -> None:
    client = app.test_client()
    client.set_cookie("session", cookie)
    client.get(MATRIX)
    profiler = cProfile.Profile()
    profiler.enable()
    for _ in range(requests):
        client.get(MATRIX)
    profiler.disable()
    pstats.Stats(profiler).sort_stats("cumulative").print_stats(25)


# ---- server and load -------------------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def start_server(port: int, workers: int) -> subprocess.Popen:
    command = [sys.executable, "-m", "gunicorn", "--chdir", str(ROOT / "bench"), "--bind", f"127.0.0.1:{port}"]
    command += ["--workers", str(workers), "--worker-class", "gthread", "--threads", "2", "--log-level", "warning"]
    server = subprocess.Popen([*command, "training_matrix:serve_app()"], env={**os.environ, "PYTHONPATH": str(ROOT)})
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline:
        try:
            connection = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
            connection.request("GET", TRIVIAL)
            if connection.getresponse().status == 200:
                return server
        except OSError:
            time.sleep(0.2)
    server.terminate()
    raise RuntimeError("gunicorn did not start")


@dataclass
class Figures:
    path: str
    requests: int
    errors: int
    seconds: float
    latencies: list[float]

    @property
    def rate(self) -> float:
        return self.requests / self.seconds

    def percentile(self, share: float) -> float:
        ordered = sorted(self.latencies)
        return ordered[min(len(ordered) - 1, int(share * len(ordered)))] * 1000

    def line(self) -> str:
        median = statistics.median(self.latencies) * 1000
        return (
            f"{self.path:<30} {self.rate:8.1f} req/s   p50 {median:7.1f} ms   p95 {self.percentile(0.95):7.1f} ms"
            f"   ({self.requests} requests, {self.errors} errors)"
        )


def _client(port: int, path: str, cookie: str, deadline: float, figures: Figures, lock: threading.Lock) -> None:
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    headers = {"Cookie": f"session={cookie}"}
    latencies, errors = [], 0
    while time.perf_counter() < deadline:
        start = time.perf_counter()
        connection.request("GET", path, headers=headers)
        response = connection.getresponse()
        response.read()
        latencies.append(time.perf_counter() - start)
        errors += response.status != 200
    connection.close()
    with lock:
        figures.latencies += latencies
        figures.requests += len(latencies)
        figures.errors += errors


def load(port: int, path: str, cookie: str, seconds: float, clients: int) -> Figures:
    """`clients` threads, each with one keep-alive connection, asking for `path` for `seconds`."""
    for _ in range(3):  # warm up each worker's caches
        _client(port, path, cookie, time.perf_counter() + 0.2, Figures(path, 0, 0, 0, []), threading.Lock())
    figures, lock = Figures(path, 0, 0, seconds, []), threading.Lock()
    deadline = time.perf_counter() + seconds
    threads = [
        threading.Thread(target=_client, args=(port, path, cookie, deadline, figures, lock)) for _ in range(clients)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return figures


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=8.0, help="load time per route")
    parser.add_argument("--clients", type=int, default=4, help="concurrent keep-alive connections")
    parser.add_argument("--workers", type=int, default=2, help="gunicorn worker processes")
    parser.add_argument("--profile", action="store_true", help="also profile five matrix requests in process")
    args = parser.parse_args()
    started = time.monotonic()
    try:
        run(args)
    finally:
        shutil.rmtree(BENCH_DIR, ignore_errors=True)
    print(f"Total time: {time.monotonic() - started:.1f} s")


def run(args: argparse.Namespace) -> None:
    app = serve_app()
    completions = build_database(app)
    print(f"Data: {MEMBERS} members × {COURSES} courses, {completions} completions over {YEARS} years")
    cookie = officer_cookie(app)
    statements, size = statements_per_request(app, cookie)
    print(f"One matrix request: {statements} SQL statements, {size / 1024:.0f} KiB of HTML")
    matrix_cpu, trivial_cpu = cpu_per_request(app, cookie, MATRIX, 10), cpu_per_request(app, cookie, TRIVIAL, 200)
    print(
        f"In process, least CPU per request: matrix {matrix_cpu:.1f} ms, {TRIVIAL} {trivial_cpu:.2f} ms "
        f"(ratio {matrix_cpu / trivial_cpu:.0f}×)"
    )
    report_result("matrix, CPU per request", matrix_cpu, "ms", baseline=TRIVIAL, baseline_value=trivial_cpu)
    if args.profile:
        profile(app, cookie)
    port = free_port()
    server = start_server(port, args.workers)
    try:
        trivial = load(port, TRIVIAL, cookie, args.seconds, args.clients)
        matrix = load(port, MATRIX, cookie, args.seconds, args.clients)
    finally:
        server.terminate()
        server.wait(timeout=10)
    print(f"gunicorn: {args.workers} workers (gthread), {args.clients} keep-alive clients, {args.seconds:.0f} s each")
    print(trivial.line())
    print(matrix.line())
    print(
        f"Ratio: the matrix serves {trivial.rate / matrix.rate:.1f}× fewer requests per second than {TRIVIAL}; "
        f"p50 {statistics.median(matrix.latencies) / statistics.median(trivial.latencies):.1f}× slower"
    )
    report_result("compliance matrix", matrix.rate, "req/s", baseline=TRIVIAL, baseline_value=trivial.rate)


if __name__ == "__main__":
    main()
