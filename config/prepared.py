"""Querysets compiled to SQL once per shape, then run with other arguments.

Building a queryset and compiling it to SQL is Django's own work on every
call, and on the benchmark machine it cost more than the database: 0.5 ms of
a 1.3 ms query for a person's metrics, against 0.3 ms for the same SQL sent
as it is. Today runs fifteen such queries, most of them the same SQL every
time but for the person's id and the day. So, as config.reverse does for
URLs, a query is built once with marker arguments, compiled, and later calls
put their arguments where the markers' parameters were. The rows then go
through Django's own iterables (model instances, values, select_related,
prefetch_related), as they would have.

A prefetch_related() lookup is the exception to "compiled once": Django's
prefetch_related_objects() builds and compiles its query on every call, and
can send it only once the rows are back. Where the related rows can be found
by the same arguments, read them with a prepared query of their own, which
ahead() can send with the others (protocols.queries._effects: Today's doses
with their effects prefetched took 0.70-0.88 ms of the process's time, 0.13
to 0.18 without; bench/RESULTS.md, round 46).

    @prepared
    def _visible_metrics(user_id: int) -> QuerySet[Metric]:
        return Metric.objects.filter(user_id=user_id, hidden=False)

    _visible_metrics(user.pk)  # a list of Metric

What a prepared query may take: ints in the range of a 32-bit integer field
(ids), dates, text, and lists or tuples of any one of them (for `__in`,
fewer than SPAN items). Anything else, or a shape whose SQL does not carry
each marker as a parameter of its own (a marker folded into a LIKE pattern,
say), goes through the queryset as before, every time. A text marker holds
what a lookup would change on the way to the SQL (both cases, the LIKE
wildcards and escape, a quote, spaces at both ends), so a lookup that
rewrites text cannot find its marker among the parameters and the shape is
not kept. The shape's key holds the database alias and vendor and each
argument's kind and length; a query whose SQL names the current time zone
(one that truncates moments to days) is kept for each zone apart. The
builder must be a function of its arguments alone: no clock, no settings
read at call time; what it reads otherwise is frozen into the first
compile.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from functools import cache, update_wrapper

from django.core.exceptions import EmptyResultSet, FullResultSet, ValidationError
from django.db import DEFAULT_DB_ALIAS, connections
from django.db.models import QuerySet, prefetch_related_objects
from django.db.models.query import (
    FlatValuesListIterable,
    ModelIterable,
    ValuesListIterable,
    get_related_populators,
)
from django.db.models.sql.constants import MULTI
from django.utils import timezone

from config.postgresql.together import read_together

# The i-th argument's marker is MARKER + SPAN * i (+ 1 + k for a list's k-th
# item): inside a 32-bit integer field's range, which Django checks before it
# compiles, and far above any id a self-hosted instance reaches.
MARKER = 2_061_000_000
SPAN = 1_000
INT32 = 2**31 - 1
# Any marker's number, within a parameter made from it (a quoted phrase).
MARKED = re.compile(str(MARKER)[:4] + r"\d{6}")
# Days no journal holds: the i-th date argument's marker is SPAN * i days
# after FIRST_DAY (+ 1 + k for a list's k-th item).
FIRST_DAY = dt.date(1001, 1, 1)
# Shapes kept per query; past this, new shapes run unprepared.
MAX_SHAPES = 64
# A shape first compiled in one zone is compiled again in another of these
# (one that is not the current zone) to learn whether its SQL names the zone.
OTHER_ZONES = ("Pacific/Chatham", "UTC")
# A shape's place for a query whose SQL names the current time zone: its
# shapes are kept under keys that hold the zone too.
ZONED = "zoned"
# Rows of values_list() reads come in one fetch of at most this many.
WHOLE = 2**31 - 1
WHOLE_FETCH = (ValuesListIterable, FlatValuesListIterable)


def _kind(arg) -> tuple | None:
    """An argument's part of the shape key, or None where it is not taken."""
    if type(arg) is int:
        return ("int",) if -INT32 <= arg < MARKER else None
    if type(arg) is dt.date:
        return ("date",)
    if type(arg) is str:
        return ("str",)
    if isinstance(arg, list | tuple) and len(arg) < SPAN:  # markers never overlap
        if all(type(item) is int and 0 <= item < MARKER for item in arg):
            return ("ints", len(arg))
        if all(type(item) is dt.date for item in arg):
            return ("dates", len(arg))
        if all(type(item) is str for item in arg):
            return ("strs", len(arg))
    return None


