"""The newsletters' periodic job: scheduled issues go out at their time (see sending.run_scheduled)."""

from portal.jobs.registry import register
from portal.newsletters import sending


@register(
    "newsletters.send-scheduled",
    "minute",
    "Send scheduled newsletters that are due; hold those more than a day late for an officer; mark finished sends",
)
def send_scheduled_issues() -> sending.ScheduledRun:
    return sending.run_scheduled()
