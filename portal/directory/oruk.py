"""The directory as Open Referral UK documents (HSDS 3.0, UK profile), for the read-only exchange API.

Only entries that are both shareable and active are published; nothing else leaves the council this way. Ids are
the stored UUIDs. The documents that have no row of their own (the council as an organisation, the one taxonomy,
each service's virtual location) get ids derived from fixed names, so they are the same on every request.

Where HSDS 3.0 has a field that the UK profile leaves out (a service's phones, a phone's type, who a service is
for), it is published under its HSDS name: the profile allows further properties that do not conflict with it.
"""

import math
import re
import uuid
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, date, datetime, time

from flask import abort
from sqlalchemy import Select, select
from sqlalchemy.orm import lazyload

from portal.directory import hours, services
from portal.directory.models import (
    Category,
    OpeningHours,
    PhoneKind,
    Service,
    ServiceContact,
    ServicePhone,
    ServiceStatus,
)
from portal.extensions import db
from portal.settings.services import current_settings

HSDS_VERSION = "3.0"
PROFILE_URL = "https://github.com/OpenReferralUK/uk-profile"
SCHEMA_URL = "https://raw.githubusercontent.com/openreferral/uk-profile/main/schema/"
DEFAULT_PER_PAGE = 50
MAX_PER_PAGE = 200
MAX_SEARCH_LENGTH = 200

# Every derived id hangs off this namespace: changing it would change every derived id other directories hold.
ID_NAMESPACE = uuid.UUID("b4a3bb3d-1be4-4825-b853-2ac6f096a74e")
TAXONOMY_ID = "f7af8e62-dadb-4647-9cf2-64474f0b26ae"
TAXONOMY_NAME = "Councillor Support Hub categories"
TAXONOMY_DESCRIPTION = "The categories of support that the Councillor Support Hub sorts its directory into."

HSDS_STATUS = {
    ServiceStatus.ACTIVE: "active",
    ServiceStatus.TEMPORARILY_CLOSED: "temporarily closed",
    ServiceStatus.CLOSED: "defunct",
}
# HSDS takes phone types from RFC 6350, where a mobile is a "cell".
HSDS_PHONE_TYPE = {
    PhoneKind.VOICE: "voice",
    PhoneKind.TEXT: "text",
    PhoneKind.TEXTPHONE: "textphone",
    PhoneKind.MOBILE: "cell",
}
BYDAY = ["MO", "TU", "WE", "TH", "FR", "SA", "SU"]

WHOLE_NUMBER = re.compile(r"[0-9]{1,9}")


class BadParameter(ValueError):
    """A query parameter the API cannot use; the message says what to send instead."""

    def __init__(self, parameter: str, message: str):
        super().__init__(message)
        self.parameter = parameter


# ---- what a request asks for -----------------------------------------------------------------------------


@dataclass(frozen=True)
class PageRequest:
    number: int = 1
    size: int = DEFAULT_PER_PAGE


@dataclass(frozen=True)
class ServiceFilter:
    search: str = ""
    category_id: int | None = None
    modified_after: datetime | None = None  # naive UTC, as the database stores times


def page_request(args: Mapping[str, str]) -> PageRequest:
    """`page` (1 or more) and `per_page` (1 to MAX_PER_PAGE) from the query string."""
    number = _whole_number(args, "page", default=1, highest=None)
    size = _whole_number(args, "per_page", default=DEFAULT_PER_PAGE, highest=MAX_PER_PAGE)
    return PageRequest(number, size)


def _whole_number(args: Mapping[str, str], name: str, default: int, highest: int | None) -> int:
    raw = (args.get(name) or "").strip()
    if not raw:
        return default
    value = int(raw) if WHOLE_NUMBER.fullmatch(raw) else 0
    if value < 1 or (highest is not None and value > highest):
        allowed = f"from 1 to {highest}" if highest else "of 1 or more"
        raise BadParameter(name, f"{name} must be a whole number {allowed}, not {raw[:20]!r}")
    return value


