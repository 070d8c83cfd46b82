"""The framework: the shipped file, its loader, and the versioned editing services."""

import re

import pytest
from sqlalchemy import func, select

from portal.accounts.models import AuditEvent, Role
from portal.extensions import db
from portal.selfassessment import framework
from portal.selfassessment.models import (
    AssessedStatement,
    Assessment,
    FrameworkChange,
    FrameworkState,
    Principle,
    Statement,
)
from portal.surveys.blocks import BLOCKS

# The figures part C computes, as the brief names them: written out here so the test can catch a typo in either.
CATEGORIES = [
    "personal_safety",
    "social_media",
    "communications",
    "emotional_intelligence",
    "de_escalation",
    "code_of_conduct",
]
KNOWN_INDICATORS = {
    "surveys.tagged",
    "surveys.who5",
    "surveys.response_rate",
    "training.coverage",
    *(f"training.coverage:{category}" for category in CATEGORIES),
    "directory.police_contact",
    "directory.out_of_hours",
    "directory.overdue",
    "directory.support_entries",
    "champions.appointed",
    "newsletters.sent_12_months",
}
TOOLKIT = "/work/shared/domain/debate-not-hate-toolkit.txt"
TITLES = [
    "Creating supportive and informed spaces",
    "Creating a risk-led approach",
    "Creating an infrastructure",
    "Creating connections with the police",
    "Creating a culture of safety and respect",
]


def count(model) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


def statement(key: str) -> Statement:
    principle_number, number = (int(part) for part in key.split("."))
    return db.session.scalar(
        select(Statement)
        .join(Statement.principle)
        .where(Principle.number == principle_number, Statement.number == number)
    )


def audit_actions() -> list[str]:
    return list(db.session.scalars(select(AuditEvent.action).order_by(AuditEvent.id)))


# ---- the shipped file ----------------------------------------------------------------------------------


def test_the_shipped_file_has_the_five_principles_in_order_with_five_statements_each():
    shipped = framework.shipped_framework()
    assert [principle["title"] for principle in shipped] == TITLES
    for principle in shipped:
        assert principle["introduction"].strip()
        assert len(principle["statements"]) == 5
        for each in principle["statements"]:
            assert each["text"].strip() and each["guidance"].strip()
            assert len(each["text"]) <= framework.MAX_TEXT and len(each["guidance"]) <= framework.MAX_GUIDANCE


def test_every_indicator_in_the_file_is_a_figure_the_portal_gathers():
    named = {name for p in framework.shipped_framework() for s in p["statements"] for name in s["indicators"]}
    assert named <= KNOWN_INDICATORS
    assert framework.INDICATOR_NAMES == KNOWN_INDICATORS  # and every known figure has words to show it with


def test_statement_keys_are_unique_and_every_survey_tag_names_one():
    keys = [
        f"{p}.{s}"
        for p, principle in enumerate(framework.shipped_framework(), 1)
        for s, _ in enumerate(principle["statements"], 1)
    ]
    assert len(keys) == len(set(keys)) == 25
    tags = {tag for block in BLOCKS.values() for question in block.questions for tag in question.statement_tags}
    assert tags and tags <= set(keys)


def test_the_tagged_statements_fit_the_survey_questions_tagged_with_them():
    texts = {
        f"{p}.{s}": each["text"].lower()
        for p, principle in enumerate(framework.shipped_framework(), 1)
        for s, each in enumerate(principle["statements"], 1)
    }
    assert "where to get support" in texts["1.2"]
    assert "abuse" in texts["2.1"] and "experience" in texts["2.1"]
    assert "report" in texts["3.1"] and "arrangements" in texts["3.2"]
    assert "police" in texts["4.1"] and "report" in texts["4.2"]


def _word_runs(text: str, length: int) -> set[tuple[str, ...]]:
    words = re.findall(r"[a-z']+", text.lower().replace("’", "'"))
    return {tuple(words[start : start + length]) for start in range(len(words) - length + 1)}


