"""The read-only Open Referral UK API (HSDS 3.0 UK profile) under /api/oruk/."""

from flask import Blueprint

api_bp = Blueprint("oruk", __name__, url_prefix="/api/oruk")
