"""Every page is built from the data as it is now: a write shows at once, and
no two responses share a form token."""

from __future__ import annotations

import datetime as dt
import json
import re
from unittest import mock

import pytest
from django.core.management import call_command
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from journal import services
from journal.models import Entry
from portability.export import export_document
from tests.conftest import PASSWORD

pytestmark = pytest.mark.django_db

PAGES = [
    "/",
    "/journal/",
    "/journal/?q=walk",
    "/journal/month/",
    "/protocol/calendar/",
    "/insights/?range=all",
]


def queries_of(client: Client, path: str) -> int:
    with CaptureQueriesContext(connection) as captured:
        assert client.get(path).status_code == 200
    return len(captured)


def tokens(html: str, name: str) -> list[str]:
    return re.findall(rf'name="{name}" value="([^"]+)"', html)


def write_entry(user, note: str, day: dt.date | None = None) -> Entry:
    """An entry written the way a request writes it, but outside one."""
    profile = user.profile
    moment = timezone.now()
    if day is not None:
        moment = dt.datetime.combine(day, dt.time(12), tzinfo=profile.tzinfo)
    entry, _ = services.entry_create(
        user=user, profile=profile, occurred_at=moment, note=note,
        ratings={}, tags=[],
    )  # fmt: skip
    return entry


@pytest.mark.parametrize("path", ["/", "/journal/", "/journal/?q=walk"])
def test_a_check_in_shows_at_once(owner_client, path):
    assert "walk after the cache" not in owner_client.get(path).text
    response = owner_client.post(
        "/entries/new/", {"note": "walk after the cache was filled"}
    )
    assert response.status_code == 302
    assert "walk after the cache was filled" in owner_client.get(path).text


def test_a_rating_shows_at_once_in_insights(owner_client, metrics):
    path = "/insights/?range=all"
    assert "0 days with a mood rating" in owner_client.get(path).text
    owner_client.post("/entries/new/", {f"rating_{metrics['mood'].pk}": "6"})
    assert "1 day with a mood rating" in owner_client.get(path).text


def test_a_rating_shows_at_once_in_the_month_view(owner_client, metrics):
    assert "1 entry" not in owner_client.get("/journal/month/").text
    owner_client.post("/entries/new/", {f"rating_{metrics['mood'].pk}": "6"})
    html = owner_client.get("/journal/month/").text
    assert "1 entry" in html and '<span class="cal-value">6</span>' in html


@pytest.fixture
def afternoon(owner):
    """Two in the afternoon in the owner's zone, so 08:30 today is past."""
    zone = owner.profile.tzinfo
    now = dt.datetime.combine(timezone.now().astimezone(zone).date(), dt.time(14), zone)
    with mock.patch("django.utils.timezone.now", return_value=now):
        yield now


def test_a_dose_shows_at_once_on_today_and_the_dosing_calendar(
    owner_client, owner, afternoon
):
    psilocybin = owner.substances.get(name="Psilocybin")
    assert "Taken, not planned ·" not in owner_client.get("/protocol/calendar/").text
    assert "Took Psilocybin" not in owner_client.get("/").text
    today = owner.profile.local_day()
    response = owner_client.post(
        "/protocol/doses/new/",
        {"substance": psilocybin.pk, "amount": "100", "date": today, "time": "08:30"},
    )
    assert response.status_code == 302
    assert "Took Psilocybin 100" in owner_client.get("/").text
    assert "Taken, not planned · 100" in owner_client.get("/protocol/calendar/").text


def test_an_edit_and_a_delete_show_at_once(owner_client, owner):
    entry = write_entry(owner, "first words")
    assert "first words" in owner_client.get("/journal/").text
    owner_client.post(f"/entries/{entry.pk}/edit/", {"note": "second words"})
    html = owner_client.get("/journal/").text
    assert "second words" in html and "first words" not in html
    owner_client.post(f"/entries/{entry.pk}/delete/")
    assert "second words" not in owner_client.get("/journal/").text
    assert "second words" not in owner_client.get("/").text


def test_the_htmx_answer_to_a_check_in_holds_the_new_entry(owner_client):
    owner_client.get("/")
    response = owner_client.post(
        "/entries/new/",
        {"note": "straight into the list"},
        headers={"HX-Request": "true"},
    )
    assert response.status_code == 200
    assert "straight into the list" in response.text


def test_every_response_carries_its_own_check_in_token(owner_client, owner):
    first = tokens(owner_client.get("/").text, "token")
    second = tokens(owner_client.get("/").text, "token")
    assert len(first) == len(second) == 1
    assert first != second
    for token in first + second:
        owner_client.post("/entries/new/", {"token": token, "note": "from a tab"})
    assert Entry.objects.filter(user=owner).count() == 2


def test_a_second_device_gets_a_csrf_token_that_works(owner):
    laptop = Client(enforce_csrf_checks=True)
    phone = Client(enforce_csrf_checks=True)
    for client in (laptop, phone):
        client.login(username=owner.username, password=PASSWORD)
    laptop.get("/")
    html = phone.get("/").text
    [csrf] = tokens(html, "csrfmiddlewaretoken")[:1]
    [token] = tokens(html, "token")
    response = phone.post(
        "/entries/new/", {"csrfmiddlewaretoken": csrf, "token": token, "note": "phone"}
    )
    assert response.status_code == 302
    assert Entry.objects.filter(user=owner, note="phone").exists()


def test_pages_are_never_shared_between_users(owner_client, other_client, owner):
    write_entry(owner, "owner's secret words")
    for path in PAGES:
        owner_client.get(path)
        assert "owner&#x27;s secret words" not in other_client.get(path).text
        assert "secret words" not in other_client.get(path).text


def test_a_new_day_gets_a_new_page(owner_client, owner):
    yesterday = owner.profile.local_day() - dt.timedelta(days=1)
    write_entry(owner, "written yesterday", day=yesterday)
    with mock.patch(
        "django.utils.timezone.now",
        return_value=timezone.now() - dt.timedelta(days=1),
    ):
        assert "written yesterday" in owner_client.get("/").text
    assert "written yesterday" not in owner_client.get("/").text


def test_a_changed_time_zone_gets_a_new_page(owner_client, owner):
    owner_client.get("/journal/")
    owner.profile.timezone = "Pacific/Auckland"
    owner.profile.save()  # as if changed on another device's request
    entry = write_entry(owner, "when?")
    html = owner_client.get("/journal/").text
    local = timezone.localtime(entry.occurred_at, owner.profile.tzinfo)
    assert f'datetime="{local.isoformat()}"' in html


def test_an_import_by_command_shows_at_once(owner_client, owner, other_user, tmp_path):
    write_entry(other_user, "imported by the command")
    path = tmp_path / "backup.json"
    path.write_text(json.dumps(export_document(other_user)))
    assert "imported by the command" not in owner_client.get("/journal/").text
    call_command("import_data", str(path), "--user", owner.username, verbosity=0)
    assert "imported by the command" in owner_client.get("/journal/").text
