"""Rounds and schedules for officers: create, change while scheduled, close early, cancel; the response rate.

A round's thresholds are copied from the council settings when it is created, may be raised (never lowered
below the settings) while it is scheduled, and are frozen once it opens: members were told them.
"""

import calendar
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from flask import abort
from sqlalchemy import delete, func, select, text, update

from portal.accounts import audit
from portal.accounts.models import User
from portal.common.time import COUNCIL_TZ
from portal.extensions import db
from portal.settings.services import current_settings
from portal.surveys.models import (
    RoundStatus,
    SurveyAnswer,
    SurveyDraft,
    SurveyInvitation,
    SurveyResponse,
    SurveyRound,
    SurveySchedule,
    SurveyTemplate,
)

ANONYMITY_FLOOR = 3
INTERVALS = (3, 6, 12)
STATUS_ORDER = (RoundStatus.OPEN, RoundStatus.SCHEDULED, RoundStatus.CLOSED, RoundStatus.RELEASED)


class RoundError(ValueError):
    """A change refused, with the form field it concerns."""

    def __init__(self, message: str, field: str):
        super().__init__(message)
        self.field = field


def council_today() -> date:
    """Today in the council's time zone: rounds open and close on London dates."""
    return datetime.now(COUNCIL_TZ).date()


@dataclass
class RoundInput:
    template_id: int
    title: str
    opens_on: date
    closes_on: date
    reminder_days: list[int]
    anonymity_threshold: int
    free_text_threshold: int


# ---- reading ---------------------------------------------------------------------------------------------


def templates_to_choose() -> list[SurveyTemplate]:
    return list(db.session.scalars(select(SurveyTemplate).where(SurveyTemplate.archived.is_(False)).order_by("name")))


def rounds_by_status() -> dict[RoundStatus, list[SurveyRound]]:
    grouped: dict[RoundStatus, list[SurveyRound]] = {status: [] for status in STATUS_ORDER}
    for survey_round in db.session.scalars(select(SurveyRound).order_by(SurveyRound.opens_on.desc())):
        grouped[RoundStatus(survey_round.status)].append(survey_round)
    return grouped


def count_awaiting_release() -> int:
    """Closed rounds an officer has yet to review and release."""
    return db.session.scalar(select(func.count()).where(SurveyRound.status == RoundStatus.CLOSED))


def get_round_or_404(round_id: int) -> SurveyRound:
    return db.session.get(SurveyRound, round_id) or abort(404)


@dataclass(frozen=True)
class ResponseRate:
    """What officers may see of an open round: the daily snapshot, never the live count."""

    answered: int
    invited: int
    as_of: date | None
    threshold: int

    @property
    def below_threshold(self) -> bool:
        return self.answered < self.threshold

    @property
    def percent(self) -> int:
        return round(100 * self.answered / self.invited) if self.invited else 0


def response_rate(survey_round: SurveyRound) -> ResponseRate:
    return ResponseRate(
        answered=survey_round.response_count_snapshot,
        invited=survey_round.invited_count,
        as_of=survey_round.response_count_snapshot_on,
        threshold=survey_round.anonymity_threshold,
    )


# ---- creating and changing -------------------------------------------------------------------------------


def parse_reminder_days(text: str) -> list[int]:
    """ "7, 2" -> [7, 2]: whole days before the close, largest first, each once."""
    parts = [part.strip() for part in (text or "").replace(";", ",").split(",") if part.strip()]
    if not all(part.isdigit() and int(part) > 0 for part in parts):
        raise RoundError("Enter reminder days as whole numbers of days before the close, like 7, 2", "reminder_days")
    return sorted({int(part) for part in parts}, reverse=True)


def default_thresholds() -> tuple[int, int]:
    settings = current_settings()
    return settings.anonymity_threshold, settings.free_text_threshold


def check_thresholds(anonymity: int, free_text: int) -> None:
    settings_k, settings_free_text = default_thresholds()
    floor = max(ANONYMITY_FLOOR, settings_k)
    if anonymity < floor:
        raise RoundError(
            f"The minimum group size must be {floor} or more (the council's setting)", "anonymity_threshold"
        )
    free_text_floor = max(anonymity, settings_free_text)
    if free_text < free_text_floor:
        raise RoundError(
            f"The minimum for free-text answers must be {free_text_floor} or more: at least the minimum group "
            "size and the council's setting",
            "free_text_threshold",
        )