def test_the_file_is_in_our_own_words():
    """No run of eight words is lifted from the toolkit."""
    with open(TOOLKIT, encoding="utf-8") as file:
        toolkit = _word_runs(file.read(), 8)
    ours = " ".join(
        " ".join([p["title"], p["introduction"], *(s["text"] + " " + s["guidance"] for s in p["statements"])])
        for p in framework.shipped_framework()
    )
    for sentence in re.split(r"[.:;]", ours):
        assert not _word_runs(sentence, 8) & toolkit, sentence


# ---- loading --------------------------------------------------------------------------------------------


def test_the_test_database_holds_the_shipped_framework_at_version_one(app_context, backend):
    assert [principle.title for principle in framework.principles()] == TITLES
    assert [each.key for each in framework.active_statements()] == [
        f"{p}.{s}" for p in range(1, 6) for s in range(1, 6)
    ]
    assert statement("2.2").indicators == [
        "training.coverage:personal_safety",
        "training.coverage:de_escalation",
        "training.coverage:emotional_intelligence",
    ]
    assert framework.current_version() == 1
    assert framework.history() == []


def test_loading_again_changes_nothing(app_context, backend):
    framework.edit_statement(statement("1.1"), text="Edited", guidance="", loaded_version=1, by=None)
    assert framework.ensure_framework(db.session.connection()) is False
    assert count(Principle) == 5 and count(Statement) == 25 and count(FrameworkState) == 1
    assert statement("1.1").text == "Edited" and framework.current_version() == 2


def test_an_empty_database_is_loaded_once(app_context, backend):
    for model in (FrameworkState, Statement, Principle):
        db.session.execute(model.__table__.delete())
    connection = db.session.connection()
    assert framework.ensure_framework(connection) is True
    assert framework.ensure_framework(connection) is False
    assert count(Principle) == 5 and count(Statement) == 25 and count(FrameworkState) == 1


# ---- editing --------------------------------------------------------------------------------------------


@pytest.fixture
def admin(make_user):
    return make_user(Role.ADMIN, name="Ada Admin")


def test_editing_a_principle_makes_a_new_version_with_history_and_audit(app_context, backend, admin):
    principle = framework.principles()[2]
    old_title, old_introduction = principle.title, principle.introduction
    change = framework.edit_principle(
        principle, title="  Building the structures  ", introduction=old_introduction, loaded_version=1, by=admin
    )
    assert principle.title == "Building the structures"
    assert framework.current_version() == 2
    assert change.version == 2 and change.changed_by == admin
    assert change.summary == "Edited principle 3: title"
    assert change.before == {"principle": 3, "title": old_title, "introduction": old_introduction}
    assert change.after["title"] == "Building the structures"
    assert framework.history() == [change]
    event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "framework.principle_edited"))
    assert event.actor_id == admin.id and event.summary == change.summary and event.detail["version"] == 2


def test_saving_a_principle_unchanged_makes_no_version(app_context, backend, admin):
    principle = framework.principles()[0]
    assert (
        framework.edit_principle(
            principle, title=principle.title, introduction=principle.introduction, loaded_version=1, by=admin
        )
        is None
    )
    assert framework.current_version() == 1 and count(FrameworkChange) == 0 and audit_actions() == []


@pytest.mark.parametrize(
    ("title", "introduction", "field", "message"),
    [
        ("   ", "Some words", "title", "Enter the title"),
        ("x" * 201, "Some words", "title", "The title must be 200 characters or fewer"),
        ("A title", "", "introduction", "Enter the introduction"),
        ("A title", "x" * 2001, "introduction", "The introduction must be 2000 characters or fewer"),
    ],
)
def test_a_principle_needs_a_title_and_introduction_of_sensible_length(
    app_context, admin, title, introduction, field, message
):
    principle = framework.principles()[0]
    before = principle.title
    with pytest.raises(framework.FrameworkError) as refused:
        framework.edit_principle(principle, title=title, introduction=introduction, loaded_version=1, by=admin)
    assert (refused.value.field, str(refused.value)) == (field, message)
    assert principle.title == before and framework.current_version() == 1 and count(FrameworkChange) == 0


