"""Keep test-client requests apart the way separate requests are apart in production."""

from collections.abc import Iterator
from contextlib import contextmanager

from flask import g, request_started


@contextmanager
def each_request_loads_its_own_user() -> Iterator[None]:
    """Make every request find the signed-in person from its own session cookie.

    The `app_context` fixture keeps one app context open for the whole test, so requests share its `g`, where
    Flask-Login caches the user it loaded (maxcountryman/flask-login#704). Tests that switch between people
    (an admin deactivates someone, then that person's browser comes back) need each request to forget it.
    """

    def forget_cached_user(_sender, **_extra):
        g.pop("_login_user", None)

    request_started.connect(forget_cached_user)
    try:
        yield
    finally:
        request_started.disconnect(forget_cached_user)
