"""How fast are a survey round's results with 100,000 responses (a stress far beyond any council)?

    .venv/bin/python bench/survey_results.py [--responses 100000] [--seconds 8] [--clients 4] [--workers 2]
                                             [--no-postgresql]

On a throwaway SQLite database, then on a throwaway PostgreSQL cluster: the migrations, then a closed round of
WHO-5, the experience block and a self-reported attribute with 100,000 responses bulk-inserted with random
ids; times the release (a few GROUP BY statements in the database: values, answered, WHO-5 scores, each for
everyone and by attribute group at once), then serves the app with gunicorn on loopback and loads /healthz
(trivial), the results page and the results page broken down by the attribute in turn. Prints the release's
wall-clock and CPU time, requests per second, p50/p95 latency and each page's ratio to the trivial route.
PostgreSQL is ANALYZEd after the bulk load (autovacuum would have done so during a real round).
"""

import argparse
import contextlib
import multiprocessing
import os
import random
import secrets
import signal
import subprocess
import sys
import time
from datetime import date, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench._support import on_each_database, report_result  # noqa: E402
from bench.directory_search import HOST, USER_AGENT, Result, fetch, free_port, measure  # noqa: E402
from config import TestingConfig  # noqa: E402

DATABASE_ENV = "BENCH_SURVEY_DATABASE_URL"
CHUNK = 50_000


class BenchConfig(TestingConfig):
    TESTING = False
    SECRET_KEY = "bench-only-not-secret"  # noqa: S105 (a throwaway database on loopback)
    RATELIMIT_ENABLED = False
    LOG_LEVEL = "WARNING"
    SQLALCHEMY_DATABASE_URI = os.environ.get(DATABASE_ENV, "sqlite://")


def bench_app():
    """The app gunicorn serves: `bench.survey_results:bench_app()`, the database named in the environment."""
    from portal import create_app

    return create_app(BenchConfig)


# ---- the round ----------------------------------------------------------------------------------------


def _answers_of(response_id: str, round_id: int, questions: dict, rng: random.Random) -> list[dict]:
    def row(question_id: int, option=None, number=None) -> dict:
        return {
            "id": secrets.token_hex(16),
            "response_id": response_id,
            "round_id": round_id,
            "question_id": question_id,
            "option_index": option,
            "number": number,
            "text": None,
            "redacted": False,
        }

    level = rng.choice([1, 2, 3, 3, 4, 4, 5])
    rows = [row(questions[f"who5.{n}"], number=max(0, min(5, level + rng.choice([-1, 0, 0, 1])))) for n in range(1, 6)]
    rows.append(row(questions["exp.experienced"], option=rng.choice([0, 0, 1, 1, 1, 2])))
    rows.append(row(questions["exp.know_support"], number=rng.randint(1, 5)))
    rows += [row(questions["exp.channels"], option=option) for option in rng.sample(range(6), rng.randint(0, 2))]
    if rng.random() < 0.9:
        rows.append(row(questions["attr.group"], option=rng.choice([0, 0, 1, 1, 1, 2, 3])))
    return rows


def load_round(count: int) -> int:
    """A closed round with `count` responses, inserted in chunks with executemany; returns its id."""
    from sqlalchemy import insert

    from portal.extensions import db
    from portal.surveys import blocks
    from portal.surveys.models import (
        QuestionKind,
        RoundStatus,
        SurveyAnswer,
        SurveyQuestion,
        SurveyResponse,
        SurveyRound,
        SurveyTemplate,
    )

    template = SurveyTemplate(name="Member wellbeing")
    standard = [*blocks.WHO5.questions, *blocks.EXPERIENCE.questions]
    for position, question in enumerate(standard):
        template.questions.append(
            SurveyQuestion(
                position=position,
                key=question.key,
                kind=question.kind,
                text=question.text,
                options=list(question.options),
                required=question.required,
            )
        )
    template.questions.append(
        SurveyQuestion(
            position=len(standard),
            key="attr.group",
            kind=QuestionKind.SINGLE_CHOICE,
            text="Political group",
            options=["Largest party", "Second party", "Independent", blocks.PREFER_NOT_TO_SAY],
            is_attribute=True,
        )
    )
    opens_on = date.today() - timedelta(days=30)
    survey_round = SurveyRound(
        template=template,
        title="Wellbeing survey",
        opens_on=opens_on,
        closes_on=opens_on + timedelta(days=21),
        status=RoundStatus.CLOSED,
        invited_count=count + count // 10,
        response_count=count,
    )
    db.session.add(survey_round)
    db.session.commit()
    questions = {question.key: question.id for question in template.questions}
    rng = random.Random(2026)
    for start in range(0, count, CHUNK):
        ids = [secrets.token_hex(16) for _ in range(min(CHUNK, count - start))]
        db.session.execute(insert(SurveyResponse), [{"id": rid, "round_id": survey_round.id} for rid in ids])
        answers = [row for rid in ids for row in _answers_of(rid, survey_round.id, questions, rng)]
        db.session.execute(insert(SurveyAnswer), answers)
        db.session.commit()
    return survey_round.id


