"""Where a member stands on a course: valid, due soon, expired, due after election, or not taken.

Pure functions of dates, so the compliance matrix can work out thousands of cells from a few queries.
"""

import calendar
import enum
from dataclasses import dataclass
from datetime import date

from portal.common.time import format_date


class Status(enum.StrEnum):
    VALID = "valid"
    DUE_SOON = "due_soon"
    EXPIRED = "expired"
    DUE_AFTER_ELECTION = "due_after_election"
    NOT_TAKEN = "not_taken"

    @property
    def label(self) -> str:
        return STATUS_LABELS[self]

    @property
    def tag_class(self) -> str:
        """The GOV.UK tag colour; the words always say the status too, never colour alone."""
        return TAG_CLASSES[self]

    @property
    def counts_as_covered(self) -> bool:
        return self in (Status.VALID, Status.DUE_SOON)


STATUS_LABELS = {
    Status.VALID: "Valid",
    Status.DUE_SOON: "Due soon",
    Status.EXPIRED: "Expired",
    Status.DUE_AFTER_ELECTION: "Due after election",
    Status.NOT_TAKEN: "Not taken",
}
TAG_CLASSES = {
    Status.VALID: "govuk-tag--green",
    Status.DUE_SOON: "govuk-tag--yellow",
    Status.EXPIRED: "govuk-tag--red",
    Status.DUE_AFTER_ELECTION: "govuk-tag--blue",
    Status.NOT_TAKEN: "govuk-tag--grey",
}


@dataclass(frozen=True)
class CourseStanding:
    status: Status
    completed_on: date | None = None
    valid_until: date | None = None  # None with VALID: once is enough
    due_on: date | None = None  # when it must be (re)taken, if there is a date

    @property
    def overdue(self) -> bool:
        return self.status is Status.NOT_TAKEN and self.due_on is not None

    @property
    def detail(self) -> str:
        """The status in words with its date, as a cell or a record shows it."""
        if self.status is Status.VALID:
            return f"Valid until {format_date(self.valid_until)}" if self.valid_until else "Valid, no refresher needed"
        if self.status is Status.DUE_SOON:
            return f"Due soon: expires {format_date(self.valid_until)}"
        if self.status is Status.EXPIRED:
            return f"Expired on {format_date(self.valid_until)}"
        if self.status is Status.DUE_AFTER_ELECTION:
            return f"Due by {format_date(self.due_on)}"
        return f"Not taken: was due by {format_date(self.due_on)}" if self.due_on else "Not taken"


def add_months(start: date, months: int) -> date:
    """The same day `months` later, or the month's last day when it is shorter (31 January + 1 = 28/29 February)."""
    month_index = start.month - 1 + months
    year, month = start.year + month_index // 12, month_index % 12 + 1
    return date(year, month, min(start.day, calendar.monthrange(year, month)[1]))


def standing(
    *,
    refresher_months: int | None,
    due_within_months_of_election: int | None,
    completed_on: date | None,
    date_elected: date | None,
    today: date,
    due_soon_days: int,
) -> CourseStanding:
    """Where a member stands on one course, from their latest completion (if any)."""
    if completed_on is not None and completed_on <= today:
        if refresher_months is None:
            return CourseStanding(Status.VALID, completed_on)
        valid_until = add_months(completed_on, refresher_months)
        if today > valid_until:
            return CourseStanding(Status.EXPIRED, completed_on, valid_until, due_on=valid_until)
        if (valid_until - today).days <= due_soon_days:
            return CourseStanding(Status.DUE_SOON, completed_on, valid_until, due_on=valid_until)
        return CourseStanding(Status.VALID, completed_on, valid_until)
    if due_within_months_of_election is not None and date_elected is not None:
        due_on = add_months(date_elected, due_within_months_of_election)
        if today <= due_on:
            return CourseStanding(Status.DUE_AFTER_ELECTION, due_on=due_on)
        return CourseStanding(Status.NOT_TAKEN, due_on=due_on)
    return CourseStanding(Status.NOT_TAKEN)
