"""The figures the portal gathers for a statement, each from real data, and attaching them frozen."""

from datetime import date, timedelta

import pytest

from portal.accounts.models import Role
from portal.champions import services as champions
from portal.directory.services import HelpNowRole
from portal.extensions import db
from portal.newsletters.models import Channel, IssueStatus
from portal.selfassessment import assessments, evidence
from portal.selfassessment.models import AssessmentStatus, AttachedEvidence
from tests.directory.factories import make_service
from tests.selfassessment.factories_evidence import assessment_by, audit_actions, issue, statement_with
from tests.surveys.results_factories import closed_round, later, released_round, who5
from tests.training.factories import complete, make_course


@pytest.fixture
def officer(make_user):
    return make_user(Role.OFFICER, name="Olu Officer")


@pytest.fixture
def assessment(officer):
    return assessment_by(officer)


def by_name(statement, on=None) -> dict[str, evidence.Indicator]:
    return {indicator.name: indicator for indicator in evidence.indicators_for(statement, on)}


# ---- surveys -------------------------------------------------------------------------------------------


def test_a_tagged_agreement_question_gives_the_share_who_agree(assessment):
    answers = [{**who5(3), "exp.know_support": value} for value in (5, 4, 4, 5, 2, 3)]
    survey_round = released_round(answers, title="Wellbeing survey spring")
    statement = statement_with(assessment, "1.2", "surveys.tagged")

    figure = by_name(statement)["surveys.tagged:exp.know_support"]

    assert figure.value == "67% agree or strongly agree (6 answered)"
    assert figure.label == "Survey: I know where to get support if I experience abuse or intimidation"
    assert "Wellbeing survey spring" in figure.source and "6 responses" in figure.source
    assert figure.as_of == survey_round.closes_on
    assert figure.attachable


def test_only_questions_tagged_with_the_statement_are_offered(assessment):
    released_round([{**who5(3), "exp.know_support": 4, "exp.experienced": 1}] * 6)
    statement = statement_with(assessment, "1.2", "surveys.tagged")
    assert list(by_name(statement)) == ["surveys.tagged:exp.know_support"]


def test_a_single_choice_question_gives_the_share_of_each_answer(assessment):
    released_round([{**who5(3), "exp.experienced": 0}] * 2 + [{**who5(3), "exp.experienced": 1}] * 4)
    statement = statement_with(assessment, "2.1", "surveys.tagged")
    figure = by_name(statement)["surveys.tagged:exp.experienced"]
    assert figure.value == "Yes 33%; No 67% (6 answered)"


def test_a_figure_resting_on_fewer_than_k_responses_is_not_offered(assessment):
    released_round([{**who5(3), "exp.know_support": 5}] * 4)  # K is 5
    statement = statement_with(assessment, "1.2", "surveys.tagged", "surveys.who5")

    figures = by_name(statement)

    assert figures["surveys.tagged:exp.know_support"].value == "Not enough answers to show (fewer than 5)"
    assert figures["surveys.who5"].value == "Not enough answers to show (fewer than 5)"
    assert not any(figure.attachable for figure in figures.values())
    assert not any("%" in figure.value for figure in figures.values())


def test_a_question_answered_by_fewer_than_k_is_not_offered_even_when_the_round_meets_k(assessment):
    released_round([{**who5(3), "exp.know_support": 5}] * 4 + [who5(3)] * 4)  # 8 responses, 4 answered
    statement = statement_with(assessment, "1.2", "surveys.tagged")
    figure = by_name(statement)["surveys.tagged:exp.know_support"]
    assert figure.value == "Not enough answers to show (fewer than 5)" and not figure.attachable
    with pytest.raises(evidence.EvidenceError):
        evidence.attach(statement, figure.name, by=assessment.created_by)
    assert statement.gathered == []


def test_the_threshold_is_the_rounds_own(assessment):
    released_round([{**who5(3), "exp.know_support": 5}] * 6, anonymity_threshold=7)
    statement = statement_with(assessment, "1.2", "surveys.tagged")
    assert by_name(statement)["surveys.tagged:exp.know_support"].value == "Not enough answers to show (fewer than 7)"


def test_rounds_not_yet_released_give_nothing(assessment):
    closed_round([{**who5(3), "exp.know_support": 5}] * 8)
    statement = statement_with(assessment, "1.2", "surveys.tagged", "surveys.who5", "surveys.response_rate")
    assert evidence.indicators_for(statement) == []


