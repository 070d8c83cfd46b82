"""The surveys' periodic jobs. Importing this module registers them (see portal/jobs/runner.load_jobs).

Each is safe to run twice, at once or one after the other, and after a pause: a state change is claimed by a
conditional UPDATE (or a row lock) before anything follows from it, and emails go into the outbox in the same
transaction as the change that caused them. The runner commits after each job; jobs run in name order, so on
a given day rounds close, then schedules create rounds, rounds open, counts refresh and reminders go.
"""

from datetime import date, timedelta

from sqlalchemy import func, select, update

from portal.accounts.models import Role, User, UserRole
from portal.accounts.services import absolute_url
from portal.extensions import db
from portal.jobs.registry import register
from portal.outbox.services import enqueue_many, render_email
from portal.surveys import retention  # noqa: F401  (registers the raw-answer retention job)
from portal.surveys.models import RoundStatus, SurveyInvitation, SurveyResponse, SurveyRound, SurveySchedule
from portal.surveys.rounds import add_months, close_round, council_today, round_from_schedule


def _ids(query) -> list[int]:
    return list(db.session.scalars(query))


@register("surveys.close-rounds", "day", "Close survey rounds whose closing date has come; count responses")
def close_due_rounds(today: date | None = None) -> int:
    """Close every open round whose close date has come; returns how many this run closed."""
    today = today or council_today()
    due = _ids(select(SurveyRound.id).where(SurveyRound.status == RoundStatus.OPEN, SurveyRound.closes_on <= today))
    closed = 0
    for round_id in due:
        survey_round = db.session.get(SurveyRound, round_id)
        if survey_round.status == RoundStatus.OPEN:
            close_round(survey_round, today)
            closed += 1
    return closed


@register("surveys.create-scheduled-rounds", "day", "Create the next survey round of each schedule that is due")
def create_scheduled_rounds(today: date | None = None) -> int:
    """One round per due schedule, then move the schedule on past today; missed periods are not made up."""
    today = today or council_today()
    due = _ids(select(SurveySchedule.id).where(SurveySchedule.active.is_(True), SurveySchedule.next_opens_on <= today))
    created = 0
    for schedule_id in due:
        schedule = db.session.get(SurveySchedule, schedule_id)
        due_on, next_on = schedule.next_opens_on, schedule.next_opens_on
        while next_on <= today:
            next_on = add_months(next_on, schedule.interval_months)
        # Only the run whose UPDATE still finds the old date creates the round.
        claimed = db.session.execute(
            update(SurveySchedule)
            .where(SurveySchedule.id == schedule_id, SurveySchedule.next_opens_on == due_on)
            .values(next_opens_on=next_on)
            .execution_options(synchronize_session=False)
        ).rowcount
        if claimed == 1:
            round_from_schedule(schedule, opens_on=today)  # late after a pause: opens today
            db.session.flush()
            created += 1
        db.session.refresh(schedule)
    return created


def _councillor_ids() -> list[int]:
    query = (
        select(User.id)
        .join(UserRole)
        .where(UserRole.role == Role.COUNCILLOR.value, User.active.is_(True))
        .distinct()
        .order_by(User.id)
    )
    return _ids(query)


@register("surveys.open-rounds", "day", "Open survey rounds whose opening date has come and invite each councillor")
def open_due_rounds(today: date | None = None) -> int:
    """Open due rounds: one invitation per active councillor and an email each; returns how many opened."""
    today = today or council_today()
    due = _ids(select(SurveyRound.id).where(SurveyRound.status == RoundStatus.SCHEDULED, SurveyRound.opens_on <= today))
    opened = 0
    for round_id in due:
        claimed = db.session.execute(
            update(SurveyRound)
            .where(SurveyRound.id == round_id, SurveyRound.status == RoundStatus.SCHEDULED)
            .values(status=RoundStatus.OPEN, response_count_snapshot=0, response_count_snapshot_on=today)
            .execution_options(synchronize_session=False)
        ).rowcount
        if claimed == 1:
            _invite_everyone(db.session.get(SurveyRound, round_id))
            opened += 1
    return opened


