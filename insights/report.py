"""Insights for a range and a metric: series → statistics → charts, plus the
words, tables and CSV rows that go beside each chart.

`analyse` holds every comparison the page states, in one place: the declared
question first, then the rest corrected for their number. The calibration
harness (insights/calibration.py) calls it on simulated people.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from decimal import Decimal
from enum import StrEnum

import numpy as np
import orjson
from django.db.models import QuerySet

from accounts.models import User
from config.prepared import ahead, prepared
from insights import charts, series, stats
from journal.models import Metric, QuestionnaireResponse
from journal.questionnaires import INSTRUMENTS, change_words
from protocols.models import DoseLog, Substance
from protocols.schedule import DayPhase

PHASES = [
    DayPhase.DOSE_DAY,
    DayPhase.AFTER_1,
    DayPhase.AFTER_2,
    DayPhase.LATER,
    DayPhase.BREAK,
    DayPhase.BASELINE,
]
OFF_PHASES = (DayPhase.AFTER_1, DayPhase.AFTER_2, DayPhase.LATER)
CHARTS = (
    "comparisons", "timeline", "phases", "calendar", "tags", "correlations",
    "questionnaires", "titration",
)  # fmt: skip
# Data tables longer than this are sent when they are opened.
INLINE_ROWS = 60
# Over this share of the range without a check-in, the page says so.
MISSING_SHARE = 0.25


class Kind(StrEnum):
    """What a comparison is to the page, as the tables say it."""

    PRIMARY = "main question"
    BASELINE = "second: open to drift"
    EXPLORATORY = "exploratory"
    TAG = "tag"


class LazyRows(Sequence):
    """A long data table's rows, made only when they are read (the table page
    or the CSV): the Insights page shows only how many there are."""

    def __init__(self, count: int, make: Callable[[], list[list]]):
        self._count, self._make, self._rows = count, make, None

    def __len__(self) -> int:
        return self._count

    def __getitem__(self, index):
        if self._rows is None:
            self._rows = self._make()
        return self._rows[index]


@dataclass
class Section:
    key: str
    title: str
    figure: str | None  # Plotly JSON, None when the data is too thin to draw
    findings: list[str] = field(default_factory=list)
    empty: str = ""
    header: list[str] = field(default_factory=list)
    rows: list[list] = field(default_factory=list)
    # The colour key of a chart coloured by value: (lowest, highest), in words.
    colour_key: tuple[str, str] | None = None
    # Too many days to read at phone width: the chart scrolls sideways.
    wide: bool = False

    @property
    def inline_table(self) -> bool:
        """Short tables go with the page; long ones are fetched when opened."""
        return len(self.rows) <= INLINE_ROWS


@dataclass(frozen=True)
class Finding:
    """One comparison the page states, with its words."""

    key: str
    kind: str
    group: stats.Days
    against: stats.Days
    comparison: stats.Comparison

    @property
    def title(self) -> str:
        return f"{self.group.many} vs {self.against.many}"

    def verdict(self, metric: Metric) -> str:
        """Its sentence: the declared question on its own interval, the others
        on their corrected p-values."""
        return stats.verdict(
            self.comparison,
            what=metric.name.lower(),
            group=self.group,
            against=self.against,
            lower_is_better=metric.lower_is_better,
            corrected=self.kind != Kind.PRIMARY,
        )


@dataclass
class Analysis:
    """Every comparison on one metric's page."""

    noise: stats.Noise
    days: dict[DayPhase, list[dt.date]]  # rated days of each phase
    primary: Finding
    others: list[Finding]  # baseline and exploratory phase comparisons
    tags: list[Finding]

    @property
    def findings(self) -> list[Finding]:
        return [self.primary, *self.others, *self.tags]

    @property
    def claims(self) -> list[Finding]:
        """The comparisons the page states as a difference."""
        return [f for f in self.findings if f.comparison.claim]


