"""What Today shows about dosing: the plan for the day and what was logged."""

from __future__ import annotations

import datetime as dt

from accounts.http import SignedInRequest
from protocols import queries, schedule


def today_dose_context(request: SignedInRequest) -> dict:
    today = request.profile.local_day()
    # With the day of the last dose before today, which Today's prompt asks.
    protocol = queries.protocol_in_effect(request.user, today)
    phase = schedule.plan_phase(protocol.plan, today) if protocol else None
    next_day = None
    if protocol and phase != schedule.PlanPhase.DOSE:
        ahead = (today + dt.timedelta(days=1), today + dt.timedelta(days=120))
        next_day = schedule.next_planned_day(protocol.plan, *ahead)
        if next_day is None and not protocol.active:
            # The running protocol's plan is over before the next one begins.
            following = queries.active_protocol(request.user)
            if following is not None:
                next_day = schedule.next_planned_day(following.plan, *ahead)
    return {
        "dose_protocol": protocol,
        "dose_phase": phase,
        "planned_today": phase == schedule.PlanPhase.DOSE,
        "doses_today": queries.day_doses(request.user, today),
        "next_planned": next_day,
    }
