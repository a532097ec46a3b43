"""Reads of the journal, each a fixed number of queries whatever the data size."""

from __future__ import annotations

import calendar
import datetime as dt
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import partial
from urllib.parse import quote

from django.contrib.postgres.aggregates import ArrayAgg
from django.db import DEFAULT_DB_ALIAS, connection
from django.db.models import (
    Aggregate,
    Count,
    IntegerField,
    JSONField,
    Max,
    Q,
    QuerySet,
    Subquery,
    Sum,
    Value,
)
from django.db.models.functions import Coalesce
from django.utils import timezone

from accounts.models import User
from accounts.moments import journal_moment
from config.prepared import Read, ahead, prepared, rows
from journal import search
from journal.models import DayTotal, Entry, Metric, Rating, Tag, TagDay
from protocols.queries import doses_on, doses_on_read

DAYS_PER_PAGE = 10
SUGGESTED_TAGS = 12
RECENT_TAG_DAYS = 30
TAG_HISTORY_DAYS = 90


def visible_metrics(user: User) -> list[Metric]:
    return _visible_metrics(user.pk)


def checkin_reads(user: User, day: dt.date) -> list[Read | None]:
    """The check-in's reads of the day's metrics, tags and entries, and of
    the mood that mood_fell_sharply() watches, for config.prepared.ahead()."""
    first, since = _tag_window(day)
    return [
        _visible_metrics.read(user.pk),
        _days_entries.read(user.pk, [day]),
        _days_card_parts.read(user.pk, [day]),
        _tags_with_uses_read(user.pk, first, since),
        _mood_totals.read(user.pk, *_mood_window(day)),
    ]


def metrics(user: User) -> list[Metric]:
    """Every metric of the person's, hidden ones too, in their order."""
    return _metrics(user.pk)


def metrics_read(user: User) -> Read | None:
    """metrics()' read, for config.prepared.ahead()."""
    return _metrics.read(user.pk)


def visible_metrics_read(user: User) -> Read | None:
    """visible_metrics()' read, for config.prepared.ahead()."""
    return _visible_metrics.read(user.pk)


def tag_names(user: User) -> list[str]:
    return _tag_names(user.pk)


@prepared
def _metrics(user_id: int) -> QuerySet[Metric]:
    return Metric.objects.filter(user=user_id)


@prepared
def _tag_names(user_id: int) -> QuerySet:
    return Tag.objects.filter(user=user_id).values_list("name", flat=True)


@prepared
def _visible_metrics(user_id: int) -> QuerySet[Metric]:
    return Metric.objects.filter(user=user_id, hidden=False)


# The ratings and the tags of entries, in one read: a rating's row is (entry,
# RATING, metric id, metric name, value, metric position), a tag's (entry,
# TAG, None, tag name, None, None); ratings come first, in the metrics' order
# (position, then id), then tags by name. Two reads each time before: one
# query fewer for Today's entries and for every Journal and Search page.
RATING, TAG = 0, 1


@prepared
def _days_card_parts(user_id: int, days: list[dt.date]) -> QuerySet:
    """The parts of the person's entries of these days, found by the days
    rather than the entries' ids: a read that waits for the days alone, so it
    goes with Today's first reads and with a journal page's second."""
    entries = Q(entry__user=user_id, entry__day__in=days)
    ratings = (
        Rating.objects.filter(entries)
        .annotate(part=Value(RATING))
        .values_list(
            "entry_id", "part", "metric_id", "metric__name", "value", "metric__position"
        )
    )
    none = Value(None, output_field=IntegerField())
    tags = (
        Entry.tags.through.objects.filter(entries)
        .annotate(part=Value(TAG), no_metric=none, no_value=none, no_position=none)
        .values_list(
            "entry_id", "part", "no_metric", "tag__name", "no_value", "no_position"
        )
    )
    # A union is ordered by the first read's columns: here its metric's name
    # is the tag's.
    return ratings.union(tags, all=True).order_by(
        "part", "metric__position", "metric_id", "metric__name"
    )