def service_filter(args: Mapping[str, str]) -> ServiceFilter:
    """`search`, `taxonomy_term_id` and `modified_after` from the query string."""
    return ServiceFilter(
        search=(args.get("search") or "").strip()[:MAX_SEARCH_LENGTH],
        category_id=_category_id_for_term(args.get("taxonomy_term_id")),
        modified_after=_moment(args.get("modified_after")),
    )


def _category_id_for_term(term_id: str | None) -> int | None:
    if not term_id:
        return None
    category = _category_by_uuid(term_id)
    if category is None:
        raise BadParameter(
            "taxonomy_term_id", "taxonomy_term_id must be the id of one of the terms listed at /api/oruk/taxonomy_terms"
        )
    return category.id


def _moment(raw: str | None) -> datetime | None:
    """An ISO 8601 date or date and time; one without a time zone is taken as UTC."""
    if not raw:
        return None
    try:
        moment = datetime.fromisoformat(raw.strip())
    except ValueError:
        raise BadParameter(
            "modified_after",
            "modified_after must be a date or a date and time in ISO 8601 form, like 2026-01-31 or "
            "2026-01-31T09:00:00Z (write the + of a time zone as %2B)",
        ) from None
    if moment.tzinfo is not None:
        moment = moment.astimezone(UTC).replace(tzinfo=None)
    return moment


# ---- ids -----------------------------------------------------------------------------------------------


def _normal_uuid(value: str) -> str | None:
    """The canonical lower-case form of a UUID, or None when `value` is not one."""
    try:
        return str(uuid.UUID(value))
    except (ValueError, AttributeError, TypeError):
        return None


def derived_id(*parts: str) -> str:
    """A stable id for something that has no row of its own."""
    return str(uuid.uuid5(ID_NAMESPACE, "/".join(parts)))


# A service_at_location has no row either. Its id is the service's uuid with fixed bits flipped: as stable as a
# uuid5, but reversible, so /service_at_locations/<id> finds its service with one indexed look-up. The mask leaves
# the version and variant bits alone, so the result is as valid a UUID as the service's own.
_VERSION_AND_VARIANT_BITS = (0xF << 76) | (0x3 << 62)
_SERVICE_AT_LOCATION_MASK = uuid.uuid5(ID_NAMESPACE, "service_at_location").int & ~_VERSION_AND_VARIANT_BITS


def service_at_location_id(service_uuid: str) -> str:
    """The id of a service's one service_at_location; given that id instead, returns the service's uuid."""
    return str(uuid.UUID(int=uuid.UUID(service_uuid).int ^ _SERVICE_AT_LOCATION_MASK))


def council_organization_id(council_name: str) -> str:
    return derived_id("council", council_name.strip().lower())


# ---- queries -------------------------------------------------------------------------------------------


def _only_published(query: Select) -> Select:
    return query.where(Service.shareable.is_(True), Service.status == ServiceStatus.ACTIVE)


def published_services_query(filters: ServiceFilter) -> Select:
    """Published services matching `filters`, best match first; the member search does the word matching."""
    request = services.SearchRequest(query=filters.search, category_id=filters.category_id)
    query = _only_published(services.search_query(request))
    if filters.modified_after is not None:
        query = query.where(Service.updated_at >= filters.modified_after)
    return query.order_by(Service.id)  # a tie-break, so that entries with equal names never swap pages


def published_service_or_404(service_id: str) -> Service:
    wanted = _normal_uuid(service_id)
    service = wanted and db.session.scalar(_only_published(select(Service)).where(Service.uuid == wanted))
    if not service:
        abort(404, description="No shared service has this id")
    return service


def service_at_location_or_404(service_at_location: str) -> Service:
    wanted = _normal_uuid(service_at_location)
    if wanted is None:
        abort(404, description="No service_at_location has this id")
    return published_service_or_404(service_at_location_id(wanted))


