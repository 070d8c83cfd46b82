"""The demo council's self-assessment: last year's, finalised, and this year's draft carried forward from it.

Scores are keyed by statement ("1.2"); this year's draft improves on a few, has evidence the portal gathered
attached to some statements, and a forward plan with actions done, under way and overdue.
"""

from datetime import date, datetime, time, timedelta

from portal.accounts.models import User
from portal.extensions import db
from portal.selfassessment import actions, assessments, evidence
from portal.selfassessment.models import ActionStatus, Assessment

LAST_YEAR_SCORES = {
    "1.1": 1, "1.2": 1, "1.3": 0, "1.4": 1, "1.5": 0,
    "2.1": 0, "2.2": 1, "2.3": 1, "2.4": 0, "2.5": 0,
    "3.1": 1, "3.2": 1, "3.3": 0, "3.4": 1, "3.5": 0,
    "4.1": 1, "4.2": 1, "4.3": 0, "4.4": 0, "4.5": 0,
    "5.1": 1, "5.2": 0, "5.3": 0, "5.4": 2, "5.5": 1,
}  # fmt: skip
THIS_YEAR_CHANGES = {"1.1": 2, "1.3": 1, "1.4": 2, "2.1": 1, "2.2": 2, "3.3": 1, "4.1": 2, "4.3": 1, "5.2": 1}

EVIDENCE_BY_PRINCIPLE = {
    1: "Discussed at the member development steering group; the portal's directory and newsletters are in place.",
    2: "Risk conversations happen case by case; no routine risk assessment of members' activities yet.",
    3: "Member services is the single point of contact; the safety arrangements were written down in the spring.",
    4: "A named police contact is agreed with the district commander; joint meetings are occasional.",
    5: "The code of conduct is refreshed at induction; a statement on respectful debate is in draft.",
}
# (statement, what, owner's local part, days from today until due (negative: overdue), status)
ACTIONS = [
    ("1.3", "Offer every member a confidential wellbeing check-in each year", "helen.ashdown", 60, "not_started"),
    ("2.1", "Add the survey's abuse figures to the quarterly risk report", "officer", -14, "in_progress"),
    ("2.4", "Pilot doorbell cameras for members at higher risk", "officer", -40, "not_started"),
    ("3.3", "Keep one incident log for member services and health and safety", "dev.malhotra", 90, "in_progress"),
    ("4.3", "Agree twice-yearly meetings of the leader, chief executive and police", "officer", 30, "not_started"),
    ("5.3", "Publish a statement on respectful engagement on the council website", "helen.ashdown", -7, "not_started"),
    ("1.2", "Add the directory link to every committee agenda pack", "officer", -120, "done"),
]  # fmt: skip
ATTACH = {
    "1.1": ["surveys.who5"],
    "1.2": ["surveys.tagged"],
    "2.2": ["training.coverage:personal_safety"],
    "4.1": ["directory.police_contact"],
    "1.4": ["newsletters.sent_12_months"],
}


def load_selfassessment(people: dict[str, User], today: date | None = None) -> None:
    """Last year's finalised assessment and this year's draft with evidence attached and an action plan."""
    today = today or date.today()
    officer = people["officer"]
    last_year = assessments.start_assessment(_title(today.year - 1), None, by=officer)
    _score(last_year, LAST_YEAR_SCORES, officer)
    assessments.finalise(last_year, by=officer)
    last_year.created_at = datetime.combine(today - timedelta(days=330), time(10))
    last_year.finalised_at = datetime.combine(today - timedelta(days=250), time(16))
    this_year = assessments.start_assessment(_title(today.year), last_year, by=officer)
    _score(this_year, THIS_YEAR_CHANGES, officer)
    _attach_evidence(this_year, officer, today)
    _add_actions(this_year, people, today)


def _title(year: int) -> str:
    return f"{year}/{(year + 1) % 100:02d}"


def _score(assessment: Assessment, scores: dict[str, int], officer: User) -> None:
    for statement in assessment.statements:
        if statement.key not in scores:
            continue
        written = statement.evidence or EVIDENCE_BY_PRINCIPLE[statement.principle_number]
        data = assessments.StatementInput(score=scores[statement.key], evidence=written, links=list(statement.links))
        assessments.save_statement(statement, data, statement.revision, by=officer)
    db.session.flush()


def _attach_evidence(assessment: Assessment, officer: User, today: date) -> None:
    by_key = {statement.key: statement for statement in assessment.statements}
    for key, names in ATTACH.items():
        statement = by_key[key]
        offered = {indicator.name for indicator in evidence.indicators_for(statement, today) if indicator.attachable}
        for name in names:
            if name in offered:
                evidence.attach(statement, name, by=officer, today=today)


def _add_actions(assessment: Assessment, people: dict[str, User], today: date) -> None:
    by_key = {statement.key: statement for statement in assessment.statements}
    for key, what, owner, due_in_days, status in ACTIONS:
        data = actions.ActionInput(
            what=what,
            owner_id=people[owner].id,
            due_on=today + timedelta(days=due_in_days),
            status=ActionStatus(status),
        )
        actions.add_action(by_key[key], data, by=people["officer"])
