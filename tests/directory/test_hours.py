"""Opening hours: "open now" in Python and in SQL agree, in winter, in summer time and on the days the clocks change."""

from datetime import UTC, datetime, time
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import select

from portal.accounts.models import Role
from portal.common.timeofday import parse_time_of_day
from portal.directory import hours, services
from portal.directory.models import OpeningHours, Service, ServiceStatus
from portal.extensions import db
from tests.directory.factories import make_service
from tests.pages import page, text

MON, TUE, WED, THU, FRI, SAT, SUN = range(7)
OFFICE_HOURS = [(day, time(9), time(17)) for day in (MON, TUE, WED, THU, FRI)]
EVERY_DAY_9_TO_5 = [(day, time(9), time(17)) for day in range(7)]
LATE_MONDAY = [(MON, time(22), time(2))]
LATE_SATURDAY = [(SAT, time(22), time(2))]
LATE_SUNDAY = [(SUN, time(22), time(2))]
ALL_WEDNESDAY = [(WED, time(0), time(0))]
ALWAYS = [(day, time(0), time(0)) for day in range(7)]


def utc(*parts: int) -> datetime:
    return datetime(*parts, tzinfo=UTC)


# Each case: opening periods, a moment (UTC), whether the service is open then.
CASES = {
    # January: Greenwich Mean Time, so UTC is the local time.
    "weekday office hours": (OFFICE_HOURS, utc(2026, 1, 14, 10, 0), True),
    "a minute before opening": (OFFICE_HOURS, utc(2026, 1, 14, 8, 59), False),
    "at opening time": (OFFICE_HOURS, utc(2026, 1, 14, 9, 0), True),
    "a minute before closing": (OFFICE_HOURS, utc(2026, 1, 14, 16, 59, 59), True),
    "at closing time": (OFFICE_HOURS, utc(2026, 1, 14, 17, 0), False),
    "Saturday, closed all day": (OFFICE_HOURS, utc(2026, 1, 17, 12, 0), False),
    "overnight, before it opens": (LATE_MONDAY, utc(2026, 1, 12, 21, 59), False),
    "overnight, late evening": (LATE_MONDAY, utc(2026, 1, 12, 23, 0), True),
    "overnight, 1am the next day": (LATE_MONDAY, utc(2026, 1, 13, 1, 0), True),
    "overnight, at closing the next day": (LATE_MONDAY, utc(2026, 1, 13, 2, 0), False),
    "overnight from Sunday into Monday": (LATE_SUNDAY, utc(2026, 1, 12, 1, 0), True),
    "overnight period does not reopen a week later": (LATE_MONDAY, utc(2026, 1, 12, 1, 0), False),
    "midnight to midnight, at midnight": (ALL_WEDNESDAY, utc(2026, 1, 14, 0, 0), True),
    "midnight to midnight, at midday": (ALL_WEDNESDAY, utc(2026, 1, 14, 12, 0), True),
    "midnight to midnight, last minute": (ALL_WEDNESDAY, utc(2026, 1, 14, 23, 59), True),
    "midnight to midnight, the next day": (ALL_WEDNESDAY, utc(2026, 1, 15, 0, 0), False),
    "midnight to midnight, the day before": (ALL_WEDNESDAY, utc(2026, 1, 13, 23, 59), False),
    "open every day at any hour": (ALWAYS, utc(2026, 1, 18, 3, 33), True),
    "no hours at all": ([], utc(2026, 1, 14, 10, 0), False),
    # July: British Summer Time, an hour ahead of UTC.
    "summer 8:30 UTC is 9:30 BST": (OFFICE_HOURS, utc(2026, 7, 15, 8, 30), True),
    "winter 8:30 UTC is 8:30 GMT": (OFFICE_HOURS, utc(2026, 1, 14, 8, 30), False),
    "summer 16:30 UTC is 17:30 BST": (OFFICE_HOURS, utc(2026, 7, 15, 16, 30), False),
    "summer 23:30 UTC is 00:30 BST the next day": (LATE_MONDAY, utc(2026, 7, 13, 23, 30), True),
    # The clocks go forward at 1am UTC on Sunday 29 March 2026 and back at 1am UTC on Sunday 25 October 2026.
    "spring forward day, 8:30 UTC is 9:30 BST": (EVERY_DAY_9_TO_5, utc(2026, 3, 29, 8, 30), True),
    "the day before, 8:30 UTC is 8:30 GMT": (EVERY_DAY_9_TO_5, utc(2026, 3, 28, 8, 30), False),
    "spring forward night, 00:30 GMT": (LATE_SATURDAY, utc(2026, 3, 29, 0, 30), True),
    "spring forward night, 01:00 UTC is 02:00 BST": (LATE_SATURDAY, utc(2026, 3, 29, 1, 0), False),
    "fall back day, 8:30 UTC is 8:30 GMT": (EVERY_DAY_9_TO_5, utc(2026, 10, 25, 8, 30), False),
    "the day before, 8:30 UTC is 9:30 BST": (EVERY_DAY_9_TO_5, utc(2026, 10, 24, 8, 30), True),
    "fall back night, first 1:30am (BST)": (LATE_SATURDAY, utc(2026, 10, 25, 0, 30), True),
    "fall back night, second 1:30am (GMT)": (LATE_SATURDAY, utc(2026, 10, 25, 1, 30), True),
    "fall back night, 02:00 GMT": (LATE_SATURDAY, utc(2026, 10, 25, 2, 0), False),
}


