"""The two search back ends: PostgreSQL full text with its GIN index, and the
plain contains of SQLite. Each test asserts what the database in use must do."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection

from journal.models import Entry
from journal.search import search_entries
from tests.factories import make_entry

pytestmark = pytest.mark.django_db
POSTGRES = connection.vendor == "postgresql"


def found(user, text: str) -> set[str]:
    return set(
        search_entries(Entry.objects.filter(user=user), text).values_list(
            "note", flat=True
        )
    )


def test_search_is_case_insensitive_on_both(owner):
    make_entry(owner, day=dt.date(2026, 1, 1), note="Morning RIVER walk")
    assert found(owner, "river") == {"Morning RIVER walk"}


def test_web_search_syntax_on_postgresql_plain_text_on_sqlite(owner):
    make_entry(owner, day=dt.date(2026, 1, 1), note="river in the morning")
    make_entry(owner, day=dt.date(2026, 1, 2), note="river at night")
    if POSTGRES:
        assert found(owner, "river -morning") == {"river at night"}
        assert found(owner, '"at night"') == {"river at night"}
        assert found(owner, "morning or night") == {
            "river in the morning",
            "river at night",
        }
    else:
        assert found(owner, "river -morning") == set()
        assert found(owner, "at night") == {"river at night"}


def test_odd_input_never_raises(owner):
    make_entry(owner, day=dt.date(2026, 1, 1), note="plain")
    for text in ['"', "-", "&|!():*", "'; drop table", "\\", "%_"]:
        found(owner, text)


def test_postgresql_has_a_gin_index_on_the_search_expression():
    with connection.cursor() as cursor:
        if POSTGRES:
            cursor.execute(
                "SELECT indexdef FROM pg_indexes WHERE indexname = 'entry_search_gin'"
            )
            (definition,) = cursor.fetchone()
            assert "USING gin" in definition
            assert "to_tsvector" in definition
        else:
            cursor.execute(
                "SELECT name FROM sqlite_master WHERE name = 'entry_search_gin'"
            )
            assert cursor.fetchone() is None


def test_postgresql_uses_the_index_for_a_search(owner):
    make_entry(owner, day=dt.date(2026, 1, 1), note="river")
    query = search_entries(Entry.objects.all(), "river")
    if POSTGRES:
        with connection.cursor() as cursor:
            cursor.execute("SET LOCAL enable_seqscan = off")
        assert "entry_search_gin" in query.explain()
    else:
        assert "LIKE" in str(query.query)
