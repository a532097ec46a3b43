"""config.prepared: the same rows as the queryset, compiled once per shape."""

from __future__ import annotations

import datetime as dt
import threading

import pytest
from django.db import DEFAULT_DB_ALIAS, connection, connections
from django.db.models import Avg, Count, Q
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.django import TestCase

from config.prepared import MARKER, ZONED, Read, ahead, prepared, rows
from journal.models import Entry, Metric, Rating, Tag
from protocols.models import DoseLog
from tests.conftest import make_user
from tests.factories import make_dose, make_entry, make_protocol, mood_metric

pytestmark = pytest.mark.django_db

DAY = dt.date(2026, 3, 10)


@prepared
def entries_of(user_id: int, first: dt.date, last: dt.date):
    return Entry.objects.filter(user=user_id, day__range=(first, last))


@prepared
def ratings_of(entry_ids: list[int]):
    return (
        Rating.objects.filter(entry_id__in=entry_ids)
        .order_by("entry_id", "metric__position")
        .values_list("entry_id", "metric__name", "value")
    )


@prepared
def entries_on(user_id: int, days: list[dt.date]):
    return Entry.objects.filter(user=user_id, day__in=days).values_list(
        "day", flat=True
    )


@prepared
def daily_means(user_id: int, first: dt.date):
    return (
        Rating.objects.filter(entry__user=user_id, entry__day__gte=first)
        .values("entry__day")
        .annotate(mean=Avg("value"), n=Count("id"))
        .order_by("entry__day")
    )


@prepared
def doses_with_effects(user_id: int):
    return (
        DoseLog.objects.filter(user=user_id)
        .select_related("substance")
        .prefetch_related("effects")
    )


@prepared
def notes_like(user_id: int, text: str):
    return Entry.objects.filter(user=user_id, note__icontains=text)


def tagged(lookup: str = "", rewrite=lambda name: name) -> prepared:
    """Entries with a tag whose name matches by the lookup."""
    return prepared(
        lambda user_id, name: (
            Entry.objects.filter(user=user_id, **{f"tags__name{lookup}": rewrite(name)})
            .order_by("pk")
            .values_list("pk", flat=True)
        )
    )


# Exact: both databases take the text as a parameter of its own, and the
# shape substitutes it. iexact: SQLite matches by LIKE with the text escaped,
# PostgreSQL by UPPER() = UPPER(%s) with the text as it is. The last builder
# changes the text itself.
tagged_as = tagged()
tagged_iexact = tagged("__iexact")
tagged_lower = tagged(rewrite=lambda name: name.lower().strip())


@prepared
def with_any_tag(user_id: int, names: list[str]):
    return (
        Entry.objects.filter(user=user_id, tags__name__in=names)
        .order_by("pk")
        .values_list("pk", flat=True)
        .distinct()
    )


@prepared
def quoted_phrase(user_id: int, text: str):
    """A parameter made from the text (as a full-text phrase is quoted):
    the shape must not freeze the marker's phrase."""
    return (
        Entry.objects.filter(user=user_id)
        .filter(Q(note=f'"{text}"') | Q(tags__name=text))
        .order_by("pk")
        .values_list("pk", flat=True)
        .distinct()
    )


def fields(entries) -> list[tuple]:
    return [(e.pk, e.user_id, e.day, e.occurred_at, e.note) for e in entries]


def test_model_instances_as_the_queryset_gives_them(owner, other_user):
    for day in (DAY, DAY + dt.timedelta(days=1), DAY + dt.timedelta(days=5)):
        make_entry(owner, day=day, note=f"on {day}")
    make_entry(other_user, day=DAY, note="not theirs")
    for first, last in [(DAY, DAY), (DAY, DAY + dt.timedelta(days=9)), (DAY, DAY)]:
        got = entries_of(owner.pk, first, last)
        expected = Entry.objects.filter(user=owner, day__range=(first, last))
        assert fields(got) == fields(expected)
    assert [e.note for e in entries_of(owner.pk, DAY, DAY)] == [f"on {DAY}"]
    assert entries_of(other_user.pk, DAY, DAY)[0].note == "not theirs"


