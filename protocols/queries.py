"""Reads of plans and doses, each a fixed number of queries."""

from __future__ import annotations

import calendar
import datetime as dt
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field

from django.db.models import Case, Q, QuerySet, Subquery, Value, When

from accounts.models import User
from config.prepared import Read, ahead, prepared
from protocols import schedule
from protocols.held import Held, held, held_reads
from protocols.models import (
    CalendarFeed,
    DoseEffect,
    DoseLog,
    Protocol,
    SafetyScreen,
    Substance,
)
from protocols.phases import DayState


def active_protocol(user: User) -> Protocol | None:
    return _active_protocol.first(user.pk)


@prepared
def _active_protocol(user_id: int) -> QuerySet[Protocol]:
    return Protocol.objects.filter(user=user_id, active=True).select_related(
        "substance"
    )[:1]


def protocol_in_effect(user: User, day: dt.date) -> Protocol | None:
    """The protocol whose plan holds on `day`, as the dosing calendar has it
    (protocol_on: the latest begun by then and not ended before it), else the
    active one (begun later, or its plan over); with `last_dose_before`: the
    day of the person's last dose taken before `day`, or None. One query for
    Today, which asks both.

    A protocol started to begin next week is the active one from the day it
    is saved, and the one running until then ends the day before it begins:
    until that day, the running one's plan holds on Today, in its reminders
    and in the one tap that logs a planned dose, as in the calendar."""
    return _protocol_in_effect.first(user.pk, day)


@prepared
def _protocol_in_effect(user_id: int, day: dt.date) -> QuerySet[Protocol]:
    holds = Q(start_date__lte=day) & (Q(end_date__isnull=True) | Q(end_date__gte=day))
    return (
        Protocol.objects.filter(holds | Q(active=True), user=user_id)
        .select_related("substance")
        .annotate(
            holds=Case(When(holds, then=Value(1)), default=Value(0)),
            last_dose_before=Subquery(_taken_before(user_id, day)),
        )
        .order_by("-holds", "-start_date", "-id")[:1]
    )


def last_dose_before(user: User, day: dt.date) -> dt.date | None:
    """The day of the person's last dose taken before `day`."""
    return _last_dose_before.first(user.pk, day)


@prepared
def _last_dose_before(user_id: int, day: dt.date) -> QuerySet:
    return _taken_before(user_id, day)


def _taken_before(user_id: int, day: dt.date) -> QuerySet:
    return (
        DoseLog.objects.filter(user=user_id, skipped=False, day__lt=day)
        .order_by("-day")
        .values_list("day", flat=True)[:1]
    )


def substances(user: User) -> list[Substance]:
    return _substances(user.pk)


@prepared
def _substances(user_id: int) -> QuerySet[Substance]:
    return Substance.objects.filter(user=user_id)


def protocol_in_effect_read(user: User, day: dt.date) -> Read | None:
    """protocol_in_effect()'s read, for config.prepared.ahead()."""
    return _protocol_in_effect.read(user.pk, day)


def substances_read(user: User) -> Read | None:
    """substances()' read, for config.prepared.ahead()."""
    return _substances.read(user.pk)


def overlapping_read(user: User, first: dt.date, last: dt.date) -> Read | None:
    """protocols_overlapping()'s read, for ahead()."""
    return _protocols_overlapping.read(user.pk, first, last)


def today_dose_reads(user: User, day: dt.date) -> list[Read | None]:
    """The reads of protocols.today.today_dose_context() for the day: the
    active protocol, the day's doses and their effects, for
    config.prepared.ahead()."""
    return [
        protocol_in_effect_read(user, day),
        _day_doses.read(user.pk, day),
        _effects.read(user.pk, day, day),
    ]


def day_doses(user: User, day: dt.date) -> list[DoseLog]:
    """The day's doses with their substances and effects (`effect_list`),
    latest first."""
    doses = _day_doses(user.pk, day)
    return _with_effects(doses, _effects(user.pk, day, day) if doses else [])


@prepared
def _day_doses(user_id: int, day: dt.date) -> QuerySet[DoseLog]:
    return DoseLog.objects.filter(user=user_id, day=day).select_related("substance")


# A dose's effects are read by the days of its doses, with a prepared query
# that can go ahead with the doses' own, rather than prefetched after them
# (config.prepared says why), and given to each dose as `effect_list`, as
# Prefetch("effects", to_attr="effect_list") would.
@prepared
def _effects(user_id: int, first: dt.date, last: dt.date) -> QuerySet[DoseEffect]:
    return DoseEffect.objects.filter(
        dose__user=user_id, dose__day__range=(first, last)
    ).order_by("dose_id", "name")


