"""The plain day formatting the pages use instead of Django's date filter."""

from __future__ import annotations

import datetime as dt

from django.template.defaultfilters import date

from accounts.moments import weekday_day


def test_a_weekday_and_day_read_as_djangos_date_filter_gives_them():
    start = dt.date(2028, 1, 1)  # a leap year: every day of the year
    for offset in range(366):
        day = start + dt.timedelta(days=offset)
        assert weekday_day(day) == date(day, "l, j F")
