"""Due times with a frozen clock: time zones, daylight saving, day-start and
quiet hours. Pure: no database."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest

from reminders.schedule import GRACE, due, in_quiet_hours, moment

BERLIN = ZoneInfo("Europe/Berlin")
NEW_YORK = ZoneInfo("America/New_York")
UTC = dt.UTC


def utc(*args) -> dt.datetime:
    return dt.datetime(*args, tzinfo=UTC)


def due_at(now, tz, times, day_start=4, quiet=(None, None)):
    return list(
        due(
            now=now,
            tz=tz,
            day_start_hour=day_start,
            reminders=[("checkin", t) for t in times],
            quiet=quiet,
        )
    )


@pytest.mark.parametrize(
    ("tz", "day", "expected"),
    [
        # Berlin: winter +01:00, summer +02:00; clocks change on 29 March and
        # 25 October 2026. 08:30 local is 07:30 or 06:30 UTC.
        (BERLIN, dt.date(2026, 3, 28), utc(2026, 3, 28, 7, 30)),
        (BERLIN, dt.date(2026, 3, 29), utc(2026, 3, 29, 6, 30)),
        (BERLIN, dt.date(2026, 10, 24), utc(2026, 10, 24, 6, 30)),
        (BERLIN, dt.date(2026, 10, 25), utc(2026, 10, 25, 7, 30)),
        # New York: clocks change on 8 March and 1 November 2026.
        (NEW_YORK, dt.date(2026, 3, 7), utc(2026, 3, 7, 13, 30)),
        (NEW_YORK, dt.date(2026, 3, 8), utc(2026, 3, 8, 12, 30)),
        (NEW_YORK, dt.date(2026, 10, 31), utc(2026, 10, 31, 12, 30)),
        (NEW_YORK, dt.date(2026, 11, 1), utc(2026, 11, 1, 13, 30)),
    ],
)
def test_a_morning_reminder_keeps_its_local_time_across_clock_changes(
    tz, day, expected
):
    assert moment(day, dt.time(8, 30), tz, 4) == expected


def test_a_time_skipped_when_clocks_go_forward_comes_an_hour_later():
    # 02:30 does not exist in Berlin on 29 March 2026: it is sent at 03:30.
    at = moment(dt.date(2026, 3, 29), dt.time(2, 30), BERLIN, 0)
    assert at.astimezone(BERLIN).time() == dt.time(3, 30)


def test_a_time_that_happens_twice_when_clocks_go_back_is_sent_once():
    # 01:30 happens twice in New York on 1 November 2026.
    first = utc(2026, 11, 1, 5, 30)  # 01:30 EDT
    second = utc(2026, 11, 1, 6, 30)  # 01:30 EST, an hour later
    times = [dt.time(1, 30)]
    found_first = due_at(first, NEW_YORK, times, day_start=0)
    found_second = due_at(second, NEW_YORK, times, day_start=0)
    assert [d.at for d in found_first] == [first]
    # At the second 01:30 it is never a new reminder: at most the same day
    # and slot again, which the delivery row's uniqueness sends once.
    assert {(d.day, d.slot) for d in found_second} <= {
        (d.day, d.slot) for d in found_first
    }


def test_a_time_before_the_day_start_belongs_to_the_journal_day_before():
    # 01:30 on Tuesday with the day starting at 04:00 closes Monday.
    now = dt.datetime(2026, 6, 2, 1, 31, tzinfo=BERLIN).astimezone(UTC)
    [found] = due_at(now, BERLIN, [dt.time(1, 30)], day_start=4)
    assert found.day == dt.date(2026, 6, 1)
    assert found.at == dt.datetime(2026, 6, 2, 1, 30, tzinfo=BERLIN)


def test_a_reminder_is_due_from_its_moment_until_the_grace_is_over():
    at = dt.datetime(2026, 6, 2, 21, 0, tzinfo=NEW_YORK)
    times = [dt.time(21, 0)]
    assert due_at(at - dt.timedelta(seconds=1), NEW_YORK, times) == []
    assert len(due_at(at, NEW_YORK, times)) == 1
    assert len(due_at(at + GRACE - dt.timedelta(seconds=1), NEW_YORK, times)) == 1
    assert due_at(at + GRACE, NEW_YORK, times) == []


def test_several_times_a_day_are_separate_reminders():
    now = dt.datetime(2026, 6, 2, 21, 5, tzinfo=BERLIN)
    found = due_at(now, BERLIN, [dt.time(8, 30), dt.time(21, 0)])
    assert [(d.day, d.slot) for d in found] == [(dt.date(2026, 6, 2), "21:00")]


@pytest.mark.parametrize(
    ("at", "start", "end", "quiet"),
    [
        (dt.time(23, 0), dt.time(22, 0), dt.time(7, 0), True),
        (dt.time(6, 59), dt.time(22, 0), dt.time(7, 0), True),
        (dt.time(7, 0), dt.time(22, 0), dt.time(7, 0), False),
        (dt.time(21, 59), dt.time(22, 0), dt.time(7, 0), False),
        (dt.time(13, 0), dt.time(12, 0), dt.time(14, 0), True),
        (dt.time(14, 0), dt.time(12, 0), dt.time(14, 0), False),
        (dt.time(13, 0), None, None, False),
        (dt.time(13, 0), dt.time(9, 0), dt.time(9, 0), False),
    ],
)
def test_quiet_hours_run_from_start_to_end_across_midnight(at, start, end, quiet):
    assert in_quiet_hours(at, start, end) is quiet


def test_a_reminder_in_quiet_hours_is_not_sent():
    now = dt.datetime(2026, 6, 2, 22, 30, tzinfo=BERLIN)
    times = [dt.time(22, 30)]
    assert due_at(now, BERLIN, times, quiet=(dt.time(22, 0), dt.time(7, 0))) == []
    assert len(due_at(now, BERLIN, times, quiet=(dt.time(23, 0), dt.time(7, 0)))) == 1


def test_quiet_hours_use_the_local_time_after_a_clock_change():
    # 02:30 on 29 March is sent at 03:30 in Berlin: outside quiet hours that
    # end at 03:00, though 02:30 itself is inside them.
    now = dt.datetime(2026, 3, 29, 3, 30, tzinfo=BERLIN)
    found = due_at(now, BERLIN, [dt.time(2, 30)], day_start=0,
                   quiet=(dt.time(0, 0), dt.time(3, 0)))  # fmt: skip
    assert len(found) == 1
