"""Finding due reminders with a frozen clock: what is reminded, when it is
left out, and exactly one delivery per reminder, day and channel."""

from __future__ import annotations

import datetime as dt
import threading
import time
from zoneinfo import ZoneInfo

import pytest
from django.db import OperationalError, connection
from django_tasks_db.management.commands.db_worker import Worker
from django_tasks_db.models import DBTaskResult

from protocols import schedule as protocol_schedule
from protocols.phases import PlanPhase
from reminders import services
from reminders.models import Delivery
from tests.factories import (
    make_dose,
    make_entry,
    make_experiment,
    make_protocol,
    make_response,
)

BERLIN = ZoneInfo("Europe/Berlin")
Kind = Delivery.Kind


@pytest.fixture
def berlin(owner):
    owner.profile.timezone = "Europe/Berlin"
    owner.profile.day_start_hour = 4
    owner.profile.save()
    return owner


def at(day: dt.date, hour: int, minute: int = 0) -> dt.datetime:
    return dt.datetime(day.year, day.month, day.day, hour, minute, tzinfo=BERLIN)


def kinds(found) -> list[tuple[str, str]]:
    return sorted((d.kind, d.channel) for d in found)


@pytest.mark.django_db
def test_a_check_in_reminder_is_written_once_per_channel(berlin):
    services.settings_update(
        user=berlin, checkin_times=["08:30", "21:00"], by_push=True, by_email=True
    )
    day = dt.date(2026, 6, 2)
    found = services.find_due(at(day, 8, 31))
    assert kinds(found) == [("checkin", "email"), ("checkin", "push")]
    assert {(d.day, d.slot) for d in found} == {(day, "08:30")}
    assert services.find_due(at(day, 8, 32)) == []  # the next minute
    assert DBTaskResult.objects.count() == 2  # a task queued for each


@pytest.mark.django_db
def test_a_minute_with_nothing_due_costs_one_query(berlin, django_assert_num_queries):
    from tests.conftest import make_user

    for number in range(5):
        user = make_user(f"person{number}")
        on = number % 2 == 0
        services.settings_update(user=user, checkin_times=["08:30"] if on else [])
    services.settings_update(user=berlin, checkin_times=["21:00"], by_email=True)
    with django_assert_num_queries(1):
        assert services.find_due(at(dt.date(2026, 6, 2), 12, 0)) == []


@pytest.mark.django_db
def test_nothing_is_reminded_once_the_day_has_a_check_in(berlin):
    services.settings_update(user=berlin, checkin_times=["21:00"], by_email=True)
    day = dt.date(2026, 6, 2)
    make_entry(berlin, day=day)
    assert services.find_due(at(day, 21, 0)) == []


@pytest.mark.django_db
def test_no_channel_or_an_inactive_account_means_no_reminder(berlin):
    services.settings_update(user=berlin, checkin_times=["21:00"], by_push=False)
    day = dt.date(2026, 6, 2)
    assert services.find_due(at(day, 21, 0)) == []
    services.settings_update(user=berlin, by_email=True)
    berlin.is_active = False
    berlin.save()
    assert services.find_due(at(day, 21, 0)) == []


def _planned_and_off_days(protocol, first: dt.date):
    planned = off = None
    for offset in range(10):
        day = first + dt.timedelta(days=offset)
        phase = protocol_schedule.plan_phase(protocol.plan, day)
        if phase == PlanPhase.DOSE and planned is None:
            planned = day
        if phase == PlanPhase.OFF and off is None:
            off = day
    return planned, off


@pytest.mark.django_db
def test_a_dose_day_reminder_comes_on_planned_mornings_only(berlin):
    services.settings_update(user=berlin, dose_day=True, by_email=True, by_push=False)
    protocol = make_protocol(berlin, start_date=dt.date(2026, 5, 1))
    planned, off = _planned_and_off_days(protocol, dt.date(2026, 6, 1))
    assert kinds(services.find_due(at(planned, 8, 0))) == [("dose_day", "email")]
    assert services.find_due(at(off, 8, 0)) == []
    later = planned + dt.timedelta(days=3)
    while protocol_schedule.plan_phase(protocol.plan, later) != PlanPhase.DOSE:
        later += dt.timedelta(days=1)
    make_dose(berlin, day=later, at=dt.time(7))
    assert services.find_due(at(later, 8, 0)) == []  # taken already


@pytest.mark.django_db
def test_the_running_protocols_dose_days_are_reminded_until_the_next_begins(berlin):
    from decimal import Decimal

    from protocols import services as protocol_services

    services.settings_update(user=berlin, dose_day=True, by_email=True, by_push=False)
    running = make_protocol(berlin, start_date=dt.date(2026, 5, 1))
    planned, _ = _planned_and_off_days(running, dt.date(2026, 6, 1))
    # A protocol that begins after the planned day: the running one ends the
    # day before it, and holds until then.
    protocol_services.protocol_create(
        user=berlin,
        name="Next",
        substance=running.substance,
        amount=Decimal("50"),
        unit=running.unit,
        kind="intuitive",
        start_date=planned + dt.timedelta(days=5),
    )
    assert kinds(services.find_due(at(planned, 8, 0))) == [("dose_day", "email")]
    # The next one (intuitive: no planned days) holds once it has begun.
    assert services.find_due(at(planned + dt.timedelta(days=6), 8, 0)) == []