@prepared
def doses_and_protocols(user_id: int, first: dt.date):
    """Rows of three models (one of them often absent), an annotation, a
    converted column (the amount), then each dose's effects."""
    return (
        DoseLog.objects.filter(user=user_id, day__gte=first)
        .select_related("substance", "protocol")
        .annotate(effect_count=Count("effects"))
        .prefetch_related("effects")
        .order_by("day", "pk")
    )


@prepared
def notes_by_day(user_id: int):
    """Some fields deferred, and distinct rows ordered by a column they do
    not hold: Django selects it as well and leaves it out of the rows."""
    return Entry.objects.filter(user=user_id).only("note").order_by("-day").distinct()


def state(obj, depth: int = 2) -> dict:
    """What a model instance holds: its values, its database, the related
    instances cached on it and the ones prefetched for it (to `depth`: a
    prefetched effect refers back to its dose)."""
    values = {k: v for k, v in vars(obj).items() if not k.startswith("_")}
    cached = obj._state.fields_cache.items()
    prefetched = getattr(obj, "_prefetched_objects_cache", {}).items()
    if not depth:
        return {"pk": obj.pk}
    return {
        **values,
        "db": obj._state.db,
        "adding": obj._state.adding,
        "deferred": sorted(obj.get_deferred_fields()),
        "cached": {k: v and state(v, depth - 1) for k, v in cached},
        "prefetched": {k: [state(x, depth - 1) for x in v] for k, v in prefetched},
    }


def test_model_rows_make_the_instances_the_queryset_makes(owner, other_user):
    protocol = make_protocol(owner)
    with_protocol = make_dose(owner, day=DAY)
    type(with_protocol).objects.filter(pk=with_protocol.pk).update(protocol=protocol)
    make_dose(owner, day=DAY + dt.timedelta(days=2)).effects.create(
        name="calm", intensity=2
    )
    make_dose(other_user, day=DAY)
    for day in (DAY, DAY, DAY + dt.timedelta(days=3)):
        make_entry(owner, day=day, note=f"on {day}")
    for _ in range(2):  # compiled, then from the shape
        got = doses_and_protocols(owner.pk, DAY)
        expected = doses_and_protocols.build(owner.pk, DAY)
        assert [state(d) for d in got] == [state(d) for d in expected]
        assert [d.protocol_id for d in got] == [protocol.pk, None]
        assert [state(e) for e in notes_by_day(owner.pk)] == [
            state(e) for e in notes_by_day.build(owner.pk)
        ]
    with ahead([doses_and_protocols.read(owner.pk, DAY), notes_by_day.read(owner.pk)]):
        assert [state(d) for d in doses_and_protocols(owner.pk, DAY)] == [
            state(d) for d in expected
        ]
        assert len(notes_by_day(owner.pk)) == 3


def test_the_second_call_reads_without_compiling(owner):
    make_entry(owner, day=DAY)
    entries_of(owner.pk, DAY, DAY)
    with CaptureQueriesContext(connection) as first:
        entries_of(owner.pk, DAY, DAY)
    with CaptureQueriesContext(connection) as second:
        entries_of(owner.pk, DAY - dt.timedelta(days=3), DAY)
    assert len(first) == len(second) == 1
    shapes = [s for s in entries_of.shapes.values() if s is not None]
    assert shapes, "the shape was kept"
    assert all(str(MARKER) not in q["sql"] for q in [*first, *second])


def test_the_columns_converters_are_found_once(owner, monkeypatch):
    make_entry(owner, day=DAY, note="kept")
    entries_of(owner.pk, DAY, DAY)
    from django.db.models.sql.compiler import SQLCompiler

    def refuse(self, expressions):
        raise AssertionError("converters looked up again")

    monkeypatch.setattr(SQLCompiler, "get_converters", refuse)
    got = entries_of(owner.pk, DAY, DAY)
    # Still converted as Django converts them (SQLite: text to dates).
    assert [(e.day, e.note) for e in got] == [(DAY, "kept")]
    assert isinstance(got[0].occurred_at, dt.datetime)


@pytest.mark.skipif(
    connection.vendor != "postgresql", reason="PostgreSQL's prepared statements"
)
def test_postgresql_prepares_a_query_run_often_on_its_connection(owner):
    make_entry(owner, day=DAY, note="kept")
    for shift in range(6):  # psycopg prepares at the fifth run
        got = entries_of(owner.pk, DAY - dt.timedelta(days=shift), DAY)
        assert [e.note for e in got] == ["kept"]
    with connection.cursor() as cursor:
        cursor.execute("SELECT statement FROM pg_prepared_statements")
        statements = [row[0] for row in cursor.fetchall()]
    assert any(
        'FROM "journal_entry"' in sql and "BETWEEN $1 AND $2" in sql
        for sql in statements
    ), statements


