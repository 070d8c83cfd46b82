"""The periodic jobs. Each is a service function of a feature, run at most once per period.

Features register their jobs here with `register`. A job must be safe to run late: after a long pause it
runs once for the current period and does whatever the missed periods left undone.
"""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime


@dataclass(frozen=True)
class Job:
    name: str
    period: str  # "minute", "hour" or "day"
    run: Callable[[], object]
    description: str = ""

    def period_key(self, now: datetime) -> str:
        formats = {"minute": "%Y-%m-%dT%H:%M", "hour": "%Y-%m-%dT%H", "day": "%Y-%m-%d"}
        return now.strftime(formats[self.period])


JOBS: dict[str, Job] = {}


def register(name: str, period: str, description: str = "") -> Callable[[Callable], Callable]:
    if period not in {"minute", "hour", "day"}:
        raise ValueError(f"unknown period {period!r}")

    def decorate(function: Callable) -> Callable:
        JOBS[name] = Job(name=name, period=period, run=function, description=description)
        return function

    return decorate