def _text_marker(number: int) -> str:
    return f' Prepared%_\\"{number}" '


def _marker(index: int, kind: tuple):
    if kind[0] == "int":
        return MARKER + SPAN * index
    if kind[0] == "date":
        return FIRST_DAY + dt.timedelta(days=SPAN * index)
    if kind[0] == "str":
        return _text_marker(MARKER + SPAN * index)
    if kind[0] == "ints":
        return [MARKER + SPAN * index + 1 + k for k in range(kind[1])]
    if kind[0] == "strs":
        return [_text_marker(MARKER + SPAN * index + 1 + k) for k in range(kind[1])]
    return [FIRST_DAY + dt.timedelta(days=SPAN * index + 1 + k) for k in range(kind[1])]


class _Shape:
    """One compiled query: its SQL, its parameters, and for each parameter
    that came from an argument, where in the arguments it comes from."""

    __slots__ = (
        "queryset",
        "compiler",
        "sql",
        "params",
        "fills",
        "converters",
        "plan",
    )

    def __init__(self, queryset, compiler, sql, params, fills):
        self.queryset = queryset
        self.compiler = compiler
        self.sql = sql
        self.params = params
        self.fills = fills  # (position, argument index, item index or None, adapt)
        # The selected columns' converters, as the compiler finds them for
        # every run (a call per column); found on the first run.
        self.converters = None
        # How model instances are made of its rows (_Plan), found on the
        # first run; False where Django's iterable makes them.
        self.plan = None

    def selected(self) -> list:
        """The expressions of the columns its rows hold."""
        compiler = self.compiler
        return [column for column, _, _ in compiler.select[: compiler.col_count]]

    def column_converters(self) -> dict:
        if self.converters is None:
            self.converters = self.compiler.get_converters(self.selected())
        return self.converters

    def params_for(self, args, connection) -> tuple:
        params = list(self.params)
        for position, index, item_index, adapt in self.fills:
            value = args[index] if item_index is None else args[index][item_index]
            params[position] = (
                connection.ops.adapt_datefield_value(value) if adapt else value
            )
        return tuple(params)


