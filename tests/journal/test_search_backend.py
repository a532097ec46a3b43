"""The two search back ends: PostgreSQL full text with its GIN index, and
SQLite's FTS5 table. Both take the same syntax and give the same answers."""

from __future__ import annotations

import datetime as dt
import json
import re

import pytest
from django.db import connection

from journal import search
from journal.models import Entry
from tests.factories import make_entry

pytestmark = pytest.mark.django_db
POSTGRES = connection.vendor == "postgresql"


def searched(user, text: str):
    """The person's entries matching `text`, as the journal's search asks."""
    groups = search.terms(text)
    entries = Entry.objects.filter(user=user)
    return entries.filter(search.condition(user.pk, groups)) if groups else entries


def found(user, text: str) -> set[str]:
    return set(searched(user, text).values_list("note", flat=True))


def test_search_is_case_insensitive_on_both(owner):
    make_entry(owner, day=dt.date(2026, 1, 1), note="Morning RIVER walk")
    assert found(owner, "river") == {"Morning RIVER walk"}


def test_web_search_syntax_on_both_databases(owner):
    make_entry(owner, day=dt.date(2026, 1, 1), note="river in the morning")
    make_entry(owner, day=dt.date(2026, 1, 2), note="river at night")
    make_entry(owner, day=dt.date(2026, 1, 3), note="the evening was calm")
    assert found(owner, "river -morning") == {"river at night"}
    assert found(owner, '"at night"') == {"river at night"}
    assert found(owner, '"night at"') == set()
    assert found(owner, "morning or night") == {
        "river in the morning",
        "river at night",
    }
    assert found(owner, "evening calm") == {"the evening was calm"}
    assert found(owner, "-river") == {"the evening was calm"}


def test_search_matches_tag_names(owner):
    make_entry(owner, day=dt.date(2026, 1, 1), note="quiet day", tags=["Hiking"])
    make_entry(owner, day=dt.date(2026, 1, 2), note="hiking plans", tags=[])
    make_entry(owner, day=dt.date(2026, 1, 3), note="nothing", tags=["work"])
    assert found(owner, "hiking") == {"quiet day", "hiking plans"}
    assert found(owner, "quiet hiking") == {"quiet day"}


def test_a_tag_name_matches_its_characters_as_written(owner):
    make_entry(owner, day=dt.date(2026, 1, 1), note="one", tags=["a_b"])
    make_entry(owner, day=dt.date(2026, 1, 2), note="two", tags=["axb"])
    make_entry(owner, day=dt.date(2026, 1, 3), note="three", tags=["100% Sure"])
    make_entry(owner, day=dt.date(2026, 1, 4), note="four", tags=["1000 sure"])
    make_entry(owner, day=dt.date(2026, 1, 5), note="five", tags=["back\\slash"])
    assert found(owner, "a_b") == {"one"}
    assert found(owner, "_") == {"one"}
    assert found(owner, "%") == {"three"}
    assert found(owner, "0% s") == {"three"}
    assert found(owner, "-%") == {"one", "two", "four", "five"}
    assert found(owner, "\\") == {"five"}
    assert found(owner, "SURE") == {"three", "four"}


def test_the_index_follows_edits_and_deletes(owner):
    entry = make_entry(owner, day=dt.date(2026, 1, 1), note="before words")
    Entry.objects.filter(pk=entry.pk).update(note="after words")
    assert found(owner, "before") == set()
    assert found(owner, "after") == {"after words"}
    Entry.objects.filter(pk=entry.pk).delete()
    assert found(owner, "after") == set()


@pytest.mark.skipif(POSTGRES, reason="the FTS5 triggers exist on SQLite only")
def test_sqlite_keeps_its_full_text_triggers():
    # A later migration that rebuilds journal_entry on SQLite would drop them.
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT name FROM sqlite_master WHERE type = 'trigger' "
            "AND tbl_name = 'journal_entry' AND name LIKE 'journal_entry_fts%'"
        )
        names = {row[0] for row in cursor.fetchall()}
    assert names == {
        "journal_entry_fts_ai",
        "journal_entry_fts_ad",
        "journal_entry_fts_au",
    }


