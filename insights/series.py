"""Day-level series for Insights: a fixed handful of queries, aggregation in
the database, whatever the length of the range.

`load` reads; `assemble` turns what was read into phases and values with no
database, so the calibration harness (insights/calibration.py) runs the very
code the page runs on simulated people.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from functools import cached_property

import numpy as np
from django.contrib.postgres.aggregates import ArrayAgg
from django.db import connection
from django.db.models import (
    Count,
    OuterRef,
    QuerySet,
    Subquery,
    Sum,
)

from accounts.models import User
from config.prepared import Read, prepared, rows
from journal import queries as journal_queries
from journal.models import DayTotal, Entry, Metric, Rating, Tag, TagDay
from protocols import queries as protocol_queries
from protocols import schedule
from protocols.models import DoseLog, Substance
from protocols.phases import DayPhase, PlanPhase

# Doses this long before the range still decide the phase of its first days.
LOOKBACK = dt.timedelta(days=60)
# With no protocol to say how far apart doses are planned, a week.
DEFAULT_LONGEST_GAP = 7


@dataclass(frozen=True)
class Band:
    """A stretch of a protocol: dosing weeks ("on") or a break."""

    start: dt.date
    end: dt.date
    kind: str
    name: str


@dataclass(frozen=True)
class Course:
    """A protocol as Insights needs it: its name and its plan."""

    name: str
    plan: schedule.Plan


@dataclass
class Series:
    start: dt.date
    end: dt.date
    metrics: list[Metric]
    # metric id -> day -> the mean of the day's check-ins (the timeline)
    values: dict[int, dict[dt.date, float]]
    # The same, less check-ins made before that day's dose: what the dosing
    # phases compare.
    phase_values: dict[int, dict[dt.date, float]]
    # metric id -> how many check-ins were left out for that reason
    before_dose: dict[int, int]
    dose_days: set[dt.date]  # open doses: what was taken is known
    skipped_days: set[dt.date]
    phases: dict[dt.date, DayPhase]
    tags: dict[str, set[dt.date]]  # each tag's days
    bands: list[Band] = field(default_factory=list)
    substance: Substance | None = None
    # A blinded experiment's capsules taken (active or placebo), and the days
    # whose phase follows one: left out of phase_values, since whether they
    # came after a dose is not known here (the experiment's page compares them).
    capsule_days: set[dt.date] = field(default_factory=set)
    blinded_days: set[dt.date] = field(default_factory=set)

    @cached_property
    def days(self) -> list[dt.date]:
        return list(schedule.days_between(self.start, self.end))

    @property
    def checkin_days(self) -> int:
        """Days of the range with at least one rating."""
        return len({d for values in self.values.values() for d in values})

    def metric(self, key_or_id) -> Metric | None:
        for metric in self.metrics:
            if metric.pk == key_or_id or metric.key == key_or_id:
                return metric
        return None


def first_day_reads(user: User) -> list[Read | None]:
    """first_day()'s reads, for config.prepared.ahead()."""
    return [_first_entry_day.read(user.pk), _first_dose_day.read(user.pk)]


def first_day(user: User) -> dt.date | None:
    """The earliest day with an entry or a dose: where "all time" begins."""
    entry = _first_entry_day.first(user.pk)
    dose = _first_dose_day.first(user.pk)
    return min((d for d in (entry, dose) if d), default=None)


def _earliest_day(model) -> prepared:
    """A prepared read of the person's earliest day among the model's rows."""
    return prepared(
        lambda user_id: (
            model.objects.filter(user=user_id)
            .order_by("day")
            .values_list("day", flat=True)[:1]
        )
    )


_first_entry_day = _earliest_day(Entry)
_first_dose_day = _earliest_day(DoseLog)


def default_substance(user: User, today: dt.date) -> Substance | None:
    """What Insights analyses unless told: the substance of the protocol in
    effect today (not that of one saved to begin later, with no dose yet),
    else the one taken most often."""
    protocol = protocol_queries.protocol_in_effect(user, today)
    if protocol is not None:
        return protocol.substance
    return (
        Substance.objects.filter(user=user)
        .annotate(taken=Count("doses"))
        .order_by("-taken", "name", "id")
        .first()
    )


def _doses_of(user_id: int, substance_id: int | None) -> QuerySet[DoseLog]:
    """The person's doses of a substance (of any, for None)."""
    doses = DoseLog.objects.filter(user=user_id)
    if substance_id is not None:
        doses = doses.filter(substance=substance_id)
    return doses


@prepared
def _dose_days(
    user_id: int, substance_id: int | None, first: dt.date, last: dt.date
) -> QuerySet:
    return (
        _doses_of(user_id, substance_id)
        .filter(day__range=(first, last))
        .values_list("day", "skipped", "blinded")
    )


