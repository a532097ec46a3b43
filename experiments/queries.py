"""Reads for the experiment pages: the person's spread for the design page,
and the data behind a verdict."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass

from django.core.cache import cache
from django.db.models import Prefetch, Q, QuerySet
from django.http import Http404

from accounts.models import User
from config.prepared import Read, prepared
from experiments import analysis, power
from experiments.models import WEEKS, Envelope, Experiment, Guess
from insights import stats
from journal import queries as journal_queries
from journal.models import Metric
from protocols.held import OpenDose, Weeks

BLINDED = [Experiment.Design.WEEKLY, Experiment.Design.DOSE_DAYS]
NOISE_DAYS = 120  # the recent days the person's spread is measured on
MIN_NOISE_DAYS = 14


def experiment_for_user(user: User, experiment_id: int) -> Experiment:
    experiment = (
        Experiment.objects.select_related("substance", "primary_metric")
        .filter(user=user, pk=experiment_id)
        .first()
    )
    if experiment is None:
        raise Http404("No such experiment.")
    return experiment


def is_own_envelope(user: User, token: str) -> bool:
    return Envelope.objects.filter(
        token=token, experiment__user=user, experiment__design__in=BLINDED
    ).exists()


def running(user: User) -> Experiment | None:
    """The experiment under way, if any (one at a time). Its substance and
    metric are not joined: Today, the reminders and the design page only ask
    whether one runs and where it stands."""
    return _running.first(user.pk)


def checkin_reads(user: User, day: dt.date) -> list[Read | None]:
    """What Today's experiment card reads first (journal.checkin)."""
    since = day - Envelope.LASTS
    return [_running.read(user.pk), _today_envelopes.read(user.pk, day, since)]


def today_envelopes(user: User, day: dt.date) -> list[Envelope]:
    """The envelopes of the person's experiment under way that could be the
    day's (services.current_envelope chooses): opened in the last seven days,
    or one of an open design's weeks. Read with the experiment itself, before
    it is known, so that Today's card waits for no round trip of its own."""
    return _today_envelopes(user.pk, day, day - Envelope.LASTS)


@prepared
def _today_envelopes(user_id: int, day: dt.date, since: dt.date) -> QuerySet[Envelope]:
    return Envelope.objects.filter(
        Q(day__gt=since, day__lte=day) | Q(week__isnull=False),
        experiment__user=user_id,
        experiment__status__in=[Experiment.Status.RUNNING, Experiment.Status.PAUSED],
    )


@prepared
def _running(user_id: int) -> QuerySet[Experiment]:
    return Experiment.objects.filter(
        user=user_id, status__in=[Experiment.Status.RUNNING, Experiment.Status.PAUSED]
    )[:1]


@dataclass(frozen=True)
class Spread:
    sd: float
    carry_over: float
    measured: bool
    days: int
    mean: float | None = None  # the person's usual rating, when measured


def spread(user: User, metric: Metric, today: dt.date) -> Spread:
    """The metric's day-to-day spread and carry-over over the recent days, or
    the stated defaults when there are too few."""
    days = [today - dt.timedelta(days=i) for i in range(NOISE_DAYS)]
    means = journal_queries.day_means(user, days)
    values = {d: m[metric.pk] for d, m in means.items() if metric.pk in m}
    if len(values) >= MIN_NOISE_DAYS:
        noise = stats.estimate_noise(values)
        if noise.sd is not None:
            mean = sum(values.values()) / len(values)
            return Spread(noise.sd, noise.carry_over, True, len(values), mean)
    return Spread(power.DEFAULT_SD, power.DEFAULT_CARRY_OVER, False, len(values))


def offsets(weekdays: Sequence[int], start: dt.date) -> list[int]:
    """The dose days' places within each experiment week (0 = its first day)."""
    return sorted((d - start.weekday()) % 7 for d in weekdays)


def plan(
    design: str,
    weeks: int,
    weekdays: Sequence[int],
    start: dt.date,
    person: Spread,
    metric: Metric,
) -> power.Plan:
    """The design page's promise, kept in the cache: it is the same for the
    same inputs (the simulation has a fixed seed)."""
    places = offsets(weekdays, start)
    middle = (metric.scale_min + metric.scale_max) / 2
    scale = power.Scale(
        round(person.mean if person.mean is not None else middle, 1),
        metric.scale_min,
        metric.scale_max,
    )
    key = (
        f"experiments:plan:v2:{design}:{weeks}:{','.join(map(str, places))}:"
        f"{person.sd:.2f}:{person.carry_over:.2f}:{person.measured}:"
        f"{scale.mean}:{scale.low}:{scale.high}"
    )
    found = cache.get(key)
    if found is None:
        found = power.plan(
            design,
            weeks,
            places,
            round(person.sd, 2),
            round(person.carry_over, 2),
            person.measured,
            scale,
        )
        cache.set(key, found, 60 * 60 * 24)
    return found


def _openings(experiment: Experiment) -> list[analysis.Opening]:
    envelopes = experiment.envelopes.prefetch_related(
        Prefetch("guesses", queryset=Guess.objects.order_by("day", "id"))
    )
    result = []
    for envelope in envelopes:
        if experiment.design == Experiment.Design.OPEN_WEEKS:
            day = experiment.start_date + dt.timedelta(days=7 * envelope.week)
        elif envelope.day is None:
            continue
        else:
            day = envelope.day
        guesses = list(envelope.guesses.all())
        # The week's guess if there is one, else the last guess made.
        weekly = [g for g in guesses if g.kind == Guess.Kind.WEEK]
        final = (weekly or guesses or [None])[-1]
        result.append(
            analysis.Opening(day, envelope.active, final.answer if final else None)
        )
    return result


