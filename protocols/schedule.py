"""The schedule engine: which days a protocol plans a dose, and the phase of a day.

Pure functions of dates, with no database and no clock: plans are computed
whenever they are needed, never stored as rows that could go stale. Everything
works on calendar dates, so leap days and daylight-saving changes cannot shift
a plan.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field

from protocols.phases import DayPhase, PlanPhase

FADIMAN = "fadiman"
STAMETS = "stamets"
EVERY_OTHER_DAY = "every_other_day"
WEEKDAYS = "weekdays"
CUSTOM = "custom"
INTUITIVE = "intuitive"
KINDS = (FADIMAN, STAMETS, EVERY_OTHER_DAY, WEEKDAYS, CUSTOM, INTUITIVE)


@dataclass(frozen=True)
class Plan:
    kind: str
    start: dt.date
    end: dt.date | None = None
    # Cycles: `on_weeks` of dosing, then `break_weeks` without, repeating.
    # Without both, the protocol runs continuously.
    on_weeks: int | None = None
    break_weeks: int = 0
    weekdays: frozenset[int] = field(default_factory=frozenset)  # Monday = 0
    pattern: tuple[int, ...] = ()  # custom: 1 = dose, 0 = none, repeating

    def __post_init__(self) -> None:
        if self.kind not in KINDS:
            raise ValueError(f"Unknown protocol kind {self.kind!r}.")
        if self.end is not None and self.end < self.start:
            raise ValueError("A protocol cannot end before it starts.")
        if self.kind == CUSTOM and 1 not in self.pattern:
            raise ValueError("A custom pattern needs at least one dose day.")
        if self.kind == WEEKDAYS and not self.weekdays:
            raise ValueError("Choose at least one weekday.")

    @property
    def cycle_days(self) -> int | None:
        if self.on_weeks and self.break_weeks:
            return (self.on_weeks + self.break_weeks) * 7
        return None

    @property
    def longest_gap(self) -> int:
        """The most days from one planned dose to the next while on-phase."""
        if self.kind == FADIMAN:
            return 3
        if self.kind == STAMETS:
            return _longest_cyclic_gap([0, 1, 2, 3], 7)
        if self.kind == EVERY_OTHER_DAY:
            return 2
        if self.kind == WEEKDAYS:
            return _longest_cyclic_gap(sorted(self.weekdays), 7)
        if self.kind == CUSTOM:
            ons = [i for i, value in enumerate(self.pattern) if value]
            return _longest_cyclic_gap(ons, len(self.pattern))
        return 7  # intuitive: a week without a dose is a break


def _longest_cyclic_gap(positions: list[int], length: int) -> int:
    gaps = [b - a for a, b in zip(positions, positions[1:], strict=False)]
    gaps.append(positions[0] + length - positions[-1])
    return max(gaps)


def _offset(plan: Plan, day: dt.date) -> int:
    """Days since the start of the cycle that holds this day."""
    days = (day - plan.start).days
    cycle = plan.cycle_days
    return days % cycle if cycle else days


def plan_phase(plan: Plan, day: dt.date) -> PlanPhase:
    if day < plan.start:
        return PlanPhase.BEFORE
    if plan.end is not None and day > plan.end:
        return PlanPhase.ENDED
    offset = _offset(plan, day)
    if plan.cycle_days and offset >= plan.on_weeks * 7:
        return PlanPhase.BREAK
    return PlanPhase.DOSE if _doses_on(plan, day, offset) else PlanPhase.OFF


def stretches(
    plan: Plan, first: dt.date, last: dt.date
) -> Iterator[tuple[PlanPhase, dt.date, dt.date]]:
    """The plan's runs of days from `first` to `last`, both included, in
    order: each cycle's dosing weeks (PlanPhase.DOSE for the whole run, dose
    and off days alike) and its break (PlanPhase.BREAK), as plan_phase puts
    them day by day; a plan without cycles is one run. Days before the start
    or after the end are left out."""
    first = max(first, plan.start)
    if plan.end is not None:
        last = min(last, plan.end)
    if first > last:
        return
    cycle = plan.cycle_days
    if not cycle:
        yield PlanPhase.DOSE, first, last
        return
    one_day = dt.timedelta(days=1)
    cycle_start = first - dt.timedelta(days=_offset(plan, first))
    while cycle_start <= last:
        break_start = cycle_start + dt.timedelta(days=plan.on_weeks * 7)
        next_cycle = cycle_start + dt.timedelta(days=cycle)
        for phase, a, b in (
            (PlanPhase.DOSE, cycle_start, break_start - one_day),
            (PlanPhase.BREAK, break_start, next_cycle - one_day),
        ):
            a, b = max(a, first), min(b, last)
            if a <= b:
                yield phase, a, b
        cycle_start = next_cycle


def _doses_on(plan: Plan, day: dt.date, offset: int) -> bool:
    if plan.kind == FADIMAN:
        return offset % 3 == 0
    if plan.kind == STAMETS:
        return offset % 7 < 4
    if plan.kind == EVERY_OTHER_DAY:
        return offset % 2 == 0
    if plan.kind == WEEKDAYS:
        return day.weekday() in plan.weekdays
    if plan.kind == CUSTOM:
        return plan.pattern[offset % len(plan.pattern)] == 1
    return False  # intuitive: nothing is planned


def is_planned(plan: Plan, day: dt.date) -> bool:
    return plan_phase(plan, day) == PlanPhase.DOSE


def days_between(first: dt.date, last: dt.date) -> Iterator[dt.date]:
    """Every day from `first` to `last`, both included (none if last < first)."""
    return map(dt.date.fromordinal, range(first.toordinal(), last.toordinal() + 1))


def planned_days(plan: Plan, first: dt.date, last: dt.date) -> list[dt.date]:
    """Every planned dose day from `first` to `last`, both included."""
    return list(_planned(plan, first, last))


def next_planned_day(plan: Plan, first: dt.date, last: dt.date) -> dt.date | None:
    """The first planned dose day from `first` to `last`, or None."""
    return next(_planned(plan, first, last), None)


def _planned(plan: Plan, first: dt.date, last: dt.date) -> Iterator[dt.date]:
    if plan.kind == INTUITIVE:
        return iter(())
    first = max(first, plan.start)
    if plan.end is not None:
        last = min(last, plan.end)
    return (day for day in days_between(first, last) if is_planned(plan, day))


# --- The phase of a day, from the doses actually taken ----------------------


def day_phases(
    days: Iterable[dt.date], dose_days: Iterable[dt.date], break_after: int = 7
) -> dict[dt.date, DayPhase]:
    """Each day's phase, keyed on actual doses.

    `break_after`: days without a dose after which a day counts as a break
    (for a protocol, its longest planned gap; a week by default).
    """
    doses = sorted(set(dose_days))
    phases: dict[dt.date, DayPhase] = {}
    index = 0
    last_dose: dt.date | None = None
    for day in sorted(days):
        while index < len(doses) and doses[index] <= day:
            last_dose = doses[index]
            index += 1
        if last_dose is None:
            phases[day] = DayPhase.BASELINE
            continue
        since = (day - last_dose).days
        if since == 0:
            phases[day] = DayPhase.DOSE_DAY
        elif since == 1:
            phases[day] = DayPhase.AFTER_1
        elif since == 2:
            phases[day] = DayPhase.AFTER_2
        elif since <= break_after:
            phases[day] = DayPhase.LATER
        else:
            phases[day] = DayPhase.BREAK
    return phases
