"""One-click unsubscribe from ordinary newsletters (RFC 8058), by a signed link that needs no sign-in.

The link carries only the account id, signed with the app's secret under a salt of its own, so it cannot be
forged, altered or reused for another purpose. It never expires: an old newsletter's link should still work.
Safety notices are a separate channel that no one leaves, so they carry no such link.
"""

from collections.abc import Iterable

from flask import current_app
from itsdangerous import BadSignature, URLSafeSerializer

from portal.accounts.models import User
from portal.accounts.services import absolute_url
from portal.extensions import db

SALT = "newsletter-unsubscribe"


def _serializer() -> URLSafeSerializer:
    return URLSafeSerializer(current_app.config["SECRET_KEY"], salt=SALT)


def unsubscribe_token(user_id: int) -> str:
    return _serializer().dumps(user_id)


def user_for_unsubscribe_token(token: str) -> User | None:
    """The account a link was made for; None when the link was altered, made for something else or is unknown."""
    try:
        user_id = _serializer().loads(token)
    except BadSignature:
        return None
    if not isinstance(user_id, int) or isinstance(user_id, bool):
        return None
    return db.session.get(User, user_id)


def unsubscribe_url(user_id: int) -> str:
    """The link that goes in a newsletter's List-Unsubscribe header and footer; works outside a request."""
    return absolute_url("newsletters.unsubscribe", token=unsubscribe_token(user_id))


def unsubscribe_urls(user_ids: Iterable[int]) -> dict[int, str]:
    """The same links for many accounts at once (a newsletter's whole audience): the address is built once."""
    serializer = _serializer()
    stand_in = "x-token-stand-in"
    pattern = absolute_url("newsletters.unsubscribe", token=stand_in)
    return {user_id: pattern.replace(stand_in, serializer.dumps(user_id)) for user_id in user_ids}


def unsubscribe(user: User) -> None:
    """Stop ordinary newsletters to `user`; safety notices still reach them.

    Not written to the audit log: it is a member's own preference, like the same box on their profile page.
    """
    user.wants_newsletters = False
