"""Small builders for test data, and the walker's object types."""

from __future__ import annotations

import datetime as dt
import itertools
from decimal import Decimal

from django.utils import timezone

from journal.models import Entry, Metric, Prompt, Rating, Tag
from protocols.models import DoseLog, Protocol, Substance
from reminders.models import Delivery, PushDevice


def make_entry(
    user,
    *,
    day: dt.date | None = None,
    note: str = "",
    mood: int | None = 6,
    tags=(),
    at: dt.time = dt.time(12),
) -> Entry:
    moment = (
        timezone.now()
        if day is None
        else dt.datetime.combine(day, at, tzinfo=user.profile.tzinfo)
    )
    entry = Entry.objects.create(
        user=user,
        day=user.profile.local_day(moment),
        occurred_at=moment,
        note=note,
    )
    if mood is not None:
        Rating.objects.create(entry=entry, metric=mood_metric(user), value=mood)
    for name in tags:
        entry.tags.add(Tag.objects.get_or_create(user=user, name=name)[0])
    return entry


def mood_metric(user) -> Metric:
    return Metric.objects.get(user=user, key=Metric.Key.MOOD)


_numbers = itertools.count(1)


def make_metric(user, name: str = "", **fields) -> Metric:
    name = name or f"Creativity {next(_numbers)}"
    fields.setdefault("position", 99)
    return Metric.objects.create(user=user, name=name, **fields)


def make_protocol(user, **fields) -> Protocol:
    fields.setdefault("name", "Fadiman")
    fields.setdefault("kind", "fadiman")
    fields.setdefault("start_date", user.profile.local_day() - dt.timedelta(days=30))
    fields.setdefault("active", True)
    substance = (
        fields.pop("substance", None) or Substance.objects.filter(user=user).first()
    )
    if fields["active"]:
        Protocol.objects.filter(user=user, active=True).update(active=False)
    return Protocol.objects.create(
        user=user,
        substance=substance,
        amount=Decimal("100"),
        unit=substance.unit,
        **fields,
    )


def begin_next_protocol(user, days: int) -> Protocol:
    """A Stamets protocol of LSD, started through the service to begin `days`
    days from the person's today: the one running ends the day before it."""
    from protocols import services

    return services.protocol_create(
        user=user,
        name="Next",
        substance=Substance.objects.get(user=user, name="LSD"),
        amount=Decimal("10"),
        unit="µg",
        kind="stamets",
        start_date=user.profile.local_day() + dt.timedelta(days=days),
    )


def make_dose(
    user,
    *,
    day: dt.date | None = None,
    skipped: bool = False,
    at: dt.time = dt.time(9),
    **fields,
) -> DoseLog:
    day = day or user.profile.local_day()
    moment = dt.datetime.combine(day, at, tzinfo=user.profile.tzinfo)
    substance = (
        fields.pop("substance", None) or Substance.objects.filter(user=user).first()
    )
    return DoseLog.objects.create(
        user=user,
        taken_at=moment,
        day=day,
        substance=substance,
        amount=None if skipped else fields.pop("amount", Decimal("100")),
        unit=substance.unit,
        skipped=skipped,
        **fields,
    )


def make_prompt(
    user, text: str = "What did you notice?", phases=("off_day",)
) -> Prompt:
    return Prompt.objects.create(
        owner=user, text=text, phases=Prompt.encode_phases(phases), kind="reflection"
    )


def make_experiment(
    user,
    *,
    design: str = "weekly",
    weeks: int = 4,
    weekdays=(0, 3),
    start_date: dt.date | None = None,
    start: bool = True,
):
    """An experiment with its envelopes, started unless `start` is False."""
    from experiments import services as experiment_services

    experiment = experiment_services.experiment_create(
        user=user,
        substance=Substance.objects.filter(user=user).first(),
        amount=Decimal("100"),
        primary_metric=mood_metric(user),
        design=design,
        weeks=weeks,
        weekdays=list(weekdays),
        start_date=start_date or user.profile.local_day(),
    )
    if start:
        experiment_services.experiment_start(experiment, {})
    return experiment


def make_response(user, instrument: str = "phq9", answers=None, day=None):
    """A completed questionnaire (journal.questionnaires)."""
    from journal.models import QuestionnaireResponse
    from journal.questionnaires import INSTRUMENTS

    scale = INSTRUMENTS[instrument]
    answers = list(answers if answers is not None else [1] * len(scale.items))
    moment = (
        timezone.now()
        if day is None
        else dt.datetime.combine(day, dt.time(12), tzinfo=user.profile.tzinfo)
    )
    return QuestionnaireResponse.objects.create(
        user=user,
        instrument=instrument,
        answers=answers,
        score=scale.score(answers),
        completed_at=moment,
        day=user.profile.local_day(moment),
    )


def register_walker_object_types() -> None:
    from tests.walker import register_object_type

    register_object_type("entry_id", lambda user: make_entry(user, note="secret"))
    register_object_type("metric_id", lambda user: make_metric(user))
    register_object_type("protocol_id", lambda user: make_protocol(user))
    register_object_type("prompt_id", lambda user: make_prompt(user))
    register_object_type("dose_id", lambda user: make_dose(user))
    register_object_type("experiment_id", lambda user: make_experiment(user))
    register_object_type("response_id", lambda user: make_response(user))
    register_object_type(
        "token",
        lambda user: make_experiment(user).envelopes.first(),
        url_value=lambda envelope: envelope.token,
    )
    register_object_type("device_id", lambda user: make_push_device(user))
    register_object_type(
        "snooze_token",
        lambda user: make_delivery(user),
        url_value=lambda delivery: snooze_token(delivery),
    )
    register_object_type(
        "substance_id",
        lambda user: Substance.objects.create(user=user, name=f"S {next(_numbers)}"),
    )


def make_push_device(user, endpoint: str | None = None) -> PushDevice:
    return PushDevice.objects.create(
        user=user,
        endpoint=endpoint or f"https://push.example.test/{next(_numbers)}",
        p256dh="BNcRdreALRFXTkOOUHK1EtK2wtaz5Ry4YfYCA_0QTpQtUbVlUls0VJXg7A8u-Ts1XbjhazAkj7I99e8QcYP7DkM",
        auth="tBHItJI5svbpez7KI4CCXg",
        name="Firefox on Android",
    )


def make_delivery(user, kind: str = "checkin", channel: str = "email") -> Delivery:
    now = timezone.now()
    return Delivery.objects.create(
        user=user,
        kind=kind,
        channel=channel,
        day=user.profile.local_day(now),
        slot=f"08:{next(_numbers) % 60:02d}",
        due_at=now,
        status=Delivery.Status.SENT,
    )


def snooze_token(delivery: Delivery) -> str:
    from django.core import signing

    from reminders.services import SNOOZE_SALT

    return signing.dumps(delivery.pk, salt=SNOOZE_SALT)
