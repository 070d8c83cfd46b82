"""Changing who is signed in half-way through a test."""

from flask import g


def now_signed_in_as(client_as, *roles, **fields):
    """`client_as` for a second person in the same test.

    The test's app context outlives each request, so Flask-Login's cached `g._login_user` would otherwise
    keep the first person signed in.
    """
    g.pop("_login_user", None)
    return client_as(*roles, **fields)
