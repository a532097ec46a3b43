"""Writes of reminders, and the two halves of delivering them: finding what
is due (every minute, in the worker) and sending one delivery (a task)."""

from __future__ import annotations

import datetime as dt
import logging

from django.core import signing
from django.db import IntegrityError, transaction
from django.db.models import F, Q
from django.urls import reverse
from django.utils import timezone

from accounts.devices import describe
from accounts.models import User
from experiments import queries as experiment_queries
from experiments import services as experiment_services
from experiments.models import Experiment
from journal import questionnaire_queries
from journal.models import Entry
from protocols import queries as protocol_queries
from protocols import schedule as protocol_schedule
from protocols.models import DoseLog
from protocols.phases import PlanPhase
from reminders import channels, schedule
from reminders.models import Delivery, PushDevice, ReminderSettings

logger = logging.getLogger(__name__)

Kind = Delivery.Kind
Status = Delivery.Status

# What each reminder says: never a substance, a dose or anything written.
TEXTS = {
    Kind.CHECKIN: "Time for your check-in",
    Kind.DOSE_DAY: "Today is a planned day in your protocol",
    Kind.ENVELOPE: "Experiment day: time to open today's envelope",
    Kind.CAPSULE: "Experiment day: time for today's capsule",
    Kind.OPEN_DOSE: "Experiment day: a planned day of an on week",
    Kind.QUESTIONNAIRE: "A 2-minute questionnaire is due",
    Kind.TEST: "A test from Titrate: reminders reach you here",
}

# A failed send is tried again after these waits, then recorded as failed.
BACKOFF = [dt.timedelta(minutes=m) for m in (1, 5, 15, 60)]
SNOOZE = dt.timedelta(hours=1)
SNOOZE_SALT = "reminders.snooze"
SNOOZE_MAX_AGE = 60 * 60 * 12
MORNING = "morning"  # the dose-day and questionnaire reminders' clock time


def settings_for(user: User) -> ReminderSettings:
    """The person's settings, or the defaults (unsaved) when they have none:
    reading them never writes a row."""
    return ReminderSettings.objects.filter(user=user).first() or ReminderSettings(
        user=user
    )


def settings_update(*, user: User, **fields) -> ReminderSettings:
    """Save the reminder settings; a form has checked them, the model checks
    again so that nothing else writes a bad value."""
    with transaction.atomic():
        current, _ = ReminderSettings.objects.select_for_update().get_or_create(
            user=user
        )
        for name, value in fields.items():
            setattr(current, name, value)
        current.full_clean(exclude=["user"])
        current.save()
    return current


def device_subscribe(
    *, user: User, endpoint: str, p256dh: str, auth: str, user_agent: str
) -> PushDevice:
    """A browser's subscription. The same endpoint again (a second tap, a
    renewed subscription) updates its keys; another person's is refused."""
    with transaction.atomic():
        device = (
            PushDevice.objects.select_for_update().filter(endpoint=endpoint).first()
        )
        if device is not None and device.user_id != user.pk:
            raise PermissionError("This browser is subscribed for another account.")
        if device is None:
            device = PushDevice(user=user, endpoint=endpoint)
        device.p256dh, device.auth = p256dh, auth
        device.name = describe(user_agent)[:100]
        device.full_clean(exclude=["user"], validate_unique=False)
        device.save()
    return device


def device_remove(*, device: PushDevice) -> None:
    device.delete()


def _channels(reminders: ReminderSettings) -> list[str]:
    found = []
    if reminders.by_push:
        found.append(Delivery.Channel.PUSH)
    if reminders.by_email:
        found.append(Delivery.Channel.EMAIL)
    if reminders.apprise_url:
        found.append(Delivery.Channel.APPRISE)
    return found


def _morning_kinds(user: User, reminders: ReminderSettings, day: dt.date) -> list[str]:
    kinds = []
    if reminders.dose_day:
        experiment = experiment_queries.running(user)
        if (
            experiment is not None
            and experiment.status == Experiment.Status.RUNNING
            and experiment.blinded
            and experiment.is_dose_day(day)
        ):
            # A weekly envelope is opened on the week's first capsule day;
            # its later days take the next capsule from it.
            opened = experiment_services.current_envelope(experiment, day)
            this_week = (
                experiment.design == Experiment.Design.WEEKLY
                and opened is not None
                and opened.day < day
                and experiment.week_of(opened.day) == experiment.week_of(day)
            )
            kinds.append(Kind.CAPSULE if this_week else Kind.ENVELOPE)
        elif (
            experiment is not None
            and experiment.status == Experiment.Status.RUNNING
            and experiment.is_dose_day(day)
        ):
            # Open randomized weeks: the week's envelope, shown from the
            # start, says whether this is an "on" week.
            week = experiment_services.current_envelope(experiment, day)
            if week is not None and week.active:
                kinds.append(Kind.OPEN_DOSE)
        elif experiment is None or not experiment.holds_doses_on(day):
            protocol = protocol_queries.protocol_in_effect(user, day)
            if protocol and (
                protocol_schedule.plan_phase(protocol.plan, day) == PlanPhase.DOSE
            ):
                kinds.append(Kind.DOSE_DAY)
    if reminders.questionnaire:
        kinds.append(Kind.QUESTIONNAIRE)
    return kinds


