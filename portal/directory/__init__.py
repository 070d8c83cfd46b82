"""The support directory: services and contacts members can turn to, and "Need help now?"."""

from flask import Blueprint

bp = Blueprint("directory", __name__)

# version watches the database session: any change to the directory gives it a new version.
from portal.directory import routes, transfer_routes, version  # noqa: E402,F401
