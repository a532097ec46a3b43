from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st

from protocols import schedule
from protocols.schedule import DayPhase, Plan, PlanPhase, day_phases, planned_days

D = dt.date


def days(plan: Plan, first: dt.date, count: int) -> list[int]:
    """Offsets from `first` of the planned days among the next `count` days."""
    last = first + dt.timedelta(days=count - 1)
    return [(day - first).days for day in planned_days(plan, first, last)]


# --- Each kind, by hand -------------------------------------------------------


def test_fadiman_doses_every_third_day_from_the_start():
    plan = Plan(kind="fadiman", start=D(2026, 1, 5))
    assert days(plan, D(2026, 1, 5), 10) == [0, 3, 6, 9]


def test_stamets_is_four_days_on_three_off_in_weeks_from_the_start():
    plan = Plan(kind="stamets", start=D(2026, 1, 7))  # a Wednesday
    assert days(plan, D(2026, 1, 7), 14) == [0, 1, 2, 3, 7, 8, 9, 10]


def test_every_other_day():
    assert days(
        Plan(kind="every_other_day", start=D(2026, 1, 1)), D(2026, 1, 1), 7
    ) == [0, 2, 4, 6]


def test_fixed_weekdays():
    plan = Plan(kind="weekdays", start=D(2026, 1, 1), weekdays=frozenset({0, 3}))
    planned = planned_days(plan, D(2026, 1, 1), D(2026, 1, 14))
    assert [day.strftime("%a %d") for day in planned] == [
        "Thu 01",
        "Mon 05",
        "Thu 08",
        "Mon 12",
    ]


def test_a_custom_pattern_repeats():
    plan = Plan(kind="custom", start=D(2026, 1, 1), pattern=(1, 1, 0, 0, 0))
    assert days(plan, D(2026, 1, 1), 11) == [0, 1, 5, 6, 10]


def test_intuitive_plans_nothing():
    assert (
        planned_days(
            Plan(kind="intuitive", start=D(2026, 1, 1)), D(2026, 1, 1), D(2027, 1, 1)
        )
        == []
    )


def test_cycles_repeat_on_phase_then_break():
    plan = Plan(kind="every_other_day", start=D(2026, 1, 1), on_weeks=1, break_weeks=1)
    assert days(plan, D(2026, 1, 1), 21) == [0, 2, 4, 6, 14, 16, 18, 20]
    assert schedule.plan_phase(plan, D(2026, 1, 8)) == PlanPhase.BREAK
    assert schedule.plan_phase(plan, D(2026, 1, 15)) == PlanPhase.DOSE
    assert schedule.plan_phase(plan, D(2026, 1, 16)) == PlanPhase.OFF


def test_fadiman_restarts_its_count_after_each_break():
    plan = Plan(kind="fadiman", start=D(2026, 1, 1), on_weeks=1, break_weeks=1)
    # Week one: days 0, 3, 6; week three starts a new cycle on day 14.
    assert days(plan, D(2026, 1, 1), 21) == [0, 3, 6, 14, 17, 20]


def test_start_and_end_dates_are_honoured():
    plan = Plan(kind="every_other_day", start=D(2026, 1, 10), end=D(2026, 1, 14))
    assert planned_days(plan, D(2026, 1, 1), D(2026, 1, 31)) == [
        D(2026, 1, 10),
        D(2026, 1, 12),
        D(2026, 1, 14),
    ]
    assert schedule.plan_phase(plan, D(2026, 1, 9)) == PlanPhase.BEFORE
    assert schedule.plan_phase(plan, D(2026, 1, 15)) == PlanPhase.ENDED


def test_leap_days_are_ordinary_days():
    plan = Plan(kind="fadiman", start=D(2024, 2, 26))
    assert planned_days(plan, D(2024, 2, 26), D(2024, 3, 5)) == [
        D(2024, 2, 26),
        D(2024, 2, 29),
        D(2024, 3, 3),
    ]