class prepared:
    """A decorator, like functools.cache: the builder's queryset, run."""

    def __init__(self, build: Callable[..., QuerySet]):
        self.build = build
        self.shapes: dict[tuple, _Shape | str | None] = {}
        update_wrapper(self, build)

    def __call__(self, *args) -> list:
        connection = connections[DEFAULT_DB_ALIAS]
        shape = self._shape(args, connection)
        if shape is None:
            return list(self.build(*args))
        return self._run(shape, args, connection)

    def read(self, *args) -> Read | None:
        """This query's SQL and parameters for these arguments, for ahead();
        None where it is not prepared (it then reads when it is called)."""
        connection = connections[DEFAULT_DB_ALIAS]
        shape = self._shape(args, connection)
        if shape is None:
            return None
        return Read(shape.sql, shape.params_for(args, connection))

    def _shape(self, args, connection) -> _Shape | None:
        kinds = tuple(_kind(arg) for arg in args)
        if None in kinds:
            return None
        key = (DEFAULT_DB_ALIAS, connection.vendor, kinds)
        try:
            shape = self.shapes[key]
        except KeyError:
            shape = self._first_shape(key, kinds, connection)
        if shape is not ZONED:
            return shape
        # Looking the zone up costs microseconds (it is context-local): only
        # the queries whose SQL names it do.
        key = (*key, timezone.get_current_timezone_name())
        try:
            return self.shapes[key]
        except KeyError:
            shape = self._compile(kinds, connection)
            self._keep(key, shape)
            return shape

    def _first_shape(self, key, kinds, connection) -> _Shape | None:
        """The shape compiled in the current zone; kept for every zone if it
        compiles to the same SQL in another."""
        shape = self._compile(kinds, connection)
        zone = timezone.get_current_timezone_name()
        other = OTHER_ZONES[0] if zone != OTHER_ZONES[0] else OTHER_ZONES[1]
        with timezone.override(other):
            elsewhere = self._compile(kinds, connection)
        if _same(shape, elsewhere):
            self._keep(key, shape)
        else:
            self._keep(key, ZONED)
            self._keep((*key, zone), shape)
        return shape

    def _keep(self, key, shape) -> None:
        if len(self.shapes) < MAX_SHAPES:
            self.shapes[key] = shape

    def first(self, *args):
        """The first row, or None: for a builder that slices its queryset to
        one row, as QuerySet.first() would."""
        rows = self(*args)
        return rows[0] if rows else None

    def _compile(self, kinds, connection) -> _Shape | None:
        markers = [_marker(i, kind) for i, kind in enumerate(kinds)]
        try:
            queryset = self.build(*markers)
        except (TypeError, ValueError, ValidationError):
            return None  # a marker the builder cannot take ("1" for an id)
        if queryset.db != DEFAULT_DB_ALIAS or queryset._known_related_objects:
            return None
        compiler = queryset.query.get_compiler(using=DEFAULT_DB_ALIAS)
        try:
            sql, params = compiler.as_sql()
        except (EmptyResultSet, FullResultSet):
            return None  # decided without SQL: the queryset knows how
        if not sql:
            return None
        # Each marker as it may reach the parameters: itself, or a date as
        # the backend writes it (SQLite: text).
        wanted = {}
        for index, marker in enumerate(markers):
            items = enumerate(marker) if isinstance(marker, list) else [(None, marker)]
            for item_index, item in items:
                wanted[item] = (index, item_index, False)
                if isinstance(item, dt.date):
                    adapted = connection.ops.adapt_datefield_value(item)
                    if adapted != item:
                        wanted[adapted] = (index, item_index, True)
        if any(str(item) in sql for item in wanted):
            return None  # a marker written into the SQL as well
        if any(
            type(param) is str and param not in wanted and MARKED.search(param)
            for param in params
        ):
            return None  # a parameter made from a marker, not the marker itself
        fills = []
        seen = set()
        for position, param in enumerate(params):
            if type(param) in (int, str, dt.date) and param in wanted:
                index, item_index, adapt = wanted[param]
                fills.append((position, index, item_index, adapt))
                seen.add((index, item_index))
        expected = {
            (index, k)
            for index, marker in enumerate(markers)
            for k in (range(len(marker)) if isinstance(marker, list) else [None])
        }
        if seen != expected:
            return None  # some argument did not reach the SQL as itself
        return _Shape(queryset, compiler, sql, tuple(params), tuple(fills))

    def _run(self, shape: _Shape, args, connection) -> list:
        params = shape.params_for(args, connection)
        if shape.plan is None:
            shape.plan = _Plan.of(shape) or False
        if shape.plan:
            return shape.plan.models(shape, params, connection)
        # Shallow copies, as Query.clone() starts: nothing below changes what
        # they share (copy.copy would evaluate a QuerySet to pickle it).
        compiler = _shallow(shape.compiler)
        compiler.connection = connection
        sql_and_params = (shape.sql, params)
        compiler.as_sql = lambda *args, **kwargs: sql_and_params
        rows = _taken(shape.sql, params)
        if rows is not None:
            compiler.execute_sql = _replay(compiler, rows)
        converters = shape.column_converters()
        compiler.get_converters = lambda expressions: converters
        query = _shallow(shape.queryset.query)
        query.get_compiler = lambda *args, **kwargs: compiler
        queryset = _shallow(shape.queryset)
        queryset._query = query  # the setter would make values_list() rows dicts
        queryset._result_cache = None
        queryset._prefetch_done = False
        try:
            if queryset._iterable_class in WHOLE_FETCH:
                # The rows in one fetch, not a hundred at a time as Django
                # fetches them: the same rows, a third less time for thousands
                # of them (five years of day totals: 7,300).
                return list(queryset._iterable_class(queryset, chunk_size=WHOLE))
            return list(queryset)
        finally:
            # The replay refers to the compiler: a cycle, which only the
            # garbage collector would free, once per read.
            compiler.__dict__.pop("execute_sql", None)


