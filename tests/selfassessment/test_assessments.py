"""Assessment cycles through the service functions: starting, carrying forward, scoring, conflicts, finalising."""

import pytest
from sqlalchemy import func, select, update
from werkzeug.exceptions import NotFound

from portal.accounts.models import Role
from portal.extensions import db
from portal.selfassessment import assessments, scoring
from portal.selfassessment.assessments import (
    AssessmentError,
    AssessmentFinalised,
    NotReadyToFinalise,
    StatementConflict,
    StatementInput,
)
from portal.selfassessment.models import (
    ActionStatus,
    AssessedStatement,
    AssessmentStatus,
    FrameworkState,
    Principle,
    Statement,
)
from tests.selfassessment.factories_assessments import (
    add_action,
    attach_figure,
    audit_actions,
    score_all,
    start,
    statement,
    stored,
)


@pytest.fixture
def officer(make_user):
    return make_user(Role.OFFICER, name="Olive Officer")


def active_framework() -> list[Statement]:
    return list(
        db.session.scalars(
            select(Statement)
            .join(Statement.principle)
            .where(Statement.retired.is_(False))
            .order_by(Principle.number, Statement.number)
        )
    )


# ---- starting --------------------------------------------------------------------------------------------


def test_starting_copies_the_wording_of_every_active_statement_in_order(officer):
    framework = active_framework()
    assessment = start(officer)

    statements = assessment.statements
    copied = [(s.principle_number, s.statement_number, s.principle_title, s.text, s.guidance) for s in statements]
    expected = [(s.principle.number, s.number, s.principle.title, s.text, s.guidance) for s in framework]
    assert copied == expected
    assert len(copied) == 25
    assert [s.indicators for s in assessment.statements] == [s.indicators for s in framework]
    assert assessment.status == AssessmentStatus.DRAFT
    assert all(s.score is None and s.evidence == "" and s.links == [] for s in assessment.statements)
    assert audit_actions() == ["assessment.started"]


def test_starting_records_the_framework_version_and_leaves_out_retired_statements(officer):
    db.session.execute(update(FrameworkState).values(version=4))
    retired = active_framework()[0]
    retired.retired = True
    db.session.commit()

    assessment = start(officer)

    assert assessment.framework_version == 4
    assert retired.id not in {s.statement_id for s in assessment.statements}
    assert len(assessment.statements) == 24


def test_editing_the_framework_after_starting_does_not_change_the_assessment(officer):
    assessment = start(officer)
    first = active_framework()[0]
    before = (statement(assessment, "1.1").text, statement(assessment, "1.1").guidance)
    first.text, first.guidance = "A rewritten statement", "Rewritten guidance"
    first.principle.title = "A renamed principle"
    db.session.add(Statement(principle_id=first.principle_id, number=6, text="A new statement", guidance=""))
    db.session.commit()

    kept = stored(statement(assessment, "1.1").id)
    assert (kept.text, kept.guidance) == before
    assert kept.principle_title != "A renamed principle"
    db.session.refresh(assessment)
    assert len(assessment.statements) == 25


@pytest.mark.parametrize(
    ("title", "message"),
    [
        ("", "Enter a title, for example 2026/27"),
        ("   ", "Enter a title, for example 2026/27"),
        ("x" * 101, "Keep the title to 100 characters or fewer"),
        ("2025/26", "There is already an assessment called 2025/26: choose another title"),
    ],
)
def test_a_title_must_be_given_short_and_unused(officer, title, message):
    start(officer, "2025/26")
    with pytest.raises(AssessmentError) as refusal:
        assessments.start_assessment(title, None, by=officer)
    assert (str(refusal.value), refusal.value.field) == (message, "title")