def last_day(experiment: Experiment, today: dt.date) -> dt.date:
    """The last day the analysis covers."""
    end = experiment.end_date
    if experiment.status == Experiment.Status.STOPPED and experiment.ended_at:
        end = min(end, experiment.user.profile.local_day(experiment.ended_at))
    return min(end, today)


# --- The days an experiment holds (protocols.held) ----------------------------

# The most days an experiment lasts: one begun this long before a span ends
# before it.
LONGEST = dt.timedelta(weeks=max(WEEKS))


def held_reads(user: User, first: dt.date, last: dt.date) -> list[Read | None]:
    # Not the "on" weeks' read: most never run open randomized weeks, and
    # those who do have it sent once their experiments are back.
    return [_begun.read(user.pk, first - LONGEST, last)]


def held_weeks(user: User, first: dt.date, last: dt.date) -> list[Weeks]:
    """The days whose doses were or are an experiment's, from its first day to
    its last, of each experiment begun, under way or over, that meets the
    span: a blinded one's with its capsule weekdays; open randomized weeks'
    week by week, an "on" week's with its dose weekdays, on which the
    experiment's dose is taken openly, an "off" week's with none. One stopped
    early holds its days to the day before: from the moment it stops, Today
    offers the protocol's dose again. A paused experiment plans nothing while
    it is paused (nor is one reminded)."""
    since = first - LONGEST
    begun = _begun(user.pk, since, last)
    on_weeks = set()
    if any(not experiment.blinded for experiment in begun):
        on_weeks = set(_on_weeks(user.pk, since, last))
    spans = []
    for experiment in begun:
        end = experiment.end_date
        if experiment.status == Experiment.Status.STOPPED and experiment.ended_at:
            stopped = user.profile.local_day(experiment.ended_at)
            end = min(end, stopped - dt.timedelta(days=1))
        if end < first:
            continue
        planned = frozenset(
            experiment.weekdays if experiment.status != Experiment.Status.PAUSED else ()
        )
        if experiment.blinded:
            spans.append(Weeks(experiment.start_date, end, planned))
            continue
        # Read here, for the rare open design alone.
        dose = OpenDose(experiment.substance, experiment.amount)
        for week in range(experiment.weeks):
            week_first = experiment.start_date + dt.timedelta(weeks=week)
            if week_first > end:
                break
            week_last = min(week_first + dt.timedelta(days=6), end)
            on = (experiment.pk, week) in on_weeks
            spans.append(
                Weeks(week_first, week_last, planned if on else frozenset(), dose)
            )
    return spans


@prepared
def _begun(user_id: int, since: dt.date, last: dt.date) -> QuerySet[Experiment]:
    # Begun: one planned and never started (or stopped before it was) holds
    # nothing.
    return Experiment.objects.filter(
        user=user_id,
        started_at__isnull=False,
        start_date__gt=since,
        start_date__lte=last,
    )


@prepared
def _on_weeks(user_id: int, since: dt.date, last: dt.date) -> QuerySet[Envelope]:
    """(experiment, week) of each "on" week of the person's open randomized
    weeks begun in the span (_begun's): an open design's envelopes are its
    weeks, drawn and shown from the start."""
    return Envelope.objects.filter(
        experiment__user=user_id,
        experiment__started_at__isnull=False,
        experiment__start_date__gt=since,
        experiment__start_date__lte=last,
        week__isnull=False,
        active=True,
    ).values_list("experiment_id", "week")


@dataclass(frozen=True)
class MetricResult:
    metric: Metric
    primary: bool
    result: analysis.Result
    words: str


@dataclass(frozen=True)
class Verdict:
    results: list[MetricResult]  # the primary first, then the exploratory ones
    units: list[analysis.Unit]  # the primary metric's, for the table
    envelopes_opened: int
    envelopes_total: int


def verdict(experiment: Experiment, today: dt.date) -> Verdict:
    """The analysis of every visible metric, the primary one first. Only for
    an unblinded (or open) experiment: the caller checks."""
    openings = _openings(experiment)
    end = last_day(experiment, today)
    days = [
        experiment.start_date + dt.timedelta(days=i)
        for i in range((end - experiment.start_date).days + 1)
    ]
    means = journal_queries.day_means(experiment.user, days)
    metrics = [experiment.primary_metric] + [
        m
        for m in journal_queries.visible_metrics(experiment.user)
        if m.pk != experiment.primary_metric_id
    ]
    unit_word = (
        "dose day" if experiment.design == Experiment.Design.DOSE_DAYS else "week"
    )
    results, primary_units = [], []
    for metric in metrics:
        values = {d: m[metric.pk] for d, m in means.items() if metric.pk in m}
        units = analysis.units(experiment.design, openings, values, end)
        result = analysis.analyse(units, seed=experiment.pk)
        words = analysis.verdict(result, metric.name, unit_word, metric.lower_is_better)
        results.append(MetricResult(metric, not results, result, words))
        if not primary_units:
            primary_units = units
    return Verdict(
        results=results,
        units=primary_units,
        envelopes_opened=len(openings),
        envelopes_total=experiment.envelopes.count(),
    )


def envelopes_for_sheets(
    experiment: Experiment,
) -> tuple[list[Envelope], list[Envelope]]:
    """The active sheet's envelopes and the placebo sheet's."""
    envelopes = list(experiment.envelopes.order_by("token"))
    return [e for e in envelopes if e.active], [e for e in envelopes if not e.active]