PHASE_DAYS = {
    DayPhase.DOSE_DAY: stats.Days("dose day", "dose days"),
    DayPhase.AFTER_1: stats.Days("day after a dose", "days after a dose"),
    DayPhase.AFTER_2: stats.Days("second day after a dose", "second days after a dose"),
    DayPhase.LATER: stats.Days("later day", "later days"),
    DayPhase.BREAK: stats.Days("break day", "break days"),
    DayPhase.BASELINE: stats.Days("baseline day", "baseline days"),
}
OFF_DAYS = stats.Days("off day of the same weeks", "off days of the same weeks")
OTHER_OFF_DAYS = stats.Days(
    "other off day of the same weeks", "other off days of the same weeks"
)
ON_DAYS = stats.Days("day on the protocol", "days on the protocol")


def analyse(
    values: dict[dt.date, float],
    phases: dict[dt.date, DayPhase],
    tags: dict[str, set[dt.date]],
) -> Analysis:
    """The comparisons for one metric's day values (check-ins made before a
    dose already left out) and the days' phases.

    The declared question: dose days against the off days of the same weeks,
    judged alone by its 95% interval. Everything else (dose days against the
    baseline, the day after a dose, breaks, each tag) is judged together with
    a Benjamini–Hochberg false discovery rate of 4%.
    """
    days = {phase: [] for phase in PHASES}
    for day in values:
        days[phases[day]].append(day)
    noise = stats.estimate_noise(values, {d: phases[d] for d in values})
    dose = days[DayPhase.DOSE_DAY]
    off = [d for phase in OFF_PHASES for d in days[phase]]
    primary = stats.compare_within(values, dose, off, noise)
    primary = Finding(
        "primary",
        Kind.PRIMARY,
        PHASE_DAYS[DayPhase.DOSE_DAY],
        OFF_DAYS,
        replace(primary, claim=primary.clear),
    )
    others = [
        Finding(
            "baseline",
            Kind.BASELINE,
            PHASE_DAYS[DayPhase.DOSE_DAY],
            PHASE_DAYS[DayPhase.BASELINE],
            stats.compare(values, dose, days[DayPhase.BASELINE], noise),
        ),
        Finding(
            "after_1",
            Kind.EXPLORATORY,
            PHASE_DAYS[DayPhase.AFTER_1],
            OTHER_OFF_DAYS,
            stats.compare_within(
                values,
                days[DayPhase.AFTER_1],
                days[DayPhase.AFTER_2] + days[DayPhase.LATER],
                noise,
            ),
        ),
        Finding(
            "break",
            Kind.EXPLORATORY,
            PHASE_DAYS[DayPhase.BREAK],
            ON_DAYS,
            stats.compare(values, days[DayPhase.BREAK], dose + off, noise),
        ),
    ]
    tag_findings = [
        Finding(
            f"tag:{effect.tag}",
            Kind.TAG,
            stats.Days(f"day tagged “{effect.tag}”", f"days tagged “{effect.tag}”"),
            stats.Days("day without it", "days without it"),
            effect.comparison,
        )
        for effect in stats.tag_effects(values, tags, noise)
    ]
    family = others + tag_findings
    corrected = stats.adjusted([f.comparison for f in family])
    family = [replace(f, comparison=c) for f, c in zip(family, corrected, strict=True)]
    return Analysis(noise, days, primary, family[: len(others)], family[len(others) :])


def _figure(figure: dict) -> str:
    """The figure as JSON for plotly.js, by orjson: a ninth of the standard
    library's time for five years of days (0.2 ms against 1.9 a page). A
    value that is not a number (NaN) becomes null, which plotly.js draws as a
    gap; dates are written as ISO dates, numpy's numbers and arrays as theirs."""
    return orjson.dumps(figure, option=orjson.OPT_SERIALIZE_NUMPY).decode()


def _fmt(value: float | None, digits: int = 2) -> str:
    return "" if value is None else f"{value:.{digits}f}"


