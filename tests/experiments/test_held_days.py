"""An experiment's weeks hold the protocol's planned doses everywhere a plan
is shown (protocols.held): the dosing calendar, the calendar feed, the
protocol page's coming days and the weekly review's count of planned doses.
Today and the reminders: tests/protocols/test_doses.py, tests/reminders."""

from __future__ import annotations

import datetime as dt
from html import unescape

import icalendar
import pytest
from django.utils import timezone

from experiments import services
from experiments.models import Experiment
from journal.weekly import summarise
from protocols.held import Held, held
from protocols.queries import calendar_days
from protocols.services import dose_log_blinded, feed_for, feed_set_details
from tests.factories import make_dose, make_experiment, make_protocol

pytestmark = pytest.mark.django_db

WEEK = dt.timedelta(days=7)


def every_other_day(user, start: dt.date):
    """A protocol with a planned dose every other day from `start`."""
    return make_protocol(user, kind="every_other_day", start_date=start)


def states(user, first: dt.date, last: dt.date, today: dt.date) -> dict:
    return {c.day: c.state for c in calendar_days(user, first, last, today)}


def capsule(user, day: dt.date):
    moment = dt.datetime.combine(day, dt.time(9), tzinfo=user.profile.tzinfo)
    dose, _ = dose_log_blinded(
        user=user,
        profile=user.profile,
        taken_at=moment,
        substance=user.substances.first(),
    )
    return dose


def test_the_calendar_shows_an_experiments_weeks_not_the_protocols_doses(owner):
    today = owner.profile.local_day()
    start = today - dt.timedelta(days=20)
    every_other_day(owner, start - 4 * WEEK)
    experiment = make_experiment(owner, weeks=4, start_date=start)
    capsule(owner, start)
    make_dose(owner, day=start + dt.timedelta(days=3))  # a protocol's dose in it
    got = states(owner, start - WEEK, experiment.end_date + WEEK, today)

    # Before and after its weeks, the protocol's plan as ever.
    before = [got[start - dt.timedelta(days=i)] for i in range(1, 7)]
    assert "missed" in before and "off" in before
    after = [got[experiment.end_date + dt.timedelta(days=i)] for i in range(1, 7)]
    assert "planned" in after and "off" in after
    # In them: a capsule, the dose taken outside the plan, the capsule days
    # (Mondays and Thursdays) past with none logged and to come, and no planned
    # or missed day of the protocol's.
    inside = [start + dt.timedelta(days=i) for i in range(28)]
    assert got[start] == "capsule"
    assert got[start + dt.timedelta(days=3)] == "unplanned"
    for day in inside[1:3] + inside[4:]:
        if day.weekday() not in (0, 3):
            expected = "held"
        else:
            expected = "capsule_missed" if day < today else "capsule_due"
        assert got[day] == expected, day
    assert {got[day] for day in inside} >= {"capsule_missed", "capsule_due", "held"}


def test_a_capsule_is_never_a_protocol_dose_taken_as_planned(owner):
    # The experiment is over and the protocol plans the day: still a capsule.
    today = owner.profile.local_day()
    every_other_day(owner, today - 10 * WEEK)
    experiment = make_experiment(owner, weeks=4, start_date=today - 8 * WEEK)
    capsule(owner, today - 2 * WEEK)  # logged after its weeks
    got = states(owner, today - 3 * WEEK, today, today)
    assert got[today - 2 * WEEK] == "capsule"
    assert experiment.end_date < today - 2 * WEEK


def test_a_stopped_experiment_holds_its_days_to_the_day_before_it_stopped(owner):
    # From the moment it stops, Today offers the protocol's dose again.
    today = owner.profile.local_day()
    start = today - 3 * WEEK
    experiment = make_experiment(owner, weeks=8, start_date=start)
    stopped = timezone.now() - WEEK
    services.experiment_stop(experiment, "moving")
    Experiment.objects.filter(pk=experiment.pk).update(ended_at=stopped)
    days = held(owner, start - WEEK, today + 10 * WEEK).days
    stop_day = owner.profile.local_day(stopped)
    assert min(days) == start and max(days) == stop_day - dt.timedelta(days=1)
    assert len(days) == (stop_day - start).days
    # Stopped after its planned weeks (before unblinding): every one of its days.
    experiment.start_date = today - 10 * WEEK
    experiment.save()
    days = held(owner, today - 11 * WEEK, today).days
    assert min(days) == experiment.start_date and max(days) == experiment.end_date


