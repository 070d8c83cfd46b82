"""Sign-in and password reset never tell whether an address has an account: not by the page, nor by the time.

Timing itself is measured in bench/sign_in_timing.py; a timing assertion here would flake on a busy machine.
These tests check what makes the time the same instead: the same Argon2 work, the same templates rendered
and the same SQL statements whether or not the address has an account.
"""

import re
from dataclasses import dataclass, field

import pytest
from argon2 import PasswordHasher, extract_parameters
from flask import template_rendered
from sqlalchemy import event

from portal.extensions import db
from tests.factories import PASSWORD
from tests.pages import Page, outbox

UNKNOWN = "nobody@council.example"
WRONG_PASSWORD = "a wrong guess at it"
SAVEPOINT_END = re.compile(r"^(RELEASE|ROLLBACK TO) SAVEPOINT (\w+)$")


@dataclass
class Work:
    """What a request did: the hashes Argon2 verified against, the templates rendered, the SQL it ran."""

    hashes_verified: list[str] = field(default_factory=list)
    templates: list[str] = field(default_factory=list)
    statements: list[str] = field(default_factory=list)


@pytest.fixture
def work_of(app_context, client, monkeypatch):
    """`work_of(path, data)`: post the form and return the Work it did (real calls, counted as they pass)."""
    verify = PasswordHasher.verify

    def post(path: str, data: dict) -> Work:
        work = Work()

        def counted_verify(hasher, hash, password):
            work.hashes_verified.append(hash)
            return verify(hasher, hash, password)

        def on_template(_app, template, context, **_extra):
            work.templates.append(template.name)

        def on_statement(_connection, _cursor, statement, *_rest):
            # The savepoint keeps a real account's email and drops a stand-in's: the one step meant to differ.
            work.statements.append(SAVEPOINT_END.sub(r"END SAVEPOINT \2", statement))

        monkeypatch.setattr(PasswordHasher, "verify", counted_verify)
        event.listen(db.engine, "before_cursor_execute", on_statement)
        try:
            with template_rendered.connected_to(on_template, app_context):
                client.post(path, data=data)
        finally:
            event.remove(db.engine, "before_cursor_execute", on_statement)
        return work

    client.get("/sign-in")  # the council's settings row exists before anything is counted
    return post


# Signing in


def test_an_unknown_address_gets_the_same_page_as_a_wrong_password(client, make_user):
    kim = make_user(email="kim@council.example")

    wrong = client.post("/sign-in", data={"email": kim.email, "password": WRONG_PASSWORD})
    unknown = client.post("/sign-in", data={"email": UNKNOWN, "password": WRONG_PASSWORD})

    assert unknown.status_code == wrong.status_code == 422
    assert Page(unknown).error_summary == ["Enter a correct email address and password"]
    assert Page(unknown).text.replace(UNKNOWN, kim.email) == Page(wrong).text


def test_an_unknown_address_costs_the_same_work_as_a_wrong_password(work_of, make_user):
    kim = make_user(email="kim@council.example")

    wrong = work_of("/sign-in", {"email": kim.email, "password": WRONG_PASSWORD})
    unknown = work_of("/sign-in", {"email": UNKNOWN, "password": WRONG_PASSWORD})

    assert len(wrong.hashes_verified) == len(unknown.hashes_verified) == 1
    assert extract_parameters(unknown.hashes_verified[0]) == extract_parameters(kim.password_hash)
    assert (unknown.templates, unknown.statements) == (wrong.templates, wrong.statements)


@pytest.mark.parametrize("account", ["deactivated", "invited, no password yet"])
def test_accounts_that_cannot_sign_in_cost_the_same_work_as_a_wrong_password(work_of, make_user, account):
    kim = make_user(email="kim@council.example")
    other = make_user(email="other@council.example", active=account != "deactivated")
    if account != "deactivated":
        other.password_hash = None
        db.session.commit()

    wrong = work_of("/sign-in", {"email": kim.email, "password": WRONG_PASSWORD})
    refused = work_of("/sign-in", {"email": other.email, "password": PASSWORD})

    assert len(refused.hashes_verified) == 1
    assert extract_parameters(refused.hashes_verified[0]) == extract_parameters(kim.password_hash)
    assert (refused.templates, refused.statements) == (wrong.templates, wrong.statements)


# Resetting a password


def test_a_reset_request_looks_the_same_whether_or_not_the_address_has_an_account(client, make_user):
    kim = make_user(email="kim@council.example")

    unknown = client.post("/reset-password", data={"email": UNKNOWN})
    assert outbox() == []
    known = client.post("/reset-password", data={"email": kim.email})
    assert [message.to_address for message in outbox()] == [kim.email]

    assert unknown.status_code == known.status_code == 200
    assert Page(unknown).heading == Page(known).heading == "Check your email"
    assert Page(unknown).text.replace(UNKNOWN, kim.email) == Page(known).text


def test_a_reset_for_an_unknown_address_costs_the_same_work_but_sends_nothing(work_of, make_user):
    kim = make_user(email="kim@council.example")

    known = work_of("/reset-password", {"email": kim.email})
    assert [message.to_address for message in outbox()] == [kim.email]
    unknown = work_of("/reset-password", {"email": UNKNOWN})

    assert "emails/accounts/password_reset.txt" in known.templates
    assert any(statement.startswith("INSERT INTO outbox_messages") for statement in known.statements)
    assert (unknown.templates, unknown.statements) == (known.templates, known.statements)
    assert [message.to_address for message in outbox()] == [kim.email]


def test_a_reset_for_a_deactivated_account_costs_the_same_work_but_sends_nothing(work_of, make_user):
    kim = make_user(email="kim@council.example")
    gone = make_user(email="gone@council.example", active=False)

    known = work_of("/reset-password", {"email": kim.email})
    refused = work_of("/reset-password", {"email": gone.email})

    assert (refused.templates, refused.statements) == (known.templates, known.statements)
    assert [message.to_address for message in outbox()] == [kim.email]