def test_values_lists_and_lists_of_ids(owner):
    a = make_entry(owner, day=DAY, mood=3)
    b = make_entry(owner, day=DAY, mood=8)
    for ids in ([a.pk], [a.pk, b.pk], [b.pk, a.pk, b.pk], [b.pk]):
        got = ratings_of(ids)
        expected = list(
            Rating.objects.filter(entry_id__in=ids)
            .order_by("entry_id", "metric__position")
            .values_list("entry_id", "metric__name", "value")
        )
        assert got == expected
        assert all(type(row) is tuple for row in got)


@prepared
def days_and_notes(user_id: int):
    return Entry.objects.filter(user=user_id).order_by("id").values_list("day", "note")


@prepared
def entry_ids(user_id: int):
    return (
        Entry.objects.filter(user=user_id).order_by("id").values_list("id", flat=True)
    )


def test_more_rows_than_django_fetches_at_a_time_come_whole(owner):
    moment = timezone.now()
    Entry.objects.bulk_create(
        Entry(user=owner, day=DAY, occurred_at=moment, note=str(k)) for k in range(250)
    )
    for _ in range(2):  # compiled, then prepared
        rows = days_and_notes(owner.pk)
        assert rows == list(
            Entry.objects.filter(user=owner).order_by("id").values_list("day", "note")
        )
        assert len(rows) == 250 and rows[-1] == (DAY, "249")
        assert entry_ids(owner.pk) == list(
            Entry.objects.filter(user=owner).order_by("id").values_list("id", flat=True)
        )


def test_an_empty_list_runs_no_query(owner):
    with CaptureQueriesContext(connection) as queries:
        assert ratings_of([]) == []
    assert len(queries) == 0


def test_lists_of_days_and_dates_adapted_for_the_database(owner):
    days = [DAY, DAY + dt.timedelta(days=2)]
    for day in [*days, DAY + dt.timedelta(days=1)]:
        make_entry(owner, day=day)
    assert sorted(entries_on(owner.pk, days)) == days
    assert entries_on(owner.pk, [DAY + dt.timedelta(days=1)]) == [
        DAY + dt.timedelta(days=1)
    ]


def test_aggregates_by_day(owner):
    make_entry(owner, day=DAY, mood=2)
    make_entry(owner, day=DAY, mood=5)
    make_entry(owner, day=DAY + dt.timedelta(days=1), mood=7)
    assert daily_means(owner.pk, DAY) == [
        {"entry__day": DAY, "mean": 3.5, "n": 2},
        {"entry__day": DAY + dt.timedelta(days=1), "mean": 7.0, "n": 1},
    ]
    assert daily_means(owner.pk, DAY + dt.timedelta(days=1))[0]["mean"] == 7.0


def test_select_related_and_prefetch_related(owner, other_user):
    make_protocol(owner)
    dose = make_dose(owner, day=DAY)
    dose.effects.create(name="calm", intensity=2)
    make_dose(other_user, day=DAY)
    doses_with_effects(owner.pk)  # the shape
    with CaptureQueriesContext(connection) as queries:
        (got,) = doses_with_effects(owner.pk)
        assert got.substance.name == dose.substance.name
        assert [e.name for e in got.effects.all()] == ["calm"]
    assert len(queries) == 2  # the doses with their substance, then the effects


def test_an_argument_folded_into_the_sql_runs_as_a_queryset(owner):
    make_entry(owner, day=DAY, note="a calm walk")
    assert [e.note for e in notes_like(owner.pk, "CALM")] == ["a calm walk"]
    assert notes_like(owner.pk, "storm") == []
    assert all(shape is None for shape in notes_like.shapes.values())


