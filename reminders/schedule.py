"""When reminders are due: pure functions of clock times, a time zone, the
day-start hour and a moment. No database and no clock of their own."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from zoneinfo import ZoneInfo

# A reminder is sent up to this long after its moment (a worker that was
# stopped for a while); later, it is left out rather than sent stale.
GRACE = dt.timedelta(minutes=60)


@dataclass(frozen=True)
class Due:
    kind: str  # a Delivery.Kind value
    day: dt.date  # the journal day it is for
    slot: str  # "08:30": one delivery per kind, day, slot and channel
    at: dt.datetime  # the moment, in UTC


def moment(day: dt.date, at: dt.time, tz: ZoneInfo, day_start_hour: int) -> dt.datetime:
    """The moment a reminder at the clock time `at` falls on for journal day
    `day`: a time before the day-start hour belongs to the next calendar date
    (01:30 with the day starting at 04:00 is the end of the journal day).

    A time that does not exist when clocks go forward is moved on by the gap
    (02:30 becomes 03:30); a time that happens twice when they go back is
    the first of the two.
    """
    date = day if at.hour >= day_start_hour else day + dt.timedelta(days=1)
    local = dt.datetime.combine(date, at.replace(tzinfo=None), tzinfo=tz)
    return local.astimezone(dt.UTC)


def in_quiet_hours(at: dt.time, start: dt.time | None, end: dt.time | None) -> bool:
    """Quiet hours from `start` up to `end`, across midnight when end < start."""
    if start is None or end is None or start == end:
        return False
    if start < end:
        return start <= at < end
    return at >= start or at < end


def due(
    *,
    now: dt.datetime,
    tz: ZoneInfo,
    day_start_hour: int,
    reminders: Sequence[tuple[str, dt.time]],
    quiet: tuple[dt.time | None, dt.time | None] = (None, None),
) -> Iterator[Due]:
    """The reminders (kind, clock time) whose moment has come within GRACE
    before `now`, for the journal day now is in and the one before it, except
    those in quiet hours."""
    local_now = now.astimezone(tz)
    today = (local_now - dt.timedelta(hours=day_start_hour)).date()
    for day in (today - dt.timedelta(days=1), today):
        for kind, at in reminders:
            when = moment(day, at, tz, day_start_hour)
            if not when <= now < when + GRACE:
                continue
            if in_quiet_hours(when.astimezone(tz).time(), *quiet):
                continue
            yield Due(kind=kind, day=day, slot=at.strftime("%H:%M"), at=when)