@dataclass
class EntryCard:
    """An entry as its card shows it (templates/journal/entry.jinja)."""

    entry: Entry
    ratings: list[tuple[str, int]]  # (metric name, value), in metric order
    tags: list[tuple[str, str]]  # (name, name quoted for a link's query)
    values: dict[int, int]  # metric id → value, for the day's means
    at: dt.datetime  # when it was written, in the person's time zone
    moment: str  # that moment under its journal day (accounts.moments)


def _cards(
    entries: list[Entry], parts: Iterable[tuple]
) -> tuple[list[EntryCard], dict[int, str]]:
    """The entries' cards from their parts (_days_card_parts()' rows; those
    of other entries are left out), with plain values rather than a model
    instance for every rating, metric and tag; and the names of the metrics
    rated in them, in the metrics' order (position, then id)."""
    shown = {entry.pk for entry in entries}
    ratings = defaultdict(list)
    values = defaultdict(dict)
    rated = {}
    tags = defaultdict(list)
    # Each tag name quoted once a page, not in the template for every card it
    # is on (through Django's filter wrapper: 0.7 % of Search's instructions).
    quoted: dict[str, str] = {}
    for entry_id, part, metric_id, name, value, position in parts:
        if entry_id not in shown:
            continue
        if part == TAG:
            if name not in quoted:
                quoted[name] = quote(name)
            tags[entry_id].append((name, quoted[name]))
            continue
        ratings[entry_id].append((name, value))
        values[entry_id][metric_id] = value
        rated[metric_id] = (position, name)
    # The zone looked up once for the page, not twice a card (context-local).
    zone = timezone.get_current_timezone()
    cards = []
    for e in entries:
        at = timezone.localtime(e.occurred_at, zone)
        moment = journal_moment(e.day, at, zone=zone)
        cards.append(EntryCard(e, ratings[e.pk], tags[e.pk], values[e.pk], at, moment))
    order = sorted(rated, key=lambda pk: (rated[pk][0], pk))  # Metric's ordering
    return cards, {pk: rated[pk][1] for pk in order}


def day_entries(user: User, day: dt.date) -> list[EntryCard]:
    """The day's entries with their ratings and tags: two queries."""
    entries = _days_entries(user.pk, [day])
    if not entries:
        return []
    # An entry saved between the two reads has parts and no card: left out.
    return _cards(entries, _days_card_parts(user.pk, [day]))[0]


@prepared
def _days_entries(user_id: int, days: list[dt.date]) -> QuerySet[Entry]:
    return Entry.objects.filter(user=user_id, day__in=days)


@prepared
def _tags(user_id: int) -> QuerySet[Tag]:
    return Tag.objects.filter(user=user_id).only("id", "name").order_by("name")


# The person's tags by name, each with its uses from a day on (or none), in one
# query: the uses are summed from the tag days the database keeps (TagDay),
# one row a day and tag in the range of the (user, day, tag) index. Summed
# from the links themselves, each of the person's entries of those days was
# looked up in the links' index: 0.36-0.44 ms of PostgreSQL's time for three
# months of a five-year journal, against 0.1.
TAGS_WITH_USES_SQL = """
    SELECT tag.id, tag.name, used.uses, used.recent, used.last
      FROM journal_tag AS tag
      LEFT JOIN (
           SELECT tag_id,
                  SUM(uses) AS uses,
                  COALESCE(SUM(uses) FILTER (WHERE day >= %(since)s), 0) AS recent,
                  MAX(day) AS last
             FROM journal_tagday
            WHERE user_id = %(user)s AND day >= %(first)s
            GROUP BY tag_id
           ) AS used ON used.tag_id = tag.id
     WHERE tag.user_id = %(user)s
     ORDER BY tag.name
"""


