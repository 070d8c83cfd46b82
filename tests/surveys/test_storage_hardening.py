"""What a reader of the database itself (its rows' hidden columns, its files) can learn of who said what.

PostgreSQL: rows sit roughly in the order they were written (`ctid`) and carry the transaction that wrote
them (`xmin`); closing a round rewrites both away. SQLite: deleted drafts are overwritten, not left in free
pages (`secure_delete`), and gone from the WAL file once it is checkpointed.
"""

import uuid
from datetime import date, timedelta

import pytest
from sqlalchemy import select, text

from portal.extensions import db
from portal.surveys import answering
from portal.surveys.models import QuestionKind, SurveyQuestion, SurveyResponse
from portal.surveys.rounds import close_round
from tests.surveys.factories import invite, make_round, make_template
from tests.surveys.results_factories import members, who5


def _round_with_free_text():
    template = make_template("who5")
    template.questions.append(
        SurveyQuestion(position=99, key="comments", kind=QuestionKind.FREE_TEXT, text="Anything else?")
    )
    db.session.flush()
    return make_round(template), template.questions[-1]


def _by_key(survey_round, by_key: dict) -> dict[int, object]:
    return {q.id: by_key[q.key] for q in survey_round.template.questions if q.key in by_key}


def _response_ids() -> set[str]:
    return set(db.session.scalars(select(SurveyResponse.id)))


_PHYSICAL_ORDER = {
    "survey_responses": "SELECT id, id FROM survey_responses WHERE round_id = :r ORDER BY ctid",
    "survey_answers": "SELECT id, response_id FROM survey_answers WHERE round_id = :r ORDER BY ctid",
}


def _in_physical_order(table: str, round_id: int) -> tuple[list[str], list[str]]:
    """The rows' ids in the order they are stored, and their responses in the order each first appears."""
    rows = db.session.execute(text(_PHYSICAL_ORDER[table]), {"r": round_id}).all()
    first_seen = list(dict.fromkeys(response_id for _, response_id in rows))
    return [row_id for row_id, _ in rows], first_seen


def _agreement(order: list[str], submitted: list[str]) -> float:
    """The share of pairs of responses stored in the order they were submitted (1: exactly; about 0.5: none)."""
    rank = {response_id: position for position, response_id in enumerate(submitted)}
    ranks = [rank[response_id] for response_id in order]
    pairs = [(a, b) for i, a in enumerate(ranks) for b in ranks[i + 1 :]]
    return sum(a < b for a, b in pairs) / len(pairs)


def _heap_file(table: str) -> bytes:
    """The table's heap file as on disk (the throwaway cluster's user is a superuser)."""
    db.session.execute(text("CHECKPOINT"))
    path = db.session.scalar(text("SELECT pg_relation_filepath(:t)"), {"t": table})
    return db.session.scalar(text("SELECT pg_read_binary_file(:p)"), {"p": path})


def test_closing_a_round_on_postgresql_forgets_the_order_and_transactions_of_submissions(app_context, backend):
    if backend != "postgresql":
        pytest.skip("ctid and xmin are PostgreSQL's")
    survey_round, comments = _round_with_free_text()
    people = members(40)
    invite(survey_round, *people)
    db.session.commit()
    # One member saves a draft before submitting: its words must not survive in the drafts' file.
    draft_words = f"draft-{uuid.uuid4().hex}"
    answering.save_draft(survey_round, people[0], {comments.id: draft_words})
    db.session.commit()

    submitted = []
    for number, person in enumerate(people):
        before = _response_ids()
        answering.submit(survey_round, person, _by_key(survey_round, {**who5(number % 6), "comments": "Fine"}))
        db.session.commit()  # each member's own transaction, as in the app
        (new,) = _response_ids() - before
        submitted.append(new)
    # The threat is real: before the close, rows are stored (nearly) in the order they were submitted.
    for table in _PHYSICAL_ORDER:
        assert _agreement(_in_physical_order(table, survey_round.id)[1], submitted) > 0.75
    # ... and each response carries the transaction of the invitation it flipped, naming its member.
    linked = text(
        "SELECT count(DISTINCT i.user_id) FROM survey_responses r"
        " JOIN survey_invitations i ON i.xmin = r.xmin AND i.round_id = r.round_id WHERE r.round_id = :r"
    )
    assert db.session.scalar(linked, {"r": survey_round.id}) == len(people)
    assert draft_words.encode() in _heap_file("survey_drafts")

    close_round(survey_round, date.today() + timedelta(days=30))
    db.session.commit()

    for table in _PHYSICAL_ORDER:
        row_ids, responses = _in_physical_order(table, survey_round.id)
        assert row_ids == sorted(row_ids)  # stored in the order of their random ids, nothing else
        assert sorted(responses) == sorted(submitted)
        assert responses != submitted
    stamps = db.session.execute(
        text(
            "SELECT count(DISTINCT xmin::text) FROM ("
            " SELECT xmin FROM survey_responses WHERE round_id = :r"
            " UNION ALL SELECT xmin FROM survey_answers WHERE round_id = :r"
            " UNION ALL SELECT xmin FROM survey_invitations WHERE round_id = :r) AS rows"
        ),
        {"r": survey_round.id},
    ).scalar()
    assert stamps == 1  # everything rewritten by the close's transaction
    assert draft_words.encode() not in _heap_file("survey_drafts")


def _database_files() -> bytes:
    path = db.engine.url.database
    contents = b""
    for name in (path, f"{path}-wal"):
        try:
            with open(name, "rb") as file:
                contents += file.read()
        except FileNotFoundError:
            pass
    return contents


def test_a_deleted_draft_is_overwritten_in_the_sqlite_files(app_context, backend):
    if backend != "sqlite":
        pytest.skip("SQLite's files")
    assert db.session.execute(text("PRAGMA secure_delete")).scalar() == 1
    survey_round, comments = _round_with_free_text()
    (member,) = members(1)
    invite(survey_round, member)
    db.session.commit()
    first, second = f"first-draft-{uuid.uuid4().hex}", f"second-draft-{uuid.uuid4().hex}"
    answering.save_draft(survey_round, member, {comments.id: first})
    db.session.commit()
    answering.save_draft(survey_round, member, {comments.id: second})  # replaces the first
    db.session.commit()
    assert second.encode() in _database_files()

    answering.submit(survey_round, member, _by_key(survey_round, {**who5(3), "comments": "My final words"}))
    db.session.commit()
    busy, _, _ = db.session.execute(text("PRAGMA wal_checkpoint(TRUNCATE)")).one()
    assert busy == 0

    files = _database_files()
    assert b"My final words" in files  # the submitted answer is there, so the files were read
    assert first.encode() not in files
    assert second.encode() not in files
