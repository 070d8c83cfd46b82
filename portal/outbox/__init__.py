"""The outbox: the only way mail leaves the portal.

A service enqueues a message in the same transaction as the change that caused it; a worker sends it.
"""

from flask import Blueprint

bp = Blueprint("outbox", __name__, url_prefix="/outbox")

from portal.outbox import routes  # noqa: E402,F401