def test_the_latest_released_round_is_used(assessment):
    released_round([{**who5(3), "exp.know_support": 1}] * 6, title="Autumn")
    released_round([{**who5(3), "exp.know_support": 5}] * 6, title="Spring", **later(200))
    statement = statement_with(assessment, "1.2", "surveys.tagged")
    figure = by_name(statement)["surveys.tagged:exp.know_support"]
    assert figure.value.startswith("100% agree") and "Spring" in figure.source


def test_who5_gives_the_mean_and_the_share_at_or_below_50(assessment):
    released_round([who5(2)] * 3 + [who5(3)] * 3)  # 40, 40, 40, 60, 60, 60
    statement = statement_with(assessment, "1.1", "surveys.who5")
    assert by_name(statement)["surveys.who5"].value == (
        "Mean 50 out of 100; 50% at or below 50, a sign of low wellbeing (6 scores)"
    )


def test_the_response_rate_of_the_latest_released_round(assessment):
    released_round([who5(3)] * 6, invited_extra=4)
    statement = statement_with(assessment, "1.1", "surveys.response_rate")
    assert by_name(statement)["surveys.response_rate"].value == "60% (6 of 10 invited members answered)"


# ---- training ------------------------------------------------------------------------------------------


def test_training_coverage_of_one_category(assessment, make_user):
    course = make_course()
    trained, _untrained = make_user(Role.COUNCILLOR), make_user(Role.COUNCILLOR)
    complete(trained, course, date.today() - timedelta(days=30))
    statement = statement_with(assessment, "2.3", "training.coverage:personal_safety")

    figure = by_name(statement)["training.coverage:personal_safety"]

    assert figure.value == "50% of 2 current members across 1 course"
    assert figure.label == "Members with valid training: Personal safety and risk assessment"
    assert figure.as_of == date.today()


def test_lapsed_training_does_not_count(assessment, make_user):
    course = make_course(refresher_months=12)
    complete(make_user(Role.COUNCILLOR), course, date.today() - timedelta(days=500))
    statement = statement_with(assessment, "2.3", "training.coverage:personal_safety")
    assert by_name(statement)["training.coverage:personal_safety"].value.startswith("0% of 1 current member")


def test_training_coverage_of_every_category_lists_those_with_courses(assessment, make_user):
    make_course()
    make_course(title="Staying safe online", category="social_media")
    make_user(Role.COUNCILLOR)
    statement = statement_with(assessment, "2.2", "training.coverage")
    assert set(by_name(statement)) == {"training.coverage:personal_safety", "training.coverage:social_media"}


def test_a_category_asked_for_without_courses_says_so(assessment):
    statement = statement_with(assessment, "2.4", "training.coverage:social_media", "training.coverage:no_such")
    figures = by_name(statement)
    assert figures["training.coverage:social_media"].value == "No active course in this category"
    assert "training.coverage:no_such" not in figures


# ---- directory, champions, newsletters -----------------------------------------------------------------


def test_the_directory_names_the_police_contact_and_says_when_there_is_no_out_of_hours_number(assessment):
    make_service(name="PC Jo Patel, members' safety contact", help_now_role=HelpNowRole.POLICE_CONTACT)
    statement = statement_with(assessment, "4.1", "directory.police_contact", "directory.out_of_hours")
    figures = by_name(statement)
    assert figures["directory.police_contact"].value == "Yes: PC Jo Patel, members' safety contact"
    assert figures["directory.out_of_hours"].value.startswith("No:")


def test_the_directory_counts_active_entries_and_those_overdue_a_check(assessment):
    make_service(name="Wellbeing line")
    make_service(name="Old helpline", last_checked_on=date.today() - timedelta(days=400))
    make_service(name="Closed service", status="closed")
    statement = statement_with(assessment, "3.2", "directory.support_entries", "directory.overdue")
    figures = by_name(statement)
    assert figures["directory.support_entries"].value == "2 active entries"
    assert figures["directory.overdue"].value == "1 entry overdue"


def test_champions_appointed_are_named(assessment, make_user, officer):
    admin = make_user(Role.ADMIN)
    details = champions.ProfileInput("Safety champion", "Listens", "By email", "Weekdays")
    champions.appoint(make_user(Role.COUNCILLOR, name="Cllr Amira Khan"), details, by=admin)
    statement = statement_with(assessment, "1.3", "champions.appointed")
    assert by_name(statement)["champions.appointed"].value == "1 appointed: Cllr Amira Khan"


