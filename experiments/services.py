"""Every write to an experiment goes through here."""

from __future__ import annotations

import datetime as dt
import random
import uuid
from dataclasses import dataclass
from decimal import Decimal

from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone

from accounts.models import Profile, User
from accounts.sends import once
from config.prepared import prepared
from experiments.models import Envelope, Experiment, Guess
from journal.models import Metric
from protocols import services as dose_services
from protocols.models import DoseLog, Substance

Design = Experiment.Design
Status = Experiment.Status


def envelope_count(design: str, weeks: int, weekdays: list[int]) -> int:
    return weeks * len(weekdays) if design == Design.DOSE_DAYS else weeks


def _checked(
    *,
    user: User,
    substance: Substance,
    primary_metric: Metric,
    weekdays: list[int],
    **fields,
) -> Experiment:
    """An experiment row, checked as a whole, not yet saved."""
    if substance.user_id != user.pk or primary_metric.user_id != user.pk:
        raise ValueError("An experiment uses the user's own substance and metric.")
    experiment = Experiment(
        user=user,
        substance=substance,
        unit=substance.unit,
        primary_metric=primary_metric,
        dose_weekdays=",".join(str(d) for d in sorted(set(weekdays))),
        **fields,
    )
    experiment.full_clean(exclude=["client_token"])
    return experiment


def experiment_create(
    *,
    user: User,
    substance: Substance,
    amount: Decimal,
    primary_metric: Metric,
    design: str,
    weeks: int,
    weekdays: list[int],
    start_date: dt.date,
    client_token: uuid.UUID | None = None,
) -> Experiment:
    """A planned experiment with its envelopes, half of them active. A form
    sent again with the same token gets the experiment it planned.

    Envelopes are written in a random order, so not even their ids follow
    the allocation. In the open design the server draws the weeks' order.
    """
    experiment = None

    def check() -> None:
        nonlocal experiment
        experiment = _checked(
            user=user,
            substance=substance,
            amount=amount,
            primary_metric=primary_metric,
            design=design,
            weeks=weeks,
            weekdays=weekdays,
            start_date=start_date,
            client_token=client_token,
        )

    planned, _ = once(
        Experiment.objects.filter(user=user),
        client_token,
        lambda: _planned(experiment),
        check=check,
    )
    return planned


