"""Deterministic demo protocol history: cycles, breaks, doses taken and skipped."""

from __future__ import annotations

import datetime as dt
import random
from decimal import Decimal

from django.utils import timezone

from accounts.models import Profile, User
from protocols import schedule
from protocols.models import (
    COMMON_EFFECTS,
    DoseEffect,
    DoseLog,
    Protocol,
    SafetyScreen,
    Substance,
)
from protocols.services import substances_create_defaults

BASELINE_DAYS = 30
# name, kind, substance, amount, weeks it runs, weeks on, weeks off, days of pause after
BLOCKS = [
    (
        "Fadiman, psilocybin",
        "fadiman",
        "Psilocybin mushrooms (dried)",
        "150",
        10,
        4,
        1,
        21,
    ),
    ("Stamets stack", "stamets", "Psilocybin mushrooms (dried)", "200", 8, 4, 2, 14),
    ("LSD, every other day", "every_other_day", "LSD", "10", 6, 3, 1, 28),
    (
        "Weekday micro",
        "weekdays",
        "Psilocybin mushrooms (dried)",
        "120",
        8,
        None,
        0,
        21,
    ),
]


def seed_protocols(
    *, user: User, profile: Profile, years: int, rng: random.Random
) -> set[dt.date]:
    """Replace the user's protocols and doses; returns the days a dose was taken."""
    DoseLog.objects.filter(user=user).delete()
    Protocol.objects.filter(user=user).delete()
    Substance.objects.filter(user=user).delete()
    substances_create_defaults(user=user)
    by_name = {s.name: s for s in Substance.objects.filter(user=user)}
    SafetyScreen.objects.update_or_create(
        user=user, defaults={"answers": {"ssri": False, "lithium": False}}
    )

    now = timezone.now()
    today = profile.local_day(now)
    day = today - dt.timedelta(days=365 * years) + dt.timedelta(days=BASELINE_DAYS)
    protocols: list[Protocol] = []
    block = 0
    while day <= today:
        name, kind, substance, amount, weeks, on, off, pause = BLOCKS[
            block % len(BLOCKS)
        ]
        end = day + dt.timedelta(weeks=weeks) - dt.timedelta(days=1)
        protocols.append(
            Protocol(
                user=user,
                name=name,
                substance=by_name[substance],
                amount=Decimal(amount),
                unit=by_name[substance].unit,
                kind=kind,
                weekdays="0,3" if kind == schedule.WEEKDAYS else "",
                start_date=day,
                end_date=end,
                on_weeks=on,
                break_weeks=off,
                active=False,
            )
        )
        day = end + dt.timedelta(days=pause + 1)
        block += 1
    if protocols:
        protocols[-1].end_date = None  # the latest one is still running
        protocols[-1].active = True
    protocols = Protocol.objects.bulk_create(protocols)

    doses, taken_days = [], set()
    for protocol in protocols:
        last = min(today, protocol.end_date or today)
        for planned in schedule.planned_days(protocol.plan, protocol.start_date, last):
            moment = dt.datetime.combine(
                planned, dt.time(8, rng.randrange(60)), tzinfo=profile.tzinfo
            )
            roll = rng.random()
            if moment > now or roll >= 0.95:
                continue  # not yet, or missed: nothing logged
            skipped = roll >= 0.88
            factor = Decimal(str(round(rng.uniform(0.85, 1.1), 2)))
            # Felt more often at the larger amounts; asked on most dose days.
            felt = None
            if not skipped and rng.random() < 0.7:
                felt = min(3, max(0, round(rng.gauss(float(factor) * 4 - 3.2, 0.7))))
            doses.append(
                DoseLog(
                    user=user,
                    taken_at=moment,
                    day=planned,
                    substance=protocol.substance,
                    amount=None
                    if skipped
                    else (protocol.amount * factor).quantize(Decimal("0.01")),
                    unit=protocol.unit,
                    protocol=protocol,
                    skipped=skipped,
                    felt=felt,
                )
            )
            if not skipped:
                taken_days.add(planned)
    DoseLog.objects.bulk_create(doses, batch_size=1000)
    DoseEffect.objects.bulk_create(
        DoseEffect(dose=dose, name=rng.choice(COMMON_EFFECTS), intensity=1)
        for dose in doses
        if dose.felt and dose.felt >= 2 and rng.random() < 0.4
    )
    return taken_days