def _with_effects(doses: list[DoseLog], effects: Iterable[DoseEffect]) -> list[DoseLog]:
    """The doses, each with its effects among these as `effect_list`, by
    name (DoseEffect's order); effects of other doses are left out."""
    by_dose = defaultdict(list)
    for effect in effects:
        by_dose[effect.dose_id].append(effect)
    for dose in doses:
        dose.effect_list = by_dose[dose.pk]
    return doses


@dataclass
class Overview:
    """What the protocol page shows besides the active protocol: the past
    protocols, the latest doses with their effects, whether the safety
    questions were answered, the calendar feed (None until it is made), and
    the coming days an experiment holds (protocols.held)."""

    history: list[Protocol]
    doses: list[DoseLog]
    screened: bool
    feed: CalendarFeed | None
    held: Held


# The protocol page's past protocols and latest doses: as many as it lists.
HISTORY_SHOWN = 20
DOSES_SHOWN = 10


def overview(
    user: User, first: dt.date, last: dt.date
) -> tuple[Protocol | None, Overview]:
    """The active protocol and the rest of the protocol page, with the days
    from `first` to `last` an experiment holds, read in one round trip
    (config.prepared.ahead()) where the page asked five queries, built each
    time, one after another."""
    with ahead(
        [
            _active_protocol.read(user.pk),
            _history.read(user.pk),
            _recent_doses.read(user.pk),
            _recent_effects.read(user.pk),
            _screen.read(user.pk),
            _feed.read(user.pk),
            *held_reads(user, first, last),
        ]
    ):
        protocol = active_protocol(user)
        page = Overview(
            history=_history(user.pk),
            doses=_with_effects(_recent_doses(user.pk), _recent_effects(user.pk)),
            screened=_screen.first(user.pk) is not None,
            feed=_feed.first(user.pk),
            held=held(user, first, last),
        )
    return protocol, page


@prepared
def _history(user_id: int) -> QuerySet[Protocol]:
    return Protocol.objects.filter(user=user_id, active=False).select_related(
        "substance"
    )[:HISTORY_SHOWN]


@prepared
def _recent_doses(user_id: int) -> QuerySet[DoseLog]:
    doses = DoseLog.objects.filter(user=user_id)
    return doses.select_related("substance", "protocol")[:DOSES_SHOWN]


@prepared
def _recent_effects(user_id: int) -> QuerySet[DoseEffect]:
    """The effects of the doses _recent_doses() reads, found with them."""
    doses = _recent_doses.build(user_id).values("pk")
    return DoseEffect.objects.filter(dose__in=doses).order_by("dose_id", "name")


@prepared
def _screen(user_id: int) -> QuerySet[SafetyScreen]:
    return SafetyScreen.objects.filter(user=user_id).only("pk")[:1]


@prepared
def _feed(user_id: int) -> QuerySet[CalendarFeed]:
    return CalendarFeed.objects.filter(user=user_id)[:1]


def protocols_overlapping(user: User, first: dt.date, last: dt.date) -> list[Protocol]:
    """Protocols whose dates touch the range, latest start first."""
    return _protocols_overlapping(user.pk, first, last)


@prepared
def _protocols_overlapping(
    user_id: int, first: dt.date, last: dt.date
) -> QuerySet[Protocol]:
    return (
        Protocol.objects.filter(user=user_id, start_date__lte=last)
        .exclude(end_date__lt=first)
        .select_related("substance")
        .order_by("-start_date", "-id")
    )


def protocol_on(protocols: list[Protocol], day: dt.date) -> Protocol | None:
    """The protocol that governs a day: the latest one started by then."""
    for protocol in protocols:
        if protocol.start_date <= day and (
            protocol.end_date is None or day <= protocol.end_date
        ):
            return protocol
    return None


@prepared
def _doses(user_id: int, first: dt.date, last: dt.date) -> QuerySet[DoseLog]:
    return (
        DoseLog.objects.filter(user=user_id, day__range=(first, last))
        .select_related("substance")
        .order_by("taken_at")
    )


@prepared
def _doses_on(
    user_id: int, first: dt.date, last: dt.date, days: list[dt.date]
) -> QuerySet[DoseLog]:
    # The days' span as well as the days: PostgreSQL's generic plan for the
    # days alone read every dose of the person's (436 on the benchmark) by
    # their index, not the span's few by the index of (person, day).
    return _doses.build(user_id, first, last).filter(day__in=days)


