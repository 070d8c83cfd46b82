from datetime import date

import pytest

from portal.common.dates import parse_uk_date


@pytest.mark.parametrize(
    "text",
    [
        "28/11/2026",
        "28-11-2026",
        "28.11.2026",
        "2026-11-28",
        "28 Nov 2026",
        "28 nov 2026",
        "28 November 2026",
        "28 NOVEMBER 2026",
        "  28  November   2026 ",
        "28th November 2026",
    ],
)
def test_reads_the_forms_people_type(text):
    assert parse_uk_date(text) == date(2026, 11, 28)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("3/4/2026", date(2026, 4, 3)),
        ("03/04/2026", date(2026, 4, 3)),
        ("1 Feb 2026", date(2026, 2, 1)),
        ("3 Sept 2026", date(2026, 9, 3)),
        ("2026-4-3", date(2026, 4, 3)),
        ("29/02/2028", date(2028, 2, 29)),
    ],
)
def test_one_digit_days_and_months_and_day_first_always(text, expected):
    assert parse_uk_date(text) == expected


def test_month_first_is_an_error_that_says_to_put_the_day_first():
    with pytest.raises(ValueError, match="month first") as error:
        parse_uk_date("11/28/2026")
    assert "28/11/2026" in str(error.value)


def test_month_name_first_is_an_error_too():
    with pytest.raises(ValueError, match="day first, for example 28 November 2026"):
        parse_uk_date("November 28, 2026")


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("31/02/2026", "February 2026 has 28 days"),
        ("29/02/2026", "February 2026 has 28 days"),
        ("31 April 2026", "April 2026 has 30 days"),
        ("2026-13-01", "no month 13"),
        ("13/13/2026", "no month 13"),
        ("28/11/26", "year in full"),
        ("28 Novem 2026", "does not have a month we recognise"),
        ("yesterday", "not a date we can read"),
        ("2026/11/28", "not a date we can read"),
        ("", "Enter a date"),
        ("   ", "Enter a date"),
    ],
)
def test_impossible_or_unreadable_dates_say_why(text, message):
    with pytest.raises(ValueError, match=message):
        parse_uk_date(text)


def test_messages_give_an_example_to_follow():
    with pytest.raises(ValueError) as error:
        parse_uk_date("next Tuesday")
    assert "28/11/2026" in str(error.value)
