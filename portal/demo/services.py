"""Fill an empty database with the demo council."""

from datetime import date, timedelta

from sqlalchemy import func, select

from portal.accounts.models import Role, User, UserRole
from portal.accounts.services import set_password
from portal.champions.services import ProfileInput, appoint
from portal.demo import data, newsletter_data, selfassessment_data, survey_data, training_data
from portal.demo.directory_data import ENTRIES, DemoEntry
from portal.directory.services import (
    ContactInput,
    PeriodInput,
    PhoneInput,
    ServiceInput,
    categories,
    create_service,
)
from portal.extensions import db
from portal.settings.services import current_settings


class DemoRefused(RuntimeError):
    """The database already holds data, which the demo must never touch."""


def database_is_empty() -> bool:
    return not db.session.scalar(select(func.count()).select_from(User))


def load_demo() -> list[tuple[str, str]]:
    """Create the demo council (people, directory, champions, training, newsletters, surveys,
    self-assessment) in one transaction.

    Returns (email, roles) for each demo account.
    """
    if not database_is_empty():
        raise DemoRefused("The database already has accounts in it; the demo loads only into an empty one.")
    try:
        current_settings().council_name = data.COUNCIL_NAME
        people, accounts = _add_people()
        _add_directory(people)
        _appoint_champions(people)
        training_data.load_training(people)
        newsletter_data.load_newsletters(people)
        survey_data.load_surveys(people)
        selfassessment_data.load_selfassessment(people)
        db.session.commit()
    except Exception:
        db.session.rollback()
        raise
    return accounts


def _add_people() -> tuple[dict[str, User], list[tuple[str, str]]]:
    """The demo accounts, by the local part of their email, and (email, roles) for each."""
    people, accounts = {}, []
    for name, local_part, roles, ward, group, elected in data.PEOPLE:
        user = User(email=data.email_for(local_part), name=name, ward=ward, political_group=group, date_elected=elected)
        user.role_rows = [UserRole(role=role.value) for role in sorted(roles)]
        set_password(user, data.DEMO_PASSWORD)
        db.session.add(user)
        people[local_part] = user
        accounts.append((user.email, ", ".join(sorted(roles))))
    _add_other_councillors(people)
    db.session.flush()  # owners need their ids
    return people, accounts


def _add_other_councillors(people: dict[str, User]) -> None:
    """The unlisted rest of the council; one password hash shared, since hashing is slow on purpose."""
    password_hash = next(iter(people.values())).password_hash
    for name, local_part, ward, group, elected in data.OTHER_COUNCILLORS:
        user = User(email=data.email_for(local_part), name=name, ward=ward, political_group=group, date_elected=elected)
        user.password_hash = password_hash
        user.role_rows = [UserRole(role=Role.COUNCILLOR.value)]
        db.session.add(user)
        people[local_part] = user


def _add_directory(people: dict[str, User], today: date | None = None) -> None:
    category_ids = {category.name: category.id for category in categories()}
    today = today or date.today()
    for entry in ENTRIES:
        if entry.category not in category_ids:
            raise DemoRefused(f"The default category {entry.category!r} is missing; run the migrations first.")
        create_service(_service_input(entry, category_ids[entry.category], people, today), by=None)


def _service_input(entry: DemoEntry, category_id: int, people: dict[str, User], today: date) -> ServiceInput:
    return ServiceInput(
        name=entry.name,
        category_id=category_id,
        summary=entry.summary,
        description=entry.description,
        provider_name=entry.provider,
        is_internal=entry.internal,
        email=entry.email,
        website=entry.website,
        opening_notes=entry.opening_notes,
        out_of_hours=entry.out_of_hours,
        audience=entry.audience,
        shareable=entry.shareable,
        status=entry.status,
        owner_id=people[entry.owner].id if entry.owner else None,
        last_checked_on=None if entry.checked_days_ago is None else today - timedelta(days=entry.checked_days_ago),
        help_now_role=entry.help_now_role,
        contacts=[ContactInput(name, role) for name, role in entry.contacts],
        phones=[PhoneInput(number, kind, description) for number, kind, description in entry.phones],
        periods=[PeriodInput(weekday, opens, closes) for weekday, opens, closes in entry.hours],
    )


def _appoint_champions(people: dict[str, User]) -> None:
    admin = people["admin"]
    for position, (local_part, title, remit, how, when) in enumerate(data.CHAMPIONS, start=1):
        details = ProfileInput(title=title, remit=remit, how_to_contact=how, when_to_contact=when, position=position)
        appoint(people[local_part], details, by=admin)