def officer_cookie(app) -> tuple[str, object]:
    from flask import session
    from flask_login import login_user

    from portal.accounts.models import Role, User, UserRole
    from portal.extensions import db

    user = User(name="Bench Officer", email="officer@council.example", role_rows=[UserRole(role=Role.OFFICER)])
    db.session.add(user)
    db.session.commit()
    with app.test_request_context(environ_base={"REMOTE_ADDR": HOST, "HTTP_USER_AGENT": USER_AGENT}):
        login_user(user)
        value = app.session_interface.get_signing_serializer(app).dumps(dict(session))
    return f"{app.config['SESSION_COOKIE_NAME']}={value}", user


def build_database(count: int) -> tuple[str, int, int, float, float, float]:
    """Migrate, load and release; returns the cookie, round id, attribute id, load, release and its CPU seconds.

    The CPU time is the benchmark's own process: on SQLite that is the queries themselves (the database runs
    in-process), so it stays meaningful on a machine shared with other work; on PostgreSQL it is only the
    client's share.
    """
    import logging

    from flask_migrate import upgrade
    from sqlalchemy import text

    from portal.extensions import db
    from portal.surveys import results
    from portal.surveys.models import SurveyRound

    app = bench_app()
    with app.app_context():
        upgrade()
        logging.getLogger("alembic").setLevel(logging.WARNING)
        started = time.perf_counter()
        round_id = load_round(count)
        if db.engine.dialect.name == "postgresql":
            with db.engine.connect() as connection:
                connection.execution_options(isolation_level="AUTOCOMMIT").execute(text("VACUUM ANALYZE"))
        loaded = time.perf_counter() - started
        cookie, officer = officer_cookie(app)
        survey_round = db.session.get(SurveyRound, round_id)
        started, cpu = time.perf_counter(), time.process_time()
        results.release(survey_round, by=officer)
        db.session.commit()
        released, released_cpu = time.perf_counter() - started, time.process_time() - cpu
        attribute_id = next(q.id for q in survey_round.template.questions if q.is_attribute)
        return cookie, round_id, attribute_id, loaded, released, released_cpu


# ---- the server ---------------------------------------------------------------------------------------


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
        "bench.survey_results:bench_app()",
    ]
    server = subprocess.Popen(command, env=env, start_new_session=True)
    try:
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            if server.poll() is not None:
                raise SystemExit(f"gunicorn stopped with exit code {server.returncode}")
            with contextlib.suppress(OSError):
                if fetch(port, "/healthz", "")[0] == 200:
                    break
            time.sleep(0.2)
        else:
            raise SystemExit("gunicorn did not answer within 30 seconds")
        yield
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        try:
            server.wait(timeout=10)
        except subprocess.TimeoutExpired:
            os.killpg(server.pid, signal.SIGKILL)
            server.wait()


def report(backend: str, results: list[Result], options, loaded: float, released: float, cpu: float) -> None:
    trivial = results[0].rate
    print(f"\n{options.responses:,} responses; {backend}; gunicorn {options.workers} workers x 2 threads;", end=" ")
    print(f"{options.clients} clients; {options.seconds:g} s per target; {os.cpu_count()} CPUs shared with the clients")
    print(f"bulk load {loaded:.1f} s; release {released:.2f} s (CPU in this process {cpu:.2f} s)\n")
    print(f"{'target':<40} {'req/s':>8} {'p50 ms':>8} {'p95 ms':>8} {'ratio':>7}  note")
    for result in results:
        ratio = result.rate / trivial if trivial and result.rate else 0
        note = f"{result.errors} non-200 responses" if result.errors else result.note
        rate = result.rate or 0
        print(f"{result.target:<40} {rate:>8.0f} {result.p50_ms:>8.1f} {result.p95_ms:>8.1f} {ratio:>7.2f}  {note}")
    for result in results[1:]:
        figure = f"{result.target} ({backend})"
        report_result(figure, result.rate or 0, "req/s", baseline="/healthz", baseline_value=trivial)


def run(backend: str, url: str, options) -> None:
    os.environ[DATABASE_ENV] = url
    BenchConfig.SQLALCHEMY_DATABASE_URI = url
    cookie, round_id, attribute_id, loaded, released, cpu = build_database(options.responses)
    page = f"/surveys/rounds/{round_id}/results"
    targets = [
        ("trivial route (/healthz)", ["/healthz"]),
        ("results page", [page]),
        ("results page, broken down", [f"{page}?by={attribute_id}"]),
    ]
    port = free_port()
    with gunicorn(url, port, options.workers), multiprocessing.get_context("fork").Pool(options.clients) as pool:
        status, body = fetch(port, page, cookie)
        if status != 200 or b"WHO-5" not in body:
            raise SystemExit(f"the results page answered {status}: the officer's cookie was not accepted")
        results = [
            measure(pool, port, cookie, name, paths, options.seconds, options.clients) for name, paths in targets
        ]
    report(backend, results, options, loaded, released, cpu)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--responses", type=int, default=100_000)
    parser.add_argument("--seconds", type=float, default=8.0, help="measured time per target")
    parser.add_argument("--clients", type=int, default=4, help="concurrent keep-alive connections")
    parser.add_argument("--workers", type=int, default=2, help="gunicorn worker processes")
    parser.add_argument("--no-postgresql", action="store_true", help="SQLite only")
    options = parser.parse_args()
    on_each_database(
        lambda backend, url: run(backend, url, options), "survey_bench", postgresql=not options.no_postgresql
    )


if __name__ == "__main__":
    main()
