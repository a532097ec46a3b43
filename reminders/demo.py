"""Demo reminders: an evening check-in and planned mornings, by email (on a
development instance the email is printed by the worker), and the last few
evenings' reminders as sent."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from accounts.models import Profile, User
from reminders import schedule
from reminders.models import Delivery, PushDevice
from reminders.services import settings_update

EVENING = dt.time(21, 0)


def seed_reminders(*, user: User, profile: Profile) -> None:
    PushDevice.objects.filter(user=user).delete()  # a device is a real browser's
    Delivery.objects.filter(user=user).delete()
    settings_update(
        user=user,
        checkin_times=[EVENING.strftime("%H:%M")],
        dose_day=True,
        questionnaire=True,
        morning_time=dt.time(8, 0),
        quiet_start=dt.time(23, 0),
        quiet_end=dt.time(7, 0),
        by_push=False,
        by_email=True,
        apprise_url="",
    )
    today = profile.local_day()
    sent = []
    for back in (3, 2, 1):
        day = today - dt.timedelta(days=back)
        at = schedule.moment(day, EVENING, profile.tzinfo, profile.day_start_hour)
        if at > timezone.now():
            continue
        sent.append(
            Delivery(
                user=user,
                kind=Delivery.Kind.CHECKIN,
                channel=Delivery.Channel.EMAIL,
                day=day,
                slot=EVENING.strftime("%H:%M"),
                due_at=at,
                status=Delivery.Status.SENT,
                sent_at=at,
                attempts=1,
            )
        )
    Delivery.objects.bulk_create(sent)