def test_an_experiment_planned_and_not_begun_holds_nothing(owner, other_user):
    today = owner.profile.local_day()
    make_experiment(owner, start_date=today, start=False)
    planned_then_stopped = make_experiment(owner, start_date=today, start=False)
    services.experiment_stop(planned_then_stopped, "")
    assert held(owner, today - WEEK, today + 10 * WEEK).days == set()
    assert held(owner, today - WEEK, today + 10 * WEEK) == Held(set(), set(), {})
    # Another person's experiment holds nothing of this person's.
    make_experiment(other_user, start_date=today)
    assert held(owner, today - WEEK, today + 10 * WEEK).days == set()
    assert len(held(other_user, today, today + 10 * WEEK).days) == 28


def test_the_calendar_page_names_the_experiments_states_only_when_shown(
    owner_client, owner
):
    today = owner.profile.local_day()
    every_other_day(owner, today - 8 * WEEK)
    html = unescape(owner_client.get("/protocol/calendar/").content.decode())
    assert "Experiment day" not in html
    make_experiment(owner, weeks=4, start_date=today)
    capsule(owner, today)
    html = unescape(owner_client.get("/protocol/calendar/").content.decode())
    legend = html.split('aria-label="Legend"')[1].split("</ul>")[0]
    assert "Experiment capsule" in legend and "Experiment day" in legend
    tomorrow = today + dt.timedelta(days=1)
    state = "Capsule day" if tomorrow.weekday() in (0, 3) else "Experiment day"
    label = f"{tomorrow:%A} {tomorrow.day} {tomorrow:%B}: {state}"
    if tomorrow.month == today.month:
        assert label in html
    assert f"{today.day} {today:%B}: Experiment capsule, today" in html


def test_the_feed_lists_no_planned_day_of_an_experiments_weeks(anon_client, owner):
    today = owner.profile.local_day()
    every_other_day(owner, today - 8 * WEEK)
    token = feed_for(owner).token

    def listed(kind: str = "planned", summary: str = "Planned day") -> set:
        response = anon_client.get(f"/protocol/feed/{token}.ics")
        calendar = icalendar.Calendar.from_ical(response.content)
        events = [e for e in calendar.walk("VEVENT") if e["UID"].startswith(kind)]
        assert {event["SUMMARY"] for event in events} <= {summary}
        return {event["DTSTART"].dt for event in events}

    before = listed()
    assert listed("capsule") == set()
    experiment = make_experiment(owner, weeks=4, start_date=today)
    after = listed()
    weeks = {today + dt.timedelta(days=i) for i in range(28)}
    assert before & weeks and not after & weeks
    assert after == before - weeks
    # Its capsule days instead, Mondays and Thursdays, with the feed's alarm,
    # titled as neutrally as the rest unless details are asked for.
    capsules = {day for day in weeks if day.weekday() in (0, 3)}
    assert listed("capsule") == capsules
    feed_set_details(user=owner, show_details=True)
    assert listed("capsule", "Experiment capsule") == capsules
    assert experiment.end_date + dt.timedelta(days=1) in after | {
        experiment.end_date + dt.timedelta(days=2)
    }


def test_the_protocol_page_leaves_the_experiments_days_out(owner_client, owner):
    today = owner.profile.local_day()
    every_other_day(owner, today - 8 * WEEK)
    html = unescape(owner_client.get("/protocol/").content.decode())
    assert "Next planned days:" in html
    assert "its own plan takes the place of the planned doses" not in html

    make_experiment(owner, weeks=4, start_date=today)
    html = unescape(owner_client.get("/protocol/").content.decode())
    assert "Next planned days:" not in html
    assert "No planned days in the next two weeks." in html
    assert (
        "In your experiment's weeks its own plan takes the place of the planned "
        "doses: those days are left out here, and the dosing calendar and the "
        "calendar feed show the experiment's days instead. Next capsule days: " in html
    )
    assert "Next dose days" not in html
    # Its first five capsule days (Mondays and Thursdays) from today.
    days = [today + dt.timedelta(days=i) for i in range(14)]
    capsules = [day for day in days if day.weekday() in (0, 3)]
    listed = html.split("Next capsule days: ")[1].split("</p>")[0]
    assert listed.count("<time") == len(capsules)
    assert f'<time datetime="{capsules[0]:%Y-%m-%d}">' in listed


def test_the_protocol_page_lists_the_days_after_an_experiment_ends(owner_client, owner):
    today = owner.profile.local_day()
    every_other_day(owner, today - 8 * WEEK)
    experiment = make_experiment(owner, weeks=4, start_date=today - 3 * WEEK)
    html = unescape(owner_client.get("/protocol/").content.decode())
    listed = html.split("Next planned days:")[1].split("</p>")[0]
    first = experiment.end_date + dt.timedelta(days=1)
    shown = {first, first + dt.timedelta(days=1)}
    assert any(f"{day:%Y-%m-%d}" in listed for day in shown)
    assert all(
        f"{today + dt.timedelta(days=i):%Y-%m-%d}" not in listed
        for i in range((experiment.end_date - today).days + 1)
    )


