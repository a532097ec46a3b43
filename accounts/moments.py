"""The moments a journal may hold: one rule for forms, importers and checks.

A check-in or dose belongs between 1970 and tomorrow in the person's own time
zone. Moments outside that (year 1, year 9999, offsets no place on Earth
uses) cannot always be turned into a local day or read back from the
database, so they are refused wherever data comes in.
"""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

EARLIEST_DAY = dt.date(1970, 1, 1)
# Real-world UTC offsets run from -12:00 to +14:00.
MAX_OFFSET = dt.timedelta(hours=14)


# Bounds that hold in every zone: a moment before SURELY_TOO_EARLY, or more
# than SURELY_TOO_FAR_AHEAD after now, is outside the limits wherever the
# person lives (a database check starts from these).
SURELY_TOO_EARLY = (
    dt.datetime.combine(EARLIEST_DAY, dt.time(), tzinfo=dt.UTC) - MAX_OFFSET
)
SURELY_TOO_FAR_AHEAD = dt.timedelta(days=2) + MAX_OFFSET


def latest_day(tzinfo: dt.tzinfo, now: dt.datetime | None = None) -> dt.date:
    """Tomorrow in the person's zone: nothing later is a real check-in."""
    now = timezone.now() if now is None else now
    return now.astimezone(tzinfo).date() + dt.timedelta(days=1)


def local_moment(day: dt.date, time: dt.time, tzinfo: dt.tzinfo) -> dt.datetime | None:
    """The moment a person means by a date and a clock time in their zone;
    None when the clocks skipped that time (they went forward over it, as
    from 02:00 to 03:00). A time the clocks passed twice (they went back) is
    the first of the two."""
    moment = dt.datetime.combine(day, time, tzinfo=tzinfo)
    try:
        wall = moment.astimezone(dt.UTC).astimezone(tzinfo)
    except (OverflowError, ValueError):
        return moment  # out of any journal's range: moment_problem says so
    if wall.replace(tzinfo=None) != moment.replace(tzinfo=None):
        return None
    return moment


def as_shown(moment: dt.datetime, tzinfo: dt.tzinfo) -> tuple[dt.date, dt.time]:
    """A moment's date and clock time in the person's zone, to the minute: as
    a form's date and time fields show it, and as they send it back unchanged."""
    local = timezone.localtime(moment, tzinfo)
    return local.date(), local.time().replace(second=0, microsecond=0)


def skipped_time(day: dt.date, time: dt.time, tzinfo: dt.tzinfo) -> str:
    """Why local_moment() found no moment, in words for the person."""
    return (
        f"{time:%H:%M} did not happen on {day.day} {day:%B %Y} in {tzinfo}: the "
        "clocks went forward over it. Choose a time before or after the change."
    )


def moment_problem(
    moment: dt.datetime, tzinfo: dt.tzinfo, now: dt.datetime | None = None
) -> str | None:
    """Why a moment cannot be stored, in words for the person; None if it can."""
    offset = moment.utcoffset()
    if offset is None:
        return "it has no time zone offset"
    if abs(offset) > MAX_OFFSET:
        return "its time zone offset is not one any place uses (−12:00 to +14:00)"
    try:
        local_date = moment.astimezone(tzinfo).date()
    except (OverflowError, ValueError):
        return "it lies outside the years a journal can hold (1970 to tomorrow)"
    if local_date < EARLIEST_DAY:
        return "it is before 1970"
    if local_date > latest_day(tzinfo, now):
        return "it is in the future"
    return None


def weekday_day(day: dt.date) -> str:
    """Saturday, 5 December: a day near today, as Today's heading and its
    next planned dose name it. Django's date filter ("l, j F") gives the same
    through its translation machinery, at a tenth of a millisecond a call on
    the benchmark machine; Titrate's pages are in English only."""
    return f"{day:%A}, {day.day} {day:%B}"


def local(moment: dt.datetime, zone: dt.tzinfo | None = None) -> dt.datetime:
    """A moment in `zone`, or the current time zone; a naive one as it is."""
    return timezone.localtime(moment, zone) if timezone.is_aware(moment) else moment


def clock(moment: dt.datetime) -> str:
    """A moment's time of day in the current time zone: 09:05, as Django's
    time filter writes "H:i" (it too takes a moment to the current zone)."""
    return f"{local(moment):%H:%M}"


def journal_moment(
    day: dt.date, moment: dt.datetime, long: bool = False, zone: dt.tzinfo | None = None
) -> str:
    """A moment under its journal day (the day-start hour applied): "Tue 3 Mar,
    01:30 (the next morning)" when the clock time is after midnight but still
    belongs to the evening before. In `zone`, or the current time zone."""
    at = local(moment, zone)
    if long:
        text = f"{day:%A}, {day.day} {day:%B %Y}, {at:%H:%M}"
    else:
        text = f"{day:%a} {day.day} {day:%b}, {at:%H:%M}"
    if at.date() != day:
        text += " (the next morning)"
    return text
