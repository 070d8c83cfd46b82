"""Members' data: a member's own copy of everything held about them, removal when they leave, and backups."""

from flask import Blueprint

bp = Blueprint("members", __name__)

from portal.members import routes  # noqa: E402,F401
