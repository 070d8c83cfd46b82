"""The demo council has last year's finalised self-assessment and this year's draft to work on."""

from datetime import date

from sqlalchemy import select

from portal.demo.services import load_demo
from portal.extensions import db
from portal.selfassessment import actions
from portal.selfassessment.models import Assessment, AssessmentStatus
from portal.selfassessment.scoring import totals


def _assessments() -> list[Assessment]:
    return list(db.session.scalars(select(Assessment).order_by(Assessment.id)))


def test_last_year_is_finalised_and_fully_scored(app_context):
    load_demo()
    last_year, this_year = _assessments()

    assert last_year.title == f"{date.today().year - 1}/{date.today().year % 100:02d}"
    assert last_year.status == AssessmentStatus.FINALISED
    assert totals(last_year).unscored == 0
    assert this_year.status == AssessmentStatus.DRAFT and this_year.copied_from_id == last_year.id


def test_this_year_improves_with_evidence_attached_and_a_plan(app_context):
    load_demo()
    last_year, this_year = _assessments()

    assert totals(this_year).score > totals(last_year).score
    attached = [item for statement in this_year.statements for item in statement.gathered]
    assert len(attached) >= 3
    assert {item.indicator for item in attached} >= {"directory.police_contact", "surveys.who5"}
    plan = actions.forward_plan(actions.PlanFilters())
    assert len(plan) >= 6
    assert sum(actions.is_overdue(row.action) for row in plan) >= 2
