"""The reminders page: saving, refusing bad input next to the field, devices,
a test send and snoozing."""

from __future__ import annotations

import pytest

from reminders import services
from reminders.forms import ReminderSettingsForm
from reminders.models import Delivery, PushDevice, ReminderSettings
from tests.factories import make_delivery, make_push_device, snooze_token
from tests.markup import start_tags

pytestmark = pytest.mark.django_db

URL = "/settings/reminders/"
FIREFOX_ANDROID = "Mozilla/5.0 (Android 14; Mobile; rv:128.0) Gecko/128.0 Firefox/128.0"

VALID = {
    "checkin_times": "21:00, 8:30",
    "dose_day": "on",
    "morning_time": "07:45",
    "quiet_start": "23:00",
    "quiet_end": "06:30",
    "by_push": "on",
    "apprise_url": "",
}


def test_the_page_says_what_each_channel_needs(owner_client):
    html = owner_client.get(URL).content.decode()
    assert "Get notifications on this device" in html
    assert 'id="vapid-key"' in html
    assert "None sent yet." in html
    assert "Notifier: save an Apprise URL above first." in html
    assert not ReminderSettings.objects.exists()  # reading writes nothing
    # Morning reminders at the default time until the person changes it.
    assert 'name="morning_time" value="08:00"' in html


def test_a_new_person_saves_the_page_as_it_shows_the_defaults(owner_client, owner):
    html = owner_client.get(URL).content.decode()
    # What a browser sends from the page left as it is: each field's value,
    # checkboxes only when ticked, nothing from a disabled field.
    names = set(ReminderSettingsForm.Meta.fields)
    sent = {}
    for tag, attrs in start_tags(html):
        field = dict(attrs)
        if tag != "input" or field.get("name") not in names or "disabled" in field:
            continue
        if field.get("type") == "checkbox":
            if "checked" in field:
                sent[field["name"]] = "on"
        else:
            sent[field["name"]] = field.get("value") or ""
    assert sent["checkin_times"] == ""
    response = owner_client.post(URL, sent)
    assert response.status_code == 302
    saved = ReminderSettings.objects.get(user=owner)
    assert saved.checkin_times == [] and str(saved.morning_time) == "08:00:00"


def test_saving_reminders(owner_client, owner):
    response = owner_client.post(URL, VALID)
    assert response.status_code == 302
    saved = ReminderSettings.objects.get(user=owner)
    assert saved.checkin_times == ["08:30", "21:00"]
    assert saved.dose_day and saved.by_push and not saved.by_email
    assert str(saved.quiet_start) == "23:00:00"
    assert 'value="08:30, 21:00"' in owner_client.get(URL).content.decode()


@pytest.mark.parametrize(
    ("change", "field", "message"),
    [
        ({"checkin_times": "8.30pm"}, "checkin_times", "is not a time"),
        ({"checkin_times": "08:00, 08:00"}, "checkin_times", "listed twice"),
        ({"checkin_times": "1,2,3,4,5"}, "checkin_times", "At most 4"),
        ({"quiet_end": ""}, "quiet_end", "both ends"),
        ({"apprise_url": "file:///etc/passwd"}, "apprise_url", "not allowed"),
        ({"apprise_url": "just words"}, "apprise_url", "not a notifier URL"),
        ({"morning_time": "26:00"}, "morning_time", "Enter a valid time"),
    ],
)
def test_bad_input_is_refused_next_to_its_field(
    owner_client, owner, change, field, message
):
    response = owner_client.post(URL, {**VALID, **change})
    assert response.status_code == 422
    html = response.content.decode()
    assert f'id="id_{field}_error"' in html
    assert message in html
    assert (
        not ReminderSettings.objects.filter(user=owner)
        .exclude(checkin_times=[])
        .exists()
    )


def test_email_needs_an_address(owner_client, owner):
    owner.email = ""
    owner.save()
    response = owner_client.post(URL, {**VALID, "by_email": "on"})
    assert response.status_code == 422
    assert "no email address" in response.content.decode()


