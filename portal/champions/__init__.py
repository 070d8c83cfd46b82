"""Safety champions: profiles members can find, appointed by admins."""

from flask import Blueprint

bp = Blueprint("champions", __name__)

from portal.champions import routes  # noqa: E402,F401
