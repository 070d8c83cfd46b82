"""The rules of the support directory: finding services, keeping them, and what "help now" shows."""

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

from sqlalchemy import Select, delete, func, insert, select
from sqlalchemy.orm import lazyload, selectinload

from portal.accounts import audit
from portal.accounts.models import User
from portal.directory import hours, search
from portal.directory.models import (
    Category,
    OpeningHours,
    Provider,
    SearchTerm,
    Service,
    ServiceContact,
    ServicePhone,
    ServiceStatus,
)
from portal.extensions import db

STALE_AFTER = timedelta(days=365)
PER_PAGE = 20
MAX_PAGE = 1000  # far past any real directory; a larger page number would overflow the database's OFFSET


class HelpNowRole:
    """The parts a service can play in the "Need help now?" box."""

    OUT_OF_HOURS = "out_of_hours"
    POLICE_CONTACT = "police_contact"
    CHOICES = (
        ("", "None"),
        (OUT_OF_HOURS, "The council's out-of-hours number"),
        (POLICE_CONTACT, "The police single point of contact"),
    )


class DirectoryError(ValueError):
    def __init__(self, message: str, field: str | None = None):
        super().__init__(message)
        self.field = field


# ---- reading -------------------------------------------------------------------------------------------


def get_service_or_404(service_id: int) -> Service:
    return db.get_or_404(Service, service_id)


def categories() -> list[Category]:
    return list(db.session.scalars(select(Category).order_by(Category.position, Category.name)))


def providers() -> list[Provider]:
    return list(db.session.scalars(select(Provider).order_by(Provider.name)))


@dataclass
class SearchRequest:
    query: str = ""
    category_id: int | None = None
    open_now: bool = False
    include_inactive: bool = False  # officers may see closed entries
    page: int = 1
    per_page: int = PER_PAGE
    moment: datetime | None = None


def search_query(request: SearchRequest) -> Select:
    """The services matching `request`, best first; the filtering and ranking happen in the database."""
    query = select(Service)
    if not request.include_inactive:
        query = query.where(Service.status != ServiceStatus.CLOSED)
    if request.category_id:
        query = query.where(Service.category_id == request.category_id)
    if request.open_now:
        query = query.where(Service.status == ServiceStatus.ACTIVE, hours.open_now_clause(request.moment))
    words = search.query_words(request.query)
    if words:
        matches = search.matching_services(words)
        return query.join(matches, matches.c.service_id == Service.id).order_by(
            matches.c.rank.desc(), func.lower(Service.name)
        )
    return query.order_by(func.lower(Service.name))


def search_services(request: SearchRequest):
    """One page of results and the total, in four queries whatever the size of the directory.

    The page's services, then their count, then the categories and providers of the page's services only (a
    join would look them up for every match before sorting). A list of results shows no phones, contacts or
    hours, so they are not loaded. A window count on the first query would save the second, but costs more
    on SQLite: every match is then sorted in full rather than only the page's top few kept.
    """
    query = search_query(request).options(
        selectinload(Service.category),
        selectinload(Service.provider),
        lazyload(Service.contacts),
        lazyload(Service.phones),
        lazyload(Service.opening_hours),
    )
    page = min(max(request.page, 1), MAX_PAGE)
    return db.paginate(query, page=page, per_page=request.per_page, error_out=False, count=True)


def is_stale(service: Service, today: date | None = None) -> bool:
    """Not checked for 12 months (or never): members and officers are told."""
    today = today or date.today()
    return service.last_checked_on is None or service.last_checked_on <= today - STALE_AFTER


def _due_a_check_query(today: date | None) -> Select:
    today = today or date.today()
    return (
        select(Service)
        .where(Service.status != ServiceStatus.CLOSED)
        .where((Service.last_checked_on.is_(None)) | (Service.last_checked_on <= today - STALE_AFTER))
    )


def due_a_check(today: date | None = None, owner: User | None = None) -> list[Service]:
    query = _due_a_check_query(today).order_by(Service.last_checked_on.nulls_first(), func.lower(Service.name))
    if owner is not None:
        query = query.where(Service.owner_id == owner.id)
    return list(db.session.scalars(query))


def count_due_a_check(today: date | None = None) -> int:
    """How many entries are due a check, counted by the database (for the officers' to-do)."""
    return db.session.scalar(select(func.count()).select_from(_due_a_check_query(today).subquery()))