def test_odd_input_never_raises(owner):
    make_entry(owner, day=dt.date(2026, 1, 1), note="plain")
    for text in ['"', "-", "&|!():*", "'; drop table", "\\", "%_", "a\x00", "or"]:
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
            # Entries go into the index as they are written, never into a
            # pending list that every search would read through.
            cursor.execute(
                "SELECT reloptions FROM pg_class WHERE relname = 'entry_search_gin'"
            )
            assert cursor.fetchone() == (["fastupdate=off"],)
        else:
            cursor.execute(
                "SELECT name FROM sqlite_master WHERE name = 'entry_search_gin'"
            )
            assert cursor.fetchone() is None


def days_of_notes(user, note: str, days: int = 365) -> None:
    """`days` entries of the person's, one a day from 1 January 2025, each
    with `note` as its note ({n} becomes the day's number), in one insert."""
    start = dt.date(2025, 1, 1)
    Entry.objects.bulk_create(
        Entry(
            user=user,
            day=start + dt.timedelta(days=n),
            occurred_at=dt.datetime.combine(
                start + dt.timedelta(days=n), dt.time(12), tzinfo=dt.UTC
            ),
            note=note.format(n=n),
        )
        for n in range(days)
    )


def with_statistics() -> None:
    """The planner's statistics of the entries as they now are."""
    if POSTGRES:
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE journal_entry")


def a_year_with_one_river(owner) -> None:
    """A year of the person's entries, one of them about a river, and the
    planner's statistics of them: on a table of a few rows PostgreSQL rightly
    reads the person's entries and tests each rather than use any index, and
    a plan must be asked of a journal the size of a real one."""
    days_of_notes(owner, "a quiet day, number {n}")
    make_entry(owner, day=dt.date(2026, 1, 1), note="river")
    with_statistics()


def test_postgresql_uses_the_index_for_a_search(owner):
    a_year_with_one_river(owner)
    query = searched(owner, "river")
    if POSTGRES:
        assert "entry_search_gin" in query.explain()
    else:
        assert "journal_entry_fts MATCH" in str(query.query)


# Where a node of a JSON EXPLAIN holds the condition it reads rows by.
CONDITIONS = ("Index Cond", "Recheck Cond", "Filter")


def _text_scans(node: dict) -> list[dict]:
    """The plan's reads of entries by their words: the nodes of a JSON
    EXPLAIN that read journal_entry with a condition on its tsvector."""
    words = any("to_tsvector" in node.get(key, "") for key in CONDITIONS)
    found = [node] if words and node.get("Relation Name") == "journal_entry" else []
    for child in node.get("Plans", []):
        found += _text_scans(child)
    return found


@pytest.mark.skipif(not POSTGRES, reason="SQLite's FTS5 table knows nothing of people")
def test_a_search_reads_the_persons_entries_not_every_persons(owner, other_user):
    """Another person whose journal is full of the word costs a search
    nothing: the entries read for their words are the person's alone."""
    a_year_with_one_river(owner)
    days_of_notes(other_user, "by the river again", days=300)
    with_statistics()
    query = searched(owner, "river")
    assert set(query.values_list("note", flat=True)) == {"river"}
    plan = json.loads(query.explain(format="json", analyze=True))[0]["Plan"]
    scans = _text_scans(plan)
    assert scans, plan
    assert [scan["Actual Rows"] for scan in scans] == [1] * len(scans)


def test_a_prepared_search_keeps_using_the_index(owner):
    """A search is a prepared statement: after a few runs PostgreSQL may keep
    one plan for any words (the generic plan). That plan must match through
    the index, so the search's expression must be the index's with its
    constants written in, not sent as parameters."""
    a_year_with_one_river(owner)
    query = searched(owner, "river").values_list("pk", flat=True)
    sql, params = query.query.sql_with_params()
    if not POSTGRES:
        assert "journal_entry_fts MATCH" in sql
        return
    from psycopg import sql as pg_sql

    numbered = iter(range(1, len(params) + 1))
    prepared = re.sub(r"%s", lambda _: f"${next(numbered)}", sql)
    with connection.cursor() as cursor:
        values = pg_sql.SQL(", ").join(map(pg_sql.Literal, params))
        cursor.execute("SET LOCAL plan_cache_mode = force_generic_plan")
        cursor.execute(f"PREPARE search_plan AS {prepared}")
        try:
            cursor.execute(
                pg_sql.SQL("EXPLAIN EXECUTE search_plan({})")
                .format(values)
                .as_string(cursor.connection)
            )
            plan = "\n".join(row[0] for row in cursor.fetchall())
        finally:
            cursor.execute("DEALLOCATE search_plan")
    assert "entry_search_gin" in plan
