"""Reading dates as people in the UK type them, day first, and refusing to guess at anything else."""

import calendar
import re
from datetime import date

EXAMPLES = "28/11/2026, 2026-11-28 or 28 Nov 2026"

_ISO = re.compile(r"(\d{4})-(\d{1,2})-(\d{1,2})")
_NUMERIC = re.compile(r"(\d{1,2})([/.-])(\d{1,2})\2(\d+)")
_WORDS = re.compile(r"(\d{1,2})(?:st|nd|rd|th)?\s+([a-z]+)\.?,?\s+(\d+)")
_MONTH_NAME_FIRST = re.compile(r"([a-z]+)\.?\s+(\d{1,2})(?:st|nd|rd|th)?,?\s+(\d+)")

MONTHS = {name.lower(): number for number, name in enumerate(calendar.month_name) if name}
MONTHS.update({name.lower(): number for number, name in enumerate(calendar.month_abbr) if name})
MONTHS["sept"] = 9


def parse_uk_date(text: str) -> date:
    """A date written day first (28/11/2026, 28-11-2026, 28 Nov 2026, 28 November 2026) or as 2026-11-28.

    Raises ValueError with a message that says what to write instead. Month first (11/28/2026) is refused
    rather than guessed at, and a date such as 03/04/2026 is always 3 April.
    """
    shown = " ".join((text or "").split())
    cleaned = shown.lower()
    if not cleaned:
        raise ValueError(f"Enter a date, for example {EXAMPLES}")
    if match := _ISO.fullmatch(cleaned):
        year, month, day = (int(part) for part in match.groups())
        return _real_date(shown, year, month, day)
    if match := _NUMERIC.fullmatch(cleaned):
        day, _separator, month, year = match.groups()
        return _day_first(shown, int(day), int(month), _full_year(shown, year))
    if match := _WORDS.fullmatch(cleaned):
        day, month_name, year = match.groups()
        return _real_date(shown, _full_year(shown, year), _month_called(shown, month_name), int(day))
    if (match := _MONTH_NAME_FIRST.fullmatch(cleaned)) and match.group(1) in MONTHS:
        month_name, day, year = match.groups()
        raise ValueError(
            f"“{shown}” has the month first: write the day first, for example {day} {month_name.title()} {year}"
        )
    raise ValueError(f"“{shown}” is not a date we can read: write it as, for example, {EXAMPLES}")


def _day_first(shown: str, day: int, month: int, year: int) -> date:
    if month > 12 and 1 <= day <= 12:
        raise ValueError(
            f"“{shown}” looks like month first, as in the US: write the day first, "
            f"for example {month:02d}/{day:02d}/{year}"
        )
    return _real_date(shown, year, month, day)


def _full_year(shown: str, year: str) -> int:
    if len(year) != 4:
        raise ValueError(f"“{shown}” needs the year in full, with four digits, for example 28/11/2026")
    return int(year)


def _month_called(shown: str, name: str) -> int:
    if name not in MONTHS:
        raise ValueError(f"“{shown}” does not have a month we recognise: write it as, for example, {EXAMPLES}")
    return MONTHS[name]


def _real_date(shown: str, year: int, month: int, day: int) -> date:
    if not 1 <= month <= 12:
        raise ValueError(f"“{shown}” has no month {month}: months go from 1 to 12")
    if year < 1:
        raise ValueError(f"“{shown}” has no year: write it as, for example, {EXAMPLES}")
    last_day = calendar.monthrange(year, month)[1]
    if not 1 <= day <= last_day:
        raise ValueError(f"“{shown}” is not a real date: {calendar.month_name[month]} {year} has {last_day} days")
    return date(year, month, day)
