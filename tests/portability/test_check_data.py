"""manage.py check_data finds rows outside the limits and repairs on request."""

from __future__ import annotations

import datetime as dt
from io import StringIO

import pytest
from django.core.management import call_command
from django.db import connection

from journal.models import Entry, Metric
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