def test_editing_a_statement_rewords_it(app_context, backend, admin):
    first = statement("1.2")
    change = framework.edit_statement(
        first,
        text="Members can find support quickly.",
        guidance=first.guidance,
        indicators=["directory.support_entries", "surveys.tagged"],
        loaded_version=1,
        by=admin,
    )
    assert change.summary == "Edited statement 1.2: wording and figures"
    assert change.before["text"] == "Members know where to get support if they experience abuse or intimidation."
    assert change.after == change.before | {
        "text": "Members can find support quickly.",
        "indicators": ["directory.support_entries", "surveys.tagged"],
    }
    db.session.expire_all()
    assert statement("1.2").text == "Members can find support quickly."
    assert audit_actions() == ["framework.statement_edited"]


def test_a_statement_keeps_its_figures_unless_told(app_context, admin):
    first = statement("1.1")
    figures = list(first.indicators)
    framework.edit_statement(first, text="New words", guidance="", loaded_version=1, by=admin)
    assert first.indicators == figures and first.guidance == ""


def test_a_statement_refuses_empty_text_and_unknown_figures(app_context, admin):
    first = statement("1.1")
    with pytest.raises(framework.FrameworkError) as empty:
        framework.edit_statement(first, text=" ", guidance="", loaded_version=1, by=admin)
    assert empty.value.field == "text" and str(empty.value) == "Enter the statement"
    with pytest.raises(framework.FrameworkError) as unknown:
        framework.edit_statement(
            first, text="Words", guidance="", indicators=["surveys.guess"], loaded_version=1, by=admin
        )
    assert unknown.value.field == "indicators"
    with pytest.raises(framework.FrameworkError) as long_guidance:
        framework.edit_statement(first, text="Words", guidance="x" * 2001, loaded_version=1, by=admin)
    assert long_guidance.value.field == "guidance"
    assert framework.current_version() == 1 and count(FrameworkChange) == 0


def test_an_edit_from_an_out_of_date_version_is_refused(app_context, backend, admin):
    framework.edit_statement(statement("1.1"), text="First admin's words", guidance="", loaded_version=1, by=admin)
    with pytest.raises(framework.FrameworkChanged) as stale:
        framework.edit_statement(statement("1.1"), text="Second admin's words", guidance="", loaded_version=1, by=admin)
    assert stale.value.current_version == 2
    assert "now version 2" in str(stale.value)
    for attempt in (
        lambda: framework.edit_principle(
            framework.principles()[0], title="T", introduction="I", loaded_version=1, by=admin
        ),
        lambda: framework.add_statement(framework.principles()[0], text="New", guidance="", loaded_version=1, by=admin),
        lambda: framework.retire_statement(statement("1.3"), loaded_version=1, by=admin),
    ):
        with pytest.raises(framework.FrameworkChanged):
            attempt()
    db.session.expire_all()
    assert statement("1.1").text == "First admin's words"
    assert framework.current_version() == 2 and count(FrameworkChange) == 1 and count(Statement) == 25
    assert not statement("1.3").retired


def test_adding_a_statement_puts_it_at_the_end_of_its_principle(app_context, backend, admin):
    principle = framework.principles()[1]
    added = framework.add_statement(
        principle,
        text="Members know what to do after an incident.",
        guidance="An aftercare checklist.",
        indicators=["training.coverage:personal_safety"],
        loaded_version=1,
        by=admin,
    )
    assert added.key == "2.6" and not added.retired
    assert [each.key for each in framework.active_statements()][9:11] == ["2.5", "2.6"]
    (change,) = framework.history()
    assert change.summary == "Added statement 2.6 to principle 2"
    assert change.before == {} and change.after["text"] == "Members know what to do after an incident."
    assert framework.current_version() == 2 and audit_actions() == ["framework.statement_added"]


def test_a_new_statement_needs_text(app_context, admin):
    with pytest.raises(framework.FrameworkError) as refused:
        framework.add_statement(framework.principles()[0], text="", guidance="", loaded_version=1, by=admin)
    assert refused.value.field == "text"
    assert count(Statement) == 25 and framework.current_version() == 1


