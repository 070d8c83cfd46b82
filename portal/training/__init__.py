"""Training records: the course catalogue, completions, refreshers and the compliance matrix."""

from flask import Blueprint

bp = Blueprint("training", __name__, url_prefix="/training")

from portal.training import import_routes, matrix_routes, routes  # noqa: E402,F401