def _tags_with_uses(
    user_id: int, first: dt.date, since: dt.date
) -> tuple[list[Tag], dict[int, dict]]:
    """The person's tags by name, and the uses of those used from `first` on:
    how many, how many since `since`, the last day. One query on PostgreSQL,
    two on SQLite."""
    read = _tags_with_uses_read(user_id, first, since)
    if read is None:
        uses = {
            pk: {"uses": count, "recent": recent, "last": last}
            for pk, count, recent, last in _tag_uses_orm(user_id, first, since)
        }
        return _tags(user_id), uses
    # A cursor's rows, made into tags as .only("id", "name") makes them (as
    # SQLite's read gives them): Tag.objects.raw() matched its columns to the
    # model's fields on every call, half of this read's time in Python.
    read_rows = rows(read.sql, read.params)
    tags = [Tag.from_db(DEFAULT_DB_ALIAS, ["id", "name"], row[:2]) for row in read_rows]
    uses = {
        pk: {"uses": count, "recent": recent, "last": last}
        for pk, _, count, recent, last in read_rows
        if count
    }
    return tags, uses


def _tags_with_uses_read(user_id: int, first: dt.date, since: dt.date) -> Read | None:
    """The SQL of _tags_with_uses() on PostgreSQL; None on SQLite."""
    if connection.vendor != "postgresql":
        return None
    return Read(TAGS_WITH_USES_SQL, {"user": user_id, "first": first, "since": since})


def _tag_window(today: dt.date) -> tuple[dt.date, dt.date]:
    """The first day of the uses the chips are ranked by, and of the recent ones."""
    return (
        today - dt.timedelta(days=TAG_HISTORY_DAYS),
        today - dt.timedelta(days=RECENT_TAG_DAYS),
    )


@prepared
def _tag_uses_orm(user_id: int, first: dt.date, since: dt.date) -> QuerySet:
    """Each tag's uses from `first` on, its uses since `since`, its last day,
    from the tag days: SQLite's read, the tags being read apart (the one
    query above is written for PostgreSQL)."""
    return (
        TagDay.objects.filter(user=user_id, day__gte=first)
        .values("tag_id")
        .annotate(
            count=Sum("uses"),
            recent=Coalesce(Sum("uses", filter=Q(day__gte=since)), 0),
            last=Max("day"),
        )
        .values_list("tag_id", "count", "recent", "last")
        .order_by()
    )


def suggested_tags(
    user: User, today: dt.date, selected: list[str] = ()
) -> tuple[list[Tag], list[str]]:
    """The person's tags as one-tap chips, most used lately first (uses in
    the last RECENT_TAG_DAYS, then the latest use, then the uses in the last
    TAG_HISTORY_DAYS; tags not used in that time last, by name), and every
    tag name for the autocomplete list. Tags ticked on a form sent back stay
    among the chips.

    Only the uses of the last TAG_HISTORY_DAYS are counted: counting every
    use of five years' journal took most of Today's database time, and a
    year's uses still half of it (0.58 ms of PostgreSQL's time a Today, 0.30
    for three months'). The twelve chips of someone who checks in most weeks
    are the same either way; a tag last used longer ago comes after those
    used since, by name rather than by its last use."""
    tags, uses = _tags_with_uses(user.pk, *_tag_window(today))
    never = {"uses": 0, "recent": 0, "last": dt.date.min}

    def rank(tag: Tag) -> tuple[int, int, int]:
        use = uses.get(tag.pk, never)
        return (-use["recent"], -use["last"].toordinal(), -use["uses"])

    ranked = sorted(tags, key=rank)  # stable: ties stay in name order
    chosen = {str(pk) for pk in selected}
    chips = ranked[:SUGGESTED_TAGS] + [
        t for t in ranked[SUGGESTED_TAGS:] if str(t.pk) in chosen
    ]
    return chips, [t.name for t in tags]


def day_means(user: User, days: list[dt.date]) -> dict[dt.date, dict[int, float]]:
    """Each day's mean rating per metric, from the day totals the database
    keeps (no rating is read)."""
    rows = DayTotal.objects.filter(user=user, day__in=days).values_list(
        "day", "metric_id", "rating_sum", "rating_count"
    )
    means: dict[dt.date, dict[int, float]] = defaultdict(dict)
    for day, metric_id, total, count in rows:
        means[day][metric_id] = total / count
    return means


