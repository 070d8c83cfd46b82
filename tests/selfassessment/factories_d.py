"""Assessments and actions for the actions, plan, progress and reminder tests, built directly as rows.

Built without the framework so that each test says exactly which statements, wording and scores it compares.
"""

from datetime import date, datetime, timedelta

from portal.extensions import db
from portal.selfassessment.actions import council_today
from portal.selfassessment.models import Action, ActionStatus, AssessedStatement, Assessment, AssessmentStatus

TITLES = {
    1: "Supportive and informed spaces",
    2: "A risk-led approach",
    3: "An infrastructure",
    4: "Connections with the police",
    5: "A culture of safety and respect",
}
EVERY_KEY = [f"{p}.{n}" for p in range(1, 6) for n in range(1, 6)]


def wording(key: str) -> str:
    return f"The council does the thing numbered {key}."


def make_assessment(
    title: str = "2026/27",
    *,
    scores: dict[str, int | None] | None = None,
    keys: list[str] | None = None,
    texts: dict[str, str] | None = None,
    finalised: bool = False,
    created_at: datetime | None = None,
    copied_from: Assessment | None = None,
) -> Assessment:
    """An assessment of `keys` (every 1.1 to 5.5 by default), scored as `scores` says (unscored otherwise)."""
    scores, texts = scores or {}, texts or {}
    assessment = Assessment(
        title=title,
        status=AssessmentStatus.FINALISED if finalised else AssessmentStatus.DRAFT,
        framework_version=1,
        created_at=created_at or datetime(2026, 1, 1),
        copied_from_id=copied_from.id if copied_from else None,
    )
    for key in keys or EVERY_KEY:
        principle, number = (int(part) for part in key.split("."))
        assessment.statements.append(
            AssessedStatement(
                principle_number=principle,
                principle_title=TITLES[principle],
                statement_number=number,
                text=texts.get(key, wording(key)),
                score=scores.get(key),
            )
        )
    db.session.add(assessment)
    db.session.commit()
    return assessment


def statement_of(assessment: Assessment, key: str) -> AssessedStatement:
    return next(statement for statement in assessment.statements if statement.key == key)


def make_action(
    statement: AssessedStatement,
    what: str = "Write the support page",
    *,
    owner=None,
    due_on: date | None = None,
    status: ActionStatus = ActionStatus.NOT_STARTED,
) -> Action:
    action = Action(statement=statement, what=what, owner=owner, due_on=due_on, status=status.value)
    db.session.add(action)
    db.session.commit()
    return action


def days_ago(days: int) -> date:
    return council_today() - timedelta(days=days)
