"""Reminders in the export and import, never with a secret; gone with the account."""

from __future__ import annotations

import datetime as dt
import json

import pytest

from portability.export import export_document, export_zip
from portability.importer import ImportProblem, import_document
from reminders import services
from reminders.models import ReminderSettings
from tests.factories import make_push_device

pytestmark = pytest.mark.django_db


def test_the_export_holds_reminder_settings_and_device_names_but_no_secret(owner):
    services.settings_update(
        user=owner, checkin_times=["08:30"], quiet_start=dt.time(22),
        quiet_end=dt.time(7), apprise_url="ntfys://ntfy.example.test/s3cret-topic",
    )  # fmt: skip
    device = make_push_device(owner)
    document = export_document(owner)
    assert document["reminders"]["checkin_times"] == ["08:30"]
    assert document["reminders"]["quiet_start"] == "22:00"
    assert document["reminders"]["notifier_set"] is True
    assert document["reminder_devices"] == [
        {"name": device.name, "since": device.created_at.isoformat()}
    ]
    text = json.dumps(document) + export_zip(owner).decode("latin-1")
    for secret in ("s3cret-topic", device.endpoint, device.p256dh, device.auth):
        assert secret not in text


def test_an_import_restores_the_reminder_settings_once(owner, other_user):
    services.settings_update(user=owner, checkin_times=["21:00"], dose_day=True)
    document = json.loads(json.dumps(export_document(owner)))
    report = import_document(other_user, document)
    assert report.added["reminder settings"] == 1
    restored = ReminderSettings.objects.get(user=other_user)
    assert restored.checkin_times == ["21:00"] and restored.dose_day
    assert restored.apprise_url == ""
    assert "reminder settings" not in import_document(other_user, document).added


def test_an_import_with_a_bad_reminder_time_is_refused_whole(other_user):
    document = {"reminders": {"checkin_times": ["25:00"], "morning_time": "08:00",
                              "dose_day": False, "questionnaire": False,
                              "by_push": True, "by_email": False}}  # fmt: skip
    with pytest.raises(ImportProblem, match="reminders"):
        import_document(other_user, document)
    assert not ReminderSettings.objects.filter(user=other_user).exists()
