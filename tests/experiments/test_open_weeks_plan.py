"""Open randomized weeks plan their dose on the "on" weeks' dose days, shown
from the start: the dosing calendar, the calendar feed, the protocol page,
the weekly review, Today's one tap and the morning reminder treat those
days as planned days, and the "off" weeks' days as days with no dose."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from html import unescape

import icalendar
import pytest

from experiments import services
from experiments.models import Envelope
from journal.weekly import summarise
from protocols.held import held
from protocols.models import DoseLog
from protocols.queries import calendar_days
from protocols.services import feed_for, feed_set_details
from reminders import services as reminder_services
from reminders.models import Delivery
from tests.factories import make_dose, make_experiment, make_protocol

pytestmark = pytest.mark.django_db

WEEK = dt.timedelta(days=7)
DAY = dt.timedelta(days=1)


def open_weeks(user, start: dt.date, weekdays=(0, 3), on=(0, 2)):
    """Four open randomized weeks from `start`, the weeks `on` its "on" weeks
    (the draw set as a test needs it; half of them, as the server draws)."""
    experiment = make_experiment(
        user, design="open_weeks", weeks=4, weekdays=weekdays, start_date=start
    )
    for envelope in experiment.envelopes.all():
        Envelope.objects.filter(pk=envelope.pk).update(active=envelope.week in on)
    return experiment


def dose_days(start: dt.date, weeks, weekdays=(0, 3)) -> set[dt.date]:
    return {
        start + week * WEEK + dt.timedelta(days=i)
        for week in weeks
        for i in range(7)
        if (start + dt.timedelta(days=i)).weekday() in weekdays
    }


def test_the_on_weeks_dose_days_are_planned_with_the_experiments_dose(owner):
    today = owner.profile.local_day()
    start = today - 2 * WEEK
    experiment = open_weeks(owner, start)
    kept = held(owner, start - WEEK, start + 5 * WEEK)
    assert len(kept.days) == 28 and kept.capsules == set()
    assert set(kept.doses) == dose_days(start, (0, 2))
    dose = kept.doses[min(kept.doses)]
    assert dose.substance == experiment.substance and dose.amount == Decimal(100)
    # Paused, it plans nothing; resumed, as before.
    services.experiment_pause(experiment)
    assert held(owner, start, start + 4 * WEEK).doses == {}
    services.experiment_resume(experiment)
    assert set(held(owner, start, start + 4 * WEEK).doses) == dose_days(start, (0, 2))


def test_another_persons_open_weeks_plan_nothing_here(owner, other_user):
    today = owner.profile.local_day()
    open_weeks(other_user, today)
    assert held(owner, today, today + 4 * WEEK).doses == {}
    assert held(other_user, today, today + 4 * WEEK).doses


def test_the_calendar_shows_an_on_weeks_dose_days_as_planned(owner):
    today = owner.profile.local_day()
    start = today - dt.timedelta(days=today.weekday()) - 2 * WEEK  # a Monday
    make_protocol(owner, kind="every_other_day", start_date=start - 4 * WEEK)
    open_weeks(owner, start)
    make_dose(owner, day=start)  # week 0, an on week: taken as planned
    make_dose(owner, day=start + WEEK)  # week 1, an off week: not planned
    got = {
        c.day: c.state
        for c in calendar_days(owner, start, start + 4 * WEEK - DAY, today)
    }
    planned = dose_days(start, (0, 2))
    assert got[start] == "taken"
    assert got[start + WEEK] == "unplanned"
    for day, state in got.items():
        if day in (start, start + WEEK):
            continue
        if day in planned:
            assert state == ("missed" if day < today else "planned"), day
        else:
            assert state == "held", day


def test_the_feed_lists_the_on_weeks_dose_days(anon_client, owner):
    today = owner.profile.local_day()
    open_weeks(owner, today)
    token = feed_for(owner).token

    def listed(summary: str) -> set:
        response = anon_client.get(f"/protocol/feed/{token}.ics")
        calendar = icalendar.Calendar.from_ical(response.content)
        events = [e for e in calendar.walk("VEVENT") if e["UID"].startswith("dose-")]
        assert {event["SUMMARY"] for event in events} <= {summary}
        return {event["DTSTART"].dt for event in events}

    assert listed("Planned day") == dose_days(today, (0, 2))
    feed_set_details(user=owner, show_details=True)
    assert listed("Experiment dose (an on week)") == dose_days(today, (0, 2))


def test_the_protocol_page_names_the_next_dose_days(owner_client, owner):
    today = owner.profile.local_day()
    make_protocol(owner, kind="every_other_day", start_date=today - 8 * WEEK)
    open_weeks(owner, today, on=(0, 3))
    html = unescape(owner_client.get("/protocol/").content.decode())
    assert "its own plan takes the place of the planned doses" in html
    assert "Next capsule days" not in html
    listed = html.split('Next dose days of an "on" week: ')[1].split("</p>")[0]
    coming = dose_days(today, (0,))
    assert listed.count("<time") == len(coming)
    assert all(f'<time datetime="{day:%Y-%m-%d}">' in listed for day in coming)


def test_the_weekly_review_counts_an_on_weeks_doses_as_planned(owner):
    today = owner.profile.local_day()
    monday = today - dt.timedelta(days=today.weekday()) - 3 * WEEK
    open_weeks(owner, monday, on=(0, 3))
    make_dose(owner, day=monday)
    on = summarise(owner, monday, today)
    assert (on.planned, on.planned_taken, on.planned_ahead) == (2, 1, 0)
    off = summarise(owner, monday + WEEK, today)
    assert (off.planned, off.planned_taken, off.capsule_days) == (0, 0, 0)


def today_card(client) -> str:
    html = unescape(client.get("/").content.decode())
    return html.split('id="today-dose"')[1].split("</section>")[0]


def test_today_offers_an_on_weeks_dose_and_logs_it_once(owner_client, owner):
    today = owner.profile.local_day()
    make_protocol(owner, start_date=today - 8 * WEEK)
    experiment = open_weeks(owner, today, weekdays=(today.weekday(),), on=(0, 1))
    card = today_card(owner_client)
    assert "An “on” week of your experiment: a dose today" in card
    assert "Took it" in card
    for _ in range(2):  # a double tap
        response = owner_client.post(
            "/protocol/doses/planned/",
            {"action": "take"},
            headers={"HX-Request": "true"},
        )
        assert response.status_code == 200
    [dose] = DoseLog.objects.filter(user=owner)
    assert dose.substance == experiment.substance and dose.amount == Decimal(100)
    assert dose.protocol is None and not dose.blinded and not dose.skipped
    assert "Took it" not in today_card(owner_client)


def test_today_offers_no_dose_in_an_off_week_and_refuses_one(owner_client, owner):
    today = owner.profile.local_day()
    make_protocol(owner, start_date=today)  # Fadiman: a dose today
    open_weeks(owner, today, weekdays=(today.weekday(),), on=(1, 2))
    card = today_card(owner_client)
    assert "Took it" not in card and "a dose today" not in card
    assert "its own plan takes the place of Fadiman's planned doses" in card
    response = owner_client.post(
        "/protocol/doses/planned/", {"action": "take"}, headers={"HX-Request": "true"}
    )
    assert response.status_code == 422
    assert "No dose is planned for today." in response.content.decode()
    assert "Took it" not in response.content.decode()
    assert not DoseLog.objects.filter(user=owner).exists()


def test_an_on_weeks_dose_day_is_reminded_an_off_weeks_is_not(owner):
    reminder_services.settings_update(
        user=owner, dose_day=True, by_email=True, by_push=False
    )
    today = owner.profile.local_day()
    monday = today - dt.timedelta(days=today.weekday()) + WEEK
    experiment = open_weeks(owner, monday, on=(0, 3))

    def due(day: dt.date) -> list[str]:
        moment = dt.datetime.combine(day, dt.time(8), tzinfo=owner.profile.tzinfo)
        return [d.kind for d in reminder_services.find_due(moment)]

    assert due(monday) == [Delivery.Kind.OPEN_DOSE]
    assert due(monday + DAY) == []  # no dose weekday
    assert due(monday + WEEK) == []  # an off week
    services.experiment_pause(experiment)
    assert due(monday + 3 * WEEK) == []
    assert reminder_services.TEXTS[Delivery.Kind.OPEN_DOSE] == (
        "Experiment day: a planned day of an on week"
    )


def test_a_tap_on_a_blinded_experiments_day_logs_no_protocol_dose(owner_client, owner):
    # A tap kept offline from before the experiment began, sent in its weeks:
    # its capsules take the place of the protocol's dose, which is refused.
    today = owner.profile.local_day()
    make_protocol(owner, start_date=today)  # Fadiman: a dose today
    make_experiment(owner, design="dose_days", weekdays=(1,), start_date=today)
    response = owner_client.post(
        "/protocol/doses/planned/", {"action": "take"}, headers={"HX-Request": "true"}
    )
    assert response.status_code == 422
    assert "No dose is planned for today." in response.content.decode()
    assert not DoseLog.objects.filter(user=owner).exists()


def test_the_experiments_page_says_where_the_on_weeks_are_shown(owner_client, owner):
    today = owner.profile.local_day()
    experiment = open_weeks(owner, today, weekdays=(0, 3), on=(0, 1))
    html = unescape(owner_client.get(f"/experiments/{experiment.pk}/").content.decode())
    assert "This week is an <strong>on</strong> week: take your usual" in html
    assert "Today offers it on each" in html
    assert 'href="/protocol/calendar/">dosing calendar</a> shows every' in html
