"""Time in one place: stored in UTC, shown in the council's time zone (Europe/London)."""

from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

COUNCIL_TZ = ZoneInfo("Europe/London")


def utcnow() -> datetime:
    """Now, as a naive UTC datetime: the form every timestamp column stores."""
    return datetime.now(UTC).replace(tzinfo=None)


def to_local(moment: datetime) -> datetime:
    """A stored (naive UTC) datetime in the council's time zone."""
    return moment.replace(tzinfo=UTC).astimezone(COUNCIL_TZ)


def format_date(value: date | datetime | None) -> str:
    """British long form, as in "28 November 2026"."""
    if value is None:
        return ""
    if isinstance(value, datetime):
        value = to_local(value)
    return f"{value.day} {value:%B %Y}"


def format_datetime(value: datetime | None) -> str:
    """As in "28 November 2026 at 2:05pm", in the council's time zone."""
    if value is None:
        return ""
    local = to_local(value)
    hour = local.hour % 12 or 12
    return f"{format_date(local)} at {hour}:{local:%M}{'am' if local.hour < 12 else 'pm'}"
