from __future__ import annotations

import datetime as dt
import re

import icalendar
import pytest

from protocols.models import CalendarFeed
from protocols.services import feed_for
from tests.factories import make_protocol
from tests.markup import input_value

pytestmark = pytest.mark.django_db


def fetch(client, token):
    return client.get(f"/protocol/feed/{token}.ics")


def events(response):
    calendar = icalendar.Calendar.from_ical(response.content)
    return [c for c in calendar.walk("VEVENT")]


def test_the_feed_lists_planned_days_as_neutral_all_day_events(anon_client, owner):
    make_protocol(owner, start_date=owner.profile.local_day())
    response = fetch(anon_client, feed_for(owner).token)
    assert response.status_code == 200
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    assert b"\r\n" in response.content
    found = events(response)
    assert len(found) > 100
    first = found[0]
    assert first["DTSTART"].dt == owner.profile.local_day()
    assert isinstance(first["DTSTART"].dt, dt.date) and not isinstance(
        first["DTSTART"].dt, dt.datetime
    )
    assert first["DTEND"].dt - first["DTSTART"].dt == dt.timedelta(days=1)
    summaries = {str(e["SUMMARY"]) for e in found}
    assert summaries == {"Planned day"}
    assert b"Psilocybin" not in response.content
    assert (
        "no-store" in response["Cache-Control"]
        or "no-cache" in response["Cache-Control"]
    )


def test_uids_are_stable_between_fetches(anon_client, owner):
    make_protocol(owner, start_date=owner.profile.local_day())
    token = feed_for(owner).token
    first = [str(e["UID"]) for e in events(fetch(anon_client, token))]
    second = [str(e["UID"]) for e in events(fetch(anon_client, token))]
    assert first == second and len(set(first)) == len(first)


def test_details_appear_only_when_the_user_opts_in(owner_client, owner):
    make_protocol(owner, start_date=owner.profile.local_day())
    owner_client.post("/protocol/feed/", {"action": "details_on"})
    found = events(fetch(owner_client, feed_for(owner).token))
    assert str(found[0]["SUMMARY"]) == "Psilocybin mushrooms (dried) 100 mg"


def test_a_wrong_token_is_not_found(anon_client, owner):
    feed_for(owner)
    assert fetch(anon_client, "not-the-token").status_code == 404


def test_regenerating_kills_the_old_address(owner_client, owner):
    old = feed_for(owner).token
    owner_client.post("/protocol/feed/", {"action": "regenerate"})
    new = CalendarFeed.objects.get(user=owner).token
    assert new != old
    assert fetch(owner_client, old).status_code == 404
    assert fetch(owner_client, new).status_code == 200


def test_unknown_feed_actions_are_refused(owner_client, owner):
    assert owner_client.post("/protocol/feed/", {"action": "share"}).status_code == 400


def test_each_user_gets_only_their_own_plan(anon_client, owner, other_user):
    make_protocol(other_user, start_date=other_user.profile.local_day())
    assert events(fetch(anon_client, feed_for(owner).token)) == []


def test_long_text_is_folded_and_escaped():
    from protocols import ical

    text = ical.calendar(
        [
            ical.Event(
                uid="u1",
                day=dt.date(2026, 1, 1),
                summary="a, b; c" + "é" * 60,
                description="line\nnext",
            )
        ],
        name="T",
        stamp=dt.datetime(2026, 1, 1, tzinfo=dt.UTC),
    )
    for line in text.split("\r\n"):
        assert len(line.encode()) <= 75
    parsed = icalendar.Calendar.from_ical(text).walk("VEVENT")[0]
    assert str(parsed["SUMMARY"]) == "a, b; c" + "é" * 60
    assert str(parsed["DESCRIPTION"]) == "line\nnext"


def test_a_replaced_or_backdated_protocol_never_lists_a_day_twice(anon_client, owner):
    today = owner.profile.local_day()
    old = make_protocol(owner, kind="every_other_day", start_date=today)
    # A new protocol backdated before the old one's start, and the old one ended
    # only later: their dates overlap.
    make_protocol(
        owner, kind="every_other_day", start_date=today - dt.timedelta(days=2)
    )
    type(old).objects.filter(pk=old.pk).update(end_date=today + dt.timedelta(days=30))
    days = [e["DTSTART"].dt for e in events(fetch(anon_client, feed_for(owner).token))]
    assert days and len(days) == len(set(days))


def test_a_lone_carriage_return_is_escaped():
    from protocols import ical

    text = ical.calendar(
        [
            ical.Event(
                uid="u", day=dt.date(2026, 1, 1), summary="a\rb", description="c\r"
            )
        ],
        name="T",
        stamp=dt.datetime(2026, 1, 1, tzinfo=dt.UTC),
    )
    assert "\r" not in text.replace("\r\n", "")
    parsed = icalendar.Calendar.from_ical(text).walk("VEVENT")[0]
    assert str(parsed["SUMMARY"]) == "a\nb"


def test_an_alarm_can_be_added_to_every_planned_day(anon_client, owner_client, owner):
    make_protocol(owner, start_date=owner.profile.local_day())
    token = feed_for(owner).token
    assert not any(e.walk("VALARM") for e in events(fetch(anon_client, token)))
    response = owner_client.post(
        "/protocol/feed/", {"action": "alarm", "alarm_time": "08:15"}
    )
    assert response.status_code == 302
    found = events(fetch(anon_client, token))
    for event in found:
        [alarm] = event.walk("VALARM")
        assert alarm["ACTION"] == "DISPLAY"
        assert alarm["TRIGGER"].dt == dt.timedelta(hours=8, minutes=15)
        assert alarm["TRIGGER"].params["RELATED"] == "START"
        assert str(alarm["DESCRIPTION"]) == "Planned day"
    owner_client.post("/protocol/feed/", {"action": "alarm", "alarm_time": "7:05"})
    assert CalendarFeed.objects.get(user=owner).alarm_time == dt.time(7, 5)
    owner_client.post("/protocol/feed/", {"action": "alarm", "alarm_time": ""})
    assert not any(e.walk("VALARM") for e in events(fetch(anon_client, token)))


@pytest.mark.parametrize("typed", ["25:99", "8 in the morning", "08:00:00:00"])
def test_a_bad_alarm_time_is_refused_next_to_it_and_nothing_changes(
    owner_client, owner, typed
):
    feed = feed_for(owner)
    feed.alarm_time = dt.time(7, 30)
    feed.save()
    response = owner_client.post(
        "/protocol/feed/", {"action": "alarm", "alarm_time": typed}
    )
    assert response.status_code == 422
    html = response.content.decode()
    assert re.search(
        r'<ul class="errors" id="id_alarm_time_error"><li>'
        r"This is not a time; write it like 08:00.</li>",
        html,
    )
    assert input_value(html, "alarm_time") == typed  # as typed, to mend
    assert CalendarFeed.objects.get(user=owner).alarm_time == dt.time(7, 30)


def test_the_first_visit_to_the_protocol_page_makes_the_persons_feed(
    owner_client, owner, other_user
):
    theirs = feed_for(other_user).token
    assert not CalendarFeed.objects.filter(user=owner).exists()
    first = owner_client.get("/protocol/").content.decode()
    token = CalendarFeed.objects.get(user=owner).token
    assert f"/protocol/feed/{token}" in first and theirs not in first
    # Read, not made again, on the next visit: the same address.
    assert f"/protocol/feed/{token}" in owner_client.get("/protocol/").content.decode()
    assert CalendarFeed.objects.filter(user=owner).count() == 1