def test_the_weekly_review_counts_no_planned_dose_in_an_experiments_week(owner):
    today = owner.profile.local_day()
    monday = today - dt.timedelta(days=today.weekday()) - 2 * WEEK
    every_other_day(owner, monday - 8 * WEEK)
    assert summarise(owner, monday, today).planned >= 3
    make_experiment(owner, weeks=4, start_date=monday - WEEK)
    summary = summarise(owner, monday, today)
    assert summary.planned == 0 and summary.planned_taken == 0
    # Its capsule days instead: Mondays and Thursdays, none taken.
    assert (summary.capsule_days, summary.capsules_taken) == (2, 0)
    assert summary.capsules_ahead == 0


def test_the_weekly_review_counts_the_capsules_of_an_experiments_week(
    owner_client, owner
):
    today = owner.profile.local_day()
    monday = today - dt.timedelta(days=today.weekday())
    make_experiment(owner, weeks=4, start_date=monday - WEEK)
    capsule(owner, monday - WEEK)  # last week's
    if today.weekday() >= 3:
        capsule(owner, monday + dt.timedelta(days=3))
    summary = summarise(owner, monday, today)
    due = 1 + (today.weekday() >= 3)
    assert (summary.capsule_days, summary.capsules_taken) == (due, due - 1)
    assert summary.capsules_ahead == 2 - due
    url = f"/journal/week/{monday.year}/{monday.month}/{monday.day}/"
    html = unescape(owner_client.get(url).content.decode())
    assert f"{due - 1} of {due} capsule day" in html
    assert "No protocol doses planned; " in html
    if due == 1:
        assert "1 more to come" in html
    # Outside an experiment's weeks, no word of capsules.
    url = f"/journal/week/{(monday - 3 * WEEK):%Y/%-m/%-d}/"
    assert "capsule" not in owner_client.get(url).content.decode()


def test_today_names_no_planned_day_of_an_experiment_to_begin(owner_client, owner):
    # Started to begin tomorrow: today is the protocol's, its next planned day
    # the first after the experiment's weeks (those are the capsules').
    today = owner.profile.local_day()
    every_other_day(owner, today - dt.timedelta(days=1))  # today an off day
    experiment = make_experiment(owner, weeks=4, start_date=today + dt.timedelta(1))
    html = unescape(owner_client.get("/").content.decode())
    card = html.split('id="today-dose"')[1].split("</section>")[0]
    after = experiment.end_date + dt.timedelta(days=1)
    first = after if (after - today).days % 2 == 1 else after + dt.timedelta(days=1)
    named = f"{first:%A}, {first.day} {first:%B}"
    assert f"No dose planned today. Next planned: {named}." in card


def test_the_capsule_days_are_the_blinded_designs_weekdays_in_its_weeks(owner):
    today = owner.profile.local_day()
    monday = today - dt.timedelta(days=today.weekday())
    make_experiment(
        owner, design="dose_days", weeks=4, weekdays=(1, 4), start_date=monday
    )
    kept = held(owner, monday - WEEK, monday + 6 * WEEK)
    assert min(kept.days) == monday and len(kept.days) == 28
    assert kept.capsules <= kept.days and len(kept.capsules) == 8
    assert {day.weekday() for day in kept.capsules} == {1, 4}


def test_open_weeks_plan_no_capsule_and_show_no_capsule_day(owner):
    # The week's envelope says whether to dose, openly: its days are not
    # capsule days (tests/experiments/test_open_weeks_plan.py).
    today = owner.profile.local_day()
    start = today - 2 * WEEK
    make_experiment(owner, design="open_weeks", weeks=4, start_date=start)
    kept = held(owner, start, start + 4 * WEEK)
    assert len(kept.days) == 28 and kept.capsules == set()
    assert len(kept.doses) == 4  # two of its four weeks, two days each
    got = states(owner, start, start + 4 * WEEK - dt.timedelta(days=1), today)
    assert set(got.values()) <= {"held", "missed", "planned"}


def test_a_paused_experiment_plans_no_capsule_while_paused(owner):
    # Its weeks stay its own; no capsule day is shown, sent or reminded.
    today = owner.profile.local_day()
    experiment = make_experiment(owner, weeks=4, start_date=today - WEEK)
    assert held(owner, today, today + WEEK).capsules
    services.experiment_pause(experiment)
    kept = held(owner, today, today + WEEK)
    assert len(kept.days) == 8 and kept.capsules == set()
    services.experiment_resume(experiment)
    assert held(owner, today, today + WEEK).capsules
