"""Council-wide settings that admins keep: the council's name and logo, thresholds, mail identity."""

from flask import Blueprint

bp = Blueprint("settings", __name__)

from portal.settings import routes  # noqa: E402,F401
