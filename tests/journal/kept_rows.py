"""What the tests of rows the database keeps (day totals, tag days) share:
the moment of a check-in on a day, the triggers there are, and the unique
index their triggers upsert into."""

from __future__ import annotations

import datetime as dt

from django.db import connection


def moment(day: dt.date, hour: int = 12) -> dt.datetime:
    return dt.datetime(day.year, day.month, day.day, hour, tzinfo=dt.UTC)


def triggers(prefix: str) -> set[tuple[str, str]]:
    """(table, trigger) of the enabled triggers whose names start so."""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                "SELECT tgrelid::regclass::text, tgname FROM pg_trigger "
                "WHERE tgname LIKE %s AND tgenabled = 'O'",
                [f"{prefix}%"],
            )
        else:
            cursor.execute(
                "SELECT tbl_name, name FROM sqlite_master "
                "WHERE type = 'trigger' AND name LIKE %s",
                [f"{prefix}%"],
            )
        return set(cursor.fetchall())


def expected_triggers(prefix: str, table: str, source: str) -> set[tuple[str, str]]:
    """(table, trigger) of the triggers a kept table's migration makes on this
    database: on PostgreSQL one on `table` and one on entries; on SQLite, which
    has no trigger for several events, one for each of `table`'s insert,
    delete and update, and the entries' one."""
    if connection.vendor == "postgresql":
        on_source = {(table, f"{prefix}_{source}")}
    else:
        on_source = {
            (table, f"{prefix}_{source}_{event}")
            for event in ("insert", "delete", "update")
        }
    return {*on_source, ("journal_entry", f"{prefix}_entry")}


def assert_unique_index(
    table: str, name: str, columns: list[str], included: list[str]
) -> None:
    """The unique index `name` on `columns`: on PostgreSQL holding `included`
    as well (INCLUDE), on SQLite (which has no INCLUDE) the columns alone."""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                "SELECT indexdef FROM pg_indexes WHERE indexname = %s", [name]
            )
            (definition,) = cursor.fetchone()
            assert definition.startswith(f"CREATE UNIQUE INDEX {name} ON ")
            assert definition.endswith(
                f"({', '.join(columns)}) INCLUDE ({', '.join(included)})"
            )
        else:
            cursor.execute(f"PRAGMA index_list('{table}')")
            unique = [row[1] for row in cursor.fetchall() if row[2]]
            indexed = [
                [c[2] for c in cursor.execute(f"PRAGMA index_info('{index}')")]
                for index in unique
            ]
            assert columns in indexed
