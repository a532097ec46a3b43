"""Demo reminders: an evening check-in and planned mornings, by email (on a
development instance the email is printed by the worker)."""

from __future__ import annotations

import datetime as dt

from accounts.models import User
from reminders.models import PushDevice
from reminders.services import settings_update


def seed_reminders(*, user: User) -> None:
    PushDevice.objects.filter(user=user).delete()  # a device is a real browser's
    settings_update(
        user=user,
        checkin_times=["21:00"],
        dose_day=True,
        questionnaire=True,
        morning_time=dt.time(8, 0),
        quiet_start=dt.time(23, 0),
        quiet_end=dt.time(7, 0),
        by_push=False,
        by_email=True,
        apprise_url="",
    )
