"""config.postgresql.together: reads sent in one write give what a cursor gives."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import psycopg
import pytest
from django.db import OperationalError, ProgrammingError, connection, transaction
from psycopg import errors

from config.postgresql.together import numbered, read_together
from config.prepared import Read, ahead, prepared
from journal.models import Entry
from tests.conftest import make_user
from tests.factories import make_entry

POSTGRESQL = connection.vendor == "postgresql"
on_postgresql = pytest.mark.skipif(not POSTGRESQL, reason="PostgreSQL's protocol")
DAY = dt.date(2026, 3, 10)

# Values of every kind the app reads, with parameters of each kind it sends.
TYPED = (
    "SELECT %s::int, %s::bigint, %s, %s::date, 'Zürich ☕'::text, 1.50::numeric,"
    " true, NULL::int, '{\"a\": [1, 2]}'::jsonb,"
    " timestamptz '2026-03-10 07:30:00+01', 'a%%b' LIKE 'a%%'"
)
TYPED_PARAMS = (7, 2**40, "text", DAY)
NAMED = "SELECT %(day)s::date + 1, %(n)s::int, %(day)s::date"


def test_placeholders_are_numbered_in_order():
    assert numbered("SELECT %s, %s", (1, 2)) == ("SELECT $1, $2", [1, 2])
    assert numbered("SELECT 'a%%' || %s", ("b",)) == ("SELECT 'a%' || $1", ["b"])


def test_a_named_placeholder_is_one_parameter_however_often_it_appears():
    assert numbered(NAMED, {"day": DAY, "n": 3}) == (
        "SELECT $1::date + 1, $2::int, $1::date",
        [DAY, 3],
    )


def test_a_parameter_without_its_placeholder_is_refused():
    with pytest.raises(TypeError):
        numbered("SELECT %s", (1, 2))


def _cursor_rows(sql: str, params) -> list[tuple]:
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall()


def _together(reads: list[tuple[str, tuple | dict]]) -> list[list[tuple]]:
    connection.ensure_connection()
    with connection.create_cursor() as cursor:
        return read_together(cursor, reads)


def _statements() -> int:
    return _cursor_rows(
        "SELECT count(*) FROM pg_prepared_statements WHERE name LIKE 'titrate%%'", ()
    )[0][0]


@on_postgresql
@pytest.mark.django_db(transaction=True)
def test_the_rows_are_the_values_a_cursor_fetches():
    reads = [(TYPED, TYPED_PARAMS), (NAMED, {"day": DAY, "n": 3})]
    typed, named = _together(reads)
    assert typed == _cursor_rows(*reads[0])
    assert named == _cursor_rows(*reads[1])
    assert typed == [
        (
            7,
            2**40,
            "text",
            DAY,
            "Zürich ☕",
            Decimal("1.50"),
            True,
            None,
            '{"a": [1, 2]}',  # Django's loader: JSONField decodes it
            dt.datetime(2026, 3, 10, 6, 30, tzinfo=dt.UTC),
            True,
        )
    ]
    assert named == [(DAY + dt.timedelta(days=1), 3, DAY)]


@on_postgresql
@pytest.mark.django_db(transaction=True)
def test_a_statement_is_prepared_once_on_its_connection():
    before = _statements()
    sql = "SELECT %s::int + 1"
    assert _together([(sql, (1,)), (sql, (2,))]) == [[(2,)], [(3,)]]
    prepared_then = _statements()
    assert prepared_then > before
    assert _together([(sql, (5,)), (sql, (6,))]) == [[(6,)], [(7,)]]
    assert _statements() == prepared_then


@on_postgresql
@pytest.mark.django_db(transaction=True)
def test_a_connection_that_prepares_nothing_reads_without_preparing():
    """DATABASE_PREPARED_STATEMENTS=false, for a pooler that cannot keep them."""
    connection.ensure_connection()
    threshold = connection.connection.prepare_threshold
    connection.connection.prepare_threshold = None
    try:
        before = _statements()
        sql = "SELECT %s::int - 1"
        for _ in range(3):
            assert _together([(sql, (1,)), (TYPED, TYPED_PARAMS)]) == [
                [(0,)],
                _cursor_rows(TYPED, TYPED_PARAMS),
            ]
        assert _statements() == before
    finally:
        connection.connection.prepare_threshold = threshold


@on_postgresql
@pytest.mark.django_db(transaction=True)
def test_statements_the_server_forgot_are_prepared_again():
    sql = "SELECT %s::int * 2"
    assert _together([(sql, (2,)), ("SELECT 1", ())]) == [[(4,)], [(1,)]]
    with connection.cursor() as cursor:
        cursor.execute("DEALLOCATE ALL")
    assert _together([(sql, (3,)), ("SELECT 1", ())]) == [[(6,)], [(1,)]]


@on_postgresql
@pytest.mark.django_db(transaction=True)
def test_a_failed_read_raises_its_error_and_the_connection_reads_on():
    with pytest.raises(errors.UndefinedColumn):
        _together([("SELECT 1", ()), ("SELECT no_such_column FROM journal_entry", ())])
    with pytest.raises(errors.DivisionByZero):
        _together([("SELECT 1 / %s", (0,)), ("SELECT 2", ())])
    assert _together([("SELECT 1 / %s", (1,)), ("SELECT 2", ())]) == [[(1,)], [(2,)]]
    assert _cursor_rows("SELECT 3", ()) == [(3,)]


@on_postgresql
@pytest.mark.django_db(transaction=True)
def test_inside_a_transaction_it_does_not_read():
    with transaction.atomic(), pytest.raises(ValueError):
        _together([("SELECT 1", ()), ("SELECT 2", ())])


@prepared
def _entries_of(user_id: int, day: dt.date):
    return Entry.objects.filter(user=user_id, day=day)


@on_postgresql
@pytest.mark.django_db(transaction=True)
def test_reads_ahead_outside_a_transaction_give_the_rows_of_when_they_were_sent():
    """In autocommit, with nothing watching the queries, ahead() sends its
    reads in one write: the calls take what was read then."""
    assert not connection.execute_wrappers and not connection.queries_logged
    owner = make_user("together")
    entry = make_entry(owner, day=DAY, note="before")
    raw = ("SELECT id, note FROM journal_entry WHERE user_id = %s", (owner.pk,))
    with ahead([_entries_of.read(owner.pk, DAY), Read(*raw)]):
        Entry.objects.filter(pk=entry.pk).update(note="after")
        assert [e.note for e in _entries_of(owner.pk, DAY)] == ["before"]
    assert [e.note for e in _entries_of(owner.pk, DAY)] == ["after"]
    with (
        pytest.raises(ProgrammingError),
        ahead([Read("SELECT no_such_column FROM journal_entry", ()), Read(*raw)]),
    ):
        pass


@on_postgresql
@pytest.mark.django_db(transaction=True)
def test_a_connection_the_server_dropped_raises_and_the_next_reads_anew():
    """PostgreSQL restarted, or the connection killed, between two requests:
    the reads raise Django's OperationalError (a server error for that one
    request), the connection is closed as unusable at the request's end, and
    the next reads connect again."""
    assert not connection.execute_wrappers and not connection.queries_logged
    reads = [Read("SELECT 1", ()), Read("SELECT 2", ())]
    pid = _cursor_rows("SELECT pg_backend_pid()", ())[0][0]
    with psycopg.connect(**connection.get_connection_params()) as other:
        other.execute("SELECT pg_terminate_backend(%s)", (pid,))
    with pytest.raises(OperationalError), ahead(reads):
        pass
    assert connection.errors_occurred and not connection.is_usable()
    connection.close_if_unusable_or_obsolete()
    with ahead(reads):
        assert _cursor_rows("SELECT 1", ()) == [(1,)]
    assert _cursor_rows("SELECT pg_backend_pid()", ())[0][0] != pid
