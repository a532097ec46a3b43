"""Today's reflection prompt.

The phase comes from the dose log first and from the active protocol's plan
when nothing is logged. Within a phase, prompts rotate without repeats until
the pool is used up, then the rotation starts again. The choice for a day is
made once and remembered (PromptShown), so it stays the same all day, unless
the phase changes (a dose logged later that day); "another prompt" replaces it
for the rest of that day, going through the whole pool before any repeats.
"""

from __future__ import annotations

import datetime as dt
import hashlib

from django.db import IntegrityError, transaction
from django.db.models import Q, QuerySet

from accounts.models import User
from config.prepared import Read, prepared
from journal.models import Prompt, PromptShown, PromptSwitchedOff
from journal.prompt_library import (
    AFTER_1,
    AFTER_2,
    BASELINE,
    BREAK,
    DOSE_DAY,
    EXPERIMENT_DAY,
    OFF_DAY,
)
from protocols import queries as protocol_queries
from protocols import schedule
from protocols.models import DoseLog, Protocol

# A value the caller does not have (None is one: no dose yet).
UNKNOWN = object()


def phase_for_day(
    user: User,
    day: dt.date,
    protocol: Protocol | None,
    doses_today: list[DoseLog] | None = None,
    last_dose_before: dt.date | None | object = UNKNOWN,
) -> str:
    """The dosing phase of a day. `doses_today`: the day's dose log rows, and
    `last_dose_before`: the day of the last dose taken before it, when the
    caller has them already."""
    if doses_today is None:
        doses_today = list(DoseLog.objects.filter(user=user, day=day))
    skipped_today = any(dose.skipped for dose in doses_today)
    if any(not dose.skipped for dose in doses_today):
        last_dose = day
    elif last_dose_before is UNKNOWN:
        last_dose = protocol_queries.last_dose_before(user, day)
    else:
        last_dose = last_dose_before
    plan_phase = schedule.plan_phase(protocol.plan, day) if protocol else None

    if any(dose.blinded for dose in doses_today):
        return EXPERIMENT_DAY  # a capsule that may be placebo: expectation first
    if last_dose == day:
        return DOSE_DAY
    if plan_phase == schedule.PlanPhase.DOSE and not skipped_today:
        return DOSE_DAY  # planned for today: an intention before taking it
    if last_dose is not None:
        since = (day - last_dose).days
        if since == 1:
            return AFTER_1
        if since == 2:
            return AFTER_2
    if plan_phase == schedule.PlanPhase.BREAK:
        return BREAK
    if plan_phase == schedule.PlanPhase.BEFORE or (last_dose is None and not protocol):
        return BASELINE
    gap = protocol.plan.longest_gap if protocol else 7
    if last_dose is not None and (day - last_dose).days > gap:
        return BREAK  # longer without a dose than the rhythm allows
    return OFF_DAY


def available_prompts(user: User) -> QuerySet[Prompt]:
    """Built-in prompts the user has not switched off, and their own active ones."""
    switched_off = PromptSwitchedOff.objects.filter(user=user).values("prompt_id")
    return Prompt.objects.filter(
        Q(owner=None, active=True) & ~Q(pk__in=switched_off)
        | Q(owner=user, active=True)
    )


def pool(user: User, phase: str) -> list[int]:
    return list(
        available_prompts(user)
        .filter(phases__contains=f",{phase},")
        .order_by("id")
        .values_list("id", flat=True)
    )


def _unused(
    user: User, phase: str, prompt_ids: list[int], before: dt.date
) -> list[int]:
    """The pool's prompts not yet shown in the current turn of the rotation."""
    available = set(prompt_ids)
    used: set[int] = set()
    for prompt_id in PromptShown.objects.filter(
        user=user, phase=phase, day__lt=before
    ).values_list("prompt_id", flat=True):
        if prompt_id in available:
            used.add(prompt_id)
            if used >= available:
                used = set()  # the pool was used up: a new turn began
    return [pk for pk in prompt_ids if pk not in used]


def _pick(user: User, day: dt.date, candidates: list[int], salt: str = "") -> int:
    digest = hashlib.sha256(f"{user.pk}:{day.isoformat()}:{salt}".encode()).digest()
    return sorted(candidates)[int.from_bytes(digest[:8], "big") % len(candidates)]


@prepared
def _shown_on(user_id: int, day: dt.date) -> QuerySet[PromptShown]:
    return PromptShown.objects.filter(user=user_id, day=day).select_related("prompt")[
        :1
    ]


def shown_read(user: User, day: dt.date) -> Read | None:
    """prompt_for_day()'s read of the day's prompt, for config.prepared.ahead()."""
    return _shown_on.read(user.pk, day)


def prompt_for_day(
    user: User,
    day: dt.date,
    protocol: Protocol | None,
    doses_today: list[DoseLog] | None = None,
    last_dose_before: dt.date | None | object = UNKNOWN,
) -> tuple[Prompt | None, str]:
    """The day's prompt and the phase it was chosen for."""
    shown = _shown_on.first(user.pk, day)
    # Asked each time: a dose logged after the first visit changes the phase.
    phase = phase_for_day(user, day, protocol, doses_today, last_dose_before)
    if shown is not None and shown.prompt.active and shown.phase == phase:
        return shown.prompt, shown.phase
    prompt_ids = pool(user, phase)
    if not prompt_ids:
        return None, phase
    choice = _pick(user, day, _unused(user, phase, prompt_ids, day))
    try:
        with transaction.atomic():
            PromptShown.objects.update_or_create(
                user=user,
                day=day,
                defaults={"phase": phase, "prompt_id": choice, "passed_over": []},
            )
    except IntegrityError:  # another request chose first; theirs stands
        shown = PromptShown.objects.select_related("prompt").get(user=user, day=day)
        return shown.prompt, shown.phase
    return Prompt.objects.get(pk=choice), phase


@transaction.atomic
def swap_prompt(user: User, day: dt.date, protocol: Protocol | None) -> Prompt | None:
    """Replace today's prompt with another from the same phase, for the day."""
    current, _ = prompt_for_day(user, day, protocol)
    if current is None:
        return None
    shown = PromptShown.objects.select_for_update().get(user=user, day=day)
    prompt_ids = [pk for pk in pool(user, shown.phase) if pk != current.pk]
    if not prompt_ids:
        return current
    passed = [*shown.passed_over, current.pk]
    fresh = [pk for pk in prompt_ids if pk not in passed]
    if not fresh:  # the whole pool was offered today: round again
        passed, fresh = [current.pk], prompt_ids
    # Prompts of earlier days in this turn of the rotation come last.
    unused = [pk for pk in _unused(user, shown.phase, fresh, day) if pk in fresh]
    choice = _pick(user, day, unused or fresh, salt=str(len(passed)))
    shown.prompt_id = choice
    shown.passed_over = passed
    shown.save(update_fields=["prompt", "passed_over"])
    return Prompt.objects.get(pk=choice)