@dataclass
class Report:
    metric: Metric | None
    start: dt.date
    end: dt.date
    days_with_values: int
    sections: list[Section]
    analysis: Analysis | None = None
    checkin_days: int = 0
    substance: Substance | None = None
    before_dose: int = 0  # check-ins left out of dose-day figures

    def section(self, key: str) -> Section:
        return next(s for s in self.sections if s.key == key)

    @property
    def false_discovery_rate(self) -> float:
        return stats.FALSE_DISCOVERY_RATE

    @property
    def range_days(self) -> int:
        return (self.end - self.start).days + 1

    @property
    def missing_days(self) -> int:
        return self.range_days - self.checkin_days

    @property
    def many_missing(self) -> bool:
        """Whether to warn of the days missed: not when nothing was rated at
        all (the range's note says so; there is nothing to misdescribe)."""
        return (
            self.checkin_days > 0
            and self.missing_days > MISSING_SHARE * self.range_days
        )


def build(
    user: User,
    start: dt.date,
    end: dt.date,
    metric_id: int | None,
    charts_wanted=CHARTS,
    substance: Substance | None = None,
) -> Report:
    # Every read of the report waits for no other: sent together, in one
    # round trip (config.prepared.ahead), each only for the charts wanted.
    reads = [
        *series.reads(user, start, end, substance),
        _questionnaire_totals.read(user.pk, start, end)
        if "questionnaires" in charts_wanted
        else None,
        # The questionnaires' chart marks when an experiment ran.
        _blinded_days.read(user.pk, start, end)
        if "questionnaires" in charts_wanted
        else None,
        _amounts.read(user.pk, substance.pk, start, end)
        if substance is not None and "titration" in charts_wanted
        else None,
    ]
    with ahead(reads):
        return _build(user, start, end, metric_id, charts_wanted, substance)


def _build(
    user: User,
    start: dt.date,
    end: dt.date,
    metric_id: int | None,
    charts_wanted,
    substance: Substance | None,
) -> Report:
    data = series.load(user, start, end, substance)
    visible = [m for m in data.metrics if not m.hidden]
    metric = (
        data.metric(metric_id)
        or data.metric(Metric.Key.MOOD)
        or (visible[0] if visible else None)
    )
    if metric is None:
        return Report(None, start, end, 0, [], substance=substance)
    values = data.values.get(metric.pk, {})
    analysis = analyse(data.phase_values.get(metric.pk, {}), data.phases, data.tags)
    builders = {
        "comparisons": _comparisons,
        "timeline": _timeline,
        "phases": _phases,
        "calendar": _calendar,
        "tags": _tags,
        "correlations": _correlations,
    }
    sections = []
    for key in charts_wanted:
        if key == "questionnaires":
            sections.append(_questionnaires(user, data))
        elif key == "titration":
            sections.append(_titration(user, data, metric, values))
        elif key in ("comparisons", "phases", "tags"):
            sections.append(builders[key](data, metric, analysis))
        else:
            sections.append(builders[key](data, metric, values))
    return Report(
        metric,
        start,
        end,
        len(values),
        sections,
        analysis=analysis,
        checkin_days=data.checkin_days,
        substance=substance,
        before_dose=data.before_dose.get(metric.pk, 0),
    )


COMPARISON_HEADER = [
    "comparison", "kind", "n", "n against", "difference", "low", "high", "p",
    "adjusted p", "stated as a difference", "Hedges' g (within you)",
]  # fmt: skip


def _comparison_row(finding: Finding) -> list:
    c = finding.comparison
    return [
        finding.title,
        finding.kind,
        c.n_a,
        c.n_b,
        _fmt(c.difference),
        _fmt(c.low),
        _fmt(c.high),
        _fmt(c.p, 3),
        _fmt(c.adjusted_p, 3),
        "yes" if c.claim else "no",
        _fmt(c.hedges_g),
    ]