@pytest.mark.parametrize("user_id", [True, 2**40, MARKER, -(2**40), 1.0, "1"])
def test_arguments_it_does_not_take_go_through_the_queryset(owner, user_id):
    make_entry(owner, day=DAY)
    before = dict(entries_of.shapes)
    if user_id in (1.0, "1", True):
        expected = fields(Entry.objects.filter(user=user_id, day__range=(DAY, DAY)))
    else:
        expected = []
    assert fields(entries_of(user_id, DAY, DAY)) == expected
    kept = {key: shape for key, shape in entries_of.shapes.items() if shape}
    assert kept == {key: shape for key, shape in before.items() if shape}


TEXTS = ["walk", "50%_off", "5000off", "a_b", "axb", "back\\slash", 'say "hi"', "zß"]


def test_text_arguments_as_the_queryset_takes_them(owner, other_user):
    for name in TEXTS:
        make_entry(owner, day=DAY, tags=[name])
    make_entry(other_user, day=DAY, tags=["walk"])
    for name in [*TEXTS, "Walk", " walk ", "", "wal", "%", "_", "50_%off", "A_B"]:
        for read in (tagged_as, tagged_iexact, tagged_lower):
            assert read(owner.pk, name) == list(read.build(owner.pk, name)), name
    assert all(shape is not None for shape in tagged_as.shapes.values())
    for names in (["walk"], ["Walk", "50%_off"], ["nothing"], TEXTS):
        assert with_any_tag(owner.pk, names) == list(
            with_any_tag.build(owner.pk, names)
        ), names


def test_a_parameter_made_from_a_text_runs_as_a_queryset(owner):
    a = make_entry(owner, day=DAY, note='"calm"')
    make_entry(owner, day=DAY, note='"storm"')
    c = make_entry(owner, day=DAY, note="", tags=["wind"])
    assert quoted_phrase(owner.pk, "calm") == [a.pk]
    assert quoted_phrase(owner.pk, "wind") == [c.pk]
    assert quoted_phrase(owner.pk, "rain") == []
    assert all(shape is None for shape in quoted_phrase.shapes.values())


def test_the_shape_follows_the_time_zone(owner):
    @prepared
    def days_of(user_id: int):
        return (
            Entry.objects.filter(user=user_id)
            .values_list("occurred_at__date", flat=True)
            .order_by()
        )

    moment = dt.datetime(2026, 3, 10, 23, 30, tzinfo=dt.UTC)
    Entry.objects.create(user=owner, day=DAY, occurred_at=moment)
    assert days_of(owner.pk) == [DAY]
    with timezone.override("Asia/Tokyo"):
        assert days_of(owner.pk) == [DAY + dt.timedelta(days=1)]
    assert days_of(owner.pk) == [DAY]
    zones = {key[-1] for key, shape in days_of.shapes.items() if shape != ZONED}
    assert zones == {timezone.get_current_timezone_name(), "Asia/Tokyo"}


def test_a_shape_that_names_no_zone_is_kept_once_for_every_zone(owner):
    @prepared
    def entries_of(user_id: int, day: dt.date):
        return Entry.objects.filter(user=user_id, day=day).order_by("pk")

    entry = make_entry(owner, day=DAY)
    for zone in ("Asia/Tokyo", "Pacific/Chatham", "UTC", "America/Denver"):
        with timezone.override(zone):
            assert entries_of(owner.pk, DAY) == [entry]
    assert len(entries_of.shapes) == 1
    assert None not in entries_of.shapes.values()


@pytest.mark.django_db(transaction=True)
def test_each_thread_reads_on_its_own_connection(owner):
    metrics = prepared(lambda user_id: Metric.objects.filter(user=user_id))
    expected = [m.pk for m in metrics(owner.pk)]
    used = []

    def read():
        used.append(connections[DEFAULT_DB_ALIAS])  # this thread's own
        try:
            with CaptureQueriesContext(connection) as queries:
                metrics(owner.pk)
            used.append(len(queries))
        finally:
            connection.close()

    thread = threading.Thread(target=read)
    thread.start()
    thread.join()
    assert used[0] is not connections[DEFAULT_DB_ALIAS]
    assert used[1] == 1  # the query ran on the thread's connection
    assert [m.pk for m in metrics(owner.pk)] == expected


