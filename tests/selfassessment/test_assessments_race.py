"""Two officers saving the same statement at the same moment on PostgreSQL: one is saved, the other is told.

Both requests pass the revision check before either writes (a barrier in before_flush holds them there), so
only the database's own check (the version counter in the UPDATE's WHERE clause) can tell them apart. Each
save is a real request from its own thread, with its own app context, session and connection.
"""

import threading

import pytest
from sqlalchemy import event
from sqlalchemy.orm import Session

from portal.accounts.models import Role
from portal.extensions import db
from portal.selfassessment.models import AssessedStatement
from tests.selfassessment.factories_assessments import audit_actions, start, statement, stored


@pytest.fixture
def postgres_only(backend):
    if backend != "postgresql":
        pytest.skip("two transactions writing at once are tested on PostgreSQL")


def save_both_at_once(app, url: str, people_and_forms) -> list[int]:
    """Each person posts their form from a thread of their own; returns the status codes in order."""
    barrier = threading.Barrier(len(people_and_forms), timeout=30)
    statuses = [0] * len(people_and_forms)

    def hold_until_both_checked(session, _context, _instances):
        if any(isinstance(dirty, AssessedStatement) for dirty in session.dirty):
            barrier.wait()

    def save(index: int, login_id: str, form: dict) -> None:
        client = app.test_client()
        with client.session_transaction() as session:
            session["_user_id"], session["_fresh"] = login_id, True
        statuses[index] = client.post(url, data=form).status_code

    work = [(person.get_id(), form) for person, form in people_and_forms]  # read here, not in the threads
    threads = [threading.Thread(target=save, args=(i, *job)) for i, job in enumerate(work)]
    event.listen(Session, "before_flush", hold_until_both_checked)
    try:
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=60)
    finally:
        event.remove(Session, "before_flush", hold_until_both_checked)
    return statuses


def test_two_saves_at_the_same_moment_keep_one_and_tell_the_other(postgres_only, app_context, make_user):
    alice, ben = make_user(Role.OFFICER, name="Alice Able"), make_user(Role.OFFICER, name="Ben Baker")
    assessment = start(alice)
    target = statement(assessment, "5.1")
    url = f"/self-assessment/{assessment.id}/statements/{target.id}"
    forms = {
        "alice": {"score": "2", "evidence": "Alice's evidence", "revision": "1"},
        "ben": {"score": "0", "evidence": "Ben's evidence", "revision": "1"},
    }
    db.session.commit()

    statuses = save_both_at_once(app_context, url, [(alice, forms["alice"]), (ben, forms["ben"])])

    assert sorted(statuses) == [302, 409]
    winner = "alice" if statuses[0] == 302 else "ben"
    saved = stored(target.id)
    assert (saved.evidence, saved.score, saved.revision) == (
        forms[winner]["evidence"],
        int(forms[winner]["score"]),
        2,
    )
    assert audit_actions() == ["assessment.started", "assessment.statement_saved"]
