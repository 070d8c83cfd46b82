"""The surveys' daily jobs: open with one invitation and email each, remind once per day chosen, close, count.

Emails are read back from a real SMTP server after the real outbox worker sends them.
"""

from datetime import date, timedelta
from pathlib import Path

from sqlalchemy import func, select

from portal.accounts.models import Role
from portal.extensions import db
from portal.jobs.runner import run_due
from portal.outbox.models import OutboxMessage
from portal.outbox.worker import drain
from portal.surveys import jobs
from portal.surveys.models import RoundStatus, SurveyDraft, SurveyInvitation, SurveyRound, SurveySchedule
from portal.surveys.rounds import council_today
from tests.pages import links_in, path_of
from tests.surveys.factories import answer, make_round, make_template

TODAY = council_today()
WHO5 = {f"who5.{n}": 3 for n in range(1, 6)}


def sent_mail(mail_catcher, expected: int):
    db.session.commit()
    drain()
    return mail_catcher.wait_for(expected, timeout=5)


def text_of(message) -> str:
    return message.get_body(preferencelist=("plain",)).get_content()


def invitations(survey_round) -> list[SurveyInvitation]:
    return list(db.session.scalars(select(SurveyInvitation).where(SurveyInvitation.round_id == survey_round.id)))


def scheduled_round(**fields) -> SurveyRound:
    fields.setdefault("opens_on", TODAY)
    fields.setdefault("closes_on", TODAY + timedelta(days=14))
    return make_round(make_template("who5"), RoundStatus.SCHEDULED, **fields)


def test_opening_invites_each_active_councillor_once_with_an_email_each(make_user, mail_catcher):
    ruth = make_user(Role.COUNCILLOR, name="Ruth Lindqvist", email="ruth@council.example")
    sam = make_user(Role.COUNCILLOR, Role.CHAMPION, email="sam@council.example")
    make_user(Role.COUNCILLOR, email="gone@council.example", active=False)
    make_user(Role.OFFICER, email="officer@council.example")
    survey_round = scheduled_round(title="Spring wellbeing survey", closes_on=TODAY + timedelta(days=21))

    assert jobs.open_due_rounds() == 1
    assert jobs.open_due_rounds() == 0  # a second run, straight after, finds nothing to open
    db.session.commit()

    assert survey_round.status == RoundStatus.OPEN
    assert {invitation.user_id for invitation in invitations(survey_round)} == {ruth.id, sam.id}
    assert survey_round.invited_count == 2
    assert survey_round.response_count_snapshot_on == TODAY
    messages = sent_mail(mail_catcher, 2)
    assert sorted(message["To"] for message in messages) == ["ruth@council.example", "sam@council.example"]
    ruths = next(message for message in messages if message["To"] == "ruth@council.example")
    assert "Spring wellbeing survey" in ruths["Subject"]
    body = text_of(ruths)
    assert "Dear Ruth Lindqvist" in body
    last_day = TODAY + timedelta(days=20)
    assert f"{last_day.day} {last_day:%B %Y}" in body
    assert path_of(links_in(body)[0]) == f"/surveys/{survey_round.id}"
    assert "html" in {part.get_content_subtype() for part in ruths.walk()}
    groups = db.session.scalars(select(OutboxMessage.group_key)).all()
    assert groups == [survey_round.group_key] * 2


def test_a_round_not_yet_due_stays_scheduled(make_user):
    make_user(Role.COUNCILLOR)
    survey_round = scheduled_round(opens_on=TODAY + timedelta(days=1))
    assert jobs.open_due_rounds() == 0
    assert survey_round.status == RoundStatus.SCHEDULED
    assert invitations(survey_round) == []


def test_the_runner_opens_a_round_once_however_often_it_runs(make_user, mail_catcher):
    make_user(Role.COUNCILLOR, email="member@council.example")
    survey_round = scheduled_round()
    db.session.commit()

    assert run_due()["surveys.open-rounds"] == "done"
    assert run_due()["surveys.open-rounds"] == "skipped"
    assert jobs.open_due_rounds() == 0  # even called directly again
    assert len(invitations(survey_round)) == 1
    assert len(sent_mail(mail_catcher, 1)) == 1
    assert db.session.scalar(select(func.count()).select_from(OutboxMessage)) == 1