def _by_day(doses) -> dict[dt.date, list[DoseLog]]:
    by_day = defaultdict(list)
    for dose in doses:
        by_day[dose.day].append(dose)
    return by_day


def doses_on_read(user: User, days: list[dt.date]) -> Read | None:
    """doses_on()'s read, for config.prepared.ahead(); none for no days."""
    return _doses_on.read(user.pk, min(days), max(days), days) if days else None


def doses_on(user: User, days: list[dt.date]) -> dict[dt.date, list[DoseLog]]:
    """The doses of each of these days: the days a page of the Journal or of
    a search shows, which lie apart; the doses of the days between are not
    read."""
    if not days:
        return {}
    return _by_day(_doses_on(user.pk, min(days), max(days), days))


def doses_by_day(
    user: User, first: dt.date, last: dt.date, *, effects: bool = False
) -> dict[dt.date, list[DoseLog]]:
    """The doses of each day; with their effects (`effect_list`; one query
    more, when there are doses) if asked."""
    doses = _doses(user.pk, first, last)
    if effects:
        _with_effects(doses, _effects(user.pk, first, last) if doses else [])
    return _by_day(doses)


@dataclass
class CalendarDay:
    day: dt.date
    in_month: bool
    state: str
    protocol: Protocol | None
    doses: list[DoseLog] = field(default_factory=list)

    @property
    def label(self) -> str:
        return DayState(self.state).label


def day_state(
    plan_phase: schedule.PlanPhase | None,
    doses: list[DoseLog],
    day: dt.date,
    today: dt.date,
    held: bool = False,
    capsule: bool = False,
) -> str:
    """The day's state; `held`: an experiment's capsules take the place of the
    protocol's planned doses that day (protocols.held), `capsule`: and one of
    them is planned on it. A day an experiment plans an open dose on is a
    planned day like a protocol's: `plan_phase` DOSE, not held."""
    taken = [d for d in doses if not d.skipped]
    # A capsule is the experiment's, never a protocol's dose taken as planned.
    if any(d.blinded for d in taken):
        return DayState.CAPSULE
    if held:
        if taken:
            return DayState.UNPLANNED
        if capsule:
            return DayState.CAPSULE_MISSED if day < today else DayState.CAPSULE_DUE
        return DayState.HELD
    planned = plan_phase == schedule.PlanPhase.DOSE
    if taken:
        return DayState.TAKEN if planned else DayState.UNPLANNED
    if planned:
        if any(d.skipped for d in doses):
            return DayState.SKIPPED
        return DayState.MISSED if day < today else DayState.PLANNED
    if plan_phase == schedule.PlanPhase.BREAK:
        return DayState.BREAK
    if plan_phase == schedule.PlanPhase.OFF:
        return DayState.OFF
    return DayState.NONE


def calendar_days(
    user: User, first: dt.date, last: dt.date, today: dt.date
) -> list[CalendarDay]:
    # The protocols, the doses and their effects, and the days an experiment
    # holds, in one round trip.
    with ahead(
        [
            overlapping_read(user, first, last),
            _doses.read(user.pk, first, last),
            _effects.read(user.pk, first, last),
            *held_reads(user, first, last),
        ]
    ):
        protocols = protocols_overlapping(user, first, last)
        doses = doses_by_day(user, first, last, effects=True)
        kept = held(user, first, last)
    days = []
    for day in schedule.days_between(first, last):
        protocol = protocol_on(protocols, day)
        phase = schedule.plan_phase(protocol.plan, day) if protocol else None
        # An open experiment's "on" week plans its dose as a protocol would.
        open_dose = day in kept.doses
        days.append(
            CalendarDay(
                day=day,
                in_month=True,
                state=day_state(
                    schedule.PlanPhase.DOSE if open_dose else phase,
                    doses.get(day, []),
                    day,
                    today,
                    held=day in kept.days and not open_dose,
                    capsule=day in kept.capsules,
                ),
                protocol=protocol,
                doses=doses.get(day, []),
            )
        )
    return days


def calendar_month(
    user: User, year: int, month: int, today: dt.date, first_weekday: int = 0
) -> list[list[CalendarDay]]:
    weeks = calendar.Calendar(first_weekday).monthdatescalendar(year, month)
    days = calendar_days(user, weeks[0][0], weeks[-1][-1], today)
    for cell in days:
        cell.in_month = cell.day.month == month
    return [days[i : i + 7] for i in range(0, len(days), 7)]
