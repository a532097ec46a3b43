"""Day totals (journal.models.DayTotal) are kept by the database: after every
kind of write, they are exactly the sums and counts of the ratings there are."""

from __future__ import annotations

import datetime as dt
import importlib
import io
import random

import pytest
from django.core.management import call_command
from django.db import connection
from django.db.models import Count, Sum

from accounts.services import account_delete
from journal import services
from journal.models import DayTotal, Entry, Metric, Rating
from tests.factories import make_entry, make_metric
from tests.journal.kept_rows import (
    assert_unique_index,
    expected_triggers,
    moment,
    triggers,
)

pytestmark = pytest.mark.django_db

DAY = dt.date(2026, 3, 2)


def recomputed() -> dict[tuple, tuple[int, int]]:
    rows = (
        Rating.objects.values_list("entry__user_id", "entry__day", "metric_id")
        .annotate(total=Sum("value"), n=Count("id"))
        .order_by()
    )
    return {(u, d, m): (total, n) for u, d, m, total, n in rows}


def stored() -> dict[tuple, tuple[int, int]]:
    rows = DayTotal.objects.values_list(
        "user_id", "day", "metric_id", "rating_sum", "rating_count"
    )
    return {(u, d, m): (total, n) for u, d, m, total, n in rows}


def test_check_ins_add_up_per_day_and_metric(owner_client, owner, metrics):
    for mood in (4, 7):
        response = owner_client.post(
            "/entries/new/",
            {"occurred_at": "", "note": "", "token": "", "new_tags": "",
             f"rating_{metrics['mood'].pk}": mood,
             f"rating_{metrics['energy'].pk}": 3},
        )  # fmt: skip
        assert response.status_code == 302
    today = owner.profile.local_day()
    assert stored() == {
        (owner.pk, today, metrics["mood"].pk): (11, 2),
        (owner.pk, today, metrics["energy"].pk): (6, 2),
    }
    assert stored() == recomputed()


def test_an_edit_moves_changes_and_clears_ratings(owner, metrics):
    mood, energy = metrics["mood"], metrics["energy"]
    entry = services.entry_create(
        user=owner,
        profile=owner.profile,
        occurred_at=moment(DAY),
        note="",
        ratings={mood: 5, energy: 2},
        tags=[],
    )[0]
    make_entry(owner, day=DAY, mood=9)  # another check-in the same day
    assert stored()[owner.pk, DAY, mood.pk] == (14, 2)
    later = DAY + dt.timedelta(days=3)
    services.entry_update(
        entry=entry,
        profile=owner.profile,
        occurred_at=moment(later),
        note="",
        ratings={mood: 8, energy: None},
        tags=[],
    )
    assert stored() == {
        (owner.pk, DAY, mood.pk): (9, 1),
        (owner.pk, later, mood.pk): (8, 1),
    }
    assert stored() == recomputed()
    services.entry_delete(entry=entry)
    assert stored() == {(owner.pk, DAY, mood.pk): (9, 1)} == recomputed()


