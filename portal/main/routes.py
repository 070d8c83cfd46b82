import logging

from flask import jsonify, render_template
from flask_login import current_user
from sqlalchemy import text
from sqlalchemy.exc import SQLAlchemyError

from portal.accounts.models import Role
from portal.accounts.permissions import public, signed_in
from portal.extensions import db
from portal.main import bp
from portal.outbox import services as outbox_services
from portal.outbox.models import MessageStatus

log = logging.getLogger(__name__)


@bp.get("/")
@signed_in
def home():
    failed = None
    if current_user.has_role(Role.OFFICER, Role.ADMIN):
        failed = outbox_services.status_counts()[MessageStatus.FAILED]
    return render_template("main/home.html", failed=failed)


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