def test_carrying_forward_copies_scores_evidence_links_and_unfinished_actions_but_not_attached_figures(
    officer, make_user
):
    owner = make_user(Role.OFFICER)
    last_year = start(officer, "2025/26")
    old = statement(last_year, "2.3")
    old.score, old.evidence, old.links = 2, "A written risk policy", ["https://council.example/risk"]
    add_action(old, "Review the policy", ActionStatus.IN_PROGRESS, owner=owner)
    add_action(old, "Write the policy", ActionStatus.DONE)
    attach_figure(old)

    this_year = start(officer, "2026/27", copy_from=last_year)

    new = statement(this_year, "2.3")
    assert (new.score, new.evidence, new.links) == (2, "A written risk policy", ["https://council.example/risk"])
    assert [(a.what, a.status, a.owner_id, a.due_on) for a in new.actions] == [
        ("Review the policy", ActionStatus.IN_PROGRESS, owner.id, old.actions[0].due_on)
    ]
    assert new.gathered == []
    assert this_year.copied_from_id == last_year.id
    assert statement(this_year, "1.1").score is None
    # the earlier assessment keeps its own
    assert [a.what for a in stored(old.id).actions] == ["Review the policy", "Write the policy"]
    assert len(stored(old.id).gathered) == 1


def test_carrying_forward_follows_the_framework_statement_even_when_its_number_moved(officer):
    last_year = start(officer, "2025/26")
    statement(last_year, "1.2").score = 2
    db.session.commit()
    moved = active_framework()[1]
    moved.number = 7  # renumbered in the framework
    db.session.commit()

    this_year = start(officer, "2026/27", copy_from=last_year)

    assert statement(this_year, "1.7").score == 2


def test_carrying_forward_matches_by_number_when_the_framework_statement_is_gone(officer):
    last_year = start(officer, "2025/26")
    old = statement(last_year, "3.1")
    old.score, old.statement_id = 1, None  # its framework row was deleted since
    db.session.commit()

    this_year = start(officer, "2026/27", copy_from=last_year)

    assert statement(this_year, "3.1").score == 1


def test_assessments_are_listed_newest_first(officer):
    first, second = start(officer, "2025/26"), start(officer, "2026/27")
    assert assessments.assessments() == [second, first]


def test_a_statement_of_another_assessment_is_not_found_through_this_one(officer):
    one, other = start(officer, "2025/26"), start(officer, "2026/27")
    with pytest.raises(NotFound):
        assessments.get_statement_or_404(one, other.statements[0].id)
    with pytest.raises(NotFound):
        assessments.get_assessment_or_404(other.id + 100)
    assert assessments.get_statement_or_404(one, one.statements[0].id) is one.statements[0]


# ---- scoring ---------------------------------------------------------------------------------------------


def test_saving_a_statement_records_the_values_who_when_and_a_new_revision(officer):
    assessment = start(officer)
    target = statement(assessment, "1.1")

    assessments.save_statement(target, StatementInput(1, "Some training", ["https://council.example/a"]), 1, officer)
    db.session.commit()

    saved = stored(target.id)
    assert (saved.score, saved.evidence, saved.links) == (1, "Some training", ["https://council.example/a"])
    assert (saved.updated_by_id, saved.revision) == (officer.id, 2)
    assert saved.updated_at is not None
    assert audit_actions() == ["assessment.started", "assessment.statement_saved"]
    assert scoring.totals(saved.assessment).score == 1


@pytest.mark.parametrize(
    ("data", "field"),
    [
        (StatementInput(3, "", []), "score"),
        (StatementInput(None, "x" * 20_001, []), "evidence"),
        (StatementInput(None, "", ["council.example"]), "links"),
        (StatementInput(None, "", ["javascript:alert(1)"]), "links"),
        (StatementInput(None, "", ["https://council.example/" + "a" * 500]), "links"),
    ],
)
def test_bad_input_is_refused_and_nothing_is_saved(officer, data, field):
    target = statement(start(officer), "1.1")
    with pytest.raises(AssessmentError) as refusal:
        assessments.save_statement(target, data, 1, officer)
    assert refusal.value.field == field
    db.session.rollback()
    assert stored(target.id).revision == 1