def _still_needed(delivery: Delivery) -> bool:
    """Whether the reminder still has something to remind of when it is sent."""
    user, day = delivery.user, delivery.day
    if delivery.kind == Kind.CHECKIN:
        return not Entry.objects.filter(user=user, day=day).exists()
    if delivery.kind in (Kind.DOSE_DAY, Kind.ENVELOPE, Kind.CAPSULE, Kind.OPEN_DOSE):
        return not DoseLog.objects.filter(user=user, day=day).exists()
    if delivery.kind == Kind.QUESTIONNAIRE:
        # Once a week at most while one stays due: a reminder sent on one of
        # the six days before (the same day's other channels and snoozes go).
        recent = Delivery.objects.filter(
            user=user,
            kind=Kind.QUESTIONNAIRE,
            status=Status.SENT,
            day__gt=day - dt.timedelta(days=7),
            day__lt=day,
        )
        if recent.exists():
            return False
        protocol = protocol_queries.protocol_in_effect(user, day)
        return bool(questionnaire_queries.due(user, day, protocol))
    return True


def _enqueue(delivery: Delivery, run_after: dt.datetime | None = None) -> None:
    from reminders.tasks import deliver

    task = deliver if run_after is None else deliver.using(run_after=run_after)
    # The task row is written in the same transaction as the delivery (the
    # database backend), so neither exists without the other.
    task.enqueue(delivery.pk)


def _create(user: User, due: schedule.Due, channel: str) -> Delivery | None:
    """The delivery row, or None when another worker wrote it first."""
    try:
        with transaction.atomic():
            delivery = Delivery.objects.create(
                user=user,
                kind=due.kind,
                channel=channel,
                day=due.day,
                slot=due.slot,
                due_at=due.at,
            )
            _enqueue(delivery)
    except IntegrityError:
        return None
    return delivery


def find_due(now: dt.datetime | None = None) -> list[Delivery]:
    """Write a delivery for every reminder whose moment has come, once per
    reminder, day and channel however many workers run this at once."""
    now = timezone.now() if now is None else now
    created = []
    # Only people with something to remind of and somewhere to send it.
    everyone = (
        ReminderSettings.objects.select_related("user__profile")
        .filter(user__is_active=True)
        .filter(~Q(checkin_times=[]) | Q(dose_day=True) | Q(questionnaire=True))
        .filter(Q(by_push=True) | Q(by_email=True) | ~Q(apprise_url=""))
    )
    for reminders in everyone:
        channels_on = _channels(reminders)
        user, profile = reminders.user, reminders.user.profile
        clock = [(Kind.CHECKIN, at) for at in reminders.times]
        if reminders.dose_day or reminders.questionnaire:
            clock.append((MORNING, reminders.morning_time))
        for due in schedule.due(
            now=now,
            tz=profile.tzinfo,
            day_start_hour=profile.day_start_hour,
            reminders=clock,
            quiet=(reminders.quiet_start, reminders.quiet_end),
        ):
            kinds = (
                _morning_kinds(user, reminders, due.day)
                if due.kind == MORNING
                else [due.kind]
            )
            for kind in kinds:
                item = schedule.Due(kind=kind, day=due.day, slot=due.slot, at=due.at)
                probe = Delivery(user=user, kind=kind, day=due.day)
                if not _still_needed(probe):
                    continue
                for channel in channels_on:
                    if delivery := _create(user, item, channel):
                        created.append(delivery)
    return created


def message_for(delivery: Delivery) -> channels.Message:
    snooze = ""
    if delivery.kind != Kind.TEST:
        token = signing.dumps(delivery.pk, salt=SNOOZE_SALT)
        snooze = reverse("reminders:snooze", args=[token])
    return channels.Message(
        title="Titrate",
        body=TEXTS[delivery.kind],
        url=reverse("journal:today"),
        snooze_url=snooze,
        tag=f"titrate-{delivery.kind}",
    )