def test_daylight_saving_changes_shift_nothing():
    # Europe changes clocks on 29 March and 25 October 2026: plans are dates.
    for start in (D(2026, 3, 27), D(2026, 10, 23)):
        plan = Plan(kind="fadiman", start=start)
        assert days(plan, start, 9) == [0, 3, 6]


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"kind": "nonsense"}, "Unknown protocol kind"),
        ({"kind": "custom", "pattern": (0, 0)}, "at least one dose day"),
        ({"kind": "custom"}, "at least one dose day"),
        ({"kind": "weekdays"}, "at least one weekday"),
        ({"kind": "fadiman", "end": D(2025, 1, 1)}, "cannot end before"),
    ],
)
def test_impossible_plans_are_refused(fields, message):
    with pytest.raises(ValueError, match=message):
        Plan(start=D(2026, 1, 1), **fields)


@pytest.mark.parametrize(
    ("plan", "gap"),
    [
        (Plan(kind="fadiman", start=D(2026, 1, 1)), 3),
        (Plan(kind="stamets", start=D(2026, 1, 1)), 4),
        (Plan(kind="every_other_day", start=D(2026, 1, 1)), 2),
        (Plan(kind="weekdays", start=D(2026, 1, 1), weekdays=frozenset({0, 3})), 4),
        (Plan(kind="custom", start=D(2026, 1, 1), pattern=(1, 0, 0, 0, 1, 0)), 4),
        (Plan(kind="intuitive", start=D(2026, 1, 1)), 7),
    ],
)
def test_longest_gap_between_planned_doses(plan, gap):
    assert plan.longest_gap == gap


# --- Properties ----------------------------------------------------------------

dates = st.dates(min_value=D(1990, 1, 1), max_value=D(2090, 12, 31))


@st.composite
def plans(draw, kinds=schedule.KINDS):
    kind = draw(st.sampled_from(kinds))
    start = draw(dates)
    end = draw(
        st.none() | st.integers(0, 800).map(lambda n: start + dt.timedelta(days=n))
    )
    cycles = draw(st.booleans())
    on_weeks = draw(st.integers(1, 8)) if cycles else None
    break_weeks = draw(st.integers(1, 6)) if cycles else 0
    weekdays = draw(st.frozensets(st.integers(0, 6), min_size=1))
    pattern = tuple(draw(st.lists(st.integers(0, 1), min_size=1, max_size=14)))
    if 1 not in pattern:
        pattern = (1, *pattern)
    return Plan(
        kind=kind,
        start=start,
        end=end,
        on_weeks=on_weeks,
        break_weeks=break_weeks,
        weekdays=weekdays,
        pattern=pattern,
    )


def window(plan: Plan, offset: int, length: int) -> tuple[dt.date, dt.date]:
    first = plan.start + dt.timedelta(days=offset)
    return first, first + dt.timedelta(days=length)


@given(plan=plans(kinds=["fadiman"]), offset=st.integers(-30, 400))
def test_fadiman_never_plans_consecutive_days(plan, offset):
    planned = planned_days(plan, *window(plan, offset, 120))
    for a, b in zip(planned, planned[1:], strict=False):
        assert (b - a).days >= 2


@given(plan=plans(), offset=st.integers(-30, 400), length=st.integers(-2, 120))
def test_the_next_planned_day_is_the_first_of_the_planned_days(plan, offset, length):
    first, last = window(plan, offset, length)
    planned = planned_days(plan, first, last)
    assert schedule.next_planned_day(plan, first, last) == (
        planned[0] if planned else None
    )


@given(plan=plans(), offset=st.integers(-30, 400))
def test_no_planned_dose_falls_in_a_break(plan, offset):
    for day in planned_days(plan, *window(plan, offset, 120)):
        if plan.cycle_days:
            in_cycle = (day - plan.start).days % plan.cycle_days
            assert in_cycle < plan.on_weeks * 7
        assert schedule.plan_phase(plan, day) == PlanPhase.DOSE


