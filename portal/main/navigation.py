"""The service navigation: each person sees the places their roles open to them."""

from flask import current_app, request, url_for
from flask_login import current_user

from portal.accounts.permissions import may_access
from portal.common.cache import BoundedCache

# (label, endpoint) in the order they appear; an entry shows only to those its view's access rule admits.
NAVIGATION = [
    ("Home", "main.home"),
    ("Support directory", "directory.index"),
    ("Champions", "champions.index"),
    ("Newsletters", "newsletters.archive"),
    ("Your training", "training.my_training"),
    ("Surveys", "surveys.index"),
    ("Survey rounds", "surveys.rounds"),
    ("Self-assessment", "selfassessment.index"),
    ("Compliance matrix", "training.matrix"),
    ("Outbox", "outbox.index"),
    ("People", "admin.users"),
    ("Audit log", "admin.audit_log"),
    ("Settings", "settings.edit_settings"),
    ("Your profile", "accounts.profile"),
]


# The places each set of roles opens: the access rules are fixed where the views are declared (every app made by
# create_app has the same views).
PLACES_BY_ROLES: BoundedCache[list[tuple[str, str]]] = BoundedCache(max_entries=64)


def navigation_items() -> list[dict]:
    """Items for the service navigation, with the current page marked."""
    user = current_user._get_current_object()  # once: every use of the proxy looks the person up again
    if not user.is_authenticated:
        return []
    return [
        {"text": label, "href": url_for(endpoint), "active": request.endpoint == endpoint}
        for label, endpoint in _places_open_to(user)
    ]


def _places_open_to(user) -> list[tuple[str, str]]:
    views = current_app.view_functions
    return PLACES_BY_ROLES.get_or_make(
        frozenset(user.roles),
        lambda: [
            (label, endpoint)
            for label, endpoint in NAVIGATION
            if endpoint in views and may_access(views[endpoint], user)
        ],
    )