@dataclass
class DayGroup:
    day: dt.date
    entries: list[EntryCard] = field(default_factory=list)
    means: list[tuple[str, float]] = field(default_factory=list)  # (metric name, mean)
    doses: list = field(default_factory=list)  # the day's DoseLog rows


@dataclass
class JournalPage:
    days: list[DayGroup]
    next_before: dt.date | None  # the cursor for "load more", None at the end
    tag_names: list[str] = field(default_factory=list)  # when asked for


def _days_with_entries(entries: QuerySet[Entry], count: int) -> QuerySet:
    """The latest `count` days among these entries, newest first."""
    return entries.order_by("-day").values_list("day", flat=True).distinct()[:count]


@prepared
def _latest_days_entries(user_id: int, before: dt.date | None = None) -> QuerySet:
    """Every entry of a first page of the journal's days (DAYS_PER_PAGE and
    one more to tell whether there are more), or of the page before a day.
    One query where the days and then their entries were two."""
    entries = Entry.objects.filter(user=user_id)
    if before is not None:
        entries = entries.filter(day__lt=before)
    days = _days_with_entries(entries, DAYS_PER_PAGE + 1)
    return Entry.objects.filter(user=user_id, day__in=days)


# A search's query, prepared for each way of asking: which filters, how many
# groups of how many terms, how many days. Past this many, the others are
# built each time.
MAX_SEARCH_SHAPES = 128
_search_reads: dict[tuple, prepared] = {}


def _matches(
    user_id: int, filters: tuple, groups: list[search.Terms], days: int
) -> list[tuple[dt.date, list[int]]]:
    """(day, its matching entries) of the latest `days` days with a match,
    newest first. filters: (tag, start, end, before), each None when not
    asked."""
    shape = (
        tuple(value is not None for value in filters),
        tuple(tuple(len(terms) for terms in group) for group in groups),
        days,
    )
    given = [value for value in filters if value is not None]
    args = [user_id, *given, *(list(terms) for group in groups for terms in group)]
    read = _search_reads.get(shape)
    if read is None:
        if len(_search_reads) >= MAX_SEARCH_SHAPES:
            return list(_build_matches(shape, *args))
        read = _search_reads[shape] = prepared(partial(_build_matches, shape))
    return read(*args)


def _build_matches(shape: tuple, user_id: int, *args) -> QuerySet:
    """(day, its matching entries) of the person's latest days with entries
    matching, newest first: the arguments are the filters given, then each
    group's four lists of terms.

    A row a day, the day's matching entries as one list: PostgreSQL walks
    the person's entries newest first and stops once it has the page's days
    and the one after them (24 entries walked for "walk" on the benchmark's
    five years, against 262 for the 88 matching rows read before, a guess of
    eight a day that, on a page of busier days, had to be followed by the
    search again for all of them)."""
    (has_tag, has_start, has_end, has_before), sizes, days = shape
    args = iter(args)
    entries = Entry.objects.filter(user=user_id)
    if has_tag:
        entries = entries.filter(tags__name__iexact=next(args))
    if has_start:
        entries = entries.filter(day__gte=next(args))
    if has_end:
        entries = entries.filter(day__lte=next(args))
    before = next(args) if has_before else None
    groups = [tuple(next(args) for _ in group) for group in sizes]
    if groups:
        entries = entries.filter(search.condition(user_id, groups))
    if has_before:
        entries = entries.filter(day__lt=before)
    by_day = entries.values("day").annotate(entries=_ids()).order_by("-day")
    return by_day.values_list("day", "entries")[:days]


class _JSONGroupArray(Aggregate):
    """The group's values as one JSON array: SQLite's json_group_array."""

    function = "JSON_GROUP_ARRAY"
    output_field = JSONField()