@given(plan=plans(kinds=["stamets"]), week=st.integers(0, 200))
def test_stamets_plans_four_of_every_seven_on_phase_days(plan, week):
    first = plan.start + dt.timedelta(weeks=week)
    last = first + dt.timedelta(days=6)
    week_days = list(schedule.days_between(first, last))
    on_phase = all(
        schedule.plan_phase(plan, day) in (PlanPhase.DOSE, PlanPhase.OFF)
        for day in week_days
    )
    if on_phase:
        assert len(planned_days(plan, first, last)) == 4


@given(plan=plans(), offset=st.integers(-60, 600), length=st.integers(0, 90))
def test_a_range_query_equals_day_by_day_evaluation(plan, offset, length):
    first, last = window(plan, offset, length)
    by_day = [
        day
        for day in schedule.days_between(first, last)
        if schedule.is_planned(plan, day)
    ]
    assert planned_days(plan, first, last) == by_day


def runs_day_by_day(
    plan: Plan, first: dt.date, last: dt.date
) -> list[tuple[PlanPhase, dt.date, dt.date]]:
    """What schedule.stretches should give, found one day at a time with
    plan_phase: runs of dosing-week days (DOSE) and of break days (BREAK)."""
    runs = []
    for day in schedule.days_between(first, last):
        phase = schedule.plan_phase(plan, day)
        if phase in (PlanPhase.BEFORE, PlanPhase.ENDED):
            continue
        phase = PlanPhase.BREAK if phase == PlanPhase.BREAK else PlanPhase.DOSE
        if runs and runs[-1][0] == phase:
            runs[-1][2] = day
        else:
            runs.append([phase, day, day])
    return [tuple(run) for run in runs]


@given(plan=plans(), offset=st.integers(-60, 600), length=st.integers(-2, 200))
def test_the_stretches_are_the_plans_runs_of_days_day_by_day(plan, offset, length):
    first, last = window(plan, offset, length)
    assert list(schedule.stretches(plan, first, last)) == runs_day_by_day(
        plan, first, last
    )


@given(plan=plans(), offset=st.integers(-60, 900), length=st.integers(0, 120))
def test_start_and_end_dates_always_bound_the_plan(plan, offset, length):
    for day in planned_days(plan, *window(plan, offset, length)):
        assert day >= plan.start
        assert plan.end is None or day <= plan.end


@given(plan=plans(kinds=["fadiman", "stamets", "every_other_day", "custom"]))
def test_a_plan_depends_only_on_day_counts_not_the_calendar(plan):
    # Shifting the start shifts the plan by the same number of days: months,
    # leap days and clock changes play no part.
    shift = dt.timedelta(days=365 * 3 + 1)
    moved = Plan(
        **{
            **plan.__dict__,
            "start": plan.start + shift,
            "end": plan.end and plan.end + shift,
        }
    )
    first, last = plan.start, plan.start + dt.timedelta(days=100)
    assert [d + shift for d in planned_days(plan, first, last)] == planned_days(
        moved, first + shift, last + shift
    )


# --- Phases from actual doses ------------------------------------------------------


def test_day_phases_follow_the_doses_taken():
    doses = [D(2026, 1, 10), D(2026, 1, 13)]
    phases = day_phases(
        schedule.days_between(D(2026, 1, 8), D(2026, 1, 24)), doses, break_after=4
    )
    assert phases[D(2026, 1, 8)] == DayPhase.BASELINE
    assert phases[D(2026, 1, 10)] == DayPhase.DOSE_DAY
    assert phases[D(2026, 1, 11)] == DayPhase.AFTER_1
    assert phases[D(2026, 1, 12)] == DayPhase.AFTER_2
    assert phases[D(2026, 1, 13)] == DayPhase.DOSE_DAY
    assert phases[D(2026, 1, 16)] == DayPhase.LATER
    assert phases[D(2026, 1, 17)] == DayPhase.LATER
    assert phases[D(2026, 1, 18)] == DayPhase.BREAK