def _planned(experiment: Experiment) -> Experiment:
    """A checked experiment and its envelopes, written together or not at
    all: as many as its dose days (each weekday once, however often sent)."""
    rng = random.SystemRandom()
    with transaction.atomic():
        experiment.save()
        count = envelope_count(experiment.design, experiment.weeks, experiment.weekdays)
        allocation = [True] * (count // 2) + [False] * (count - count // 2)
        rng.shuffle(allocation)
        Envelope.objects.bulk_create(
            Envelope(
                experiment=experiment,
                active=active,
                week=index if experiment.design == Design.OPEN_WEEKS else None,
            )
            for index, active in enumerate(allocation)
        )
    return experiment


def experiment_start(experiment: Experiment, planned_power: dict) -> None:
    if experiment.status != Status.PLANNED:
        return
    experiment.status = Status.RUNNING
    experiment.started_at = timezone.now()
    experiment.planned_power = planned_power
    experiment.save(update_fields=["status", "started_at", "planned_power"])


def experiment_pause(experiment: Experiment) -> None:
    if experiment.status == Status.RUNNING:
        experiment.status = Status.PAUSED
        experiment.save(update_fields=["status"])


def experiment_resume(experiment: Experiment) -> None:
    if experiment.status == Status.PAUSED:
        experiment.status = Status.RUNNING
        experiment.save(update_fields=["status"])


def experiment_stop(experiment: Experiment, reason: str) -> None:
    """Stopping early is allowed and recorded; the analysis uses what there is."""
    if experiment.is_open or experiment.status == Status.PLANNED:
        experiment.status = Status.STOPPED
        experiment.ended_at = timezone.now()
        experiment.stop_reason = reason
        experiment.save(update_fields=["status", "ended_at", "stop_reason"])


def experiment_unblind(experiment: Experiment) -> None:
    """Reveal the allocation: only once the planned weeks are over, or after
    stopping."""
    if experiment.unblinded_at is not None:
        return
    if experiment.is_open:
        experiment.status = Status.FINISHED
        experiment.ended_at = timezone.now()
    experiment.unblinded_at = timezone.now()
    experiment.save(update_fields=["status", "ended_at", "unblinded_at"])


def experiment_delete(experiment: Experiment) -> None:
    """Removes the experiment, its envelopes and guesses. The capsules in the
    dose log stay: they were taken."""
    experiment.delete()


@dataclass(frozen=True)
class RestoredEnvelope:
    active: bool
    week: int | None
    opened_at: dt.datetime | None
    day: dt.date | None
    guesses: list[tuple[str, dt.date, str, int]]  # kind, day, answer, confidence


def experiment_restore(
    *,
    user: User,
    substance: Substance,
    amount: Decimal,
    primary_metric: Metric,
    design: str,
    weeks: int,
    weekdays: list[int],
    start_date: dt.date,
    status: str,
    planned_power: dict,
    times: dict[str, dt.datetime | None],
    stop_reason: str,
    envelopes: list[RestoredEnvelope],
) -> Experiment:
    """An experiment from an export (imports), envelopes and guesses with it:
    checked as a new one is, written in one go. New codes are drawn: the
    old stickers belong to the old server."""
    with transaction.atomic():
        experiment = _checked(
            user=user,
            substance=substance,
            amount=amount,
            primary_metric=primary_metric,
            design=design,
            weeks=weeks,
            weekdays=weekdays,
            start_date=start_date,
            status=status,
            planned_power=planned_power,
            stop_reason=stop_reason,
            **times,
        )
        experiment.save()
        for restored in envelopes:
            envelope = Envelope(
                experiment=experiment,
                active=restored.active,
                week=restored.week,
                opened_at=restored.opened_at,
                day=restored.day,
            )
            envelope.full_clean(exclude=["dose"])
            envelope.save()
            for kind, day, answer, confidence in restored.guesses:
                guess = Guess(
                    experiment=experiment,
                    envelope=envelope,
                    kind=kind,
                    day=day,
                    answer=answer,
                    confidence=confidence,
                )
                guess.full_clean()
                guess.save()
    return experiment


class EnvelopeRefused(ValueError):
    """Why an envelope's code cannot be recorded, in words for the person."""

    def __init__(self, message: str, *, unknown: bool = False):
        super().__init__(message)
        self.unknown = unknown  # not one of this person's envelopes at all


NOT_YOURS = "This code is not one of your envelopes. Nothing was recorded."


@dataclass(frozen=True)
class Opened:
    envelope: Envelope
    created: bool  # False: this person had already opened it (a reload)


def envelope_open(
    *, user: User, profile: Profile, token: str, now: dt.datetime | None = None
) -> Opened:
    """Record the envelope behind a scanned code as opened (and its capsule
    taken) now. Refused, with nothing changed, for a code of another person
    or of an experiment that is not under way, and for a second envelope on
    the same dose day (or in the same week, for weekly blocks)."""
    now = now or timezone.now()
    day = profile.local_day(now)
    with transaction.atomic():
        envelope = (
            Envelope.objects.select_for_update()
            .select_related("experiment__substance")
            .filter(token=token, experiment__user=user)
            .first()
        )
        if envelope is None or not envelope.experiment.blinded:
            raise EnvelopeRefused(NOT_YOURS, unknown=True)
        experiment = envelope.experiment
        if envelope.opened_at is not None:
            return Opened(envelope, False)
        if experiment.status == Status.PLANNED:
            raise EnvelopeRefused(
                "This experiment has not started yet. Start it first; nothing "
                "was recorded."
            )
        if experiment.status == Status.PAUSED:
            raise EnvelopeRefused(
                "This experiment is paused. Resume it to open envelopes; nothing "
                "was recorded."
            )
        if not experiment.is_open:
            raise EnvelopeRefused(
                "This envelope belongs to an experiment that has ended. Nothing "
                "was recorded."
            )
        opened = experiment.envelopes.exclude(day=None)
        if experiment.design == Design.DOSE_DAYS:
            clash = opened.filter(day=day).first()
            when = "today"
        else:
            clash = opened.filter(day__gt=day - Envelope.LASTS).first()
            when = "in the last seven days"
        if clash is not None:
            raise EnvelopeRefused(
                f"An envelope was already opened {when} (on {clash.day:%A %-d %B}). "
                "Keep this one for the next "
                f"{'dose day' if experiment.design == Design.DOSE_DAYS else 'week'}; "
                "nothing was recorded."
            )
        dose, _ = dose_services.dose_log_blinded(
            user=user, profile=profile, taken_at=now, substance=experiment.substance
        )
        envelope.opened_at = now
        envelope.day = day
        envelope.dose = dose
        envelope.save(update_fields=["opened_at", "day", "dose"])
    return Opened(envelope, True)


@prepared
def _envelope_on(experiment_id: int, day: dt.date) -> QuerySet[Envelope]:
    return Envelope.objects.filter(experiment=experiment_id, day=day)[:1]


def current_envelope(
    experiment: Experiment,
    day: dt.date,
    candidates: list[Envelope] | None = None,
) -> Envelope | None:
    """The envelope whose capsules are today's: today's (dose days), or the
    one opened in the last seven days (weekly blocks); the week's (open).
    Read from the database, or chosen among `candidates` (Today's, read with
    its other reads: queries.today_envelopes), which must hold every one of
    the person's envelopes that could be it."""
    if candidates is not None:
        envelope = _current_among(experiment, day, candidates)
    elif experiment.design == Design.OPEN_WEEKS:
        week = experiment.week_of(day)
        return None if week is None else experiment.envelopes.filter(week=week).first()
    elif experiment.design == Design.DOSE_DAYS:
        envelope = _envelope_on.first(experiment.pk, day)
    else:
        opened = experiment.envelopes.filter(day__lte=day, day__gt=day - Envelope.LASTS)
        return opened.order_by("-day", "-id").first()
    if envelope is not None:
        envelope.experiment = experiment  # as experiment.envelopes would
    return envelope


def _current_among(
    experiment: Experiment, day: dt.date, candidates: list[Envelope]
) -> Envelope | None:
    """current_envelope()'s choice, made among envelopes already read."""
    mine = sorted(
        (e for e in candidates if e.experiment_id == experiment.pk),
        key=lambda e: (e.day or dt.date.min, e.pk),
    )
    if experiment.design == Design.OPEN_WEEKS:
        week = experiment.week_of(day)
        return next((e for e in mine if week is not None and e.week == week), None)
    if experiment.design == Design.DOSE_DAYS:
        return next((e for e in mine if e.day == day), None)
    since = day - Envelope.LASTS
    opened = [e for e in mine if e.day is not None and since < e.day <= day]
    return opened[-1] if opened else None


def capsule_take(
    *, experiment: Experiment, profile: Profile, now: dt.datetime | None = None
) -> DoseLog | None:
    """A later dose day of a weekly envelope: its next capsule, logged blind
    (once a day). None when no envelope is open for today."""
    now = now or timezone.now()
    day = profile.local_day(now)
    if not experiment.is_open or current_envelope(experiment, day) is None:
        return None
    with transaction.atomic():
        # Locked until the capsule is written: the same tap sent twice at
        # once (a double tap, two devices) logs one capsule, not two.
        Experiment.objects.select_for_update().filter(pk=experiment.pk).first()
        existing = DoseLog.objects.filter(
            user=experiment.user, day=day, blinded=True, substance=experiment.substance
        ).first()
        if existing:
            return existing
        dose, _ = dose_services.dose_log_blinded(
            user=experiment.user,
            profile=profile,
            taken_at=now,
            substance=experiment.substance,
        )
    return dose


def guess_record(
    *,
    experiment: Experiment,
    envelope: Envelope,
    kind: str,
    day: dt.date,
    answer: str,
    confidence: int,
) -> Guess:
    """A guess, which the person may change the same day."""
    if envelope.experiment_id != experiment.pk or not experiment.is_open:
        raise ValueError("Guesses are for an envelope of a running experiment.")
    guess, _ = Guess.objects.update_or_create(
        envelope=envelope,
        kind=kind,
        day=day,
        defaults={
            "experiment": experiment,
            "answer": answer,
            "confidence": confidence,
        },
    )
    return guess
