"""The support directory: services and contacts members can turn to, and "Need help now?"."""

from flask import Blueprint

bp = Blueprint("directory", __name__)

from portal.directory import routes, transfer_routes  # noqa: E402,F401
