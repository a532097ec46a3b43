"""A weekly envelope's later dose days: "Took today's capsule" logs one
blind capsule a day (experiments.services.capsule_take)."""

from __future__ import annotations

import datetime as dt
import threading
from html import unescape

import pytest
from django.db import connection
from django.utils import timezone

from experiments import services
from protocols.models import DoseLog
from tests.factories import make_experiment

pytestmark = pytest.mark.django_db


def opened_days_ago(owner, days: int):
    """A running weekly experiment whose first envelope was opened `days`
    ago, so that today is one of its later dose days."""
    today = owner.profile.local_day()
    experiment = make_experiment(owner, start_date=today - dt.timedelta(days=days))
    services.envelope_open(
        user=owner,
        profile=owner.profile,
        token=experiment.envelopes.first().token,
        now=timezone.now() - dt.timedelta(days=days),
    )
    return experiment


def capsules_today(owner) -> int:
    return DoseLog.objects.filter(
        user=owner, blinded=True, day=owner.profile.local_day()
    ).count()


def test_a_later_dose_day_logs_one_capsule_however_often_it_is_tapped(
    owner_client, owner
):
    experiment = opened_days_ago(owner, 2)
    url = f"/experiments/{experiment.pk}/capsule/"
    for _ in range(2):  # a double tap, or the page sent again
        page = unescape(owner_client.post(url, follow=True).content.decode())
        assert "Today's capsule is in the dose log." in page
    assert capsules_today(owner) == 1
    dose = DoseLog.objects.get(user=owner, day=owner.profile.local_day())
    assert dose.amount is None  # blind: what it held stays in its envelope


def test_without_an_open_envelope_nothing_is_logged(owner_client, owner):
    experiment = make_experiment(owner)
    page = owner_client.post(
        f"/experiments/{experiment.pk}/capsule/", follow=True
    ).content.decode()
    assert "No envelope is open for today: scan one first." in page
    assert not DoseLog.objects.filter(user=owner).exists()


def test_another_persons_experiment_is_not_found(owner_client, other_user):
    theirs = opened_days_ago(other_user, 2)
    response = owner_client.post(f"/experiments/{theirs.pk}/capsule/")
    assert response.status_code == 404
    assert capsules_today(other_user) == 0


@pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="Two connections at once: SQLite's test database, shared in memory, "
    "locks whole tables; CI runs the whole suite on PostgreSQL as well",
)
@pytest.mark.django_db(transaction=True)
def test_two_taps_at_the_same_moment_log_one_capsule(owner):
    experiment = opened_days_ago(owner, 2)
    start, errors = threading.Barrier(2), []

    def tap() -> None:
        try:
            start.wait()
            services.capsule_take(experiment=experiment, profile=owner.profile)
        except Exception as error:  # reported below, not lost in the thread
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=tap) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert capsules_today(owner) == 1
