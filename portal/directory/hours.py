"""Opening hours: whether a service is open at a moment, in the database and in Python alike.

Hours are wall-clock times in the council's time zone (Europe/London), so summer time needs no special case:
the moment is converted to local time first. A period whose closing time is at or before its opening time
runs past midnight into the next day (00:00 to 00:00 is open all day).
"""

from collections.abc import Iterable
from datetime import UTC, datetime, time

from sqlalchemy import ColumnElement, and_, or_, select

from portal.common.time import COUNCIL_TZ
from portal.directory.models import OpeningHours, Service

WEEKDAYS = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"]


def local_now(moment: datetime | None = None) -> datetime:
    """`moment` (aware, or naive UTC) in the council's time zone; now when None."""
    if moment is None:
        return datetime.now(COUNCIL_TZ)
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.astimezone(COUNCIL_TZ)


def this_minute(moment: datetime | None = None) -> datetime:
    """The start of the current minute, local time. Opening times are whole minutes (they are typed as 9am or
    17:30), so "open now" gives the same answer all through a minute, and that answer can be kept for it."""
    return local_now(moment).replace(second=0, microsecond=0)


def _overnight(opens: time, closes: time) -> bool:
    return closes <= opens


def is_open(hours: Iterable[OpeningHours], moment: datetime | None = None) -> bool:
    local = local_now(moment)
    today, now = local.weekday(), local.time().replace(tzinfo=None)
    yesterday = (today - 1) % 7
    for period in hours:
        overnight = _overnight(period.opens_at, period.closes_at)
        if period.weekday == today and period.opens_at <= now and (overnight or now < period.closes_at):
            return True
        if period.weekday == yesterday and overnight and now < period.closes_at:
            return True
    return False


def open_now_clause(moment: datetime | None = None) -> ColumnElement[bool]:
    """A WHERE clause on Service: true for services with an opening period covering `moment`.

    The open services are found once, from today's and yesterday's rows of the weekday index, rather than
    by looking up the hours of each service in turn.
    """
    local = local_now(moment)
    today, now = local.weekday(), local.time().replace(tzinfo=None, microsecond=0)
    yesterday = (today - 1) % 7
    overnight = OpeningHours.closes_at <= OpeningHours.opens_at
    covering = or_(
        and_(OpeningHours.weekday == today, OpeningHours.opens_at <= now, or_(overnight, OpeningHours.closes_at > now)),
        and_(OpeningHours.weekday == yesterday, overnight, OpeningHours.closes_at > now),
    )
    return Service.id.in_(select(OpeningHours.service_id).where(covering))


def format_time(value: time) -> str:
    """As GOV.UK writes times: 9am, 5:30pm, midnight, midday."""
    if value == time(0, 0):
        return "midnight"
    if value == time(12, 0):
        return "midday"
    hour = value.hour % 12 or 12
    minutes = f":{value.minute:02d}" if value.minute else ""
    return f"{hour}{minutes}{'am' if value.hour < 12 else 'pm'}"


def describe_period(period: OpeningHours) -> str:
    if period.opens_at == period.closes_at == time(0, 0):
        return "Open 24 hours"
    return f"{format_time(period.opens_at)} to {format_time(period.closes_at)}"


def weekly_table(hours: Iterable[OpeningHours]) -> list[tuple[str, str]]:
    """(day, hours in words) for each weekday, "Closed" where there is no period."""
    by_day: dict[int, list[str]] = {day: [] for day in range(7)}
    for period in sorted(hours, key=lambda period: (period.weekday, period.opens_at)):
        by_day[period.weekday].append(describe_period(period))
    return [(WEEKDAYS[day], ", ".join(by_day[day]) or "Closed") for day in range(7)]