def _category_by_uuid(term_id: str) -> Category | None:
    wanted = _normal_uuid(term_id)
    return wanted and db.session.scalar(select(Category).where(Category.uuid == wanted))


def category_or_404(term_id: str) -> Category:
    category = _category_by_uuid(term_id)
    if category is None:
        abort(404, description="No taxonomy term has this id")
    return category


def categories_query() -> Select:
    return select(Category).order_by(Category.position, Category.name, Category.id)


# ---- pages ---------------------------------------------------------------------------------------------


def page_document(contents: list[dict], total: int, page: PageRequest) -> dict:
    """The Open Referral paged envelope; a page past the end is empty, not an error."""
    total_pages = math.ceil(total / page.size)
    return {
        "total_items": total,
        "total_pages": total_pages,
        "page_number": page.number,
        "size": len(contents),
        "first_page": page.number == 1,
        "last_page": page.number >= total_pages,
        "empty": not contents,
        "contents": contents,
    }


def _fetch(query: Select, page: PageRequest) -> tuple[list, int]:
    rows = db.paginate(query, page=page.number, per_page=page.size, error_out=False, count=True)
    return list(rows.items), rows.total or 0


def _summaries_query(filters: ServiceFilter) -> Select:
    # A page lists no phones, contacts or hours, so they are not loaded for it.
    collections = (Service.contacts, Service.phones, Service.opening_hours)
    return published_services_query(filters).options(*(lazyload(collection) for collection in collections))


def service_page(filters: ServiceFilter, page: PageRequest) -> dict:
    found, total = _fetch(_summaries_query(filters), page)
    return page_document([service_summary(service) for service in found], total, page)


def service_at_location_page(filters: ServiceFilter, page: PageRequest) -> dict:
    found, total = _fetch(_summaries_query(filters), page)
    return page_document([service_at_location_summary(service) for service in found], total, page)


def taxonomy_term_page(page: PageRequest) -> dict:
    found, total = _fetch(categories_query(), page)
    return page_document([taxonomy_term(category) for category in found], total, page)


def taxonomy_page(page: PageRequest) -> dict:
    return page_document([taxonomy()] if page.number == 1 else [], 1, page)


# ---- documents -----------------------------------------------------------------------------------------


def _without_blanks(document: dict) -> dict:
    return {key: value for key, value in document.items() if value not in (None, "")}


def _web_address(value: str | None) -> str | None:
    return value if value and value.startswith(("https://", "http://")) else None


def _timestamp(moment: datetime) -> str:
    return moment.replace(microsecond=0).isoformat() + "Z"  # stored as naive UTC


def _date(value: date | None) -> str | None:
    return value.isoformat() if value else None


def service_summary(service: Service) -> dict:
    """A service's one-to-one fields and its organisation, as a page of services lists them."""
    organization = organization_for(service)
    return _without_blanks(
        {
            "id": service.uuid,
            "organization_id": organization["id"],
            "name": service.name,
            "description": "\n\n".join(text for text in (service.summary, service.description) if text),
            "url": _web_address(service.website),
            "email": service.email,
            "status": HSDS_STATUS[ServiceStatus(service.status)],
            "assured_date": _date(service.last_checked_on),
            "last_modified": _timestamp(service.updated_at),
            "eligibility_description": service.audience,
            "organization": organization,
        }
    )


def full_service(service: Service) -> dict:
    """A service with everything the directory knows that may be shared about it."""
    return _service_details(service) | {
        "service_at_locations": [service_at_location_summary(service, with_service=False)],
    }


def _service_details(service: Service) -> dict:
    return service_summary(service) | {
        "contacts": [contact(service, entry) for entry in service.contacts],
        "phones": [phone(service, entry) for entry in service.phones],
        "schedules": schedules(service),
        "attributes": [category_attribute(service)],
    }