def record_view(service: Service) -> None:
    """Count a visit to a service's page, for "most used categories" (no record of who visited).

    The count goes up in the database, so two visits at once both count; the flush makes the attribute read
    back as the new number rather than as the SQL expression.
    """
    service.view_count = Service.view_count + 1
    db.session.flush()


def popular_categories(limit: int = 6) -> list[tuple[Category, int]]:
    """Categories with the most visited active services, most visited first."""
    visits = func.coalesce(func.sum(Service.view_count), 0)
    rows = db.session.execute(
        select(Category, visits.label("visits"))
        .join(Service, Service.category_id == Category.id)
        .where(Service.status != ServiceStatus.CLOSED)
        .group_by(Category.id)
        .order_by(visits.desc(), Category.position, Category.name)
        .limit(limit)
    ).all()
    return [(category, count) for category, count in rows]


@dataclass
class HelpNow:
    out_of_hours: list[Service]
    police_contacts: list[Service]
    open_now: list[Service]


def help_now(moment: datetime | None = None, open_limit: int = 5) -> HelpNow:
    """What the "Need help now?" box shows besides 999."""
    active = select(Service).where(Service.status == ServiceStatus.ACTIVE)

    def with_role(role: str) -> list[Service]:
        return list(db.session.scalars(active.where(Service.help_now_role == role).order_by(Service.name)))

    open_services = db.session.scalars(
        active.where(hours.open_now_clause(moment), Service.help_now_role.is_(None))
        .order_by(Service.out_of_hours.desc(), func.lower(Service.name))
        .limit(open_limit)
    )
    return HelpNow(with_role(HelpNowRole.OUT_OF_HOURS), with_role(HelpNowRole.POLICE_CONTACT), list(open_services))


# ---- changing ------------------------------------------------------------------------------------------


@dataclass
class ContactInput:
    name: str
    role: str = ""


@dataclass
class PhoneInput:
    number: str
    kind: str = "voice"
    description: str = ""


@dataclass
class PeriodInput:
    weekday: int
    opens_at: time
    closes_at: time


@dataclass
class ServiceInput:
    name: str
    category_id: int
    summary: str = ""
    description: str = ""
    provider_name: str = ""
    is_internal: bool = False
    email: str | None = None
    website: str | None = None
    opening_notes: str = ""
    out_of_hours: bool = False
    audience: str = ""
    shareable: bool = False
    status: str = ServiceStatus.ACTIVE
    owner_id: int | None = None
    last_checked_on: date | None = None
    help_now_role: str | None = None
    contacts: list[ContactInput] = field(default_factory=list)
    phones: list[PhoneInput] = field(default_factory=list)
    periods: list[PeriodInput] = field(default_factory=list)


SIMPLE_FIELDS = (
    "name",
    "summary",
    "description",
    "is_internal",
    "email",
    "website",
    "opening_notes",
    "out_of_hours",
    "audience",
    "shareable",
    "status",
    "owner_id",
    "last_checked_on",
    "help_now_role",
)


def provider_named(name: str) -> Provider | None:
    """The provider with this name, created when new; None for a blank name."""
    name = (name or "").strip()
    if not name:
        return None
    provider = db.session.scalar(select(Provider).where(func.lower(Provider.name) == name.lower()))
    if provider is None:
        provider = Provider(name=name)
        db.session.add(provider)
    return provider


def check_service_input(data: ServiceInput) -> None:
    """Refuse input that breaks the directory's rules, with the field it concerns."""
    if db.session.get(Category, data.category_id) is None:
        raise DirectoryError("Choose a category", "category_id")
    if data.status not in {status.value for status in ServiceStatus}:
        raise DirectoryError("Choose a status", "status")
    if data.owner_id is not None and db.session.get(User, data.owner_id) is None:
        raise DirectoryError("Choose an owner from the list", "owner_id")
    days = [(period.weekday, period.opens_at) for period in data.periods]
    if len(days) != len(set(days)):
        raise DirectoryError("Two opening periods start at the same time on the same day", "periods")


def _apply(service: Service, data: ServiceInput) -> None:
    with db.session.no_autoflush:  # the half-changed service must not be written while providers are looked up
        _apply_fields(service, data)
    refresh_search_text(service)


