"""The home page, the accessibility statement, the health check and the error pages."""

from flask import Blueprint

bp = Blueprint("main", __name__)

from portal.main import errors, routes  # noqa: E402,F401
