"""config.postgresql: Django's PostgreSQL backend with moments parsed by
psycopg's C loader; the same values as Django's own loader gives."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.db.backends.postgresql.psycopg_any import BaseTzLoader
from django.utils import timezone

from journal.models import Entry

pytestmark = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="PostgreSQL's loaders"
)

TEXTS = [
    b"2026-12-05 03:35:10.993672+00",
    b"2026-12-05 03:35:10+00",
    b"1999-01-08 04:05:06.5+00",
    b"2026-03-29 01:30:00.000001+00",
    b"0001-01-01 00:00:00+00",
    b"9999-12-31 23:59:59.999999+00",
]


@pytest.mark.django_db
def test_moments_load_as_django_loads_them():
    connection.ensure_connection()
    adapters = connection.connection.adapters
    ours = adapters.get_loader(adapters.types["timestamptz"].oid, 0)
    assert ours.__module__ == "config.postgresql.base"

    class Django(BaseTzLoader):
        timezone = ours.timezone

    with connection.cursor() as cursor:
        context = cursor.cursor  # psycopg's cursor: the connection's session zone
        fast = ours(adapters.types["timestamptz"].oid, context)
        slow = Django(adapters.types["timestamptz"].oid, context)
        for text in TEXTS:
            loaded = fast.load(text)
            assert loaded == slow.load(text), text
            assert loaded.tzinfo is slow.load(text).tzinfo is connection.timezone


@pytest.mark.django_db
def test_a_moment_comes_back_as_the_same_instant(owner):
    moment = dt.datetime(2026, 3, 29, 2, 30, 15, 123456, tzinfo=dt.UTC)
    with timezone.override("Pacific/Chatham"):
        entry = Entry.objects.create(user=owner, day=moment.date(), occurred_at=moment)
        (back,) = Entry.objects.filter(pk=entry.pk).values_list(
            "occurred_at", flat=True
        )
    assert back == moment and back.utcoffset() == dt.timedelta(0)