def test_a_browser_subscribes_once_and_again_updates_its_keys(
    owner_client, owner, other_client
):
    data = {"endpoint": "https://push.example.test/abc", "p256dh": "k1", "auth": "a1"}
    response = owner_client.post(
        f"{URL}devices/",
        data,
        HTTP_USER_AGENT=FIREFOX_ANDROID,
    )
    assert response.status_code == 201
    assert response.json()["name"] == "Firefox Mobile on Android"
    owner_client.post(f"{URL}devices/", {**data, "p256dh": "k2"})
    [device] = PushDevice.objects.filter(user=owner)
    assert device.p256dh == "k2"
    # Another account cannot take this browser's subscription over.
    assert other_client.post(f"{URL}devices/", data).status_code == 409
    assert PushDevice.objects.get().user == owner


def test_a_subscription_that_is_not_a_push_service_is_refused(owner_client, owner):
    for endpoint in ("http://127.0.0.1:5432/", "not a url"):
        data = {"endpoint": endpoint, "p256dh": "k", "auth": "a"}
        response = owner_client.post(f"{URL}devices/", data)
        assert response.status_code == 422
        assert response.json()["error"]
    assert not PushDevice.objects.exists()


def test_removing_a_device(owner_client, owner, other_client):
    device = make_push_device(owner)
    assert other_client.post(f"{URL}devices/{device.pk}/remove/").status_code == 404
    assert owner_client.post(f"{URL}devices/{device.pk}/remove/").status_code == 302
    assert not PushDevice.objects.exists()


def test_a_test_send_says_at_once_whether_it_arrived(owner_client, owner, mailoutbox):
    response = owner_client.post(f"{URL}test/", {"channel": "email"}, follow=True)
    assert "Test sent by Email" in response.content.decode()
    assert len(mailoutbox) == 1
    response = owner_client.post(f"{URL}test/", {"channel": "push"}, follow=True)
    assert "No device is subscribed" in response.content.decode()
    assert owner_client.post(f"{URL}test/", {"channel": "pigeon"}).status_code == 400
    assert Delivery.objects.filter(user=owner, kind="test").count() == 2


def test_snoozing_from_an_email_link_asks_first_then_comes_back_in_an_hour(
    owner_client, owner
):
    sent = make_delivery(owner)
    url = f"{URL}snooze/{snooze_token(sent)}/"
    assert "Remind me in an hour" in owner_client.get(url).content.decode()
    assert Delivery.objects.count() == 1  # a GET changes nothing
    response = owner_client.post(url, follow=True)
    assert "again in an hour" in response.content.decode()
    later = Delivery.objects.exclude(pk=sent.pk).get()
    assert later.slot == f"snooze-{sent.pk}" and later.channel == sent.channel
    assert (later.due_at - sent.due_at).total_seconds() >= 3600
    # A second snooze of the same reminder is refused, nothing added.
    owner_client.post(url, HTTP_ACCEPT="application/json")
    assert Delivery.objects.count() == 2


def test_the_service_worker_snoozes_without_a_csrf_token(owner, client):
    from django.test import Client

    worker = Client(enforce_csrf_checks=True)
    worker.force_login(owner)
    sent = make_delivery(owner)
    response = worker.post(
        f"{URL}snooze/{snooze_token(sent)}/", HTTP_ACCEPT="application/json"
    )
    assert response.json() == {"snoozed": True}


def test_a_forged_or_foreign_snooze_link_is_not_found(
    owner_client, other_client, owner
):
    sent = make_delivery(owner)
    assert owner_client.post(f"{URL}snooze/forged/").status_code == 404
    assert other_client.post(f"{URL}snooze/{snooze_token(sent)}/").status_code == 404
    assert Delivery.objects.count() == 1
    assert services.SNOOZE.total_seconds() == 3600