def test_no_champions_appointed(assessment):
    statement = statement_with(assessment, "1.3", "champions.appointed")
    assert by_name(statement)["champions.appointed"].value == "None appointed"


def test_newsletters_sent_in_the_last_12_months(assessment):
    issue(IssueStatus.SENT, Channel.NEWSLETTER, 10)
    issue(IssueStatus.SENT, Channel.NEWSLETTER, 300)
    issue(IssueStatus.SENT, Channel.SAFETY_NOTICE, 40)
    issue(IssueStatus.SENT, Channel.NEWSLETTER, 400)  # over a year ago
    issue(IssueStatus.DRAFT, Channel.NEWSLETTER, None)
    statement = statement_with(assessment, "1.4", "newsletters.sent_12_months")
    assert by_name(statement)["newsletters.sent_12_months"].value == "2 newsletters and 1 safety notice"


def test_unknown_names_are_skipped_and_the_order_is_the_frameworks(assessment):
    statement = statement_with(assessment, "1.4", "champions.appointed", "nothing.here", "directory.support_entries")
    assert [figure.name for figure in evidence.indicators_for(statement)] == [
        "champions.appointed",
        "directory.support_entries",
    ]


# ---- attaching -----------------------------------------------------------------------------------------


def test_an_attached_figure_is_frozen_as_it_was_that_day(assessment, officer):
    make_service(name="Wellbeing line")
    statement = statement_with(assessment, "1.2", "directory.support_entries")

    attached = evidence.attach(statement, "directory.support_entries", by=officer)
    db.session.commit()
    make_service(name="Another line")
    db.session.expire_all()

    assert by_name(statement)["directory.support_entries"].value == "2 active entries"
    stored = db.session.get(AttachedEvidence, attached.id)
    assert (stored.value, stored.label, stored.source) == (
        "1 active entry",
        "Active entries in the support directory",
        "Support directory",
    )
    assert stored.as_of == date.today() and stored.attached_by == officer
    assert "assessment.evidence_attached" in audit_actions()


def test_a_survey_figure_keeps_its_value_after_a_later_round(assessment, officer):
    released_round([{**who5(3), "exp.know_support": 1}] * 6)
    statement = statement_with(assessment, "1.2", "surveys.tagged")
    attached = evidence.attach(statement, "surveys.tagged:exp.know_support", by=officer)
    released_round([{**who5(3), "exp.know_support": 5}] * 6, **later(200))
    assert attached.value == "0% agree or strongly agree (6 answered)"
    assert by_name(statement)["surveys.tagged:exp.know_support"].value.startswith("100%")


def test_attaching_does_not_count_as_a_save_of_the_statement(assessment, officer):
    """An officer editing the statement's score meanwhile is not told someone else changed it."""
    statement = statement_with(assessment, "1.3", "champions.appointed")
    db.session.commit()
    revision = statement.revision
    evidence.attach(statement, "champions.appointed", by=officer)
    db.session.commit()
    db.session.refresh(statement)
    assert statement.revision == revision


def test_an_indicator_the_statement_does_not_list_is_refused(assessment, officer):
    statement = statement_with(assessment, "1.3", "champions.appointed")
    with pytest.raises(evidence.EvidenceError):
        evidence.attach(statement, "directory.support_entries", by=officer)
    assert statement.gathered == []


def test_nothing_is_attached_to_or_removed_from_a_finalised_assessment(assessment, officer):
    statement = statement_with(assessment, "1.3", "champions.appointed")
    attached = evidence.attach(statement, "champions.appointed", by=officer)
    assessment.status = AssessmentStatus.FINALISED
    with pytest.raises(assessments.AssessmentFinalised):
        evidence.attach(statement, "champions.appointed", by=officer)
    with pytest.raises(assessments.AssessmentFinalised):
        evidence.detach(statement, attached, by=officer)
    assert statement.gathered == [attached]


def test_removing_an_attached_figure(assessment, officer):
    statement = statement_with(assessment, "1.3", "champions.appointed")
    attached = evidence.attach(statement, "champions.appointed", by=officer)
    evidence.detach(statement, attached, by=officer)
    db.session.flush()
    assert statement.gathered == [] and db.session.get(AttachedEvidence, attached.id) is None
    assert audit_actions()[-1] == "assessment.evidence_removed"
