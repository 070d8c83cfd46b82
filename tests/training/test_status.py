"""Where a member stands on a course: pure date rules, no database."""

from datetime import date, timedelta

import pytest

from portal.training.status import CourseStanding, Status, add_months, standing

COMPLETED = date(2024, 1, 10)
EXPIRES = date(2026, 1, 10)  # 24 months after COMPLETED
WINDOW = 60


def stand(today: date, *, completed_on=COMPLETED, refresher=24, due_after_election=None, elected=None, window=WINDOW):
    return standing(
        refresher_months=refresher,
        due_within_months_of_election=due_after_election,
        completed_on=completed_on,
        date_elected=elected,
        today=today,
        due_soon_days=window,
    )


# ---- add_months ----------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("start", "months", "expected"),
    [
        (date(2025, 3, 15), 0, date(2025, 3, 15)),
        (date(2025, 3, 15), 1, date(2025, 4, 15)),
        (date(2025, 11, 15), 3, date(2026, 2, 15)),  # across a year end
        (date(2025, 12, 1), 1, date(2026, 1, 1)),
        (date(2025, 1, 31), 1, date(2025, 2, 28)),  # shorter month: its last day
        (date(2024, 1, 31), 1, date(2024, 2, 29)),  # leap year
        (date(2025, 3, 31), 1, date(2025, 4, 30)),
        (date(2024, 2, 29), 12, date(2025, 2, 28)),  # a leap day a year on
        (date(2024, 2, 29), 48, date(2028, 2, 29)),  # and four years on
        (date(2025, 8, 31), 6, date(2026, 2, 28)),
        (date(2025, 5, 7), 120, date(2035, 5, 7)),
    ],
)
def test_add_months(start, months, expected):
    assert add_months(start, months) == expected


def test_add_months_backwards_for_tests_that_count_back_from_today():
    assert add_months(date(2026, 3, 31), -1) == date(2026, 2, 28)
    assert add_months(date(2026, 1, 15), -2) == date(2025, 11, 15)


# ---- with a refresher ----------------------------------------------------------------------------------


def test_valid_well_before_expiry():
    result = stand(date(2025, 6, 1))
    assert result == CourseStanding(Status.VALID, COMPLETED, EXPIRES)
    assert result.detail == "Valid until 10 January 2026"


def test_one_day_before_the_window_is_still_valid():
    assert stand(EXPIRES - timedelta(days=WINDOW + 1)).status is Status.VALID


def test_first_day_of_the_window_is_due_soon():
    result = stand(EXPIRES - timedelta(days=WINDOW))
    assert result.status is Status.DUE_SOON
    assert result.due_on == EXPIRES
    assert result.detail == "Due soon: expires 10 January 2026"


def test_expiry_day_itself_is_still_due_soon_not_expired():
    result = stand(EXPIRES)
    assert result.status is Status.DUE_SOON
    assert result.valid_until == EXPIRES


def test_day_after_expiry_is_expired():
    result = stand(EXPIRES + timedelta(days=1))
    assert result == CourseStanding(Status.EXPIRED, COMPLETED, EXPIRES, due_on=EXPIRES)
    assert result.detail == "Expired on 10 January 2026"


def test_the_window_officers_set_moves_the_edge():
    today = EXPIRES - timedelta(days=30)
    assert stand(today, window=30).status is Status.DUE_SOON
    assert stand(today, window=29).status is Status.VALID


def test_refresher_from_a_month_end_expires_on_the_shorter_months_last_day():
    result = stand(date(2025, 3, 1), completed_on=date(2024, 8, 31), refresher=6)
    assert result.valid_until == date(2025, 2, 28)
    assert result.status is Status.EXPIRED


def test_refresher_from_a_leap_day():
    assert stand(date(2025, 1, 1), completed_on=date(2024, 2, 29), refresher=12).valid_until == date(2025, 2, 28)


# ---- without a refresher -------------------------------------------------------------------------------


def test_no_refresher_means_valid_for_ever():
    result = stand(date(2074, 1, 10), refresher=None)
    assert result == CourseStanding(Status.VALID, COMPLETED)
    assert result.valid_until is None
    assert result.detail == "Valid, no refresher needed"


def test_completed_today_counts():
    assert stand(COMPLETED, refresher=None).status is Status.VALID


# ---- not taken, and due after election -----------------------------------------------------------------

ELECTED = date(2026, 5, 7)
DEADLINE = date(2026, 7, 7)  # two months after ELECTED


def test_never_taken_without_a_deadline():
    result = stand(date(2026, 1, 1), completed_on=None)
    assert result == CourseStanding(Status.NOT_TAKEN)
    assert not result.overdue
    assert result.detail == "Not taken"


def test_due_after_election_before_the_deadline():
    result = stand(date(2026, 5, 8), completed_on=None, due_after_election=2, elected=ELECTED)
    assert result == CourseStanding(Status.DUE_AFTER_ELECTION, due_on=DEADLINE)
    assert result.detail == "Due by 7 July 2026"


def test_due_after_election_on_the_deadline_itself():
    assert stand(DEADLINE, completed_on=None, due_after_election=2, elected=ELECTED).status is Status.DUE_AFTER_ELECTION


def test_not_taken_and_overdue_the_day_after_the_deadline():
    result = stand(DEADLINE + timedelta(days=1), completed_on=None, due_after_election=2, elected=ELECTED)
    assert result == CourseStanding(Status.NOT_TAKEN, due_on=DEADLINE)
    assert result.overdue
    assert result.detail == "Not taken: was due by 7 July 2026"


def test_a_deadline_needs_an_election_date():
    result = stand(date(2026, 6, 1), completed_on=None, due_after_election=2, elected=None)
    assert result == CourseStanding(Status.NOT_TAKEN)


def test_completing_it_after_election_makes_it_valid():
    result = stand(date(2026, 6, 1), completed_on=date(2026, 5, 20), due_after_election=2, elected=ELECTED)
    assert result.status is Status.VALID


# ---- a completion dated in the future ------------------------------------------------------------------


def test_a_future_completion_is_ignored():
    today = date(2026, 1, 1)
    assert stand(today, completed_on=today + timedelta(days=1)).status is Status.NOT_TAKEN


def test_a_future_completion_leaves_the_election_deadline_in_force():
    today = date(2026, 5, 20)
    result = stand(today, completed_on=today + timedelta(days=1), due_after_election=2, elected=ELECTED)
    assert result == CourseStanding(Status.DUE_AFTER_ELECTION, due_on=DEADLINE)


# ---- words and colours ---------------------------------------------------------------------------------


def test_every_status_has_words_and_a_tag_colour():
    for status in Status:
        assert status.label
        assert status.tag_class.startswith("govuk-tag--")
    assert len({status.tag_class for status in Status}) == len(Status)


def test_only_valid_and_due_soon_count_as_covered():
    assert {status for status in Status if status.counts_as_covered} == {Status.VALID, Status.DUE_SOON}
