"""The parts other apps show in Today's check-in (the experiments' card).

An app above the journal adds its part here, from its ready(): what the part
reads for a person and a day, how it makes its values from those rows, and
its Jinja2 template. The check-in sends the parts' reads with its own, in one
round trip (config.prepared.ahead()); inside that block each part makes its
values from the rows sent ahead, and the check-in's template includes the
part's template with them, as `card`, above the check-in's form. The journal
never imports the app.

A card whose values give `holds_doses`, a first and a last day (an
experiment under way: its weeks' doses are its own), keeps Today from
offering or naming the protocol's planned doses on those days (held_spans(),
given to protocols.today.today_dose_context()); one whose values give
`plans_dose` (a protocols.held.OpenDose) has Today offer that dose as the
day's planned one (open_dose())."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from accounts.models import User
from config.prepared import Read
from protocols.held import OpenDose


@dataclass(frozen=True)
class Part:
    # For a person and their day: the reads (None: not prepared) the part makes.
    reads: Callable[[User, dt.date], Iterable[Read | None]]
    # For a person and their day: the template's values; None shows nothing.
    card: Callable[[User, dt.date], dict | None]
    # A Jinja2 template, given the values as `card`.
    template: str


_parts: list[Part] = []


def add_part(part: Part) -> None:
    """Called from an app's ready(); a second call with the same part adds
    nothing (ready() may run twice in tests)."""
    if part not in _parts:
        _parts.append(part)


def part_reads(user: User, day: dt.date) -> list[Read | None]:
    return [read for part in _parts for read in part.reads(user, day)]


def held_spans(cards: list[tuple[str, dict]]) -> list[tuple[dt.date, dt.date]]:
    """The spans of days whose planned doses one of the day's cards holds."""
    return [values["holds_doses"] for _, values in cards if values.get("holds_doses")]


def open_dose(cards: list[tuple[str, dict]]) -> OpenDose | None:
    """The dose one of the day's cards plans today, taken openly, if any."""
    return next((v["plans_dose"] for _, v in cards if v.get("plans_dose")), None)


def part_cards(user: User, day: dt.date) -> list[tuple[str, dict]]:
    """(template, values) of each part with something to show today."""
    cards = ((part.template, part.card(user, day)) for part in _parts)
    return [(template, values) for template, values in cards if values is not None]