def _ids() -> Aggregate:
    """A group's entry ids as one list, on either database."""
    if connection.vendor == "postgresql":
        return ArrayAgg("pk")
    return _JSONGroupArray("pk")


def journal_page(
    user: User,
    *,
    text: str = "",
    tag: str = "",
    start: dt.date | None = None,
    end: dt.date | None = None,
    before: dt.date | None = None,
    days_per_page: int = DAYS_PER_PAGE,
    with_tag_names: bool = False,
) -> JournalPage:
    """A page of days with entries, newest first, matching the filters, with
    each day's doses; and the person's tag names, if asked for (the filter's
    suggestions)."""
    read = None  # the shown days' entries, when read with the days
    if text or tag:
        groups = search.terms(text)
        filters = (tag or None, start, end, before)
        found = _matches(user.pk, filters, groups, days_per_page + 1)
        days = [day for day, _ in found]
    elif not (start or end) and days_per_page == DAYS_PER_PAGE:
        read = (
            _latest_days_entries(user.pk, before)
            if before
            else _latest_days_entries(user.pk)
        )
        days = sorted({entry.day for entry in read}, reverse=True)
    else:
        entries = Entry.objects.filter(user=user)
        if start:
            entries = entries.filter(day__gte=start)
        if end:
            entries = entries.filter(day__lte=end)
        paged = entries.filter(day__lt=before) if before else entries
        days = list(_days_with_entries(paged, days_per_page + 1))
    more = len(days) > days_per_page
    days = days[:days_per_page]
    if not days:
        return JournalPage([], None, tag_names(user) if with_tag_names else [])

    # Every entry of the shown days: a day's means are over all of them, and a
    # search shows those it found (the others on a day are few, and reading
    # them with the rest costs less than a query more for the means). The
    # means are named from the ratings read, in the metrics' order. What
    # waits for the days alone is sent together: the entries (unless read
    # with the days), their ratings and tags, the days' doses, the tag names.
    cards = {day: [] for day in days}
    with ahead(
        [
            _days_entries.read(user.pk, days) if read is None else None,
            _days_card_parts.read(user.pk, days),
            doses_on_read(user, days),
            _tag_names.read(user.pk) if with_tag_names else None,
        ]
    ):
        if read is None:
            read = _days_entries(user.pk, days)
        else:
            read = [entry for entry in read if entry.day in cards]
        day_cards, metric_names = _cards(read, _days_card_parts(user.pk, days))
        doses = doses_on(user, days)
        names = tag_names(user) if with_tag_names else []
    for card in day_cards:
        cards[card.entry.day].append(card)
    shown = {pk for _, pks in found for pk in pks} if text or tag else None
    groups = {
        day: DayGroup(
            day=day,
            entries=[c for c in day_cards if shown is None or c.entry.pk in shown],
            doses=doses.get(day, []),
        )
        for day, day_cards in cards.items()
    }
    means = _card_means(cards)
    for day, group in groups.items():
        group.means = [
            (name, means[day][pk])
            for pk, name in metric_names.items()
            if pk in means.get(day, {})
        ]
    return JournalPage(
        days=list(groups.values()),
        next_before=days[-1] if more else None,
        tag_names=names,
    )


def _card_means(
    cards: dict[dt.date, list[EntryCard]],
) -> dict[dt.date, dict[int, float]]:
    """Each day's mean rating per metric, from the day's entry cards."""
    means: dict[dt.date, dict[int, float]] = {}
    for day, day_cards in cards.items():
        by_metric = defaultdict(list)
        for card in day_cards:
            for metric_id, value in card.values.items():
                by_metric[metric_id].append(value)
        means[day] = {m: sum(v) / len(v) for m, v in by_metric.items()}
    return means


@dataclass
class MonthDay:
    day: dt.date
    in_month: bool
    value: float | None
    fraction: float | None
    entries: int

    @property
    def shade(self) -> str:
        """The colour class (0–4) for the value's place on its scale, best = 4."""
        if self.fraction is None:
            return "none"
        return str(min(4, max(0, int(self.fraction * 5))))