def _check_round(data: RoundInput, today: date) -> None:
    if data.opens_on < today:
        raise RoundError("The opening date must be today or later", "opens_on")
    if data.closes_on <= data.opens_on:
        raise RoundError("The closing date must be after the opening date", "closes_on")
    if data.reminder_days and max(data.reminder_days) >= (data.closes_on - data.opens_on).days:
        raise RoundError("Each reminder must fall after the round opens: fewer days than it is open", "reminder_days")
    template = db.session.get(SurveyTemplate, data.template_id)
    if template is None or template.archived:
        raise RoundError("Choose a template that is not archived", "template_id")
    check_thresholds(data.anonymity_threshold, data.free_text_threshold)


def _apply(survey_round: SurveyRound, data: RoundInput) -> None:
    survey_round.template_id = data.template_id
    survey_round.title = data.title
    survey_round.opens_on, survey_round.closes_on = data.opens_on, data.closes_on
    survey_round.reminder_days = list(data.reminder_days)
    survey_round.anonymity_threshold = data.anonymity_threshold
    survey_round.free_text_threshold = data.free_text_threshold


def create_round(data: RoundInput, by: User, today: date | None = None) -> SurveyRound:
    """A scheduled round; raises RoundError naming the field at fault."""
    _check_round(data, today or council_today())
    survey_round = SurveyRound(status=RoundStatus.SCHEDULED)
    _apply(survey_round, data)
    db.session.add(survey_round)
    db.session.flush()
    audit.record(by, "survey_round.created", f"Survey round {survey_round.title} created", target=survey_round)
    return survey_round


def update_round(survey_round: SurveyRound, data: RoundInput, by: User, today: date | None = None) -> None:
    """Change a round that has not opened; once open its thresholds were stated to members and stay."""
    refuse_unless_scheduled(survey_round)
    _check_round(data, today or council_today())
    _apply(survey_round, data)
    audit.record(by, "survey_round.changed", f"Survey round {survey_round.title} changed", target=survey_round)


def refuse_unless_scheduled(survey_round: SurveyRound) -> None:
    if survey_round.status != RoundStatus.SCHEDULED:
        raise RoundError(
            "This round has opened, so it can no longer change: members were told its dates and minimum group "
            "sizes before they answered",
            "title",
        )


def cancel_round(survey_round: SurveyRound, by: User) -> None:
    """Delete a round that has not opened (nobody was invited, nothing answered)."""
    refuse_unless_scheduled(survey_round)
    audit.record(by, "survey_round.cancelled", f"Survey round {survey_round.title} cancelled", target=survey_round)
    db.session.delete(survey_round)
    db.session.flush()


def close_round(survey_round: SurveyRound, today: date) -> None:
    """Close an open round: count its responses, delete its drafts. Used by the job and by closing early.

    The round's row is locked first, so a submit in flight (which holds a shared lock on it) finishes before
    the count is taken, and a later submit finds the round closed.
    """
    db.session.execute(select(SurveyRound.id).where(SurveyRound.id == survey_round.id).with_for_update())
    db.session.refresh(survey_round)
    if survey_round.status != RoundStatus.OPEN:
        return
    postgresql = db.session.get_bind().dialect.name == "postgresql"
    if postgresql:
        _lock_answer_tables()
    count = db.session.scalar(
        select(func.count()).select_from(SurveyResponse).where(SurveyResponse.round_id == survey_round.id)
    )
    survey_round.status = RoundStatus.CLOSED
    survey_round.response_count = count
    if survey_round.closes_on > today:  # closed early: the close date says when answers stopped
        survey_round.closes_on = max(today, survey_round.opens_on + timedelta(days=1))
    db.session.execute(delete(SurveyDraft).where(SurveyDraft.round_id == survey_round.id))
    db.session.flush()
    if postgresql:
        _forget_submission_order(survey_round.id)


# Rewritten physically at every close. Taken in this order (after the round's row) so that a submit in flight,
# which takes the round's row before it writes a response, an answer or deletes a draft, never waits on a lock
# we hold while we wait on one it holds.
_REORDERED = (SurveyResponse.__table__, SurveyAnswer.__table__, SurveyDraft.__table__)


def _lock_answer_tables() -> None:
    """Take the lock CLUSTER needs up front, rather than upgrading to it after reading the tables."""
    names = ", ".join(table.name for table in _REORDERED)
    db.session.execute(text(f"LOCK TABLE {names} IN ACCESS EXCLUSIVE MODE"))


