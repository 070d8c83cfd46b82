"""Whether sign-in and password-reset answers take longer for an address with an account than for one without.

    .venv/bin/python bench/sign_in_timing.py [--rounds 40] [--no-postgresql]

With production's Argon2 cost (the tests lower it), one member in the database, and for each database (a
temporary SQLite file, then PostgreSQL when tests/pg_cluster.py can start a cluster) it posts the sign-in form
with a wrong password for the member's address and for addresses with no account, and the reset form for both.
Known and unknown take turns, swapping which goes first each round, so a busy machine slows both alike. It prints
the median time of each and the ratio unknown / known: the pages are the same, so a ratio near 1 means the time
does not tell an attacker which addresses have accounts either. Requests go through Flask's test client: the
figures are the server's own time, without a network (which only adds the same delay to both).
"""

import argparse
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))  # run as a script from anywhere

from flask_migrate import upgrade

from bench._support import on_each_database, report_result
from config import BaseConfig, TestingConfig
from portal import create_app
from portal.accounts.models import Role, User, UserRole
from portal.accounts.passwords import hash_password
from portal.extensions import db

MEMBER = "kim@council.example"
PASSWORD = "lantern orchard gravel tugboat"  # noqa: S105 (a throwaway database)
WRONG_PASSWORD = "not the password at all"  # noqa: S105 (a throwaway database)


def _app(database_url: str):
    class BenchConfig(TestingConfig):
        SQLALCHEMY_DATABASE_URI = database_url
        PASSWORD_HASH_TIME_COST = BaseConfig.PASSWORD_HASH_TIME_COST
        PASSWORD_HASH_MEMORY_KIB = BaseConfig.PASSWORD_HASH_MEMORY_KIB
        WTF_CSRF_ENABLED = False
        LOG_LEVEL = "WARNING"

    return create_app(BenchConfig)


def _add_member() -> None:
    member = User(email=MEMBER, name="Kim Ashworth", role_rows=[UserRole(role=Role.COUNCILLOR)])
    member.password_hash = hash_password(PASSWORD)
    db.session.add(member)
    db.session.commit()


FORMS = {
    # form: (path, the fields for an address, the status both answers have)
    "sign-in": ("/sign-in", lambda email: {"email": email, "password": WRONG_PASSWORD}, 422),
    "reset": ("/reset-password", lambda email: {"email": email}, 200),
}


# The target: the same answer in about the same time, whether or not the address has an account.
SAME_TIME = {"ratio_min": 0.8, "ratio_max": 1.25}


def _timed_post(client, form: str, email: str) -> float:
    path, fields, status = FORMS[form]
    started = time.perf_counter()
    response = client.post(path, data=fields(email))
    elapsed = time.perf_counter() - started
    if response.status_code != status:
        raise SystemExit(f"{form} for {email} answered {response.status_code}, not {status}")
    return elapsed


def _measure(client, form: str, rounds: int) -> tuple[float, float]:
    """Median seconds for the member's address and for addresses with no account, taking turns."""
    _timed_post(client, form, MEMBER)  # warm-up: templates compiled, the dummy hash made
    _timed_post(client, form, "warm-up@council.example")
    known, unknown = [], []
    for round_number in range(rounds):
        pair = [(known, MEMBER), (unknown, f"nobody{round_number}@council.example")]
        for times, email in pair if round_number % 2 else reversed(pair):
            times.append(_timed_post(client, form, email))
    return statistics.median(known), statistics.median(unknown)


def run(backend: str, database_url: str, rounds: int) -> None:
    app = _app(database_url)
    with app.app_context():
        upgrade()
        _add_member()
        client = app.test_client()
        for form in FORMS:
            known, unknown = _measure(client, form, rounds)
            print(f"{backend:<11} {form:<8} {known * 1000:>9.1f} {unknown * 1000:>11.1f} {unknown / known:>16.2f}")
            figure, known_ms = f"{form}, address with no account ({backend})", known * 1000
            report_result(figure, unknown * 1000, "ms", baseline="known address", baseline_value=known_ms, **SAME_TIME)
        db.session.remove()
        db.engine.dispose()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=40, help="requests of each kind per form")
    parser.add_argument("--no-postgresql", action="store_true")
    options = parser.parse_args()

    cost = f"time cost {BaseConfig.PASSWORD_HASH_TIME_COST}, {BaseConfig.PASSWORD_HASH_MEMORY_KIB} KiB"
    print(f"Argon2id at {cost}; {options.rounds} requests of each kind; median milliseconds\n")
    print(f"{'database':<11} {'form':<8} {'known ms':>9} {'unknown ms':>11} {'unknown / known':>16}")
    on_each_database(
        lambda backend, url: run(backend, url, options.rounds), "sign_in_timing", postgresql=not options.no_postgresql
    )
    print("\nTarget: a ratio between 0.8 and 1.25 for each form (the same answer in about the same time).")


if __name__ == "__main__":
    main()
