"""The council self-assessment against the toolkit's five principles: scores, evidence, actions, progress."""

from flask import Blueprint

bp = Blueprint("selfassessment", __name__, url_prefix="/self-assessment")

from portal.selfassessment import routes  # noqa: E402,F401
