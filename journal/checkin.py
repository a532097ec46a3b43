"""The reads of the parts other apps show in Today's check-in.

An app above the journal (the experiments' card) shows its part of the
check-in through a template tag, which reads while the page renders: one
round trip after another, after the check-in's own reads have come back.
Such an app adds here, when it is ready, what its part will read for a
person and a day; the check-in sends those reads with its own, in one round
trip (config.prepared.ahead()), and renders inside that block, where the
tag's read takes its rows. The journal never imports the app."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable

from accounts.models import User
from config.prepared import Read

# For a person and their day: the reads (None: not prepared) a part will make.
PartReads = Callable[[User, dt.date], Iterable[Read | None]]

_parts: list[PartReads] = []


def add_part_reads(reads: PartReads) -> None:
    """Called from an app's ready(); a second call with the same function
    adds nothing (ready() may run twice in tests)."""
    if reads not in _parts:
        _parts.append(reads)


def part_reads(user: User, day: dt.date) -> list[Read | None]:
    return [read for reads in _parts for read in reads(user, day)]