def organization_for(service: Service) -> dict:
    """The service's provider; the council itself when no provider is named."""
    provider = service.provider
    if provider is None:
        council = current_settings().council_name
        return {
            "id": council_organization_id(council),
            "name": council,
            "description": f"{council}, which keeps this directory.",
        }
    # HSDS requires a description, even an empty one.
    website = _web_address(provider.website)
    return _without_blanks({"id": provider.uuid, "name": provider.name, "website": website}) | {
        "description": provider.description or ""
    }


def contact(service: Service, entry: ServiceContact) -> dict:
    return _without_blanks({"id": entry.uuid, "service_id": service.uuid, "name": entry.name, "title": entry.role})


def phone(service: Service, entry: ServicePhone) -> dict:
    return _without_blanks(
        {
            "id": entry.uuid,
            "service_id": service.uuid,
            "number": entry.number,
            "type": HSDS_PHONE_TYPE.get(entry.kind, "voice"),
            "description": entry.description,
        }
    )


def schedules(service: Service) -> list[dict]:
    """One weekly schedule for each distinct opening period, listing the days it applies to."""
    days_by_period: dict[tuple[time, time], list[int]] = {}
    for period in service.opening_hours:
        days_by_period.setdefault((period.opens_at, period.closes_at), []).append(period.weekday)
    return [_weekly_schedule(service, opens, closes, days) for (opens, closes), days in days_by_period.items()]


def _weekly_schedule(service: Service, opens: time, closes: time, days: list[int]) -> dict:
    period = OpeningHours(opens_at=opens, closes_at=closes)
    return _without_blanks(
        {
            "id": derived_id("schedule", service.uuid, opens.isoformat(), closes.isoformat()),
            "service_id": service.uuid,
            "freq": "WEEKLY",
            "interval": 1,
            "byday": ",".join(BYDAY[day] for day in sorted(days)),
            "opens_at": opens.isoformat(timespec="seconds"),
            "closes_at": closes.isoformat(timespec="seconds"),
            "description": f"{', '.join(hours.WEEKDAYS[day] for day in sorted(days))}: {hours.describe_period(period)}",
            "notes": service.opening_notes,
        }
    )


def category_attribute(service: Service) -> dict:
    """The link between a service and the taxonomy term for its category."""
    term = taxonomy_term(service.category)
    return {
        "id": derived_id("attribute", service.uuid, term["id"]),
        "link_id": service.uuid,
        "link_entity": "service",
        "taxonomy_term_id": term["id"],
        "taxonomy_term": term,
    }


def taxonomy_term(category: Category) -> dict:
    return {
        "id": category.uuid,
        "name": category.name,
        "description": category.description,
        "taxonomy": TAXONOMY_NAME,
        "taxonomy_id": TAXONOMY_ID,
        "term": category.name,
    }


def taxonomy(with_terms: bool = False) -> dict:
    document = {"id": TAXONOMY_ID, "name": TAXONOMY_NAME, "description": TAXONOMY_DESCRIPTION}
    if with_terms:
        document["taxonomy_terms"] = [taxonomy_term(category) for category in db.session.scalars(categories_query())]
    return document


def taxonomy_or_404(taxonomy_id: str) -> dict:
    if _normal_uuid(taxonomy_id) != TAXONOMY_ID:
        abort(404, description="No taxonomy has this id")
    return taxonomy(with_terms=True)


def virtual_location(service: Service) -> dict:
    """Our services are reached by phone, email or online, so each has one virtual location."""
    return {
        "id": derived_id("virtual-location", service.uuid),
        "location_type": "virtual",
        "name": f"{service.name}: by phone, email or online",
        "description": "This service has no premises to visit; use its phone numbers, email or website.",
    }


def service_at_location_summary(service: Service, with_service: bool = True) -> dict:
    location = virtual_location(service)
    document = {
        "id": service_at_location_id(service.uuid),
        "service_id": service.uuid,
        "location_id": location["id"],
        "location": location,
    }
    if with_service:
        document["service"] = service_summary(service)
    return document


def full_service_at_location(service: Service) -> dict:
    return service_at_location_summary(service, with_service=False) | {"service": _service_details(service)}
