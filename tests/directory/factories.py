"""Directory entries for tests, made through the service layer so that search text is kept as in the app."""

from datetime import date, time

from sqlalchemy import select

from portal.directory import services
from portal.directory.models import Category, Service
from portal.extensions import db


def category_named(name: str = "Wellbeing") -> Category:
    """One of the default categories (the migrations seed them; the test harness restores them)."""
    return db.session.scalar(select(Category).where(Category.name == name))


def service_input(**overrides) -> services.ServiceInput:
    fields = {
        "name": "Members' wellbeing line",
        "category_id": category_named(overrides.pop("category", "Wellbeing")).id,
        "summary": "Someone to talk to, any day",
        "description": "A confidential line for councillors.",
        "provider_name": "Northshire Employee Assistance",
        "shareable": True,
        "last_checked_on": date.today(),
        "phones": [services.PhoneInput("01632 960000")],
        "periods": [services.PeriodInput(day, time(9), time(17)) for day in range(5)],
    }
    fields.update(overrides)
    return services.ServiceInput(**fields)


def make_service(**overrides) -> Service:
    """A saved, committed service; keyword arguments override ServiceInput fields (category by name)."""
    service = services.create_service(service_input(**overrides), by=None)
    db.session.commit()
    return service