class _Plan:
    """Model instances made of a shape's rows as Django's ModelIterable makes
    them (Model.from_db(), select_related()'s populators, annotations, then
    prefetch_related()), with what it works out again for every query worked
    out once per shape: on Today, where rows read ahead were replayed through
    it, that was 70 µs a read (120 against 52 for the five metrics' rows made
    into instances and nothing else), eleven times a page."""

    __slots__ = ("model", "init_list", "start", "end", "populators", "annotations")

    @classmethod
    def of(cls, shape: _Shape) -> _Plan | None:
        """The plan, or None where the rows go through Django's iterable (any
        other iterable class, composite fields, a locking read)."""
        queryset, compiler = shape.queryset, shape.compiler
        if (
            queryset._iterable_class is not ModelIterable
            or queryset.query.select_for_update
            or compiler.klass_info is None
        ):
            return None
        if compiler.has_composite_fields(shape.selected()):
            return None
        plan = cls()
        klass_info, select = compiler.klass_info, compiler.select
        plan.model = klass_info["model"]
        fields = klass_info["select_fields"]
        plan.start, plan.end = fields[0], fields[-1] + 1
        plan.init_list = [s[0].target.attname for s in select[plan.start : plan.end]]
        # They keep nothing of a row between rows: shared by every run.
        plan.populators = get_related_populators(klass_info, select, DEFAULT_DB_ALIAS)
        plan.annotations = tuple(compiler.annotation_col_map.items())
        return plan

    def models(self, shape: _Shape, params: tuple, connection) -> list:
        compiler = shape.compiler
        found = rows(shape.sql, params)
        if compiler.has_extra_select:
            found = [row[: compiler.col_count] for row in found]
        converters = shape.column_converters()
        if converters:
            compiler = _shallow(compiler)
            compiler.connection = connection
            found = list(compiler.apply_converters(found, converters))
        model, init_list = self.model, self.init_list
        start, end = self.start, self.end
        objs = []
        for row in found:
            obj = model.from_db(DEFAULT_DB_ALIAS, init_list, row[start:end])
            for populator in self.populators:
                populator.populate(row, obj)
            for name, position in self.annotations:
                setattr(obj, name, row[position])
            objs.append(obj)
        lookups = shape.queryset._prefetch_related_lookups
        if lookups and objs:
            prefetch_related_objects(objs, *lookups)
        return objs


def _same(shape: _Shape | None, other: _Shape | None) -> bool:
    if shape is None or other is None:
        return shape is other
    return (shape.sql, shape.params, shape.fills) == (
        other.sql,
        other.params,
        other.fills,
    )


def _replay(compiler, rows: list[tuple]) -> Callable:
    """The compiler's execute_sql(), giving rows read ahead as it gives the
    rows it reads: in one chunk, without the extra select's columns."""
    execute_sql = compiler.execute_sql

    def replay(result_type=MULTI, *args, **kwargs):
        if result_type != MULTI:
            return execute_sql(result_type, *args, **kwargs)
        if compiler.has_extra_select:
            return [[row[: compiler.col_count] for row in rows]]
        return [rows]

    return replay


