"""Signed, expiring, single-use links for invitations and password resets.

A token carries the account id and its security stamp. Setting a password changes the stamp, so a link
works once; the signature's age limits how long it works.
"""

import enum

from flask import current_app
from itsdangerous import BadSignature, SignatureExpired, URLSafeTimedSerializer

from portal.accounts.models import User
from portal.extensions import db


class Purpose(enum.StrEnum):
    INVITATION = "invitation"
    RESET = "reset"


class TokenProblem(enum.StrEnum):
    EXPIRED = "expired"
    USED_OR_INVALID = "used-or-invalid"


def _serializer(purpose: Purpose) -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt=f"portal-{purpose}")


def _max_age(purpose: Purpose) -> int:
    key = "INVITATION_MAX_AGE_SECONDS" if purpose is Purpose.INVITATION else "RESET_MAX_AGE_SECONDS"
    return current_app.config[key]


def make_token(user: User, purpose: Purpose) -> str:
    return _serializer(purpose).dumps({"uid": user.id, "stamp": user.security_stamp})


def user_for_token(token: str, purpose: Purpose) -> User | TokenProblem:
    """The account a link was made for, or why the link no longer works."""
    try:
        payload = _serializer(purpose).loads(token, max_age=_max_age(purpose))
    except SignatureExpired:
        return TokenProblem.EXPIRED
    except BadSignature:
        return TokenProblem.USED_OR_INVALID
    user = db.session.get(User, payload.get("uid")) if isinstance(payload, dict) else None
    if user is None or not user.active or user.security_stamp != payload.get("stamp"):
        return TokenProblem.USED_OR_INVALID
    return user
