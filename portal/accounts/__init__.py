"""Accounts: sign-in, invitations, password reset, roles, profiles and the audit log."""

from flask import Blueprint

bp = Blueprint("accounts", __name__)

from portal.accounts import routes  # noqa: E402,F401  (routes attach themselves to bp)