class TestAgainstTheQueryset(TestCase):
    """Any ids and days: the prepared rows are the queryset's."""

    @classmethod
    def setUpTestData(cls):
        cls.users = [make_user(f"p{i}") for i in range(2)]
        for user in cls.users:
            for offset in range(0, 12, 3):
                make_entry(user, day=DAY + dt.timedelta(days=offset), mood=offset % 10)
        Tag.objects.create(user=cls.users[0], name="walk")
        cls.mood = mood_metric(cls.users[0])

    @settings(max_examples=25, deadline=None)
    @given(
        who=st.integers(0, 2),
        start=st.integers(-3, 14),
        length=st.integers(0, 6),
        extra=st.lists(st.integers(0, 40), max_size=4),
    )
    def test_same_rows(self, who, start, length, extra):
        user_id = self.users[who].pk if who < 2 else 10**6
        first = DAY + dt.timedelta(days=start)
        last = first + dt.timedelta(days=length)
        assert fields(entries_of(user_id, first, last)) == fields(
            Entry.objects.filter(user=user_id, day__range=(first, last))
        )
        ids = list(Entry.objects.filter(user=user_id).values_list("pk", flat=True)) + [
            i for i in extra if i
        ]
        assert ratings_of(ids) == list(
            Rating.objects.filter(entry_id__in=ids)
            .order_by("entry_id", "metric__position")
            .values_list("entry_id", "metric__name", "value")
        )
        days = [first + dt.timedelta(days=i) for i in extra]
        assert sorted(entries_on(user_id, days)) == sorted(
            Entry.objects.filter(user=user_id, day__in=days).values_list(
                "day", flat=True
            )
        )


def test_an_argument_written_into_the_sql_runs_as_a_queryset(owner):
    # A slice's bound is written into the SQL, not passed as a parameter.
    @prepared
    def first_entries(user_id: int, count: int):
        return Entry.objects.filter(user=user_id).order_by("day")[:count]

    for offset in range(3):
        make_entry(owner, day=DAY + dt.timedelta(days=offset))
    assert [e.day for e in first_entries(owner.pk, 2)] == [
        DAY,
        DAY + dt.timedelta(days=1),
    ]
    assert len(first_entries(owner.pk, 1)) == 1
    assert all(shape is None for shape in first_entries.shapes.values())


def test_a_list_too_long_for_its_markers_runs_as_a_queryset(owner):
    entry = make_entry(owner, day=DAY, mood=5)
    ids = [entry.pk, *range(10**6, 10**6 + 1200)]
    assert ratings_of(ids) == [(entry.pk, "Mood", 5)]
    assert ("ints", len(ids)) not in {key[-1][0] for key in ratings_of.shapes}


def test_first_is_the_first_row_or_none(owner, other_user):
    @prepared
    def latest_entry(user_id: int):
        return Entry.objects.filter(user=user_id).order_by("-day")[:1]

    make_entry(owner, day=DAY)
    make_entry(owner, day=DAY + dt.timedelta(days=2))
    assert latest_entry.first(owner.pk).day == DAY + dt.timedelta(days=2)
    assert latest_entry.first(other_user.pk) is None


POSTGRESQL = connection.vendor == "postgresql"


@prepared
def distinct_notes(user_id: int):
    """Ordered by a column it does not give: Django selects the day as well
    and leaves it out of the rows."""
    return (
        Entry.objects.filter(user=user_id)
        .order_by("day")
        .values_list("note")
        .distinct()
    )


def test_reads_ahead_go_together_and_give_what_the_calls_give(
    owner, other_user, sent_queries
):
    entry = make_entry(owner, day=DAY, note="kept", mood=6)
    make_entry(other_user, day=DAY, note="not theirs")
    make_protocol(owner)
    make_dose(owner, day=DAY).effects.create(name="calm", intensity=2)
    raw = ("SELECT id, note FROM journal_entry WHERE user_id = %s", (owner.pk,))

    def calls():
        return (
            fields(entries_of(owner.pk, DAY, DAY)),
            ratings_of([entry.pk]),
            list(daily_means(owner.pk, DAY)),
            [(d.substance.name, [e.name for e in d.effects.all()])
             for d in doses_with_effects(owner.pk)],
            rows(*raw),
            distinct_notes(owner.pk),
        )  # fmt: skip

    expected = calls()
    sent_queries.clear()
    reads = [
        entries_of.read(owner.pk, DAY, DAY),
        ratings_of.read([entry.pk]),
        daily_means.read(owner.pk, DAY),
        doses_with_effects.read(owner.pk),
        Read(*raw),
        distinct_notes.read(owner.pk),
    ]
    with ahead(reads):
        ahead_sent = len(sent_queries)
        assert calls() == expected
    assert expected[-1] == [("kept",)]
    if POSTGRESQL:
        # Six reads in one pipeline; then only the effects, which wait for
        # the doses.
        assert [inside for inside, _ in sent_queries] == [True] * 6 + [False]
        assert ahead_sent == 6 and "protocols_doseeffect" in sent_queries[-1][1]
    else:  # nothing read ahead: each call reads
        assert ahead_sent == 0 and len(sent_queries) == 7


