"""Fill an empty database with the demo council."""

from sqlalchemy import func, select

from portal.accounts.models import User, UserRole
from portal.accounts.services import set_password
from portal.demo import data, training_data
from portal.extensions import db
from portal.settings.services import current_settings


class DemoRefused(RuntimeError):
    """The database already holds data, which the demo must never touch."""


def database_is_empty() -> bool:
    return not db.session.scalar(select(func.count()).select_from(User))


def load_demo() -> list[tuple[str, str]]:
    """Create the demo council and its training records; returns (email, roles) for each demo account."""
    if not database_is_empty():
        raise DemoRefused("The database already has accounts in it; the demo loads only into an empty one.")
    current_settings().council_name = data.COUNCIL_NAME
    accounts, people = [], {}
    for name, local_part, roles, ward, group, elected in data.PEOPLE:
        user = User(email=data.email_for(local_part), name=name, ward=ward, political_group=group, date_elected=elected)
        user.role_rows = [UserRole(role=role.value) for role in sorted(roles)]
        set_password(user, data.DEMO_PASSWORD)
        db.session.add(user)
        accounts.append((user.email, ", ".join(sorted(roles))))
        people[local_part] = user
    db.session.flush()
    training_data.load_training(people)
    db.session.commit()
    return accounts