@prepared
def _first_taken_day(user_id: int, substance_id: int | None) -> QuerySet:
    return (
        _doses_of(user_id, substance_id)
        .filter(skipped=False)
        .order_by("day")
        .values_list("day", flat=True)[:1]
    )


@prepared
def _tag_names_by_id(user_id: int) -> QuerySet:
    return Tag.objects.filter(user=user_id).order_by().values_list("id", "name")


@prepared
def _day_totals(user_id: int, start: dt.date, end: dt.date) -> QuerySet:
    """Each day's sum and count of the person's ratings of each metric, as
    the database keeps them (journal.models.DayTotal): (day, metric id, sum,
    count)."""
    return DayTotal.objects.filter(user=user_id, day__range=(start, end)).values_list(
        "day", "metric_id", "rating_sum", "rating_count"
    )


# The check-ins made before their day's first dose, on PostgreSQL: each dose
# day's first dose found once, then the person's check-ins of those days
# joined to it (five years: 0.4 ms of PostgreSQL's time, against 1.0 for
# _early_totals(), which looks the first dose up again for each check-in of
# a dose day). {substance} is empty for the doses of any substance.
EARLY_TOTALS_SQL = """
    SELECT entry.day, rating.metric_id, SUM(rating.value), COUNT(rating.id)
      FROM (SELECT day, MIN(taken_at) AS first_taken
              FROM protocols_doselog
             WHERE user_id = %(user)s AND NOT skipped
               AND day BETWEEN %(start)s AND %(end)s{substance}
             GROUP BY day
           ) AS dose
      JOIN journal_entry AS entry
        ON entry.user_id = %(user)s AND entry.day = dose.day
       AND entry.occurred_at < dose.first_taken
      JOIN journal_rating AS rating ON rating.entry_id = entry.id
     GROUP BY entry.day, rating.metric_id
"""


def _early_totals_read(
    user_id: int, substance_id: int | None, start: dt.date, end: dt.date
) -> Read | None:
    """EARLY_TOTALS_SQL on PostgreSQL; None on SQLite (_early_totals())."""
    if connection.vendor != "postgresql":
        return None
    params = {"user": user_id, "start": start, "end": end}
    substance = ""
    if substance_id is not None:
        substance = " AND substance_id = %(substance)s"
        params["substance"] = substance_id
    return Read(EARLY_TOTALS_SQL.format(substance=substance), params)


def early_totals(
    user_id: int, substance_id: int | None, start: dt.date, end: dt.date
) -> list[tuple[dt.date, int, int, int]]:
    """Each dose day's sum and count of the ratings of each metric made before
    the day's first dose taken: (day, metric id, sum, count)."""
    read = _early_totals_read(user_id, substance_id, start, end)
    if read is None:
        return _early_totals(user_id, substance_id, start, end)
    return rows(read.sql, read.params)


@prepared
def _early_totals(
    user_id: int, substance_id: int | None, start: dt.date, end: dt.date
) -> QuerySet:
    """The same, of only the check-ins made before their day's first dose:
    the dose days' check-ins, each against its day's first dose taken."""
    taken = _doses_of(user_id, substance_id).filter(
        skipped=False, day__range=(start, end)
    )
    first_dose = (
        taken.filter(day=OuterRef("day")).order_by("taken_at").values("taken_at")[:1]
    )
    early = Entry.objects.filter(
        user=user_id,
        day__range=(start, end),
        day__in=taken.values("day"),
        occurred_at__lt=Subquery(first_dose),
    )
    return (
        Rating.objects.filter(entry__in=early)
        .values("entry__day", "metric_id")
        .annotate(rating_sum=Sum("value"), rating_count=Count("id"))
        .values_list("entry__day", "metric_id", "rating_sum", "rating_count")
        .order_by()
    )


# Each tag's days, from the tag days the database keeps (TagDay: one row a
# day and tag, read in the range of its (user, day, tag) index), by tag id:
# only the person's own tags are named, so the tags table is not joined. Read
# from the links joined to their entries (a join whose plan read every link on
# the instance), five years took 5.6-5.9 ms of PostgreSQL's time, against
# 1.7-1.9 (the benchmark's data). On PostgreSQL each tag's days come as one
# array, a row a tag: five years are twelve rows rather than 5,374 of a day
# and a tag, for the same time of PostgreSQL's (1.6-2.0 ms either way), and
# loading them into each tag's set of days took 6.5 million fewer of the
# page's 248 million instructions. A tag made or deleted between the two
# reads is left out until the next.
@prepared
def _tag_days(user_id: int, start: dt.date, end: dt.date) -> QuerySet:
    """(tag id, its days) on PostgreSQL; (tag id, one day) elsewhere."""
    tag_days = TagDay.objects.filter(user=user_id, day__range=(start, end))
    if connection.vendor == "postgresql":
        return (
            tag_days.values("tag_id")
            .annotate(days=ArrayAgg("day"))
            .order_by()
            .values_list("tag_id", "days")
        )
    return tag_days.values_list("tag_id", "day")