@pytest.mark.django_db
def test_no_protocol_dose_is_reminded_in_an_experiments_weeks(berlin):
    services.settings_update(user=berlin, dose_day=True, by_email=True, by_push=False)
    start = berlin.profile.local_day()
    # A dose every day, and an experiment of capsules on Mondays and Thursdays.
    make_protocol(
        berlin, kind="custom", pattern="1", start_date=start - dt.timedelta(30)
    )
    experiment = make_experiment(
        berlin, design="dose_days", weekdays=(0, 3), start_date=start
    )
    between = next(
        start + dt.timedelta(days=i)
        for i in range(7)
        if (start + dt.timedelta(days=i)).weekday() not in (0, 3)
    )
    assert services.find_due(at(between, 8, 0)) == []
    after = experiment.end_date + dt.timedelta(days=1)
    assert kinds(services.find_due(at(after, 8, 0))) == [("dose_day", "email")]


@pytest.mark.django_db
def test_an_experiment_day_asks_to_open_the_envelope_instead(berlin):
    services.settings_update(user=berlin, dose_day=True, by_email=True, by_push=False)
    start = berlin.profile.local_day()
    experiment = make_experiment(berlin, design="dose_days", start_date=start)
    day = next(
        start + dt.timedelta(days=i)
        for i in range(7)
        if (start + dt.timedelta(days=i)).weekday() in experiment.weekdays
    )
    [found] = services.find_due(at(day, 8, 0))
    assert found.kind == Kind.ENVELOPE
    assert (
        services.TEXTS[Kind.ENVELOPE] == "Experiment day: time to open today's envelope"
    )


@pytest.mark.django_db
def test_a_weekly_envelopes_later_days_ask_for_the_next_capsule(berlin):
    from experiments import services as experiment_services

    services.settings_update(user=berlin, dose_day=True, by_email=True, by_push=False)
    today = berlin.profile.local_day()
    monday = today - dt.timedelta(days=today.weekday())
    # Capsules on Mondays and Thursdays: both in the experiment's first week.
    experiment = make_experiment(
        berlin, design="weekly", weekdays=(0, 3), start_date=monday
    )
    first, second = monday, monday + dt.timedelta(days=3)
    [found] = services.find_due(at(first, 8, 0))
    assert found.kind == Kind.ENVELOPE
    envelope = experiment.envelopes.order_by("pk").first()
    experiment_services.envelope_open(
        user=berlin, profile=berlin.profile, token=envelope.token, now=at(first, 9, 0)
    )
    [found] = services.find_due(at(second, 8, 0))
    assert found.kind == Kind.CAPSULE
    assert services.TEXTS[Kind.CAPSULE] == "Experiment day: time for today's capsule"


@pytest.mark.django_db
def test_a_due_questionnaire_is_reminded_at_most_once_a_week(berlin, smtp_server):
    services.settings_update(
        user=berlin, questionnaire=True, by_email=True, by_push=False
    )
    day = dt.date(2026, 6, 2)
    [found] = services.find_due(at(day, 8, 0))
    assert found.kind == Kind.QUESTIONNAIRE
    services.delivery_send(found.pk)
    assert services.find_due(at(day + dt.timedelta(days=3), 8, 0)) == []
    assert len(services.find_due(at(day + dt.timedelta(days=7), 8, 0))) == 1
    for key in ("who5", "phq9", "gad7"):
        make_response(berlin, key, day=day + dt.timedelta(days=8))
    assert services.find_due(at(day + dt.timedelta(days=14), 8, 0)) == []


@pytest.mark.django_db
def test_a_due_questionnaire_goes_to_every_channel_that_day(
    berlin, smtp_server, http_endpoint
):
    host = http_endpoint.url.removeprefix("http://")
    services.settings_update(
        user=berlin, questionnaire=True, by_email=True, by_push=False,
        apprise_url=f"ntfy://{host}/t",
    )  # fmt: skip
    found = services.find_due(at(dt.date(2026, 6, 2), 8, 0))
    statuses = [services.delivery_send(d.pk) for d in found]
    assert statuses == [Delivery.Status.SENT, Delivery.Status.SENT]
    assert len(smtp_server.messages) == 1 and len(http_endpoint.received) == 1


@pytest.mark.django_db
def test_quiet_hours_hold_back_a_reminder(berlin):
    services.settings_update(
        user=berlin, checkin_times=["22:30"], by_email=True,
        quiet_start=dt.time(22), quiet_end=dt.time(7),
    )  # fmt: skip
    assert services.find_due(at(dt.date(2026, 6, 2), 22, 31)) == []


# SQLite's shared in-memory test database locks whole tables and answers a
# write that meets a lock with an error at once, without waiting: now and then
# the task's last write fails there, which a file database (as the app uses)
# would have waited out.
@pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="PostgreSQL only; CI runs the whole suite on PostgreSQL as well",
)
@pytest.mark.django_db(transaction=True)
def test_two_workers_at_once_deliver_each_reminder_exactly_once(berlin, smtp_server):
    services.settings_update(
        user=berlin, checkin_times=["08:30"], by_email=True, by_push=False
    )
    now = at(dt.date(2026, 6, 2), 8, 30)
    start = threading.Barrier(2)
    errors = []

    def worker(name: str) -> None:
        start.wait()
        # As the worker does every minute, a look that finds the database
        # busy is made again.
        for _ in range(100):
            try:
                services.find_due(now)
                Worker(
                    queue_names=["default"], interval=0, batch=True,
                    backend_name="default", startup_delay=False, max_tasks=None,
                    worker_id=name, excluded_queue_names=[],
                ).run()  # fmt: skip
                break
            except OperationalError:
                time.sleep(0.01)
            except Exception as error:  # reported below, not lost in the thread
                errors.append(error)
                break
        else:
            errors.append(f"{name} never got the database")
        connection.close()

    threads = [threading.Thread(target=worker, args=(f"w{i}",)) for i in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    assert errors == []
    [delivery] = Delivery.objects.all()
    assert delivery.status == Delivery.Status.SENT
    assert len(smtp_server.messages) == 1
    assert DBTaskResult.objects.get().status == "SUCCESSFUL"