def test_a_round_due_during_a_pause_opens_on_the_late_run(make_user):
    make_user(Role.COUNCILLOR)
    survey_round = scheduled_round(opens_on=TODAY - timedelta(days=3))
    assert jobs.open_due_rounds() == 1
    assert survey_round.status == RoundStatus.OPEN


def open_round_with(make_user, count: int, closes_in: int, reminder_days: list[int]):
    members = [make_user(Role.COUNCILLOR, email=f"member{n}@council.example") for n in range(count)]
    survey_round = scheduled_round(closes_on=TODAY + timedelta(days=closes_in), reminder_days=reminder_days)
    jobs.open_due_rounds()
    db.session.query(OutboxMessage).delete()  # the invitations; these tests are about reminders
    db.session.commit()
    return members, survey_round


def test_reminders_go_once_per_chosen_day_to_those_who_have_not_answered(make_user, mail_catcher):
    (answered, waiting), survey_round = open_round_with(make_user, 2, closes_in=14, reminder_days=[7, 2])
    answer(survey_round, answered, WHO5)

    assert jobs.send_reminders(today=TODAY) == 0  # 14 days before the close: no reminder day yet
    assert jobs.send_reminders(today=TODAY + timedelta(days=7)) == 1  # 7 days before
    assert jobs.send_reminders(today=TODAY + timedelta(days=7)) == 0  # the same day again
    assert jobs.send_reminders(today=TODAY + timedelta(days=9)) == 0  # between the two days
    assert jobs.send_reminders(today=TODAY + timedelta(days=12)) == 1  # 2 days before
    assert jobs.send_reminders(today=TODAY + timedelta(days=13)) == 0

    messages = sent_mail(mail_catcher, 2)
    assert [message["To"] for message in messages] == [waiting.email] * 2
    assert all(message["Subject"].startswith("Reminder:") for message in messages)
    invitation = next(i for i in invitations(survey_round) if i.user_id == waiting.id)
    assert sorted(invitation.reminders_sent) == [2, 7]


def test_a_late_run_after_a_pause_sends_one_reminder_for_the_days_it_missed(make_user, mail_catcher):
    _members, survey_round = open_round_with(make_user, 1, closes_in=14, reminder_days=[7, 2])
    assert jobs.send_reminders(today=TODAY + timedelta(days=13)) == 1  # both days passed while paused
    assert jobs.send_reminders(today=TODAY + timedelta(days=13)) == 0
    assert sorted(invitations(survey_round)[0].reminders_sent) == [2, 7]
    assert len(sent_mail(mail_catcher, 1)) == 1


def test_reminders_and_invitations_say_nothing_about_answers(make_user, mail_catcher):
    _members, survey_round = open_round_with(make_user, 1, closes_in=14, reminder_days=[7])
    jobs.send_reminders(today=TODAY + timedelta(days=7))
    body = text_of(sent_mail(mail_catcher, 1)[0])
    for question in survey_round.template.questions:
        assert question.text not in body


def test_closing_counts_responses_and_deletes_drafts(make_user):
    (first, second, third), survey_round = open_round_with(make_user, 3, closes_in=14, reminder_days=[])
    answer(survey_round, first, WHO5)
    answer(survey_round, second, WHO5)
    db.session.add(SurveyDraft(round_id=survey_round.id, user_id=third.id, answers={"1": 2}))
    db.session.commit()

    assert jobs.close_due_rounds(today=TODAY + timedelta(days=13)) == 0  # not yet
    assert jobs.close_due_rounds(today=TODAY + timedelta(days=14)) == 1
    assert jobs.close_due_rounds(today=TODAY + timedelta(days=14)) == 0
    db.session.commit()
    assert survey_round.status == RoundStatus.CLOSED
    assert survey_round.response_count == 2
    assert db.session.query(SurveyDraft).count() == 0
    assert jobs.send_reminders(today=TODAY + timedelta(days=15)) == 0  # nobody is reminded of a closed round


