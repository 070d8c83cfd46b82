"""The one way to declare who may use an endpoint.

Every view carries exactly one of these decorators; tests/test_permissions.py walks the URL map and fails on
any endpoint without one. The rule is stored on the view as `access_rule` so that tests and the navigation can
read it.
"""

from collections.abc import Callable
from functools import wraps
from typing import Any

from flask import abort
from flask_login import current_user

from portal.accounts.models import Role

ACCESS_RULE_ATTR = "access_rule"


def _declare(view: Callable, rule: str | frozenset[Role]) -> None:
    setattr(view, ACCESS_RULE_ATTR, rule)


def public(view: Callable) -> Callable:
    """Anyone, signed in or not (sign-in page, health check, accessibility statement)."""
    _declare(view, "public")
    return view


def signed_in(view: Callable) -> Callable:
    """Any active account, whatever its roles."""
    return _guard(view, None)


def role_required(*roles: Role) -> Callable[[Callable], Callable]:
    """A signed-in person who holds at least one of `roles`; anyone else gets 403 (anonymous: sign in)."""
    if not roles:
        raise ValueError("role_required needs at least one role")
    for role in roles:
        if not isinstance(role, Role):
            raise TypeError(f"unknown role {role!r}: use the Role enum")
    return lambda view: _guard(view, frozenset(roles))


def _guard(view: Callable, roles: frozenset[Role] | None) -> Callable:
    @wraps(view)
    def guarded(*args: Any, **kwargs: Any) -> Any:
        if not current_user.is_authenticated:
            from portal.extensions import login_manager

            return login_manager.unauthorized()
        if roles is not None and not current_user.has_role(*roles):
            abort(403)
        return view(*args, **kwargs)

    _declare(guarded, "signed-in" if roles is None else roles)
    return guarded


def may_access(view: Callable, user: Any) -> bool:
    """Whether `user` passes the view's declared rule (used to build each role's navigation)."""
    rule = getattr(view, ACCESS_RULE_ATTR, None)
    if rule == "public":
        return True
    if not user.is_authenticated:
        return False
    return rule == "signed-in" or user.has_role(*rule)
