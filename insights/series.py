"""Day-level series for Insights: a fixed handful of queries, aggregation in
the database, whatever the length of the range."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field

from django.db.models import Avg, Min

from accounts.models import User
from journal.models import Entry, Metric, Rating
from protocols import schedule
from protocols.models import DoseLog
from protocols.queries import protocols_overlapping

# Doses this long before the range still decide the phase of its first days.
LOOKBACK = dt.timedelta(days=60)


@dataclass(frozen=True)
class Band:
    """A stretch of a protocol: dosing weeks ("on") or a break."""

    start: dt.date
    end: dt.date
    kind: str
    name: str


@dataclass
class Series:
    start: dt.date
    end: dt.date
    metrics: list[Metric]
    values: dict[int, dict[dt.date, float]]  # metric id -> day -> day mean
    dose_days: set[dt.date]
    skipped_days: set[dt.date]
    phases: dict[dt.date, schedule.DayPhase]
    tags: dict[dt.date, set[str]]
    bands: list[Band] = field(default_factory=list)

    @property
    def days(self) -> list[dt.date]:
        return list(schedule.days_between(self.start, self.end))

    def metric(self, key_or_id) -> Metric | None:
        for metric in self.metrics:
            if metric.pk == key_or_id or metric.key == key_or_id:
                return metric
        return None


def first_day(user: User) -> dt.date | None:
    """The earliest day with an entry or a dose: where "all time" begins."""
    entry = Entry.objects.filter(user=user).aggregate(first=Min("day"))["first"]
    dose = DoseLog.objects.filter(user=user).aggregate(first=Min("day"))["first"]
    return min((d for d in (entry, dose) if d), default=None)


def load(user: User, start: dt.date, end: dt.date) -> Series:
    metrics = list(Metric.objects.filter(user=user))

    values: dict[int, dict[dt.date, float]] = defaultdict(dict)
    for day, metric_id, mean in (
        Rating.objects.filter(entry__user=user, entry__day__range=(start, end))
        .values("entry__day", "metric_id")
        .annotate(mean=Avg("value"))
        .values_list("entry__day", "metric_id", "mean")
    ):
        values[metric_id][day] = mean

    dose_rows = list(
        DoseLog.objects.filter(
            user=user, day__range=(start - LOOKBACK, end)
        ).values_list("day", "skipped")
    )
    taken = {day for day, skipped in dose_rows if not skipped}
    skipped = {day for day, was_skipped in dose_rows if was_skipped} - taken
    first_dose = DoseLog.objects.filter(user=user, skipped=False).aggregate(
        first=Min("day")
    )["first"]

    tags: dict[dt.date, set[str]] = defaultdict(set)
    for day, name in (
        Entry.tags.through.objects.filter(
            entry__user=user, entry__day__range=(start, end)
        )
        .values_list("entry__day", "tag__name")
        .distinct()
    ):
        tags[day].add(name)

    protocols = protocols_overlapping(user, start, end)
    break_after = max((p.plan.longest_gap for p in protocols), default=7)
    days = list(schedule.days_between(start, end))
    phases = schedule.day_phases(days, taken, break_after=break_after)
    if first_dose is not None:
        # Days without a dose in the look-back window but after the first
        # dose ever are a long break, not a baseline.
        for day, phase in phases.items():
            if phase == schedule.DayPhase.BASELINE and day >= first_dose:
                phases[day] = schedule.DayPhase.BREAK

    return Series(
        start=start,
        end=end,
        metrics=metrics,
        values=dict(values),
        dose_days={d for d in taken if start <= d <= end},
        skipped_days={d for d in skipped if start <= d <= end},
        phases=phases,
        tags=dict(tags),
        bands=_bands(protocols, start, end),
    )


def _bands(protocols, start: dt.date, end: dt.date) -> list[Band]:
    """Contiguous stretches of on-phase and break days of each protocol."""
    bands = []
    for protocol in protocols:
        first = max(start, protocol.start_date)
        last = min(end, protocol.end_date or end)
        current = None
        for day in schedule.days_between(first, last):
            phase = schedule.plan_phase(protocol.plan, day)
            kind = "break" if phase == schedule.PlanPhase.BREAK else "on"
            if (
                current
                and current[2] == kind
                and current[1] + dt.timedelta(days=1) == day
            ):
                current[1] = day
            else:
                if current:
                    bands.append(
                        Band(current[0], current[1], current[2], protocol.name)
                    )
                current = [day, day, kind]
        if current:
            bands.append(Band(current[0], current[1], current[2], protocol.name))
    return sorted(bands, key=lambda band: band.start)