@prepared
def _entry_counts(user_id: int, first: dt.date, last: dt.date) -> QuerySet:
    """(day, entries) from first to last."""
    return (
        Entry.objects.filter(user=user_id, day__range=(first, last))
        .values("day")
        .annotate(n=Count("id"))
        .values_list("day", "n")
    )


def month_grid(
    user: User, year: int, month: int, metric: Metric | None, first_weekday: int = 0
) -> list[list[MonthDay]]:
    """Weeks of the month with each day's mean for the metric."""
    weeks = calendar.Calendar(first_weekday).monthdatescalendar(year, month)
    first, last = weeks[0][0], weeks[-1][-1]
    counts = dict(_entry_counts(user.pk, first, last))
    values: dict[dt.date, float] = {}
    if metric is not None:
        values = dict(_daily_means(user.pk, metric.pk, first, last))
    return [
        [
            MonthDay(
                day=day,
                in_month=day.month == month,
                value=values.get(day),
                fraction=(
                    metric.fraction(values[day]) if metric and day in values else None
                ),
                entries=counts.get(day, 0),
            )
            for day in week
        ]
        for week in weeks
    ]


# A fall of this share of the mood scale, week on previous weeks, is "sharp":
# two points on the default 1–10 scale.
SHARP_FALL = 0.2


@prepared
def _daily_totals(
    user_id: int, metric_id: int, first: dt.date, last: dt.date
) -> QuerySet:
    return DayTotal.objects.filter(
        user=user_id, metric=metric_id, day__range=(first, last)
    ).values_list("day", "rating_sum", "rating_count")


def _means(totals: Iterable[tuple[dt.date, int, int]]) -> list[tuple[dt.date, float]]:
    """(day, mean) from the day totals the database keeps: (day, sum, count)."""
    return [(day, total / count) for day, total, count in totals]


def _daily_means(
    user_id: int, metric_id: int, first: dt.date, last: dt.date
) -> list[tuple[dt.date, float]]:
    """(day, mean) of a metric's ratings from first to last (no rating is
    read)."""
    return _means(_daily_totals(user_id, metric_id, first, last))


# Mood's day totals, its metric found by its key rather than its id: a read
# that waits for no other (Today sends it with its first reads). The metric
# as a subquery, which PostgreSQL runs once, keeps it in the index scan of
# the days (a join read every metric's totals of those days).
@prepared
def _mood_totals(user_id: int, first: dt.date, last: dt.date) -> QuerySet:
    mood = Metric.objects.filter(user=user_id, key=Metric.Key.MOOD).values("pk")
    return DayTotal.objects.filter(
        user=user_id, metric=Subquery(mood[:1]), day__range=(first, last)
    ).values_list("day", "rating_sum", "rating_count")


def _mood_window(today: dt.date) -> tuple[dt.date, dt.date]:
    """The four weeks mood_fell_sharply() compares: the last seven days and
    the three before them."""
    return today - dt.timedelta(days=27), today


def mood_fell_sharply(user: User, today: dt.date, metrics: list[Metric]) -> bool:
    """Whether the last seven days' mood is well below the three weeks before.

    Needs at least three rated days in the week and five before it, so one
    bad day on a thin record does not set it off. A hidden mood metric is not
    rated any more: nothing to watch (`metrics` are the visible ones)."""
    mood = next((m for m in metrics if m.key == Metric.Key.MOOD), None)
    if mood is None:
        return False
    week_start = today - dt.timedelta(days=6)
    daily = _means(_mood_totals(user.pk, *_mood_window(today)))
    recent = [mean for day, mean in daily if day >= week_start]
    before = [mean for day, mean in daily if day < week_start]
    if len(recent) < 3 or len(before) < 5:
        return False
    fall = sum(before) / len(before) - sum(recent) / len(recent)
    if mood.lower_is_better:
        fall = -fall
    return fall >= SHARP_FALL * (mood.scale_max - mood.scale_min)
