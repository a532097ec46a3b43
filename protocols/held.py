"""Days on which another app's plan takes the place of the protocol's: an
experiment's weeks, whose capsules are the days' doses.

An app above the protocols adds a holder here, from its ready(): what it reads
for a person and a span of days, and the weeks it holds, with the weekdays on
which it plans its own dose in them: a capsule (a blinded experiment), or the
experiment's dose taken openly (the "on" weeks of open randomized weeks). The
dosing calendar, the calendar feed, the protocol page's coming days, the
weekly review and Today's one tap read them, so that a held day is never shown
as a protocol's planned dose, sent to a person's calendar as one, or counted
as missed, and a capsule day or an open dose day is shown, sent and counted as
the experiment's. Today's page and the dose-day reminder ask the experiment
under way itself (journal.checkin, reminders). The protocols never import the
app."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from decimal import Decimal

from accounts.models import User
from config.prepared import Read
from protocols.models import Substance

Span = tuple[dt.date, dt.date]  # first and last day, both held


@dataclass(frozen=True)
class OpenDose:
    """A dose an experiment plans to be taken openly, logged as any other."""

    substance: Substance
    amount: Decimal


@dataclass(frozen=True)
class Weeks:
    """Days held, from `first` to `last`, with a capsule planned on each of
    `weekdays` (Monday = 0) among them, or, given `dose`, that dose."""

    first: dt.date
    last: dt.date
    weekdays: frozenset[int] = frozenset()
    dose: OpenDose | None = None


@dataclass(frozen=True)
class Holder:
    # For a person and a span of days: the reads (None: not prepared) it makes.
    reads: Callable[[User, dt.date, dt.date], Iterable[Read | None]]
    # For a person and a span of days: the weeks it holds that meet it.
    weeks: Callable[[User, dt.date, dt.date], Iterable[Weeks]]


@dataclass(frozen=True)
class Held:
    days: set[dt.date]  # no protocol's dose planned
    capsules: set[dt.date]  # among them, the days a capsule is planned
    doses: dict[dt.date, OpenDose]  # the days an open dose is planned, and it


_holders: list[Holder] = []


def add_holder(holder: Holder) -> None:
    """Called from an app's ready(); a second call with the same holder adds
    nothing (ready() may run twice in tests)."""
    if holder not in _holders:
        _holders.append(holder)


def held_reads(user: User, first: dt.date, last: dt.date) -> list[Read | None]:
    """What held() reads, for config.prepared.ahead()."""
    return [read for holder in _holders for read in holder.reads(user, first, last)]


def held(user: User, first: dt.date, last: dt.date) -> Held:
    """The days from `first` to `last` on which no protocol's dose is planned,
    and those among them on which a capsule or an open dose is."""
    days, capsules, doses = set(), set(), {}
    for holder in _holders:
        for weeks in holder.weeks(user, first, last):
            day, end = max(weeks.first, first), min(weeks.last, last)
            while day <= end:
                days.add(day)
                if day.weekday() in weeks.weekdays and weeks.dose is None:
                    capsules.add(day)
                elif day.weekday() in weeks.weekdays:
                    doses[day] = weeks.dose
                day += dt.timedelta(days=1)
    return Held(days, capsules, doses)
