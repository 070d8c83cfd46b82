"""Wellbeing surveys: officers build templates and run rounds, members answer anonymously, officers review
released aggregates only."""

from flask import Blueprint

bp = Blueprint("surveys", __name__)

from portal.surveys import routes  # noqa: E402,F401