@pytest.mark.skipif(not POSTGRESQL, reason="PostgreSQL's pipeline mode")
def test_a_read_ahead_is_taken_once_and_for_its_own_arguments_only(owner, sent_queries):
    make_entry(owner, day=DAY, note="first")
    later = DAY + dt.timedelta(days=1)
    make_entry(owner, day=later, note="second")
    with ahead([entries_of.read(owner.pk, DAY, DAY), Read("SELECT 1", ())]):
        sent_queries.clear()
        assert [e.note for e in entries_of(owner.pk, later, later)] == ["second"]
        assert len(sent_queries) == 1  # other days: read now
        assert [e.note for e in entries_of(owner.pk, DAY, DAY)] == ["first"]
        assert len(sent_queries) == 1  # taken from what was read ahead
        assert [e.note for e in entries_of(owner.pk, DAY, DAY)] == ["first"]
        assert len(sent_queries) == 2  # a second call reads again
    sent_queries.clear()
    assert rows("SELECT 1", ()) == [(1,)]
    assert len(sent_queries) == 1  # what no call took was dropped with the block


@pytest.mark.skipif(not POSTGRESQL, reason="PostgreSQL's pipeline mode")
def test_reads_ahead_nobody_watches_give_the_rows_of_when_they_were_sent(owner):
    """Unwatched (no execute wrapper, no query log), the reads go on the
    backend's own cursors: what the calls take is what was read ahead."""
    assert not connection.execute_wrappers and not connection.queries_logged
    entry = make_entry(owner, day=DAY, note="before")
    raw = ("SELECT id, note FROM journal_entry WHERE user_id = %s", (owner.pk,))
    with ahead([entries_of.read(owner.pk, DAY, DAY), Read(*raw)]):
        Entry.objects.filter(pk=entry.pk).update(note="after")
        assert [e.note for e in entries_of(owner.pk, DAY, DAY)] == ["before"]
        assert rows(*raw) == [(entry.pk, "before")]
    assert [e.note for e in entries_of(owner.pk, DAY, DAY)] == ["after"]


def test_nothing_is_read_ahead_for_one_read_or_none(owner, sent_queries):
    make_entry(owner, day=DAY)
    sent_queries.clear()
    with ahead([entries_of.read(owner.pk, DAY, DAY), None]):
        assert sent_queries == []
        assert len(entries_of(owner.pk, DAY, DAY)) == 1
    assert len(sent_queries) == 1


def test_a_query_that_is_not_prepared_has_no_read(owner):
    assert entries_of.read(True, DAY, DAY) is None  # an argument it does not take


@pytest.mark.skipif(not POSTGRESQL, reason="PostgreSQL's pipeline mode")
def test_a_read_taken_from_ahead_leaves_no_garbage_cycle(owner):
    """Its rows are freed as the call's are, not left for the collector
    (the replay once referred to its compiler, a cycle on every read)."""
    import gc

    make_entry(owner, day=DAY, note="kept")
    entries_of(owner.pk, DAY, DAY)
    with ahead([entries_of.read(owner.pk, DAY, DAY), Read("SELECT 1", ())]):
        gc.collect()
        gc.disable()
        try:
            assert [e.note for e in entries_of(owner.pk, DAY, DAY)] == ["kept"]
            assert gc.collect() == 0
        finally:
            gc.enable()


@pytest.mark.skipif(not POSTGRESQL, reason="PostgreSQL's pipeline mode")
def test_a_read_ahead_that_fails_raises_as_any_read_would(owner):
    from django.db import ProgrammingError

    with (
        pytest.raises(ProgrammingError),
        ahead(
            [Read("SELECT no_such_column FROM journal_entry", ()), Read("SELECT 1", ())]
        ),
    ):
        pass
