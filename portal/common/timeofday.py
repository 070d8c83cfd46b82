"""Reading a time of day the ways people type it: 9am, 9:30pm, 17:30, 0930, midnight, midday."""

import re
from datetime import time

_PATTERN = re.compile(r"^(\d{1,2})(?:[:.]?(\d{2}))?\s*(am|pm)?$")


def parse_time_of_day(text: str) -> time:
    """The time `text` names; ValueError with a message a person can act on when it names none."""
    cleaned = text.strip().lower().replace(" ", "")
    if cleaned in {"midnight", "00:00", "24:00"}:
        return time(0, 0)
    if cleaned in {"midday", "noon"}:
        return time(12, 0)
    match = _PATTERN.match(cleaned)
    if not match:
        raise ValueError("Enter a time like 9am, 5:30pm or 17:30")
    hour, minute, half = int(match.group(1)), int(match.group(2) or 0), match.group(3)
    if half:
        if not 1 <= hour <= 12:
            raise ValueError("With am or pm, the hour must be between 1 and 12")
        hour = hour % 12 + (12 if half == "pm" else 0)
    if hour > 23 or minute > 59:
        raise ValueError("Enter a real time, like 9am, 5:30pm or 17:30")
    return time(hour, minute)