def _comparisons(data: series.Series, metric: Metric, analysis: Analysis) -> Section:
    """The declared question first, then the baseline, then what the
    exploratory comparisons found."""
    what = metric.name.lower()
    section = Section("comparisons", f"Does {what} differ on dose days?", None)
    section.header = COMPARISON_HEADER
    section.rows = [_comparison_row(f) for f in analysis.findings]
    section.findings.append("Main question: " + analysis.primary.verdict(metric))
    baseline, *exploratory = analysis.others
    if baseline.comparison.n_b == 0:
        section.findings.append(
            "Before your first dose: no rated days in this range to compare with. "
            "Choose a range that starts earlier to see them."
        )
    else:
        section.findings.append(
            "Against the days before your first dose (open to drift, seasons and "
            "regression to the mean): " + baseline.verdict(metric)
        )
    left_out = len(data.blinded_days & data.values.get(metric.pk, {}).keys())
    if left_out:
        section.findings.append(
            f"{left_out} rated {'day' if left_out == 1 else 'days'} of a blinded "
            "experiment (after a capsule, active or placebo) are left out of these "
            "comparisons: whether a dose came before them is not known here. The "
            "experiment’s own page compares them once it is unblinded."
        )
    tested = [f for f in exploratory + analysis.tags if f.comparison.enough_data]
    claimed = [f for f in tested if f.comparison.claim]
    section.findings += ["Exploratory: " + f.verdict(metric) for f in claimed]
    if tested and not claimed:
        section.findings.append(
            f"Exploratory: none of the {len(tested)} other comparisons with enough "
            "data (days after a dose, breaks, tags) shows a difference once their "
            "number is allowed for."
        )
    return section


def _phases(data: series.Series, metric: Metric, analysis: Analysis) -> Section:
    values = data.phase_values.get(metric.pk, {})
    noise = analysis.noise
    section = Section("phases", f"{metric.name} by dosing phase", None)
    section.header = ["phase", "n", "mean", "sd", "low", "high"]
    drawn = []
    for phase in PHASES:
        days = analysis.days[phase]
        group = [values[d] for d in days]
        summary = stats.summarise(group)
        low, high = stats.mean_interval(values, days, noise)
        section.rows.append(
            [charts.PHASE_LABELS[phase], summary.n, _fmt(summary.mean)]
            + [_fmt(summary.sd), _fmt(low), _fmt(high)]
        )
        if summary.n:
            drawn.append((phase, group, low, high))
    enough = sum(1 for _, v, _, _ in drawn if len(v) >= stats.MIN_DAYS)
    if enough < 2:
        dose_days = len(analysis.days[DayPhase.DOSE_DAY])
        section.empty = (
            "Phases can be drawn once two of them have at least "
            f"{stats.MIN_DAYS} rated days each"
            + (
                f" (log {stats.MIN_DAYS - dose_days} more dose days)."
                if dose_days < stats.MIN_DAYS
                else "."
            )
        )
        return section
    section.findings.append(
        "Each phase’s days with the mean and its 95% interval. The comparisons "
        "that matter are stated at the top of the page."
    )
    section.figure = _figure(charts.phase_comparison(name=metric.name, groups=drawn))
    return section


def _tags(data: series.Series, metric: Metric, analysis: Analysis) -> Section:
    section = Section("tags", f"Tags and {metric.name.lower()}", None)
    section.header = ["tag", "days with", "days without", "difference", "low",
                      "high", "p", "adjusted p", "stated as a difference"]  # fmt: skip
    drawable = []
    for finding in analysis.tags:
        c = finding.comparison
        tag = finding.key.removeprefix("tag:")
        section.rows.append(
            [tag, c.n_a, c.n_b, _fmt(c.difference), _fmt(c.low), _fmt(c.high)]
            + [_fmt(c.p, 3), _fmt(c.adjusted_p, 3), "yes" if c.claim else "no"]
        )
        if c.enough_data and c.low is not None:
            drawable.append((tag, c.difference, c.low, c.high, c.claim))
    if not drawable:
        section.empty = (
            f"Tags show up here once a tag has been used on at least {stats.MIN_DAYS} "
            "rated days (and left off at least as many)."
        )
        return section
    clear = [row for row in drawable if row[4]]
    section.findings.append(
        f"{len(clear)} of {len(drawable)} tags show a difference that holds once "
        "every comparison on this page is allowed for (Benjamini–Hochberg, at "
        f"most {stats.FALSE_DISCOVERY_RATE:.0%} of the differences stated expected "
        "to be false)."
        + (" Grey bars: no clear difference." if len(clear) < len(drawable) else "")
        + " A tag goes with other things in your life, so a difference is not"
        " proof that the tag causes it."
    )
    section.figure = _figure(charts.tag_effects(name=metric.name, rows=drawable))
    return section