def _forget_submission_order(round_id: int) -> None:
    """On PostgreSQL, leave no trace of the order (or the transaction) in which members submitted.

    PostgreSQL stamps each row with the transaction that wrote it (`xmin`) and stores rows roughly in the
    order they were written (`ctid`), so a database reader could line responses up with submission times, or
    join a response to the invitation flipped in the same transaction. So at close: the round's responses,
    answers and invitations are rewritten (all now carry this transaction's stamp), then the answer tables
    are rewritten in the order of their random primary keys by CLUSTER, which also drops the dead row
    versions of earlier transactions, such as the drafts deleted when their members submitted.

    CLUSTER may run inside a transaction (naming its table) and holds an ACCESS EXCLUSIVE lock on the table
    until commit: reads and writes of every round's answers wait for the close, which at a council's size
    takes milliseconds. Row versions this transaction itself deletes (the drafts of members who never
    submitted, and the versions replaced here) survive as dead rows, unreadable by SQL, until autovacuum or
    the next close clears them.
    """
    for table in (SurveyResponse.__table__, SurveyAnswer.__table__, SurveyInvitation.__table__):
        db.session.execute(update(table).where(table.c.round_id == round_id).values(round_id=table.c.round_id))
    for table in _REORDERED:
        db.session.execute(text(f"CLUSTER {table.name} USING pk_{table.name}"))


def close_early(survey_round: SurveyRound, by: User, today: date | None = None) -> None:
    if survey_round.status != RoundStatus.OPEN:
        raise RoundError("Only an open round can be closed", "title")
    close_round(survey_round, today or council_today())
    audit.record(by, "survey_round.closed", f"Survey round {survey_round.title} closed early", target=survey_round)


# ---- schedules -------------------------------------------------------------------------------------------


@dataclass
class ScheduleInput:
    template_id: int
    title: str
    interval_months: int
    open_days: int
    reminder_days: list[int]
    next_opens_on: date
    active: bool


def schedules() -> list[SurveySchedule]:
    return list(db.session.scalars(select(SurveySchedule).order_by(SurveySchedule.next_opens_on)))


def get_schedule_or_404(schedule_id: int) -> SurveySchedule:
    return db.session.get(SurveySchedule, schedule_id) or abort(404)


def _check_schedule(data: ScheduleInput, today: date, changing: bool) -> None:
    template = db.session.get(SurveyTemplate, data.template_id)
    if template is None or template.archived:
        raise RoundError("Choose a template that is not archived", "template_id")
    if data.interval_months not in INTERVALS:
        raise RoundError("Choose every 3, 6 or 12 months", "interval_months")
    if not 2 <= data.open_days <= 90:
        raise RoundError("Rounds must stay open for between 2 and 90 days", "open_days")
    if data.reminder_days and max(data.reminder_days) >= data.open_days:
        raise RoundError("Each reminder must fall after the round opens: fewer days than it is open", "reminder_days")
    if data.next_opens_on < today and not changing:
        raise RoundError("The first opening date must be today or later", "next_opens_on")


def save_schedule(schedule: SurveySchedule | None, data: ScheduleInput, by: User) -> SurveySchedule:
    """Create (schedule None) or change a schedule; raises RoundError naming the field at fault."""
    _check_schedule(data, council_today(), changing=schedule is not None)
    action = "survey_schedule.changed" if schedule else "survey_schedule.created"
    schedule = schedule or SurveySchedule()
    for name, value in vars(data).items():
        setattr(schedule, name, value)
    db.session.add(schedule)
    db.session.flush()
    audit.record(by, action, f"Survey schedule {schedule.title} saved", target=schedule)
    return schedule


def add_months(day: date, months: int) -> date:
    """The same day `months` later, or that month's last day (31 January + 1 month is 28 or 29 February)."""
    month_index = day.month - 1 + months
    year, month = day.year + month_index // 12, month_index % 12 + 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def round_from_schedule(schedule: SurveySchedule, opens_on: date) -> SurveyRound:
    anonymity, free_text = default_thresholds()
    survey_round = SurveyRound(
        template_id=schedule.template_id,
        schedule_id=schedule.id,
        title=f"{schedule.title} {opens_on:%B %Y}",
        opens_on=opens_on,
        closes_on=opens_on + timedelta(days=schedule.open_days),
        reminder_days=list(schedule.reminder_days or []),
        anonymity_threshold=anonymity,
        free_text_threshold=free_text,
        status=RoundStatus.SCHEDULED,
    )
    db.session.add(survey_round)
    return survey_round