@dataclass(frozen=True)
class Read:
    """A read's SQL and its parameters (a tuple, or a dict of named ones), as
    it will be sent."""

    sql: str
    params: tuple | dict

    @property
    def key(self) -> tuple:
        params = self.params
        if isinstance(params, dict):
            return (self.sql, tuple(sorted(params.items())))
        return (self.sql, tuple(params))


# The rows ahead() read, by read, each taken once; None outside ahead().
_AHEAD: ContextVar[dict | None] = ContextVar("prepared_ahead", default=None)


@contextmanager
def ahead(reads: Iterable[Read | None]) -> Iterator[None]:
    """Send these reads together, in one round trip (PostgreSQL's pipeline
    mode), where a page would send them one after another and wait for each.
    Inside the block, a prepared query or rows() that sends the same SQL
    with the same parameters takes the rows read ahead (the first time; a
    second call reads again); what no call takes is dropped at the end.

    Only for reads a page makes before it writes anything they read: rows
    read ahead are as they were when the block began. Elsewhere than on
    PostgreSQL nothing is read ahead and every read reads when it is called.

    Each read sent alone waits for PostgreSQL, which then waits for the
    next. Today's first seven reads (as it had then) sent so took its median
    time from 7.9 to 6.8 ms (built in the process, the benchmark's data, an
    idle machine); a busy server gains less, its processes having other work
    meanwhile.
    """
    reads = [read for read in reads if read is not None]
    connection = connections[DEFAULT_DB_ALIAS]
    if connection.vendor != "postgresql" or len(reads) < 2 or not _pipelines():
        yield
        return
    connection.ensure_connection()
    # Where something watches the queries (an execute_wrapper, or the log of
    # queries that DEBUG and the tests' query counts keep), each read goes
    # through Django's cursor, as every other query does, in psycopg's
    # pipeline; so too inside a transaction, which a statement that fails
    # ends (config.postgresql.together may have to prepare its statements
    # again). Elsewhere the reads go in one write (config.postgresql.together
    # says why), loaded by the cursor Django would have read with.
    watched = connection.execute_wrappers or connection.queries_logged
    taken = {}
    # An error surfaces once every read is back: as Django's, as any read's would.
    in_transaction = connection.in_atomic_block or not connection.get_autocommit()
    if watched or in_transaction:
        sent = []
        with connection.wrap_database_errors, connection.connection.pipeline():
            for read in reads:
                cursor = connection.cursor()
                cursor.execute(read.sql, read.params)
                sent.append((read, cursor))
        for read, cursor in sent:
            with cursor:
                taken[read.key] = cursor.fetchall()
    else:
        with connection.wrap_database_errors, connection.create_cursor() as cursor:
            found = read_together(cursor, [(read.sql, read.params) for read in reads])
        for read, read_rows in zip(reads, found, strict=True):
            taken[read.key] = read_rows
    token = _AHEAD.set(taken)
    try:
        yield
    finally:
        _AHEAD.reset(token)


@cache
def _pipelines() -> bool:
    """Whether psycopg's libpq has pipeline mode (14 or later; the pinned
    psycopg-binary's has)."""
    from psycopg import Pipeline

    return Pipeline.is_supported()


def _taken(sql: str, params: tuple | dict) -> list[tuple] | None:
    """The rows ahead() read for this SQL and these parameters, once; None
    if it read none."""
    taken = _AHEAD.get()
    if not taken:
        return None
    return taken.pop(Read(sql, params).key, None)


def rows(sql: str, params: tuple | dict) -> list[tuple]:
    """The rows of a read written in SQL: those ahead() read, or read now."""
    taken = _taken(sql, params)
    if taken is not None:
        return taken
    with connections[DEFAULT_DB_ALIAS].cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall()


class _Empty:
    pass


def _shallow(obj):
    copied = _Empty()
    copied.__class__ = obj.__class__
    copied.__dict__ = obj.__dict__.copy()
    return copied
