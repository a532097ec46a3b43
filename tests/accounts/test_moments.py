"""The plain day formatting the pages use instead of Django's date filter, and
the moment a person means by a date and a clock time."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

from django.template.defaultfilters import date

from accounts.moments import local_moment, weekday_day

BERLIN = ZoneInfo("Europe/Berlin")


def test_a_weekday_and_day_read_as_djangos_date_filter_gives_them():
    start = dt.date(2028, 1, 1)  # a leap year: every day of the year
    for offset in range(366):
        day = start + dt.timedelta(days=offset)
        assert weekday_day(day) == date(day, "l, j F")


def test_a_local_moment_is_the_clock_time_in_the_zone():
    moment = local_moment(dt.date(2026, 7, 1), dt.time(9, 15), BERLIN)
    assert moment == dt.datetime(2026, 7, 1, 7, 15, tzinfo=dt.UTC)


def test_a_time_the_clocks_skipped_has_no_moment():
    # 29 March 2026: from 02:00 straight to 03:00 in Berlin.
    assert local_moment(dt.date(2026, 3, 29), dt.time(2, 30), BERLIN) is None
    assert local_moment(dt.date(2026, 3, 29), dt.time(1, 59), BERLIN) is not None
    assert local_moment(dt.date(2026, 3, 29), dt.time(3, 0), BERLIN) is not None


def test_a_time_the_clocks_passed_twice_is_the_first_of_the_two():
    # 25 October 2026: from 03:00 back to 02:00 in Berlin; 02:30 came twice.
    moment = local_moment(dt.date(2026, 10, 25), dt.time(2, 30), BERLIN)
    # As UTC: Python never calls a moment in such an hour equal to another
    # zone's (PEP 495).
    assert moment.astimezone(dt.UTC) == dt.datetime(2026, 10, 25, 0, 30, tzinfo=dt.UTC)


def test_a_moment_beyond_any_journal_is_left_to_its_range_check():
    moment = local_moment(dt.date(1, 1, 1), dt.time(0, 30), BERLIN)
    assert moment is not None and moment.year == 1