@dataclass(frozen=True)
class Pair:
    a: int  # metric ids
    b: int
    correlation: stats.Correlation
    adjusted_p: float | None
    claim: bool


def correlate(values: dict[int, dict[dt.date, float]], ids: list[int]) -> list[Pair]:
    """Each pair of metrics' rank correlation over the days both were rated,
    with its interval, judged together with Benjamini–Hochberg."""
    # One row per calendar day (in day order), one column per metric, NaN
    # where a metric was not rated: each pair is the rows where both were.
    ordinals = {i: stats.day_ordinals(values[i], len(values[i])) for i in ids}
    first = min((int(o.min()) for o in ordinals.values() if len(o)), default=0)
    last = max((int(o.max()) for o in ordinals.values() if len(o)), default=-1)
    grid = np.full((last - first + 1, len(ids)), np.nan)
    for k, i in enumerate(ids):
        grid[ordinals[i] - first, k] = np.fromiter(values[i].values(), dtype=float)
    rated = ~np.isnan(grid)
    # Each metric's carry-over, from its column (already in day order); and
    # the column's rows in the order of its values, sorted once: a pair's
    # values in order are the rows of that order that are the pair's, ranked
    # with no sort of their own (ten pairs of five metrics: 20 sorts → 5).
    carry = {}
    orders = []
    for k, i in enumerate(ids):
        rows = np.flatnonzero(rated[:, k])
        carry[i] = stats.series_noise(grid[rows, k], rows + first).carry_over
        orders.append(rows[np.argsort(grid[rows, k], kind="stable")])
    found = []
    for k, a in enumerate(ids):
        for j, b in enumerate(ids[k + 1 :], start=k + 1):
            both = rated[:, k] & rated[:, j]
            x, y = grid[both, k], grid[both, j]
            place = np.cumsum(both) - 1  # a row's place among the pair's days
            ranked = []
            for column in (k, j):
                rows = orders[column][both[orders[column]]]
                ranked.append(stats.ranks_in_order(grid[rows, column], place[rows]))
            found.append(
                (a, b, stats.correlation(x, y, carry[a], carry[b], tuple(ranked)))
            )
    tested = [k for k, (_, _, c) in enumerate(found) if c.p is not None]
    adjusted = {}
    if tested:
        qs = stats.benjamini_hochberg([found[k][2].p for k in tested])
        adjusted = dict(zip(tested, qs, strict=True))
    return [
        Pair(
            a, b, c, adjusted.get(k), adjusted.get(k, 1.0) <= stats.FALSE_DISCOVERY_RATE
        )
        for k, (a, b, c) in enumerate(found)
    ]