def test_retiring_a_statement_keeps_it_but_leaves_it_out_of_new_assessments(app_context, backend, admin):
    retired = statement("3.4")
    change = framework.retire_statement(retired, loaded_version=1, by=admin)
    assert retired.retired and change.summary == "Retired statement 3.4"
    assert change.before["retired"] is False and change.after["retired"] is True
    assert "3.4" not in [each.key for each in framework.active_statements()]
    assert len(framework.active_statements()) == 24 and count(Statement) == 25
    assert [each.key for each in framework.principles()[2].statements] == ["3.1", "3.2", "3.3", "3.5"]
    assert [each.key for each in framework.principles(include_retired=True)[2].statements][3] == "3.4"
    assert audit_actions() == ["framework.statement_retired"]


def test_a_retired_statement_cannot_be_edited_or_retired_again(app_context, admin):
    retired = statement("3.4")
    framework.retire_statement(retired, loaded_version=1, by=admin)
    with pytest.raises(framework.FrameworkError, match="retired"):
        framework.edit_statement(retired, text="Back again", guidance="", loaded_version=2, by=admin)
    with pytest.raises(framework.FrameworkError, match="retired"):
        framework.retire_statement(retired, loaded_version=2, by=admin)
    assert framework.current_version() == 2


def test_numbers_are_never_reused_after_a_retirement(app_context, admin):
    framework.retire_statement(statement("4.5"), loaded_version=1, by=admin)
    added = framework.add_statement(
        framework.principles()[3], text="A new one", guidance="", loaded_version=2, by=admin
    )
    assert added.key == "4.6"


def test_the_last_statement_of_a_principle_cannot_be_retired(app_context, admin):
    for version, key in enumerate(["5.1", "5.2", "5.3", "5.4"], start=1):
        framework.retire_statement(statement(key), loaded_version=version, by=admin)
    with pytest.raises(framework.FrameworkError, match="at least one statement"):
        framework.retire_statement(statement("5.5"), loaded_version=5, by=admin)
    assert not statement("5.5").retired and framework.current_version() == 5


def test_history_lists_every_change_newest_first(app_context, admin):
    framework.edit_statement(statement("1.1"), text="One", guidance="", loaded_version=1, by=admin)
    framework.retire_statement(statement("1.5"), loaded_version=2, by=admin)
    assert [(change.version, change.summary) for change in framework.history()] == [
        (3, "Retired statement 1.5"),
        (2, "Edited statement 1.1: wording and guidance"),
    ]


# ---- past assessments ----------------------------------------------------------------------------------


def _assessment_copying(statements: list[Statement]) -> Assessment:
    """What part B does when an assessment starts: copy each statement's wording as it stands."""
    assessment = Assessment(title="2025/26", framework_version=framework.current_version())
    assessment.statements = [
        AssessedStatement(
            statement_id=each.id,
            principle_number=each.principle.number,
            principle_title=each.principle.title,
            statement_number=each.number,
            text=each.text,
            guidance=each.guidance,
            indicators=list(each.indicators),
            score=2,
        )
        for each in statements
    ]
    db.session.add(assessment)
    db.session.commit()
    return assessment


def test_editing_the_framework_never_changes_a_past_assessment(app_context, backend, admin):
    assessment = _assessment_copying(framework.active_statements())
    original = {
        each.key: (each.principle_title, each.text, each.guidance, each.indicators) for each in assessment.statements
    }
    framework.edit_statement(
        statement("1.2"), text="Reworded", guidance="New guidance", indicators=[], loaded_version=1, by=admin
    )
    framework.edit_principle(framework.principles()[0], title="Renamed", introduction="New", loaded_version=2, by=admin)
    framework.retire_statement(statement("1.3"), loaded_version=3, by=admin)
    framework.add_statement(framework.principles()[0], text="Added", guidance="", loaded_version=4, by=admin)
    db.session.commit()
    db.session.expire_all()

    kept = db.session.get(Assessment, assessment.id)
    assert {
        each.key: (each.principle_title, each.text, each.guidance, each.indicators) for each in kept.statements
    } == original
    assert kept.framework_version == 1 and len(kept.statements) == 25
    copied_1_3 = next(each for each in kept.statements if each.key == "1.3")
    assert copied_1_3.statement_id == statement("1.3").id  # the retired statement is still there to point at
    assert statement("1.2").text == "Reworded"