def test_the_snapshot_counts_once_a_day_and_not_live(make_user):
    (first, second), survey_round = open_round_with(make_user, 2, closes_in=14, reminder_days=[])
    answer(survey_round, first, WHO5)
    tomorrow = TODAY + timedelta(days=1)
    assert jobs.refresh_response_counts(today=tomorrow) == 1
    answer(survey_round, second, WHO5)
    db.session.commit()
    db.session.refresh(survey_round)
    assert (survey_round.response_count_snapshot, survey_round.response_count_snapshot_on) == (1, tomorrow)


def make_schedule(template, **fields) -> SurveySchedule:
    schedule = SurveySchedule(
        template=template,
        title=fields.pop("title", "Member wellbeing survey"),
        interval_months=fields.pop("interval_months", 6),
        open_days=fields.pop("open_days", 21),
        reminder_days=fields.pop("reminder_days", [7]),
        next_opens_on=fields.pop("next_opens_on", TODAY),
        **fields,
    )
    db.session.add(schedule)
    db.session.flush()
    return schedule


def schedule_rounds(schedule) -> list[SurveyRound]:
    return list(db.session.scalars(select(SurveyRound).where(SurveyRound.schedule_id == schedule.id)))


def test_a_due_schedule_creates_one_round_and_moves_on(app_context):
    schedule = make_schedule(make_template("who5"), next_opens_on=date(2026, 1, 31), interval_months=3)
    today = date(2026, 1, 31)
    assert jobs.create_scheduled_rounds(today=today) == 1
    assert jobs.create_scheduled_rounds(today=today) == 0
    db.session.commit()
    (survey_round,) = schedule_rounds(schedule)
    assert survey_round.title == "Member wellbeing survey January 2026"
    assert (survey_round.opens_on, survey_round.closes_on) == (today, today + timedelta(days=21))
    assert survey_round.status == RoundStatus.SCHEDULED
    assert survey_round.reminder_days == [7]
    assert (survey_round.anonymity_threshold, survey_round.free_text_threshold) == (5, 10)
    assert schedule.next_opens_on == date(2026, 4, 30)


def test_a_late_schedule_run_creates_one_round_not_one_per_missed_period(app_context):
    schedule = make_schedule(make_template("who5"), next_opens_on=date(2025, 1, 10), interval_months=3)
    today = date(2025, 8, 1)
    assert jobs.create_scheduled_rounds(today=today) == 1
    (survey_round,) = schedule_rounds(schedule)
    assert survey_round.opens_on == today
    assert schedule.next_opens_on == date(2025, 10, 10)


def test_paused_and_future_schedules_create_nothing(app_context):
    template = make_template("who5")
    make_schedule(template, active=False)
    make_schedule(template, next_opens_on=TODAY + timedelta(days=1))
    assert jobs.create_scheduled_rounds() == 0


def test_the_runner_takes_a_schedule_through_to_invitations_in_one_day(make_user, mail_catcher):
    make_user(Role.COUNCILLOR, email="member@council.example")
    schedule = make_schedule(make_template("who5"))
    db.session.commit()
    results = run_due()
    assert results["surveys.create-scheduled-rounds"] == "done" and results["surveys.open-rounds"] == "done"
    (survey_round,) = schedule_rounds(schedule)
    assert survey_round.status == RoundStatus.OPEN
    assert [message["To"] for message in sent_mail(mail_catcher, 1)] == ["member@council.example"]


def test_the_daily_checkpoint_empties_sqlites_write_ahead_log(app_context, make_user):
    if db.engine.dialect.name != "sqlite":
        assert jobs.wipe_write_ahead_log() is False
        return
    make_user(Role.COUNCILLOR)
    db.session.commit()
    wal = Path(db.engine.url.database + "-wal")
    assert wal.stat().st_size > 0

    assert jobs.wipe_write_ahead_log() is True
    assert wal.stat().st_size == 0
