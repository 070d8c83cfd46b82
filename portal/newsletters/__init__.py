"""Newsletters: champions write, the portal sends through the outbox, members read the archive."""

from flask import Blueprint

bp = Blueprint("newsletters", __name__, url_prefix="/newsletters")

from portal.newsletters import archive_routes, routes, sending_routes  # noqa: E402,F401