def _days_by_tag(rows: Iterable[tuple]) -> dict[int, set[dt.date]]:
    """_tag_days()' rows as each tag's set of days."""
    if connection.vendor == "postgresql":
        return {tag_id: set(days) for tag_id, days in rows}
    days_of: dict[int, set[dt.date]] = defaultdict(set)
    for tag_id, day in rows:
        days_of[tag_id].add(day)
    return days_of


def reads(
    user: User, start: dt.date, end: dt.date, substance: Substance | None = None
) -> list[Read | None]:
    """load()'s reads, which wait for no other, for config.prepared.ahead()."""
    substance_id = substance.pk if substance is not None else None
    return [
        journal_queries.metrics_read(user),
        _dose_days.read(user.pk, substance_id, start - LOOKBACK, end),
        _day_totals.read(user.pk, start, end),
        _early_totals_read(user.pk, substance_id, start, end),
        _first_taken_day.read(user.pk, substance_id),
        _tag_names_by_id.read(user.pk),
        _tag_days.read(user.pk, start, end),
        protocol_queries.overlapping_read(user, start, end),
    ]


def load(
    user: User, start: dt.date, end: dt.date, substance: Substance | None = None
) -> Series:
    """Read a range. Only doses of `substance` make dose days (all doses when
    None, for a person who has logged none)."""
    metrics = journal_queries.metrics(user)
    substance_id = substance.pk if substance is not None else None
    dose_rows = _dose_days(user.pk, substance_id, start - LOOKBACK, end)
    totals = _day_totals(user.pk, start, end)
    early = early_totals(user.pk, substance_id, start, end)
    first_dose = _first_taken_day.first(user.pk, substance_id)
    names = dict(_tag_names_by_id(user.pk))
    days_of = _days_by_tag(_tag_days(user.pk, start, end))
    tags = {names[tag_id]: days for tag_id, days in days_of.items() if tag_id in names}

    courses = [
        Course(p.name, p.plan)
        for p in protocol_queries.protocols_overlapping(user, start, end)
        if substance_id is None or p.substance_id == substance_id
    ]
    return assemble(
        start,
        end,
        metrics=metrics,
        totals=totals,
        early=early,
        doses=dose_rows,
        first_dose=first_dose,
        tags=tags,
        courses=courses,
        substance=substance,
    )


def assemble(
    start: dt.date,
    end: dt.date,
    *,
    metrics: list[Metric],
    totals: Iterable[tuple[dt.date, int, float, int]],
    early: Iterable[tuple[dt.date, int, float, int]] = (),
    doses: Iterable[tuple[dt.date, bool, bool]],
    first_dose: dt.date | None,
    tags: Mapping[str, set[dt.date]],
    courses: Sequence[Course],
    substance: Substance | None = None,
) -> Series:
    """The series from what was read, with no database.

    totals: (day, metric id, sum, count) of each day's ratings of a metric.
    early: the same of only the check-ins made before the day's first dose.
    doses: (day, skipped, blinded) from LOOKBACK before `start` to `end`;
        blinded: a capsule of a blinded experiment, active or placebo.
    courses: the protocols touching the range, latest start first.
    """
    early = list(early)
    early_days = {row[0] for row in early}
    values: dict[int, dict[dt.date, float]] = defaultdict(dict)
    whole: dict[tuple[int, dt.date], tuple[float, int]] = {}
    for day, metric_id, total, count in totals:
        values[metric_id][day] = total / count
        if day in early_days:
            whole[metric_id, day] = (total, count)
    # The phases compare what came after the dose: a day's check-ins less
    # those made before it (none left: not a day of the comparison). A day
    # written between the two reads is taken as the totals have it.
    phase_values = {metric_id: dict(days) for metric_id, days in values.items()}
    before_dose: dict[int, int] = defaultdict(int)
    for day, metric_id, total, count in early:
        before_dose[metric_id] += count
        all_total, all_count = whole.get((metric_id, day), (total, count))
        later = phase_values.setdefault(metric_id, {})
        if all_count > count:
            later[day] = (all_total - total) / (all_count - count)
        else:
            later.pop(day, None)
    doses = list(doses)
    taken = {day for day, skipped, _ in doses if not skipped}
    opened = {day for day, skipped, blinded in doses if not (skipped or blinded)}
    capsules = {day for day, skipped, blinded in doses if blinded and not skipped}
    skipped = {day for day, was_skipped, _ in doses if was_skipped} - taken
    days = list(schedule.days_between(start, end))
    # A capsule is a dose for the days' rhythm (it may be active), but the
    # days that follow it are no dose day, day after or later day of a known
    # dose: they stay out of the comparisons.
    phases = day_phases(days, taken, first_dose, courses)
    blinded = _after_capsules(phases, taken, capsules)
    for later in phase_values.values():
        for day in blinded & later.keys():
            del later[day]
    return Series(
        start=start,
        end=end,
        metrics=metrics,
        values=dict(values),
        phase_values={m: later for m, later in phase_values.items() if later},
        before_dose=dict(before_dose),
        dose_days={d for d in opened if start <= d <= end},
        skipped_days={d for d in skipped if start <= d <= end},
        phases=phases,
        tags=dict(tags),
        bands=_bands(courses, start, end),
        substance=substance,
        capsule_days={d for d in capsules if start <= d <= end},
        blinded_days=blinded,
    )


