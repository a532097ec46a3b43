"""What Today shows about dosing: the plan for the day and what was logged."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from accounts.http import SignedInRequest
from protocols import queries, schedule
from protocols.held import Span


def today_dose_context(request: SignedInRequest, held: Sequence[Span] = ()) -> dict:
    """`held`: the spans of days whose doses are an experiment's capsules
    (journal.checkin.held_spans): no protocol's dose is planned on them."""
    today = request.profile.local_day()
    # With the day of the last dose before today, which Today's prompt asks.
    protocol = queries.protocol_in_effect(request.user, today)
    phase = schedule.plan_phase(protocol.plan, today) if protocol else None
    plan_held = _held_until(held, today) is not None
    next_day = None
    if protocol and phase != schedule.PlanPhase.DOSE and not plan_held:
        last = today + dt.timedelta(days=120)
        next_day = _next_planned(protocol.plan, today, last, held)
        if next_day is None and not protocol.active:
            # The running protocol's plan is over before the next one begins.
            following = queries.active_protocol(request.user)
            if following is not None:
                next_day = _next_planned(following.plan, today, last, held)
    return {
        "dose_protocol": protocol,
        "dose_phase": phase,
        "planned_today": phase == schedule.PlanPhase.DOSE and not plan_held,
        "plan_held": plan_held,
        "doses_today": queries.day_doses(request.user, today),
        "next_planned": next_day,
    }


def _held_until(held: Sequence[Span], day: dt.date) -> dt.date | None:
    """The last day of the span holding `day`, or None."""
    return next((end for start, end in held if start <= day <= end), None)


def _next_planned(
    plan: schedule.Plan, today: dt.date, last: dt.date, held: Sequence[Span]
) -> dt.date | None:
    """The plan's first dose day after today, past the days held."""
    day = schedule.next_planned_day(plan, today + dt.timedelta(days=1), last)
    while day is not None and (end := _held_until(held, day)) is not None:
        day = schedule.next_planned_day(plan, end + dt.timedelta(days=1), last)
    return day
