"""What Today shows about dosing: the plan for the day and what was logged."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from accounts.http import SignedInRequest
from accounts.models import User
from protocols import queries, schedule
from protocols.held import OpenDose, Span
from protocols.held import held as held_days

AHEAD = dt.timedelta(days=120)  # how far the next planned day is looked for


def today_dose_context(
    request: SignedInRequest,
    held: Sequence[Span] = (),
    open_dose: OpenDose | None = None,
) -> dict:
    """`held`: the spans of days whose doses are an experiment's
    (journal.checkin.held_spans): no protocol's dose is planned on them;
    `open_dose`: the dose the experiment plans today, taken openly (an "on"
    week of open randomized weeks), offered as a protocol's planned dose is."""
    today = request.profile.local_day()
    # With the day of the last dose before today, which Today's prompt asks.
    protocol = queries.protocol_in_effect(request.user, today)
    phase = schedule.plan_phase(protocol.plan, today) if protocol else None
    plan_held = _held_until(held, today) is not None
    next_day = None
    if protocol and phase != schedule.PlanPhase.DOSE and not plan_held:
        last = today + AHEAD
        next_day = _next_planned(protocol.plan, today, last, held)
        if next_day is None and not protocol.active:
            # The running protocol's plan is over before the next one begins.
            following = queries.active_protocol(request.user)
            if following is not None:
                next_day = _next_planned(following.plan, today, last, held)
    return {
        "dose_protocol": protocol,
        "dose_phase": phase,
        "planned_today": (phase == schedule.PlanPhase.DOSE and not plan_held)
        or open_dose is not None,
        "plan_held": plan_held,
        "open_dose": open_dose,
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


def held_from_today(user: User, today: dt.date) -> tuple[list[Span], OpenDose | None]:
    """today_dose_context()'s `held` and `open_dose`, read from the
    experiments' weeks (protocols.held) where Today's card is not at hand:
    the card alone, sent again after a tap."""
    kept = held_days(user, today, today + AHEAD)
    spans: list[Span] = []
    for day in sorted(kept.days):
        if spans and spans[-1][1] == day - dt.timedelta(days=1):
            spans[-1] = (spans[-1][0], day)
        else:
            spans.append((day, day))
    return spans, kept.doses.get(today)