# The phases that tell how long ago the last dose was.
_SINCE_A_DOSE = (DayPhase.DOSE_DAY, DayPhase.AFTER_1, DayPhase.AFTER_2, DayPhase.LATER)


def _after_capsules(
    phases: dict[dt.date, DayPhase], taken: set[dt.date], capsules: set[dt.date]
) -> set[dt.date]:
    """The days whose last dose was a capsule of a blinded experiment: one of
    its capsule days, or a day after one before the next open dose and before
    a break (a break is a break whatever the capsules held)."""
    if not capsules or not phases:
        return set()
    days = sorted(phases)
    # The last dose before the range decides its first days.
    before = max((d for d in taken if d < days[0]), default=None)
    last_was_capsule = before in capsules
    blinded = set()
    for day in days:
        if day in taken:
            last_was_capsule = day in capsules
        if last_was_capsule and phases[day] in _SINCE_A_DOSE:
            blinded.add(day)
    return blinded


def day_phases(
    days: list[dt.date],
    taken: set[dt.date],
    first_dose: dt.date | None,
    courses: Sequence[Course],
) -> dict[dt.date, DayPhase]:
    """Each day's phase from the doses taken, where a break means a break.

    A break is the protocol's planned break, or no dose for more than twice
    the protocol's longest planned gap: one skipped dose never makes one.
    Days after the first dose ever with no dose in the look-back window are a
    long break, not a baseline.
    """
    longest = max((c.plan.longest_gap for c in courses), default=DEFAULT_LONGEST_GAP)
    phases = schedule.day_phases(days, taken, break_after=2 * longest)
    # Only days well after a dose can be in a planned break. (The phases are
    # the enum's members: `is` compares them in a fraction of `==`'s time.)
    later = [day for day, phase in phases.items() if phase is DayPhase.LATER]
    for day in _planned_breaks(courses, later):
        phases[day] = DayPhase.BREAK
    if first_dose is not None:
        for day, phase in phases.items():
            if phase is DayPhase.BASELINE and day >= first_dose:
                phases[day] = DayPhase.BREAK
    return phases


def _planned_breaks(courses: Sequence[Course], days: list[dt.date]) -> set[dt.date]:
    """Days in a planned break of the protocol that governs them (the latest
    started by then): each protocol's runs laid over the days' span, latest
    start first, each claiming the days no later one has."""
    if not days or not courses:
        return set()
    first, last = min(days), max(days)
    base = first.toordinal()
    claimed = np.zeros(last.toordinal() - base + 1, dtype=bool)
    in_break = np.zeros_like(claimed)
    for course in courses:
        for phase, a, b in schedule.stretches(course.plan, first, last):
            run = slice(a.toordinal() - base, b.toordinal() - base + 1)
            if phase is PlanPhase.BREAK:
                in_break[run] |= ~claimed[run]
            claimed[run] = True
    return {day for day in days if in_break[day.toordinal() - base]}


def _bands(courses: Sequence[Course], start: dt.date, end: dt.date) -> list[Band]:
    """Contiguous stretches of on-phase and break days of each protocol: each
    cycle's dosing weeks, then its break, within the range."""
    kinds = {PlanPhase.DOSE: "on", PlanPhase.BREAK: "break"}
    bands = [
        Band(a, b, kinds[phase], course.name)
        for course in courses
        for phase, a, b in schedule.stretches(course.plan, start, end)
    ]
    return sorted(bands, key=lambda band: band.start)
