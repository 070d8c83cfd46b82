"""How Flask-Login finds the signed-in person from the session."""

from flask import Flask
from sqlalchemy.orm import joinedload

from portal.accounts.models import User
from portal.extensions import db, login_manager


def configure_login(app: Flask) -> None:
    login_manager.init_app(app)
    login_manager.login_view = "accounts.sign_in"
    login_manager.login_message = "Sign in to see this page"
    login_manager.login_message_category = "info"
    login_manager.session_protection = "basic"

    @login_manager.user_loader
    def _load(session_id: str) -> User | None:
        user_id, _, stamp = session_id.partition(":")
        if not user_id.isdigit():
            return None
        # One statement with the roles, which every page reads (the navigation, the access rules).
        user = db.session.get(User, int(user_id), options=[joinedload(User.role_rows)])
        # A changed stamp (new password, deactivation) ends every session made before it.
        if user is None or not user.active or user.security_stamp != stamp:
            return None
        return user