def _invite_everyone(survey_round: SurveyRound) -> None:
    db.session.refresh(survey_round)
    member_ids = _councillor_ids()
    db.session.add_all(SurveyInvitation(round_id=survey_round.id, user_id=member_id) for member_id in member_ids)
    survey_round.invited_count = len(member_ids)
    members = db.session.scalars(select(User).where(User.id.in_(member_ids)).order_by(User.id))
    enqueue_many(_email(survey_round, member, reminder=False) for member in members)
    db.session.flush()


def _email(survey_round: SurveyRound, member: User, reminder: bool) -> dict:
    """An invitation or reminder: the round, its last day and the link; never anything about answers."""
    context = {
        "member": member,
        "survey_round": survey_round,
        "last_day": survey_round.closes_on - timedelta(days=1),
        "link": absolute_url("surveys.answer", round_id=survey_round.id),
        "threshold": survey_round.anonymity_threshold,
        "reminder": reminder,
    }
    body_text, body_html = render_email("surveys/invitation", context)
    subject = f"{'Reminder: ' if reminder else ''}{survey_round.title}: your anonymous wellbeing survey"
    return {
        "to_address": member.email,
        "subject": subject,
        "body_text": body_text,
        "body_html": body_html,
        "group_key": survey_round.group_key,
    }


@register("surveys.send-reminders", "day", "Remind councillors who have not answered an open survey round")
def send_reminders(today: date | None = None) -> int:
    """At each reminder day before the close, email those who have not answered; each day once per member.

    After a pause that skipped a reminder day, the member gets one email, and every day passed counts as sent.
    Invitations are read with a row lock, so a second run at the same moment waits and then finds them sent.
    """
    today = today or council_today()
    sent = 0
    for survey_round in db.session.scalars(select(SurveyRound).where(SurveyRound.status == RoundStatus.OPEN)).all():
        days_left = (survey_round.closes_on - today).days
        passed = {day for day in survey_round.reminder_days or [] if 0 < days_left <= day}
        if passed:
            sent += _remind(survey_round, passed)
    return sent


def _remind(survey_round: SurveyRound, passed: set[int]) -> int:
    query = (
        select(SurveyInvitation)
        .where(SurveyInvitation.round_id == survey_round.id, SurveyInvitation.answered.is_(False))
        .order_by(SurveyInvitation.id)
        .with_for_update()
    )
    messages = []
    for invitation in db.session.scalars(query).all():
        db.session.refresh(invitation)  # the values a concurrent run committed while we waited for the lock
        if invitation.answered or passed <= set(invitation.reminders_sent or []):
            continue
        invitation.reminders_sent = sorted(set(invitation.reminders_sent or []) | passed, reverse=True)
        if invitation.user.active:
            messages.append(_email(survey_round, invitation.user, reminder=True))
    enqueue_many(messages)
    db.session.flush()
    return len(messages)


@register("surveys.refresh-response-counts", "day", "Take the daily snapshot of open survey rounds' response counts")
def refresh_response_counts(today: date | None = None) -> int:
    """The figure officers see while a round is open: counted once a day, so it cannot time one submission."""
    today = today or council_today()
    count = (
        select(func.count())
        .select_from(SurveyResponse)
        .where(SurveyResponse.round_id == SurveyRound.id)
        .scalar_subquery()
    )
    return db.session.execute(
        update(SurveyRound)
        .where(SurveyRound.status == RoundStatus.OPEN)
        .values(response_count_snapshot=count, response_count_snapshot_on=today)
        .execution_options(synchronize_session=False)
    ).rowcount


@register(
    "surveys.wipe-write-ahead-log",
    "day",
    "On SQLite, fold the write-ahead log into the database and empty it, so deleted drafts leave no copy behind",
)
def wipe_write_ahead_log() -> bool:
    """Drafts deleted today (on submit, or when a round closed) may still sit in the WAL file's old pages.

    Runs last of the surveys' jobs (names sort it there). Returns whether the log was emptied: a reader holding
    an old snapshot can keep it busy, and then tomorrow's run tries again. PostgreSQL has nothing to do here.
    """
    if db.engine.dialect.name != "sqlite":
        return False
    db.session.commit()
    busy, _, _ = db.session.connection().exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)").one()
    return not busy
