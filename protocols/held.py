"""Days on which another app's plan takes the place of the protocol's: an
experiment's weeks, whose capsules are the days' doses.

An app above the protocols adds a holder here, from its ready(): what it reads
for a person and a span of days, and the spans of days it holds. The dosing
calendar, the calendar feed, the protocol page's coming days and the weekly
review's count of planned doses read them, so that a held day is never shown
as a planned dose, sent to a person's calendar with its alarm, or counted as
missed. Today and the dose-day reminder ask the experiment under way itself
(journal.checkin, reminders). The protocols never import the app."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from accounts.models import User
from config.prepared import Read

Span = tuple[dt.date, dt.date]  # first and last day, both held


@dataclass(frozen=True)
class Holder:
    # For a person and a span of days: the reads (None: not prepared) it makes.
    reads: Callable[[User, dt.date, dt.date], Iterable[Read | None]]
    # For a person and a span of days: the spans it holds that meet it.
    spans: Callable[[User, dt.date, dt.date], Iterable[Span]]


_holders: list[Holder] = []


def add_holder(holder: Holder) -> None:
    """Called from an app's ready(); a second call with the same holder adds
    nothing (ready() may run twice in tests)."""
    if holder not in _holders:
        _holders.append(holder)


def held_reads(user: User, first: dt.date, last: dt.date) -> list[Read | None]:
    """What held_days() reads, for config.prepared.ahead()."""
    return [read for holder in _holders for read in holder.reads(user, first, last)]


def held_days(user: User, first: dt.date, last: dt.date) -> set[dt.date]:
    """The days from `first` to `last` on which no protocol's dose is planned."""
    days = set()
    for holder in _holders:
        for start, end in holder.spans(user, first, last):
            day, end = max(start, first), min(end, last)
            while day <= end:
                days.add(day)
                day += dt.timedelta(days=1)
    return days
