"""The service navigation: each person sees the places their roles open to them."""

from flask import current_app, request, url_for
from flask_login import current_user

from portal.accounts.permissions import may_access

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


def navigation_items() -> list[dict]:
    """Items for the govukServiceNavigation macro, with the current page marked."""
    if not current_user.is_authenticated:
        return []
    items = []
    for label, endpoint in NAVIGATION:
        view = current_app.view_functions.get(endpoint)
        if view is None or not may_access(view, current_user):
            continue
        items.append({"text": label, "href": url_for(endpoint), "active": request.endpoint == endpoint})
    return items
