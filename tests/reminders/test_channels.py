"""Each channel with a real counterpart: an SMTP server receives the email,
a local endpoint receives ntfy's post through Apprise, and a push service
stand-in decrypts the Web Push message with the subscription's keys."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone
from py_vapid import Vapid

from reminders import services, vapid
from reminders.models import Delivery, PushDevice, VapidKey
from tests.factories import make_entry

pytestmark = pytest.mark.django_db

Status = Delivery.Status


def delivery(user, channel, kind="checkin", slot="08:30"):
    now = timezone.now()
    return Delivery.objects.create(
        user=user, kind=kind, channel=channel, day=user.profile.local_day(now),
        slot=slot, due_at=now,
    )  # fmt: skip


def test_an_email_reminder_reaches_the_smtp_server(owner, smtp_server, settings):
    settings.SITE_URL = "https://journal.example.test"
    services.settings_update(user=owner, by_email=True, checkin_times=["08:30"])
    sent = delivery(owner, Delivery.Channel.EMAIL)
    assert services.delivery_send(sent.pk) == Status.SENT
    [message] = smtp_server.messages
    assert message["To"] == owner.email
    assert message["Subject"] == "[Titrate] Time for your check-in"
    body = message.get_payload()
    assert "Time for your check-in" in body
    assert "Open Titrate: https://journal.example.test/" in body
    assert (
        "Remind me in an hour: https://journal.example.test/settings/reminders/snooze/"
        in body
    )
    sent.refresh_from_db()
    assert sent.sent_at is not None and sent.attempts == 1


def test_a_reminder_never_names_a_substance_or_a_note(owner, smtp_server):
    make_entry(
        owner,
        note="LSD 10 µg, felt it",
        day=timezone.now().date() - dt.timedelta(days=3),
    )
    services.settings_update(user=owner, by_email=True)
    for kind in ("checkin", "dose_day", "envelope"):
        services.delivery_send(delivery(owner, "email", kind=kind).pk)
    text = " ".join(m.get_payload() for m in smtp_server.messages)
    assert "LSD" not in text and "felt it" not in text and "µg" not in text


def test_a_refused_email_is_retried_then_recorded(owner, settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", 9  # nothing listens
    settings.EMAIL_USE_TLS = False
    failing = delivery(owner, Delivery.Channel.EMAIL)
    now = timezone.now()
    assert services.delivery_send(failing.pk, now=now) == Status.RETRYING
    failing.refresh_from_db()
    assert "refused" in failing.error and failing.attempts == 1
    from django_tasks_db.models import DBTaskResult

    retry = DBTaskResult.objects.get(args_kwargs__args=[failing.pk])
    assert retry.run_after == now + services.BACKOFF[0]
    for _ in services.BACKOFF:
        services.delivery_send(failing.pk, now=now)
    failing.refresh_from_db()
    assert failing.status == Status.FAILED
    assert failing.attempts == len(services.BACKOFF) + 1


def test_a_channels_unexpected_error_keeps_the_delivery_and_tries_again(
    owner, monkeypatch, caplog
):
    # A library's surprise (not a refusal the channel knows) must not lose
    # the row nor stop the worker: it is recorded, logged and tried again.
    from reminders import channels

    def surprise(user, message):
        raise RuntimeError("the library changed under us")

    monkeypatch.setattr(channels, "by_email", surprise)
    failing = delivery(owner, Delivery.Channel.EMAIL)
    assert services.delivery_send(failing.pk) == Status.RETRYING
    failing.refresh_from_db()
    assert failing.error == "Unexpected error: RuntimeError"
    assert failing.attempts == 1 and failing.sent_at is None
    assert f"Reminder {failing.pk} could not be sent" in caplog.text


def test_a_delivery_is_sent_once_however_often_its_task_runs(owner, smtp_server):
    services.settings_update(user=owner, by_email=True)
    sent = delivery(owner, Delivery.Channel.EMAIL)
    services.delivery_send(sent.pk)
    assert services.delivery_send(sent.pk) == ""
    assert len(smtp_server.messages) == 1


def test_a_check_in_made_before_sending_skips_the_reminder(owner, smtp_server):
    waiting = delivery(owner, Delivery.Channel.EMAIL)
    make_entry(owner, day=waiting.day)
    assert services.delivery_send(waiting.pk) == Status.SKIPPED
    assert smtp_server.messages == []


def test_an_ntfy_notification_reaches_the_notifier_through_apprise(
    owner, http_endpoint
):
    host = http_endpoint.url.removeprefix("http://")
    services.settings_update(user=owner, apprise_url=f"ntfy://{host}/titrate-test")
    sent = delivery(owner, Delivery.Channel.APPRISE)
    assert services.delivery_send(sent.pk) == Status.SENT
    [post] = http_endpoint.received
    assert post.path == "/"
    import json

    payload = json.loads(post.body)
    assert payload["topic"] == "titrate-test"
    assert payload["message"].startswith("Time for your check-in")
    assert payload["title"] == "Titrate"


def test_a_notifier_that_answers_an_error_is_retried(owner, http_endpoint):
    host = http_endpoint.url.removeprefix("http://")
    http_endpoint.status.append(500)
    services.settings_update(user=owner, apprise_url=f"ntfy://{host}/t")
    failing = delivery(owner, Delivery.Channel.APPRISE)
    assert services.delivery_send(failing.pk) == Status.RETRYING
    failing.refresh_from_db()
    assert failing.error == "The notifier did not accept the message."


def test_a_web_push_message_decrypts_with_the_subscriptions_keys(
    owner, http_endpoint, browser_keys, settings
):
    settings.SITE_URL = ""
    PushDevice.objects.create(
        user=owner, endpoint=f"{http_endpoint.url}/push/abc",
        p256dh=browser_keys.p256dh, auth=conftest_b64(browser_keys.auth),
        name="Chrome on Android",
    )  # fmt: skip
    sent = delivery(owner, Delivery.Channel.PUSH)
    assert services.delivery_send(sent.pk) == Status.SENT
    [post] = http_endpoint.received
    assert post.path == "/push/abc"
    assert post.headers["content-encoding"] == "aes128gcm"
    assert int(post.headers["ttl"]) > 0
    payload = browser_keys.decrypt(post.body)
    assert payload["body"] == "Time for your check-in"
    assert payload["url"] == "/"
    assert payload["snooze"].startswith("/settings/reminders/snooze/")
    # Signed with the instance's VAPID key, for this push service's origin.
    authorization = post.headers["authorization"]
    assert f"k={vapid.application_server_key()}" in authorization
    assert Vapid.verify(authorization)


def test_a_device_its_push_service_forgot_is_removed(
    owner, http_endpoint, browser_keys
):
    http_endpoint.status.append(410)
    PushDevice.objects.create(
        user=owner, endpoint=f"{http_endpoint.url}/push/gone",
        p256dh=browser_keys.p256dh, auth=conftest_b64(browser_keys.auth), name="Old",
    )  # fmt: skip
    failing = delivery(owner, Delivery.Channel.PUSH)
    assert services.delivery_send(failing.pk) == Status.RETRYING
    assert not PushDevice.objects.filter(user=owner).exists()
    failing.refresh_from_db()
    assert "no longer subscribed" in failing.error


def test_the_vapid_key_is_made_once_and_kept(db):
    first = vapid.application_server_key()
    assert vapid.application_server_key() == first
    assert VapidKey.objects.count() == 1


def test_a_configured_vapid_key_is_used_instead(db, settings):
    key = Vapid()
    key.generate_keys()
    raw = key.private_key.private_numbers().private_value.to_bytes(32, "big")
    settings.VAPID_PRIVATE_KEY = conftest_b64(raw)
    assert vapid.application_server_key() != ""
    assert VapidKey.objects.count() == 0


def conftest_b64(data: bytes) -> str:
    from tests.reminders.conftest import b64

    return b64(data)