def _apply_fields(service: Service, data: ServiceInput) -> None:
    for name in SIMPLE_FIELDS:
        setattr(service, name, getattr(data, name))
    service.help_now_role = data.help_now_role or None
    service.category = db.session.get(Category, data.category_id)
    service.provider = provider_named(data.provider_name)
    if service.id is not None:
        # Old rows must go before their replacements arrive, or the unique opening-period key would clash.
        service.contacts, service.phones, service.opening_hours = [], [], []
        db.session.flush()
    service.contacts = [ServiceContact(name=c.name, role=c.role, position=i) for i, c in enumerate(data.contacts)]
    service.phones = [
        ServicePhone(number=p.number, kind=p.kind, description=p.description, position=i)
        for i, p in enumerate(data.phones)
    ]
    service.opening_hours = [
        OpeningHours(weekday=p.weekday, opens_at=p.opens_at, closes_at=p.closes_at) for p in data.periods
    ]


def index_for_search(changed: Sequence[Service]) -> None:
    """Rewrite the search index rows of saved (flushed) services from their search text."""
    ids = [service.id for service in changed]
    db.session.execute(delete(SearchTerm).where(SearchTerm.service_id.in_(ids)))
    rows = [
        {"service_id": service.id, **row}
        for service in changed
        for row in search.terms(service.search_name, service.search_meta, service.search_body)
    ]
    if rows:
        db.session.execute(insert(SearchTerm), rows)


def refresh_search_text(service: Service) -> None:
    service.search_name = search.normalise(service.name)
    service.search_meta = search.normalise(
        " ".join([service.category.name if service.category else "", service.provider.name if service.provider else ""])
    )
    service.search_body = search.normalise(
        " ".join(
            [
                service.summary,
                service.description,
                service.audience,
                service.opening_notes,
                *(f"{contact.name} {contact.role}" for contact in service.contacts),
            ]
        )
    )


def create_service(data: ServiceInput, *, by: User | None) -> Service:
    check_service_input(data)
    service = Service()
    _apply(service, data)
    db.session.add(service)
    db.session.flush()
    index_for_search([service])
    audit.record(by, "directory.service-created", f"Added {service.name} to the directory", target=service)
    return service


def update_service(service: Service, data: ServiceInput, *, by: User) -> Service:
    """Save an officer's changes; the audit event holds each changed field as [before, after]."""
    check_service_input(data)
    before = _snapshot(service)
    _apply(service, data)
    db.session.flush()
    index_for_search([service])
    after = _snapshot(service)
    changed = {name: [before[name], after[name]] for name in before if before[name] != after[name]}
    audit.record(by, "directory.service-updated", f"Edited {service.name}", target=service, detail=changed)
    return service


def _snapshot(service: Service) -> dict:
    """The service's details as plain values that can be compared and kept in the audit log."""
    values = {name: _plain(getattr(service, name)) for name in SIMPLE_FIELDS}
    values.update(
        category=service.category.name if service.category else None,
        provider=service.provider.name if service.provider else None,
        contacts=[f"{contact.name}, {contact.role}".rstrip(", ") for contact in service.contacts],
        phones=[f"{phone.number} ({phone.kind}) {phone.description}".strip() for phone in service.phones],
        opening_hours=[f"{day}: {times}" for day, times in hours.weekly_table(service.opening_hours)],
    )
    return values


def _plain(value):
    return value.isoformat() if isinstance(value, date) else value


def retire_service(service: Service, *, by: User) -> None:
    service.status = ServiceStatus.CLOSED
    service.help_now_role = None
    audit.record(by, "directory.service-retired", f"Retired {service.name}", target=service)


def mark_checked(service: Service, *, by: User, on: date | None = None) -> None:
    service.last_checked_on = on or date.today()
    audit.record(by, "directory.service-checked", f"Checked {service.name} is still right", target=service)


def create_category(name: str, description: str, *, by: User) -> Category:
    name = name.strip()
    if db.session.scalar(select(Category).where(func.lower(Category.name) == name.lower())):
        raise DirectoryError("A category with this name already exists", "name")
    position = (db.session.scalar(select(func.max(Category.position))) or 0) + 10
    category = Category(name=name, description=description.strip(), position=position)
    db.session.add(category)
    db.session.flush()
    audit.record(by, "directory.category-created", f"Added the category {name}", target=category)
    return category


def services_by_ids(ids: Sequence[int]) -> list[Service]:
    return list(db.session.scalars(select(Service).where(Service.id.in_(ids))))