def periods(spec) -> list[services.PeriodInput]:
    return [services.PeriodInput(day, opens, closes) for day, opens, closes in spec]


def open_in_sql(moment: datetime) -> set[str]:
    return set(db.session.scalars(select(Service.name).where(hours.open_now_clause(moment))))


def test_is_open_and_the_sql_clause_agree(app_context, subtests):
    for number, (case, (spec, moment, expected)) in enumerate(CASES.items()):
        with subtests.test(case):
            service = make_service(name=f"Service {number}", periods=periods(spec))
            assert hours.is_open(service.opening_hours, moment) is expected
            assert (service.name in open_in_sql(moment)) is expected


def test_the_sql_clause_picks_out_just_the_open_services(app_context):
    make_service(name="Office", periods=periods(OFFICE_HOURS))
    make_service(name="Late", periods=periods(LATE_MONDAY))
    make_service(name="Always", periods=periods(ALWAYS))
    assert open_in_sql(utc(2026, 1, 13, 1, 0)) == {"Late", "Always"}
    assert open_in_sql(utc(2026, 1, 13, 10, 0)) == {"Office", "Always"}


def test_a_naive_moment_is_taken_as_utc():
    monday_9_to_5 = [OpeningHours(weekday=MON, opens_at=time(9), closes_at=time(17))]
    assert hours.is_open(monday_9_to_5, datetime(2026, 7, 13, 8, 30))  # 9:30 BST
    assert not hours.is_open(monday_9_to_5, datetime(2026, 1, 12, 8, 30))


def test_a_moment_in_another_time_zone_is_converted():
    monday_9_to_5 = [OpeningHours(weekday=MON, opens_at=time(9), closes_at=time(17))]
    new_york_4am = datetime(2026, 1, 12, 4, 30, tzinfo=ZoneInfo("America/New_York"))  # 9:30 in London
    assert hours.is_open(monday_9_to_5, new_york_4am)


# ---- help now -----------------------------------------------------------------------------------------


def test_help_now_lists_the_out_of_hours_and_police_contacts_whatever_the_time(app_context):
    make_service(name="Council out of hours", help_now_role=services.HelpNowRole.OUT_OF_HOURS, periods=[])
    make_service(name="PC Sam Patel", help_now_role=services.HelpNowRole.POLICE_CONTACT, periods=[])
    shown = services.help_now(utc(2026, 1, 14, 3, 0))
    assert [service.name for service in shown.out_of_hours] == ["Council out of hours"]
    assert [service.name for service in shown.police_contacts] == ["PC Sam Patel"]
    assert shown.open_now == []


def test_help_now_lists_only_services_open_at_the_moment(app_context):
    make_service(name="Office line", periods=periods(OFFICE_HOURS))
    make_service(name="Night line", periods=periods(LATE_MONDAY), out_of_hours=True)
    make_service(name="Paused line", periods=periods(ALWAYS), status=ServiceStatus.TEMPORARILY_CLOSED)
    make_service(name="Gone line", periods=periods(ALWAYS), status=ServiceStatus.CLOSED)
    assert [s.name for s in services.help_now(utc(2026, 1, 14, 10, 0)).open_now] == ["Office line"]
    assert [s.name for s in services.help_now(utc(2026, 1, 12, 23, 0)).open_now] == ["Night line"]


