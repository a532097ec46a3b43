"""The demo account's experiments: one finished and unblinded, one running."""

from __future__ import annotations

import datetime as dt
import random
from decimal import Decimal

from django.utils import timezone

from accounts.models import Profile, User
from experiments import services
from experiments.models import Envelope, Experiment, Guess
from journal.models import Metric
from protocols import services as dose_services
from protocols.models import DoseLog, Substance

GUESSES = ("active", "placebo", "unsure")


def clear_experiments(*, user: User) -> None:
    Experiment.objects.filter(user=user).delete()


def seed_experiments(*, user: User, profile: Profile, rng: random.Random) -> None:
    clear_experiments(user=user)
    substance = Substance.objects.filter(user=user).first()
    mood = Metric.objects.filter(user=user, key=Metric.Key.MOOD).first()
    if substance is None or mood is None:
        return
    today = profile.local_day()
    # Finished: eight weekly blocks that ended two weeks ago, unblinded.
    start = today - dt.timedelta(days=7 * 8 + 14)
    finished = services.experiment_create(
        user=user,
        substance=substance,
        amount=Decimal("100"),
        primary_metric=mood,
        design=Experiment.Design.WEEKLY,
        weeks=8,
        weekdays=[0, 3],
        start_date=start,
    )
    services.experiment_start(finished, {"power": 0.3})
    _open(finished, [start + dt.timedelta(days=7 * w) for w in range(8)], profile, rng)
    _kept(finished, profile, today)
    services.experiment_unblind(finished)
    # Running: dose days, four weeks, ten days in.
    start = today - dt.timedelta(days=10)
    running = services.experiment_create(
        user=user,
        substance=substance,
        amount=Decimal("100"),
        primary_metric=mood,
        design=Experiment.Design.DOSE_DAYS,
        weeks=4,
        weekdays=[0, 3],
        start_date=start,
    )
    services.experiment_start(running, {"power": 0.05})
    _open(running, [d for d in running.dose_days() if d < today], profile, rng)
    _kept(running, profile, today)


def _kept(experiment: Experiment, profile: Profile, today: dt.date) -> None:
    """Its weeks as a person keeps them: a capsule on each dose day before
    today, and none of the protocol's planned doses (protocols.held)."""
    user = experiment.user
    last = min(experiment.end_date, today)
    DoseLog.objects.filter(
        user=user, day__range=(experiment.start_date, last), blinded=False
    ).delete()
    opened = {e.day: e for e in experiment.envelopes.exclude(day=None)}
    for day in experiment.dose_days():
        if day >= today:
            break
        moment = timezone.make_aware(
            dt.datetime.combine(day, dt.time(8, 30)), profile.tzinfo
        )
        dose, _ = dose_services.dose_log_blinded(
            user=user, profile=profile, taken_at=moment, substance=experiment.substance
        )
        if day in opened:
            Envelope.objects.filter(pk=opened[day].pk).update(dose=dose)


def _open(
    experiment: Experiment, days: list[dt.date], profile: Profile, rng: random.Random
) -> None:
    """Envelopes opened on those days, in the order a shuffle gave, with a guess."""
    envelopes = list(experiment.envelopes.all())
    rng.shuffle(envelopes)
    for envelope, day in zip(envelopes, days, strict=False):
        moment = timezone.make_aware(
            dt.datetime.combine(day, dt.time(8, 30)), profile.tzinfo
        )
        Envelope.objects.filter(pk=envelope.pk).update(day=day, opened_at=moment)
        Guess.objects.create(
            experiment=experiment,
            envelope=envelope,
            kind=Guess.Kind.WEEK
            if experiment.design == Experiment.Design.WEEKLY
            else Guess.Kind.DAY,
            day=day,
            answer=rng.choice(GUESSES),
            confidence=rng.choice(range(0, 101, 10)),
        )