def test_imports_deletions_of_a_metric_and_of_an_account(owner, other_user, metrics):
    mood = metrics["mood"]
    creativity = make_metric(owner, scale_min=1, scale_max=10)
    services.entries_add_many(
        user=owner,
        profile=owner.profile,
        drafts=[
            services.EntryDraft(
                occurred_at=moment(DAY + dt.timedelta(days=k // 2), 8 + k),
                note=str(k),
                ratings={mood: 1 + k, creativity: 10 - k},
            )
            for k in range(6)
        ],
    )
    make_entry(other_user, day=DAY, mood=3)
    assert len(stored()) == 7 and stored() == recomputed()
    services.metric_delete(metric=creativity)
    assert stored() == recomputed()
    assert not DayTotal.objects.filter(metric=creativity.pk).exists()
    account_delete(user=owner)
    theirs = Metric.objects.get(user=other_user, key="mood")
    assert stored() == recomputed() == {(other_user.pk, DAY, theirs.pk): (3, 1)}


def test_a_repaired_day_moves_its_ratings(owner, metrics):
    entry = make_entry(owner, day=DAY, mood=6)
    wrong = DAY - dt.timedelta(days=1)
    Entry.objects.filter(pk=entry.pk).update(day=wrong)  # a day gone wrong
    assert stored() == {(owner.pk, wrong, metrics["mood"].pk): (6, 1)}
    call_command("check_data", "--fix-days", stdout=io.StringIO())
    assert stored() == recomputed() == {(owner.pk, DAY, metrics["mood"].pk): (6, 1)}


def test_bulk_updates_and_deletes_of_ratings_are_followed(owner, metrics):
    for k in range(4):
        make_entry(owner, day=DAY + dt.timedelta(days=k % 2), mood=2 + k)
    Rating.objects.filter(value__gte=4).update(value=10)
    assert stored() == recomputed()
    Rating.objects.filter(metric=metrics["mood"], value=10).update(
        metric=metrics["energy"]
    )
    assert stored() == recomputed()
    Rating.objects.filter(value=2).delete()
    assert stored() == recomputed()
    Entry.objects.filter(user=owner).delete()
    assert stored() == {} == recomputed()


def test_any_sequence_of_writes_keeps_the_totals(owner, other_user, metrics):
    """Random writes by two people over four days, checked after each."""
    rng = random.Random(7)
    people = {
        owner: list(Metric.objects.filter(user=owner)),
        other_user: list(Metric.objects.filter(user=other_user)),
    }
    days = [DAY + dt.timedelta(days=k) for k in range(4)]
    for step in range(60):
        person = rng.choice(list(people))
        entries = list(Entry.objects.filter(user=person))
        action = rng.choice(["create", "create", "edit", "move", "delete"])
        if action == "create" or not entries:
            services.entry_create(
                user=person,
                profile=person.profile,
                occurred_at=moment(rng.choice(days), rng.randrange(24)),
                note=f"step {step}",
                ratings={
                    m: rng.randint(m.scale_min, m.scale_max)
                    for m in rng.sample(people[person], 2)
                },
                tags=[],
            )
        elif action == "delete":
            services.entry_delete(entry=rng.choice(entries))
        else:
            entry = rng.choice(entries)
            when = moment(rng.choice(days)) if action == "move" else entry.occurred_at
            services.entry_update(
                entry=entry,
                profile=person.profile,
                occurred_at=when,
                note=entry.note,
                ratings={
                    m: rng.choice([None, rng.randint(m.scale_min, m.scale_max)])
                    for m in rng.sample(people[person], 3)
                },
                tags=[],
            )
        assert stored() == recomputed(), (step, action)
    assert len(stored()) > 10


def test_the_triggers_are_there():
    # A later migration that rebuilds a table on SQLite would drop them.
    assert triggers("journal_daytotal") == expected_triggers(
        "journal_daytotal", "journal_rating", "rating"
    )


def test_the_migration_fills_the_totals_of_the_ratings_there_are(owner, other_user):
    fill = importlib.import_module("journal.migrations.0012_day_totals").FILL
    for k in range(3):
        make_entry(owner, day=DAY + dt.timedelta(days=k // 2), mood=3 + k)
    make_entry(other_user, day=DAY, mood=9)
    expected = recomputed()
    DayTotal.objects.all().delete()  # as before the migration
    with connection.cursor() as cursor:
        cursor.execute(fill)
    assert stored() == expected
    assert len(expected) == 3


def test_a_range_of_days_is_read_from_the_index_alone_on_postgresql():
    """The totals' unique index holds the sums and counts too (migration 0014),
    so a person's range of days is read from it without the table."""
    assert_unique_index(
        "journal_daytotal",
        "day_total_once_per_metric",
        ["user_id", "day", "metric_id"],
        ["rating_sum", "rating_count"],
    )
