from __future__ import annotations

import pytest

from accounts.models import Profile
from tests.markup import start_tags


@pytest.mark.django_db
def test_it_shows_the_current_profile(owner_client):
    response = owner_client.get("/settings/")
    assert response.status_code == 200
    html = response.content.decode()
    assert '<option value="Europe/Berlin" selected>' in html
    assert '<option value="4" selected>' in html
    assert 'href="/accounts/2fa/"' in html


@pytest.mark.django_db
def test_it_saves_time_zone_and_day_start(owner_client, owner):
    response = owner_client.post(
        "/settings/",
        {"timezone": "Asia/Tokyo", "day_start_hour": "6", "week_start": "0"},
    )
    assert response.status_code == 302
    profile = Profile.objects.get(user=owner)
    assert (profile.timezone, profile.day_start_hour) == ("Asia/Tokyo", 6)


@pytest.mark.django_db
@pytest.mark.parametrize(
    "data",
    [
        {"timezone": "Nowhere/Special", "day_start_hour": "4"},
        {"timezone": "Asia/Tokyo", "day_start_hour": "24"},
        {"timezone": "Asia/Tokyo", "day_start_hour": "-1"},
        {"timezone": "Asia/Tokyo", "day_start_hour": "early"},
        {},
    ],
)
def test_bad_values_are_refused_next_to_the_field_and_nothing_saved(
    owner_client, owner, data
):
    response = owner_client.post("/settings/", data)
    assert response.status_code == 422
    assert b'class="errors"' in response.content
    profile = Profile.objects.get(user=owner)
    assert (profile.timezone, profile.day_start_hour) == ("Europe/Berlin", 4)


@pytest.mark.django_db
def test_it_changes_only_the_signed_in_users_profile(owner_client, owner, other_user):
    owner_client.post(
        "/settings/",
        {"timezone": "Asia/Tokyo", "day_start_hour": "6", "week_start": "0"},
    )
    other = Profile.objects.get(user=other_user)
    assert (other.timezone, other.day_start_hour) == ("Europe/Berlin", 4)


@pytest.mark.django_db
def test_the_admin_link_shows_only_for_staff(owner_client, owner):
    assert b"/admin/" not in owner_client.get("/settings/").content
    owner.is_staff = True
    owner.save()
    assert b"/admin/" in owner_client.get("/settings/").content


def test_day_start_hour_moves_early_hours_to_the_previous_day():
    import datetime as dt

    profile = Profile(timezone="Europe/Berlin", day_start_hour=4)
    utc = dt.UTC
    # 01:30 in Berlin (winter, UTC+1) on 10 January counts for 9 January.
    assert profile.local_day(dt.datetime(2026, 1, 10, 0, 30, tzinfo=utc)) == dt.date(
        2026, 1, 9
    )
    assert profile.local_day(dt.datetime(2026, 1, 10, 3, 0, tzinfo=utc)) == dt.date(
        2026, 1, 10
    )


@pytest.mark.django_db
def test_the_week_can_start_on_sunday(owner_client, owner):
    owner_client.post(
        "/settings/",
        {"timezone": "Europe/Berlin", "day_start_hour": "4", "week_start": "6"},
    )
    assert Profile.objects.get(user=owner).week_start == 6
    html = owner_client.get("/journal/month/2026/3/").content.decode()
    assert html.index('abbr="Sunday"') < html.index('abbr="Monday"')
    html = owner_client.get("/protocol/calendar/2026/3/").content.decode()
    assert html.index('abbr="Sunday"') < html.index('abbr="Monday"')


@pytest.mark.django_db
def test_allauths_account_pages_wear_the_apps_cards_and_buttons(owner_client):
    two_factor = start_tags(owner_client.get("/accounts/2fa/").content.decode())
    # Each method a card; a link that acts (activate) looks like a button.
    cards = [dict(attrs).get("class") for tag, attrs in two_factor if tag == "section"]
    assert cards and set(cards) == {"card"}
    links = [dict(attrs) for tag, attrs in two_factor if tag == "a"]
    activate = [link for link in links if "activate" in link["href"]]
    assert activate == [{"href": "/accounts/2fa/totp/activate/", "class": "button"}]
    email = start_tags(owner_client.get("/accounts/email/").content.decode())
    buttons = {
        dict(attrs)["name"]: dict(attrs).get("class")
        for tag, attrs in email
        if tag == "button"
    }
    # Removing an address looks as the app's other deletions do.
    assert buttons == {
        "action_primary": None,
        "action_send": "quiet",
        "action_remove": "danger",
        "action_add": None,
    }
    assert ("div", [("class", "actions")]) in email