def test_help_now_leaves_out_retired_contacts(app_context):
    make_service(name="Old police contact", help_now_role=services.HelpNowRole.POLICE_CONTACT)
    make_service(
        name="Closed out of hours", status=ServiceStatus.CLOSED, help_now_role=services.HelpNowRole.OUT_OF_HOURS
    )
    shown = services.help_now(utc(2026, 1, 14, 10, 0))
    assert [service.name for service in shown.police_contacts] == ["Old police contact"]
    assert shown.out_of_hours == []


def test_the_help_now_page_shows_999_contacts_and_what_is_open(client_as):
    make_service(
        name="Council out of hours",
        help_now_role=services.HelpNowRole.OUT_OF_HOURS,
        phones=[services.PhoneInput("01632 960999")],
    )
    make_service(name="Always there", periods=periods(ALWAYS))
    make_service(name="By appointment", periods=[])
    box = page(client_as(Role.COUNCILLOR).get("/help-now")).select_one(".app-help-now")
    words = text(box)
    assert "call 999" in words
    assert "Out of hours, Council out of hours: 01632 960999" in words
    assert box.find("a", href="tel:01632960999")
    assert [text(link) for link in box.select("h3 + ul a[href^='/directory/services/']")] == ["Always there"]
    assert "By appointment" not in words


# ---- wording ------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "words"),
    [
        (time(9), "9am"),
        (time(17, 30), "5:30pm"),
        (time(0), "midnight"),
        (time(12), "midday"),
        (time(0, 30), "12:30am"),
        (time(12, 15), "12:15pm"),
        (time(23, 5), "11:05pm"),
    ],
)
def test_times_are_written_the_gov_uk_way(value, words):
    assert hours.format_time(value) == words


def test_the_weekly_table_names_every_day():
    week = [
        OpeningHours(weekday=MON, opens_at=time(9), closes_at=time(12)),
        OpeningHours(weekday=MON, opens_at=time(13), closes_at=time(17, 30)),
        OpeningHours(weekday=WED, opens_at=time(0), closes_at=time(0)),
        OpeningHours(weekday=FRI, opens_at=time(22), closes_at=time(2)),
        OpeningHours(weekday=SAT, opens_at=time(10), closes_at=time(12)),
    ]
    assert hours.weekly_table(week) == [
        ("Monday", "9am to midday, 1pm to 5:30pm"),
        ("Tuesday", "Closed"),
        ("Wednesday", "Open 24 hours"),
        ("Thursday", "Closed"),
        ("Friday", "10pm to 2am"),
        ("Saturday", "10am to midday"),
        ("Sunday", "Closed"),
    ]


def test_the_weekly_table_lists_a_day_in_time_order_whatever_order_it_is_given():
    given = [
        OpeningHours(weekday=TUE, opens_at=time(14), closes_at=time(16)),
        OpeningHours(weekday=TUE, opens_at=time(9), closes_at=time(11)),
    ]
    assert hours.weekly_table(given)[TUE] == ("Tuesday", "9am to 11am, 2pm to 4pm")


# ---- reading typed times ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("typed", "meant"),
    [
        ("9am", time(9)),
        ("9 AM", time(9)),
        ("5:30pm", time(17, 30)),
        ("5.30pm", time(17, 30)),
        ("17:30", time(17, 30)),
        ("0930", time(9, 30)),
        ("930", time(9, 30)),
        ("9", time(9)),
        ("12am", time(0)),
        ("12pm", time(12)),
        ("midnight", time(0)),
        ("Midday", time(12)),
        ("noon", time(12)),
        ("24:00", time(0)),
        (" 08:00 ", time(8)),
    ],
)
def test_times_are_read_the_ways_people_type_them(typed, meant):
    assert parse_time_of_day(typed) == meant


@pytest.mark.parametrize("typed", ["25pm", "13pm", "0am", "9:75", "24:30", "25:00", "", "nine", "9:5", "9am5", "-1"])
def test_impossible_times_are_refused_with_a_message(typed):
    with pytest.raises(ValueError, match=r"Enter|hour"):
        parse_time_of_day(typed)