def _correlations(data: series.Series, metric: Metric, values: dict) -> Section:
    section = Section("correlations", "How your metrics move together", None)
    metrics = [m for m in data.metrics if not m.hidden and data.values.get(m.pk)]
    by_id = {m.pk: m for m in metrics}
    names = [m.name for m in metrics]
    section.header = ["metric", "metric", "spearman rho", "low", "high", "n",
                      "adjusted p", "stated"]  # fmt: skip
    index = {m.pk: i for i, m in enumerate(metrics)}
    rho = [[None] * len(metrics) for _ in metrics]
    counts = [[0] * len(metrics) for _ in metrics]
    for m in metrics:
        i = index[m.pk]
        rho[i][i] = 1.0 if len(data.values[m.pk]) >= 3 else None
        counts[i][i] = len(data.values[m.pk])
    pairs = correlate(data.values, [m.pk for m in metrics])
    for pair in pairs:
        c = pair.correlation
        i, j = index[pair.a], index[pair.b]
        rho[i][j] = rho[j][i] = c.rho
        counts[i][j] = counts[j][i] = c.n
        section.rows.append(
            [by_id[pair.a].name, by_id[pair.b].name, _fmt(c.rho), _fmt(c.low)]
            + [_fmt(c.high), c.n, _fmt(pair.adjusted_p, 3)]
            + ["yes" if pair.claim else "no"]
        )
    stated = [p for p in pairs if p.claim]
    if len(metrics) < 2 or max((n for row in counts for n in row), default=0) < 10:
        section.empty = (
            "Correlations need at least two metrics rated on 10 or more days."
        )
        return section
    chance = sorted(p.correlation.chance for p in pairs if p.correlation.chance)
    typical = chance[len(chance) // 2] if chance else None
    section.findings.append(
        "Spearman's rho from −1 to +1, with the number of days both metrics were "
        "rated."
        + (
            f" At these numbers of days, correlations up to about ±{typical:.2f} "
            "arise by chance alone (your ratings carry over from day to day, "
            "which makes chance correlations larger)."
            if typical is not None
            else ""
        )
    )
    for pair in stated:
        c = pair.correlation
        how = "together" if c.rho > 0 else "in opposite directions"
        section.findings.append(
            f"{by_id[pair.a].name} and {by_id[pair.b].name} move {how}"
            f" (rho {c.rho:+.2f}, 95% interval {c.low:+.2f} to "
            f"{c.high:+.2f}, over {c.n} days)."
        )
    if pairs and not stated:
        section.findings.append(
            "No pair moves together more clearly than chance, once the number of "
            "pairs is allowed for."
        )
    section.findings.append("Moving together is not causing each other.")
    section.figure = _figure(charts.correlation_matrix(names=names, rho=rho, n=counts))
    return section


def _timeline(data: series.Series, metric: Metric, values: dict) -> Section:
    days = data.days
    daily = [values.get(d) for d in days]
    rolling = stats.rolling_mean(values, days)
    section = Section("timeline", f"{metric.name} over time", None)
    section.header = ["date", metric.name, "7-day mean", "dose"]
    shown = [
        i
        for i, (d, v) in enumerate(zip(days, daily, strict=True))
        if v is not None
        or d in data.dose_days
        or d in data.skipped_days
        or d in data.capsule_days
    ]
    section.rows = LazyRows(
        len(shown),
        lambda: [
            [days[i].isoformat(), _fmt(daily[i]), _fmt(rolling[i])]
            + [_dose_state(data, days[i])]
            for i in shown
        ],
    )
    if len(values) < 2:
        section.empty = "Check in on a few days to see a timeline here."
        return section
    section.figure = _figure(
        charts.timeline(
            name=metric.name,
            days=days,
            values=daily,
            rolling=rolling,
            dose_days=sorted(data.dose_days),
            skipped_days=sorted(data.skipped_days),
            capsule_days=sorted(data.capsule_days),
            bands=[(b.start, b.end, b.kind) for b in data.bands],
            scale=(metric.scale_min, metric.scale_max),
        )
    )
    doses = len(data.dose_days)
    capsules = len(data.capsule_days)
    section.findings = [
        f"{len(values)} days with a {metric.name.lower()} rating; "
        f"{doses} {PHASE_DAYS[DayPhase.DOSE_DAY].of(doses)}"
        + (
            f" and {capsules} {'day' if capsules == 1 else 'days'} of a blinded "
            "experiment’s capsules"
            if capsules
            else ""
        )
        + " in this range."
    ]
    return section


def _experiment_spans(
    user: User, start: dt.date, end: dt.date
) -> list[tuple[dt.date, dt.date]]:
    """When a blinded experiment ran, from its capsules in the dose log:
    capsule days less than two weeks apart belong to one experiment."""
    days = sorted(set(_blinded_days(user.pk, start, end)))
    spans: list[tuple[dt.date, dt.date]] = []
    for day in days:
        if spans and (day - spans[-1][1]).days < 14:
            spans[-1] = (spans[-1][0], day)
        else:
            spans.append((day, day))
    return spans


@prepared
def _blinded_days(user_id: int, start: dt.date, end: dt.date) -> QuerySet:
    return DoseLog.objects.filter(
        user=user_id, blinded=True, day__range=(start, end)
    ).values_list("day", flat=True)


@prepared
def _questionnaire_totals(user_id: int, start: dt.date, end: dt.date) -> QuerySet:
    """Totals only: each response's answers (JSON) are not needed here, nor a
    model instance for each of five years' responses."""
    return (
        QuestionnaireResponse.objects.filter(user=user_id, day__range=(start, end))
        # Two taken in the same second stay in the order they were saved,
        # whatever plan PostgreSQL chooses.
        .order_by("completed_at", "id")
        .values_list("day", "instrument", "score")
    )


def _questionnaires(user: User, data: series.Series) -> Section:
    """WHO-5, PHQ-9 and GAD-7 totals in the range, each change from the first
    to the last judged against the instrument's meaningful difference."""
    responses = _questionnaire_totals(user.pk, data.start, data.end)
    section = Section("questionnaires", "Questionnaires", None)
    section.header = ["date", "questionnaire", "score", "band"]
    section.rows = LazyRows(
        len(responses),
        lambda: [
            [
                day.isoformat(),
                INSTRUMENTS[instrument].name,
                score,
                INSTRUMENTS[instrument].band(score),
            ]
            for day, instrument, score in responses
        ],
    )
    if not responses:
        section.empty = (
            "No questionnaires in this range. WHO-5, PHQ-9 and GAD-7 are under "
            "Journal → Questionnaires."
        )
        return section
    scores = {
        instrument.name: [
            (day, score) for day, key, score in responses if key == instrument.key
        ]
        for instrument in INSTRUMENTS.values()
    }
    experiments = _experiment_spans(user, data.start, data.end)
    section.figure = _figure(
        charts.questionnaires(
            scores=scores,
            bands=[(b.start, b.end, b.kind) for b in data.bands],
            experiments=experiments,
        )
    )
    for instrument in INSTRUMENTS.values():
        points = scores[instrument.name]
        if len(points) >= 2:
            (first_day, first), (last_day, last) = points[0], points[-1]
            section.findings.append(
                f"{instrument.name}: {first} on {first_day:%-d %b %Y}, {last} on "
                f"{last_day:%-d %b %Y} — "
                f"{change_words(instrument, first, last)}."
            )
    section.findings.append(
        "Scores are compared only with the change each questionnaire's authors "
        "count as meaningful; two scores close together are not a trend."
    )
    if experiments:
        section.findings.append(
            "Dashed frames: the weeks of a blinded experiment (from its capsules)."
        )
    return section


_ONE_CENT = Decimal("0.01")
MAX_AMOUNT_GROUPS = 8


def _amount_step(amounts) -> Decimal:
    """The width of the amount groups: each amount its own while there are a
    few; otherwise a round step (1, 2 or 5 × 10ⁿ) giving at most eight groups."""
    distinct = sorted(set(amounts))
    if len(distinct) <= MAX_AMOUNT_GROUPS:
        return _ONE_CENT
    spread = distinct[-1] - distinct[0]
    step = _ONE_CENT
    while True:
        for factor in (1, 2, 5):
            candidate = step * factor
            if spread / candidate < MAX_AMOUNT_GROUPS:
                return candidate
        step *= 10


@prepared
def _amounts(user_id: int, substance_id: int, start: dt.date, end: dt.date) -> QuerySet:
    """Open-label doses taken with their amounts: (day, amount, felt)."""
    return DoseLog.objects.filter(
        user=user_id,
        substance=substance_id,
        skipped=False,
        blinded=False,
        amount__isnull=False,
        day__range=(start, end),
    ).values_list("day", "amount", "felt")


def _titration(user: User, data: series.Series, metric: Metric, values) -> Section:
    """Amounts against how much they were felt and the next day's metric: for
    finding a dose one does not notice. Information, never advice."""
    substance = data.substance
    section = Section("titration", "Amounts and how they felt", None)
    section.header = ["amount", "doses", "felt answered", "mean felt", "next days"]
    section.header.append(f"mean {metric.name.lower()} the next day")
    if substance is None:
        section.empty = "Choose a substance to see its amounts."
        return section
    doses = _amounts(user.pk, substance.pk, data.start, data.end)
    step = _amount_step([a for _, a, _ in doses])
    by_amount: dict = {}
    for day, amount, felt in doses:
        low = (amount // step) * step
        group = by_amount.setdefault(low, {"doses": 0, "felt": [], "next": []})
        group["doses"] += 1
        if felt is not None:
            group["felt"].append(felt)
        following = values.get(day + dt.timedelta(days=1))
        if following is not None:
            group["next"].append(following)

    def label(low) -> str:
        if step == _ONE_CENT:
            return f"{low.normalize():f} {substance.unit}"
        return f"{low.normalize():f}–{(low + step).normalize():f} {substance.unit}"

    for amount in sorted(by_amount):
        group = by_amount[amount]
        section.rows.append(
            [
                label(amount),
                group["doses"],
                len(group["felt"]),
                _fmt(sum(group["felt"]) / len(group["felt"])) if group["felt"] else "",
                len(group["next"]),
                _fmt(sum(group["next"]) / len(group["next"])) if group["next"] else "",
            ]
        )
    felt = [(float(a), f) for _, a, f in doses if f is not None]
    if not felt:
        section.empty = (
            f"No {substance.name} dose in this range has a note of how it felt. "
            "After a dose, Today asks “How did it feel?”."
        )
        return section
    section.figure = _figure(
        charts.titration(
            unit=substance.unit,
            metric=metric.name,
            scale=(metric.scale_min, metric.scale_max),
            felt=felt,
            next_day=[
                (float(a), values[d + dt.timedelta(days=1)])
                for d, a, _ in doses
                if d + dt.timedelta(days=1) in values
            ],
        )
    )
    unnoticed = sorted(
        a for a, g in by_amount.items() if g["felt"] and max(g["felt"]) <= 1
    )
    if unnoticed:
        section.findings.append(
            f"Never felt more than “a little” at: "
            f"{', '.join(label(a) for a in unnoticed)}."
        )
    section.findings.append(
        "This is what you noted, to help you see which amounts you notice; it is "
        "information, never dosing advice. Amounts were not assigned at random, so "
        "whatever else changed with them may explain a difference."
    )
    return section


def _dose_state(data: series.Series, day: dt.date) -> str:
    if day in data.dose_days:
        return "taken"
    if day in data.capsule_days:
        return "capsule"
    if day in data.skipped_days:
        return "skipped"
    return ""


def _calendar(data: series.Series, metric: Metric, values: dict) -> Section:
    cutoff = data.end - dt.timedelta(days=365)
    last_year = [d for d in data.days if d > cutoff]
    section = Section("calendar", f"{metric.name}, day by day", None)
    section.header = ["date", metric.name, "dose"]
    shown = [
        d
        for d in last_year
        if d in values or d in data.dose_days or d in data.capsule_days
    ]
    section.rows = LazyRows(
        len(shown),
        lambda: [
            [d.isoformat(), _fmt(values.get(d)), _dose_state(data, d)] for d in shown
        ],
    )
    if not any(d in values for d in last_year):
        section.empty = "No ratings in this range yet."
        return section
    section.figure = _figure(
        charts.calendar_heatmap(
            name=metric.name,
            days=last_year,
            values=[values.get(d) for d in last_year],
            dose_days=sorted(data.dose_days),
            capsule_days=sorted(data.capsule_days),
            scale=(metric.scale_min, metric.scale_max),
        )
    )
    section.colour_key = (
        f"{metric.scale_min} {metric.low_label}".strip(),
        f"{metric.scale_max} {metric.high_label}".strip(),
    )
    section.wide = len(last_year) > 120
    if len(last_year) < len(data.days):
        section.findings.append("Shows the last 365 days of the range.")
    return section
