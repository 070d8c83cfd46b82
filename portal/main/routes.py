import logging

from flask import jsonify, render_template
from flask_login import current_user
from sqlalchemy import text
from sqlalchemy.exc import SQLAlchemyError

from portal.accounts.models import Role
from portal.accounts.permissions import public, signed_in
from portal.champions import services as champion_services
from portal.directory import services as directory_services
from portal.directory.help_now import help_now_box
from portal.extensions import db
from portal.main import bp
from portal.newsletters import archive
from portal.outbox import services as outbox_services
from portal.outbox.models import MessageStatus
from portal.surveys import answering
from portal.surveys import rounds as survey_rounds
from portal.training import services as training_services

log = logging.getLogger(__name__)


@bp.get("/")
@signed_in
def home():
    """Help first, then the people, places and news members use most; officers also see their to-do."""
    return render_template(
        "main/home.html",
        help_now_box=help_now_box(),
        champions=champion_services.champions(),
        popular_categories=directory_services.popular_categories(),
        todo=_officer_todo() if current_user.has_role(Role.OFFICER, Role.ADMIN) else None,
        training_due=_training_due() if current_user.has_role(Role.COUNCILLOR) else None,
        latest_newsletter=archive.latest_issue(),
        surveys_waiting=answering.waiting_for(current_user._get_current_object()),
    )


def _training_due() -> list:
    """The member's own courses needing action, most urgent first."""
    return training_services.due_next(training_services.member_record(current_user._get_current_object()))


def _officer_todo() -> dict[str, int]:
    todo = {"failed_emails": outbox_services.status_counts()[MessageStatus.FAILED]}
    if current_user.has_role(Role.OFFICER):
        todo["entries_due_a_check"] = directory_services.count_due_a_check()
        todo["rounds_awaiting_release"] = survey_rounds.count_awaiting_release()
    return todo


@bp.get("/accessibility")
@public
def accessibility():
    return render_template("main/accessibility.html")


@bp.get("/healthz")
@public
def healthz():
    """For load balancers and monitoring: 200 with the database reachable, 503 without."""
    try:
        db.session.execute(text("SELECT 1"))
        database = "ok"
    except SQLAlchemyError as error:
        log.warning("health check: database unavailable: %s", error.__class__.__name__)
        db.session.rollback()
        database = "unavailable"
    healthy = database == "ok"
    return jsonify(status="ok" if healthy else "unhealthy", database=database), 200 if healthy else 503
