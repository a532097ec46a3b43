"""manage.py check_data finds rows outside the limits and repairs on request."""

from __future__ import annotations

import datetime as dt
from io import StringIO

import pytest
from django.core.management import call_command
from django.db import connection

from journal.models import DayTotal, Entry, Metric
from tests.factories import make_entry

pytestmark = pytest.mark.django_db


def check(*args) -> str:
    out = StringIO()
    call_command("check_data", *args, stdout=out)
    return out.getvalue()


def test_a_clean_database_has_no_problems(owner):
    make_entry(owner, mood=5)
    assert "No problems found." in check()


def test_old_moments_wrong_days_and_ratings_off_the_scale_are_listed(owner):
    old = make_entry(owner, mood=9)
    Entry.objects.filter(pk=old.pk).update(
        occurred_at=dt.datetime(1960, 5, 1, 12, tzinfo=dt.UTC)
    )
    shifted = make_entry(owner, day=dt.date(2026, 1, 10), mood=None)
    Entry.objects.filter(pk=shifted.pk).update(day=dt.date(2026, 1, 1))
    Metric.objects.filter(user=owner, key="mood").update(scale_max=5)
    report = check()
    assert f"entry {old.pk} of owner: its moment is outside 1970 to tomorrow" in report
    assert f"entry {shifted.pk} of owner: day 2026-01-01 should be 2026-01-10" in report
    assert "Mood = 9 is outside the metric's scale" in report
    assert "--fix-days" in report
    assert Entry.objects.filter(pk=old.pk).exists()  # nothing changes unasked

    check("--fix-days", "--delete-outside-limits")
    assert not Entry.objects.filter(pk=old.pk).exists()
    assert Entry.objects.get(pk=shifted.pk).day == dt.date(2026, 1, 10)


@pytest.mark.skipif(
    connection.vendor != "postgresql", reason="only PostgreSQL stores year 10000"
)
def test_a_moment_python_cannot_read_is_found_and_deleted(owner):
    entry = make_entry(owner, mood=5)
    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE journal_entry SET occurred_at = %s::timestamptz WHERE id = %s",
            ["9999-12-31 23:30-05", entry.pk],
        )
    assert f"entry {entry.pk} of owner" in check()
    check("--delete-outside-limits")
    assert not Entry.objects.filter(pk=entry.pk).exists()


def test_a_taken_dose_without_an_amount_is_listed(owner):
    from protocols.models import DoseLog
    from tests.factories import make_dose

    dose = make_dose(owner, day=dt.date(2026, 3, 1))
    DoseLog.objects.filter(pk=dose.pk).update(amount=None)  # as an old import could
    make_dose(owner, day=dt.date(2026, 3, 2), skipped=True)
    output = check()
    assert f"dose {dose.pk} of owner on 2026-03-01: taken, but with no amount" in output
    assert output.count("no amount") == 1


def test_day_totals_set_apart_from_their_ratings_are_listed_and_written_again(
    owner, metrics
):
    day = dt.date(2026, 1, 10)
    make_entry(owner, day=day, mood=4)
    make_entry(owner, day=day, mood=6)
    make_entry(owner, day=day + dt.timedelta(days=1), mood=3)
    mood = metrics["mood"]
    # Writes with the triggers off would leave the totals like this:
    DayTotal.objects.filter(day=day).update(rating_sum=99)
    DayTotal.objects.filter(day=day + dt.timedelta(days=1)).delete()
    DayTotal.objects.create(
        user=owner, day=day - dt.timedelta(days=1), metric=mood, rating_sum=5,
        rating_count=1,
    )  # fmt: skip
    report = check()
    assert (
        f"day total of user {owner.pk}, metric {mood.pk} on 2026-01-10: 99 over 2 "
        "rating(s), but the ratings sum to 10 over 2 rating(s)"
    ) in report
    assert "on 2026-01-11: none, but the ratings sum to 3 over 1 rating(s)" in report
    assert "on 2026-01-09: 5 over 1 rating(s), but the ratings sum to none" in report
    assert "--fix-totals" in report
    assert DayTotal.objects.get(day=day).rating_sum == 99  # nothing changes unasked

    check("--fix-totals")
    totals = DayTotal.objects.values_list("day", "rating_sum", "rating_count")
    assert sorted(totals) == [(day, 10, 2), (day + dt.timedelta(days=1), 3, 1)]
    assert "No problems found." in check()
