"""How Flask-Login finds the signed-in person from the session."""

from flask import Flask
from sqlalchemy import bindparam, select
from sqlalchemy.orm import joinedload

from portal.accounts.models import User
from portal.extensions import db, login_manager

# The person with their roles (every page reads them: the navigation, the access rules) in one statement, built
# once: SQLAlchemy caches the SQL, but building the statement each time would cost more than running it.
USER_WITH_ROLES = select(User).options(joinedload(User.role_rows)).where(User.id == bindparam("user_id"))


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
        user = db.session.scalars(USER_WITH_ROLES, {"user_id": int(user_id)}).unique().one_or_none()
        # A changed stamp (new password, deactivation) ends every session made before it.
        if user is None or not user.active or user.security_stamp != stamp:
            return None
        return user
