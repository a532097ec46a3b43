"""Reminders: what a person wants to be reminded of, where, and every delivery."""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import ValidationError
from django.db import models

from accounts.models import User

# At most this many check-in reminders a day.
MAX_CHECKIN_TIMES = 4


def validate_times(value: list[str]) -> None:
    if not isinstance(value, list) or len(value) > MAX_CHECKIN_TIMES:
        raise ValidationError(f"At most {MAX_CHECKIN_TIMES} times a day.")
    for item in value:
        try:
            dt.time.fromisoformat(item)
        except (TypeError, ValueError):
            raise ValidationError(
                "%(value)s is not a time.", params={"value": item}
            ) from None


def default_morning_time() -> dt.time:
    """A new person's morning reminders: at 08:00. A function rather than
    the time itself: Django warns of a field whose default is a fixed time
    (fields.W161) when its checks run within ten seconds of that time, so
    `check --deploy` failed when run at 08:00. Migration 0003 names it."""
    return dt.time(8, 0)


class ReminderSettings(models.Model):
    """One person's reminders. The texts never name a substance or an entry."""

    user = models.OneToOneField(
        User, on_delete=models.CASCADE, related_name="reminder_settings"
    )
    checkin_times = models.JSONField(
        default=list, blank=True, validators=[validate_times]
    )
    dose_day = models.BooleanField(default=False)
    questionnaire = models.BooleanField(default=False)
    morning_time = models.TimeField(default=default_morning_time)
    quiet_start = models.TimeField(null=True, blank=True)
    quiet_end = models.TimeField(null=True, blank=True)
    by_push = models.BooleanField(default=True)
    by_email = models.BooleanField(default=False)
    # An Apprise URL holds the notifier's token: a secret, never exported.
    apprise_url = models.CharField(max_length=500, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name_plural = "reminder settings"

    def __str__(self) -> str:
        return f"Reminders of user {self.user_id}"

    @property
    def times(self) -> list[dt.time]:
        return sorted(dt.time.fromisoformat(t) for t in self.checkin_times)


class PushDevice(models.Model):
    """A browser's Web Push subscription: its endpoint and keys are secrets
    of that browser, shown to no one and never exported."""

    user = models.ForeignKey(
        User, on_delete=models.CASCADE, related_name="push_devices"
    )
    endpoint = models.URLField(max_length=1000, unique=True)
    p256dh = models.CharField(max_length=200)
    auth = models.CharField(max_length=100)
    name = models.CharField(max_length=100)  # "Firefox on Android"
    created_at = models.DateTimeField(auto_now_add=True)
    last_sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return f"{self.name} of user {self.user_id}"

    @property
    def subscription_info(self) -> dict:
        return {
            "endpoint": self.endpoint,
            "keys": {"p256dh": self.p256dh, "auth": self.auth},
        }


class Delivery(models.Model):
    """One reminder through one channel. The row is written before anything is
    sent, and its uniqueness is what makes two workers send it once."""

    class Kind(models.TextChoices):
        CHECKIN = "checkin", "Check-in"
        DOSE_DAY = "dose_day", "Planned day"
        ENVELOPE = "envelope", "Experiment envelope"
        CAPSULE = "capsule", "Experiment capsule"
        OPEN_DOSE = "open_dose", "Experiment dose (an on week)"
        QUESTIONNAIRE = "questionnaire", "Questionnaire"
        TEST = "test", "Test"

    class Channel(models.TextChoices):
        PUSH = "push", "Web Push"
        EMAIL = "email", "Email"
        APPRISE = "apprise", "Notifier"

    class Status(models.TextChoices):
        PENDING = "pending", "Waiting to be sent"
        SENDING = "sending", "Being sent"
        RETRYING = "retrying", "Failed, trying again"
        SENT = "sent", "Sent"
        FAILED = "failed", "Failed"
        SKIPPED = "skipped", "Not needed any more"

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="deliveries")
    kind = models.CharField(max_length=20, choices=Kind.choices)
    channel = models.CharField(max_length=10, choices=Channel.choices)
    day = models.DateField()  # the journal day it reminds of
    slot = models.CharField(max_length=40)  # "08:30", "snooze-1", a test's stamp
    due_at = models.DateTimeField()
    status = models.CharField(
        max_length=10, choices=Status.choices, default=Status.PENDING
    )
    attempts = models.PositiveSmallIntegerField(default=0)
    error = models.CharField(max_length=300, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    snoozed = models.BooleanField(default=False)

    class Meta:
        ordering = ["-due_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["user", "kind", "day", "slot", "channel"],
                name="delivery_once_per_reminder_and_channel",
            ),
        ]
        indexes = [models.Index(fields=["user", "-due_at"])]
        verbose_name_plural = "deliveries"

    def __str__(self) -> str:
        return f"{self.kind} {self.day} {self.slot} by {self.channel}"


class VapidKey(models.Model):
    """The instance's Web Push key pair, made once (unless VAPID_PRIVATE_KEY
    is set). In the database so every app server and worker share it."""

    private_key = models.CharField(max_length=100)  # raw, base64url
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return "Web Push key"