def test_a_save_from_an_out_of_date_page_is_refused_with_the_version_saved_since(officer, make_user):
    other = make_user(Role.OFFICER, name="Oscar Other")
    target = statement(start(officer), "1.1")
    assessments.save_statement(target, StatementInput(2, "Theirs", ["https://council.example/t"]), 1, other)
    db.session.commit()

    with pytest.raises(StatementConflict) as conflict:
        assessments.save_statement(target, StatementInput(0, "Mine", []), 1, officer)

    current = conflict.value.current
    assert (current.score, current.evidence, current.links, current.revision) == (
        2,
        "Theirs",
        ["https://council.example/t"],
        2,
    )
    assert (current.updated_by, current.score_label) == ("Oscar Other", "2: Comprehensive implementation")
    assert current.updated_at is not None
    db.session.rollback()
    assert (stored(target.id).evidence, stored(target.id).revision) == ("Theirs", 2)


def test_keeping_mine_after_a_conflict_saves_against_the_new_revision(officer, make_user):
    other = make_user(Role.OFFICER)
    target = statement(start(officer), "1.1")
    assessments.save_statement(target, StatementInput(2, "Theirs", []), 1, other)
    db.session.commit()
    with pytest.raises(StatementConflict) as conflict:
        assessments.save_statement(target, StatementInput(0, "Mine", []), 1, officer)

    assessments.save_statement(target, StatementInput(0, "Mine", []), conflict.value.current.revision, officer)
    db.session.commit()

    assert (stored(target.id).evidence, stored(target.id).revision) == ("Mine", 3)


def test_two_saves_passing_the_check_together_are_caught_by_the_database(officer, make_user):
    """The other officer's save lands between this one's check and its write (StaleDataError on flush)."""
    other = make_user(Role.OFFICER, name="Oscar Other")
    target = statement(start(officer), "1.1")
    assert target.revision == 1  # loaded: this request checks against 1
    db.session.execute(
        update(AssessedStatement)
        .where(AssessedStatement.id == target.id)
        .values(evidence="Theirs", score=2, revision=2, updated_by_id=other.id)
        .execution_options(synchronize_session=False)
    )

    with pytest.raises(StatementConflict) as conflict:
        assessments.save_statement(target, StatementInput(0, "Mine", []), 1, officer)

    assert (conflict.value.current.evidence, conflict.value.current.revision) == ("Theirs", 2)
    assert conflict.value.current.updated_by == "Oscar Other"
    # the session is still usable, and holds their version, not mine
    assert (target.evidence, target.score) == ("Theirs", 2)
    db.session.commit()
    assert (stored(target.id).evidence, stored(target.id).revision) == ("Theirs", 2)
    assert audit_actions() == ["assessment.started"]


# ---- finalising ------------------------------------------------------------------------------------------


def test_finalising_needs_every_statement_scored_and_names_those_left(officer):
    assessment = start(officer)
    score_all(assessment)
    statement(assessment, "2.2").score = None
    statement(assessment, "5.5").score = None
    db.session.commit()

    with pytest.raises(NotReadyToFinalise) as refusal:
        assessments.finalise(assessment, by=officer)

    assert [s.key for s in refusal.value.unscored] == ["2.2", "5.5"]
    assert "2 not scored yet" in str(refusal.value)
    assert assessment.status == AssessmentStatus.DRAFT


def test_a_finalised_assessment_refuses_every_change(officer):
    assessment = start(officer)
    score_all(assessment, 2)

    assessments.finalise(assessment, by=officer)
    db.session.commit()

    assert (assessment.status, assessment.finalised_by_id) == (AssessmentStatus.FINALISED, officer.id)
    assert assessment.finalised_at is not None
    assert audit_actions()[-1] == "assessment.finalised"
    with pytest.raises(AssessmentFinalised, match="2026/27 is finalised, so it can no longer be changed"):
        assessments.refuse_if_finalised(assessment)
    target = statement(assessment, "1.1")
    with pytest.raises(AssessmentFinalised):
        assessments.save_statement(target, StatementInput(0, "Changed", []), target.revision, officer)
    with pytest.raises(AssessmentFinalised):
        assessments.finalise(assessment, by=officer)
    db.session.rollback()
    assert (stored(target.id).score, stored(target.id).evidence) == (2, "")


def test_a_draft_may_be_changed(officer):
    assessments.refuse_if_finalised(start(officer))  # no exception
    assert db.session.scalar(select(func.count()).select_from(AssessedStatement)) == 25