def _send(delivery: Delivery) -> None:
    message = message_for(delivery)
    if delivery.channel == Delivery.Channel.PUSH:
        channels.by_push(delivery.user, message)
    elif delivery.channel == Delivery.Channel.EMAIL:
        channels.by_email(delivery.user, message)
    else:
        channels.by_apprise(settings_for(delivery.user).apprise_url, message)


def delivery_send(delivery_id: int, now: dt.datetime | None = None) -> str:
    """Send one delivery, once: the worker that moves it to "sending" sends
    it; a failure is tried again after a wait, and recorded. Returns the
    delivery's status afterwards."""
    now = timezone.now() if now is None else now
    claimed = Delivery.objects.filter(
        pk=delivery_id, status__in=[Status.PENDING, Status.RETRYING]
    ).update(status=Status.SENDING, attempts=F("attempts") + 1)
    if not claimed:
        return ""
    delivery = Delivery.objects.select_related("user__profile").get(pk=delivery_id)
    if (
        not delivery.user.is_active
        or not _still_needed(delivery)
        or _snooze_in_quiet_hours(delivery)
    ):
        delivery.status = Status.SKIPPED
        delivery.save(update_fields=["status"])
        return delivery.status
    try:
        _send(delivery)
    except channels.SendFailed as error:
        delivery.error = str(error)[:300]
    except Exception as error:  # a library's surprise must not lose the row
        logger.exception("Reminder %s could not be sent", delivery_id)
        delivery.error = f"Unexpected error: {type(error).__name__}"
    else:
        delivery.status, delivery.sent_at, delivery.error = Status.SENT, now, ""
        delivery.save(update_fields=["status", "sent_at", "error"])
        return delivery.status
    with transaction.atomic():
        if delivery.attempts <= len(BACKOFF):
            delivery.status = Status.RETRYING
            _enqueue(delivery, run_after=now + BACKOFF[delivery.attempts - 1])
        else:
            delivery.status = Status.FAILED
        delivery.save(update_fields=["status", "error"])
    return delivery.status


def _snooze_in_quiet_hours(delivery: Delivery) -> bool:
    if not delivery.slot.startswith("snooze-"):
        return False  # the finder has already left quiet hours out
    reminders = settings_for(delivery.user)
    local = delivery.due_at.astimezone(delivery.user.profile.tzinfo).time()
    return schedule.in_quiet_hours(local, reminders.quiet_start, reminders.quiet_end)


class SnoozeRefused(ValueError):
    pass


def delivery_for_snooze(user: User, token: str) -> Delivery:
    try:
        delivery_id = signing.loads(token, salt=SNOOZE_SALT, max_age=SNOOZE_MAX_AGE)
    except signing.BadSignature:
        raise SnoozeRefused("This snooze link is not valid any more.") from None
    delivery = Delivery.objects.filter(pk=delivery_id, user=user).first()
    if delivery is None:
        raise SnoozeRefused("This snooze link is not valid any more.")
    return delivery


def snooze(*, delivery: Delivery, now: dt.datetime | None = None) -> Delivery:
    """The same reminder through the same channel an hour from now; once."""
    now = timezone.now() if now is None else now
    with transaction.atomic():
        locked = Delivery.objects.select_for_update().get(pk=delivery.pk)
        if locked.snoozed:
            raise SnoozeRefused("This reminder is already snoozed.")
        locked.snoozed = True
        locked.save(update_fields=["snoozed"])
        later = Delivery.objects.create(
            user=locked.user,
            kind=locked.kind,
            channel=locked.channel,
            day=locked.day,
            slot=f"snooze-{locked.pk}",
            due_at=now + SNOOZE,
        )
        _enqueue(later, run_after=later.due_at)
    return later


def send_test(*, user: User, channel: str, now: dt.datetime | None = None) -> Delivery:
    """A test through one channel, sent at once (not by the worker), so the
    settings page can say at once whether it arrived."""
    now = timezone.now() if now is None else now
    delivery = Delivery.objects.create(
        user=user,
        kind=Kind.TEST,
        channel=channel,
        day=user.profile.local_day(now),
        slot=f"test-{now:%H%M%S%f}",
        due_at=now,
    )
    try:
        _send(delivery)
    except channels.SendFailed as error:
        delivery.status, delivery.error = Status.FAILED, str(error)[:300]
    else:
        delivery.status, delivery.sent_at = Status.SENT, now
    delivery.attempts = 1
    delivery.save(update_fields=["status", "error", "sent_at", "attempts"])
    return delivery
