"""A report to share with a clinician, therapist or integration coach: what
the person chooses, over a date range, in words a reader outside the app can
follow. Read-only; built fresh each time (a year builds in well under a
second)."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from dataclasses import dataclass, field

from django.db.models import Avg, Count, Q

from accounts.models import User
from experiments import queries as experiment_queries
from experiments.models import Experiment
from insights import report as insights_report
from journal import queries as journal_queries
from journal.models import Entry, QuestionnaireResponse, Rating
from journal.questionnaires import INSTRUMENTS, change_words
from protocols.models import FELT_LABELS, DoseEffect, DoseLog, Protocol

MAX_DAYS = 3 * 366  # the longest range a report covers
NOTE_CHOICES = 200  # the most recent notes offered to pick from


@dataclass(frozen=True)
class QuestionnaireLine:
    day: dt.date
    name: str
    score: int
    maximum: int
    band: str


@dataclass(frozen=True)
class MetricLine:
    name: str
    days: int
    mean: float | None
    finding: str  # the declared question's answer, as Insights states it


@dataclass
class Share:
    start: dt.date
    end: dt.date
    with_substances: bool
    questionnaires: list[QuestionnaireLine] = field(default_factory=list)
    questionnaire_changes: list[str] = field(default_factory=list)
    protocols: list[str] = field(default_factory=list)
    doses_taken: int = 0
    doses_skipped: int = 0
    capsules: int = 0
    amounts: list[str] = field(default_factory=list)  # only with substances
    felt: list[str] = field(default_factory=list)
    effects: list[str] = field(default_factory=list)
    metrics: list[MetricLine] = field(default_factory=list)
    experiments: list[str] = field(default_factory=list)
    notes: list[Entry] = field(default_factory=list)
    checkin_days: int = 0


def note_choices(user: User, start: dt.date, end: dt.date):
    """The notes the person may pick to include, newest first."""
    return (
        Entry.objects.filter(user=user, day__range=(start, end))
        .exclude(note="")
        .order_by("-occurred_at")[:NOTE_CHOICES]
    )


def build(
    user: User,
    start: dt.date,
    end: dt.date,
    *,
    with_substances: bool = False,
    note_ids: list[int] = (),
) -> Share:
    share = Share(start, end, with_substances)
    _questionnaires(share, user)
    _protocols(share, user)
    _doses(share, user)
    _metrics(share, user)
    _experiments(share, user)
    chosen = set(note_ids)
    share.notes = [e for e in note_choices(user, start, end) if e.pk in chosen]
    share.notes.sort(key=lambda e: e.occurred_at)
    share.checkin_days = (
        Entry.objects.filter(user=user, day__range=(start, end))
        .values("day")
        .distinct()
        .count()
    )
    return share


def _questionnaires(share: Share, user: User) -> None:
    responses = list(
        QuestionnaireResponse.objects.filter(
            user=user, day__range=(share.start, share.end)
        ).order_by("completed_at")
    )
    for r in responses:
        scale = INSTRUMENTS[r.instrument]
        share.questionnaires.append(
            QuestionnaireLine(
                r.day, scale.name, r.score, scale.maximum, scale.band(r.score)
            )
        )
    for scale in INSTRUMENTS.values():
        scores = [r for r in responses if r.instrument == scale.key]
        if len(scores) >= 2:
            first, last = scores[0], scores[-1]
            share.questionnaire_changes.append(
                f"{scale.name} from {first.score} ({first.day:%-d %b %Y}) to "
                f"{last.score} ({last.day:%-d %b %Y}): "
                f"{change_words(scale, first.score, last.score)}."
            )


def _protocols(share: Share, user: User) -> None:
    protocols = (
        Protocol.objects.filter(user=user, start_date__lte=share.end)
        .exclude(end_date__lt=share.start)
        .select_related("substance")
        .order_by("start_date")
    )
    for p in protocols:
        what = f"{p.get_kind_display()}"
        if share.with_substances:
            what += f", {p.substance.name} {p.amount.normalize():f} {p.unit}"
        until = f" to {p.end_date:%-d %b %Y}" if p.end_date else ""
        share.protocols.append(f"{what}: from {p.start_date:%-d %b %Y}{until}.")


def _doses(share: Share, user: User) -> None:
    doses = DoseLog.objects.filter(user=user, day__range=(share.start, share.end))
    counts = doses.aggregate(
        taken=Count("id", filter=_taken()),
        skipped=Count("id", filter=Q(skipped=True)),
        capsules=Count("id", filter=Q(blinded=True)),
    )
    share.doses_taken = counts["taken"]
    share.doses_skipped = counts["skipped"]
    share.capsules = counts["capsules"]
    if share.with_substances:
        for name, unit, amount, n in (
            doses.filter(_taken())
            .values_list("substance__name", "unit", "amount")
            .annotate(n=Count("id"))
            .order_by("substance__name", "amount")
        ):
            share.amounts.append(f"{name} {amount.normalize():f} {unit}: {n}×")
    felt = Counter(doses.exclude(felt=None).values_list("felt", flat=True))
    share.felt = [
        f"{FELT_LABELS[level]}: {felt[level]}" for level in sorted(felt) if felt[level]
    ]
    effects = (
        DoseEffect.objects.filter(dose__in=doses)
        .values_list("name")
        .annotate(n=Count("id"), strength=Avg("intensity"))
        .order_by("-n", "name")
    )
    share.effects = [
        f"{name}: {n}× (mostly {('mild', 'moderate', 'strong')[round(s) - 1]})"
        for name, n, s in effects
    ]


def _taken() -> Q:
    return Q(skipped=False, blinded=False)


def _metrics(share: Share, user: User) -> None:
    for metric in journal_queries.visible_metrics(user):
        ratings = Rating.objects.filter(
            metric=metric, entry__user=user, entry__day__range=(share.start, share.end)
        ).aggregate(mean=Avg("value"), days=Count("entry__day", distinct=True))
        finding = ""
        if ratings["days"]:
            result = insights_report.build(
                user, share.start, share.end, metric.pk, ("comparisons",)
            )
            findings = result.sections[0].findings if result.sections else []
            finding = findings[0] if findings else ""
        share.metrics.append(
            MetricLine(metric.name, ratings["days"], ratings["mean"], finding)
        )


def _experiments(share: Share, user: User) -> None:
    finished = Experiment.objects.filter(
        user=user, start_date__lte=share.end, unblinded_at__isnull=False
    ).select_related("substance", "primary_metric", "user__profile")
    for experiment in finished:
        verdict = experiment_queries.verdict(experiment, share.end)
        design = experiment.get_design_display().lower()
        words = verdict.results[0].words if verdict.results else ""
        share.experiments.append(
            f"{experiment.weeks}-week experiment ({design}) from "
            f"{experiment.start_date:%-d %b %Y}: {words}"
        )
