"""Insights for a range and a metric: series → statistics → charts, plus the
words, tables and CSV rows that go beside each chart."""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass, field

import numpy as np
from django.utils.html import escape, format_html
from django.utils.safestring import SafeString, mark_safe

from accounts.models import User
from insights import charts, series, stats
from journal.models import Metric
from protocols.schedule import DayPhase

PHASES = [
    DayPhase.DOSE_DAY,
    DayPhase.AFTER_1,
    DayPhase.AFTER_2,
    DayPhase.LATER,
    DayPhase.BREAK,
    DayPhase.BASELINE,
]
CHARTS = ("timeline", "phases", "calendar", "tags", "correlations")


@dataclass
class Section:
    key: str
    title: str
    figure: str | None  # Plotly JSON, None when the data is too thin to draw
    findings: list[str] = field(default_factory=list)
    empty: str = ""
    header: list[str] = field(default_factory=list)
    rows: list[list] = field(default_factory=list)

    def body_html(self) -> SafeString:
        """The data table's rows as HTML: a five-year timeline has thousands
        of cells, which the template language renders ten times slower."""
        if not self.rows:
            return format_html(
                '<tr><td colspan="{}">No data.</td></tr>', len(self.header)
            )
        # Every cell is escaped here.
        return mark_safe(
            "".join(
                "<tr>" + "".join(f"<td>{escape(cell)}</td>" for cell in row) + "</tr>"
                for row in self.rows
            )
        )


@dataclass
class Report:
    metric: Metric | None
    start: dt.date
    end: dt.date
    days_with_values: int
    sections: list[Section]

    def section(self, key: str) -> Section:
        return next(s for s in self.sections if s.key == key)


def _figure(figure) -> str:
    """The figure as JSON for plotly.js.

    Reads the figure's own data and layout without plotly's deep copy and
    double encoding (`to_json`), which took a third of a five-year Insights
    page; the charts only hold plain numbers, strings, dates and None.
    """
    try:
        return json.dumps(
            {"data": figure._data, "layout": figure._layout},
            default=_json_value,
            separators=(",", ":"),
            allow_nan=False,
        )
    except ValueError:  # a NaN somewhere: plotly's encoder turns it into null
        return figure.to_json()


def _json_value(value):
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, np.generic):
        return value.item()
    if isinstance(value, np.ndarray):
        return value.tolist()
    raise TypeError(f"{type(value).__name__} is not JSON serialisable")


def _fmt(value: float | None, digits: int = 2) -> str:
    return "" if value is None else f"{value:.{digits}f}"


def build(
    user: User,
    start: dt.date,
    end: dt.date,
    metric_id: int | None,
    charts_wanted=CHARTS,
) -> Report:
    data = series.load(user, start, end)
    visible = [m for m in data.metrics if not m.hidden]
    metric = (
        data.metric(metric_id)
        or data.metric(Metric.Key.MOOD)
        or (visible[0] if visible else None)
    )
    if metric is None:
        return Report(None, start, end, 0, [])
    values = data.values.get(metric.pk, {})
    builders = {
        "timeline": _timeline,
        "phases": _phases,
        "calendar": _calendar,
        "tags": _tags,
        "correlations": _correlations,
    }
    sections = [builders[key](data, metric, values) for key in charts_wanted]
    return Report(metric, start, end, len(values), sections)


def _timeline(data: series.Series, metric: Metric, values: dict) -> Section:
    days = data.days
    daily = [values.get(d) for d in days]
    rolling = stats.rolling_mean(values, days)
    section = Section("timeline", f"{metric.name} over time", None)
    section.header = ["date", metric.name, "7-day mean", "dose"]
    section.rows = [
        [d.isoformat(), _fmt(v), _fmt(r), _dose_state(data, d)]
        for d, v, r in zip(days, daily, rolling, strict=True)
        if v is not None or d in data.dose_days or d in data.skipped_days
    ]
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
            bands=[(b.start, b.end, b.kind) for b in data.bands],
            scale=(metric.scale_min, metric.scale_max),
        )
    )
    section.findings = [
        f"{len(values)} days with a {metric.name.lower()} rating; "
        f"{len(data.dose_days)} dose days in this range."
    ]
    return section


def _interval_cells(comparison: stats.Comparison) -> list[str]:
    return [
        _fmt(comparison.difference),
        _fmt(comparison.low),
        _fmt(comparison.high),
        _fmt(comparison.hedges_g),
    ]


def _dose_state(data: series.Series, day: dt.date) -> str:
    if day in data.dose_days:
        return "taken"
    if day in data.skipped_days:
        return "skipped"
    return ""


PHASE_DAYS = {
    DayPhase.DOSE_DAY: stats.Days("dose day", "dose days"),
    DayPhase.AFTER_1: stats.Days("day after a dose", "days after a dose"),
    DayPhase.AFTER_2: stats.Days("second day after a dose", "second days after a dose"),
    DayPhase.LATER: stats.Days("later day", "later days"),
    DayPhase.BASELINE: stats.Days("baseline day", "baseline days"),
}


def _phases(data: series.Series, metric: Metric, values: dict) -> Section:
    groups = {phase: [] for phase in PHASES}
    for day, value in values.items():
        groups[data.phases[day]].append(value)
    section = Section("phases", f"{metric.name} by dosing phase", None)
    section.header = ["phase", "n", "mean", "sd",
                      "diff vs baseline", "low", "high", "Hedges' g",
                      "diff vs later days", "low", "high", "Hedges' g"]  # fmt: skip
    baseline, later = groups[DayPhase.BASELINE], groups[DayPhase.LATER]
    drawn = []
    for phase in PHASES:
        summary = stats.summarise(groups[phase])
        against_baseline = stats.compare(groups[phase], baseline)
        against_later = stats.compare(groups[phase], later)
        section.rows.append(
            [charts.PHASE_LABELS[phase], summary.n, _fmt(summary.mean)]
            + [_fmt(summary.sd)]
            + _interval_cells(against_baseline)
            + _interval_cells(against_later)
        )
        if summary.n:
            low = high = None
            if summary.n >= 2:
                # The interval of the group's own mean, for the error bars.
                low, high = stats.mean_interval(groups[phase])
            drawn.append((phase, groups[phase], low, high))
        if phase in (DayPhase.DOSE_DAY, DayPhase.AFTER_1, DayPhase.AFTER_2):
            for comparison, against in (
                (against_baseline, DayPhase.BASELINE),
                (against_later, DayPhase.LATER),
            ):
                if against == DayPhase.BASELINE and comparison.n_b < stats.MIN_DAYS:
                    continue  # said once below: baseline days cannot be added later
                finding = stats.verdict(
                    comparison,
                    what=metric.name.lower(),
                    group=PHASE_DAYS[phase],
                    against=PHASE_DAYS[against],
                    lower_is_better=metric.lower_is_better,
                )
                # "Log 3 more later days" once, not once for every phase.
                if finding not in section.findings:
                    section.findings.append(finding)
    if len(baseline) < stats.MIN_DAYS:
        section.findings.append(
            f"This range has {len(baseline)} rated baseline day"
            f"{'s' if len(baseline) != 1 else ''} (before your first dose), too few "
            "to compare with; choose a range that starts earlier, or compare with "
            "later days instead."
        )
    enough = sum(1 for _, v, _, _ in drawn if len(v) >= stats.MIN_DAYS)
    if enough < 2:
        dose_days = len(groups[DayPhase.DOSE_DAY])
        section.empty = (
            "Phases can be compared once two of them have at least "
            f"{stats.MIN_DAYS} rated days each"
            + (
                f" (log {stats.MIN_DAYS - dose_days} more dose days)."
                if dose_days < stats.MIN_DAYS
                else "."
            )
        )
        return section
    section.figure = _figure(charts.phase_comparison(name=metric.name, groups=drawn))
    return section


def _calendar(data: series.Series, metric: Metric, values: dict) -> Section:
    last_year = [d for d in data.days if d > data.end - dt.timedelta(days=365)]
    section = Section("calendar", f"{metric.name}, day by day", None)
    section.header = ["date", metric.name, "dose taken"]
    section.rows = [
        [d.isoformat(), _fmt(values.get(d)), "yes" if d in data.dose_days else ""]
        for d in last_year
        if d in values or d in data.dose_days
    ]
    if not any(d in values for d in last_year):
        section.empty = "No ratings in this range yet."
        return section
    section.figure = _figure(
        charts.calendar_heatmap(
            name=metric.name,
            days=last_year,
            values=[values.get(d) for d in last_year],
            dose_days=sorted(data.dose_days),
            scale=(metric.scale_min, metric.scale_max),
        )
    )
    if len(last_year) < len(data.days):
        section.findings.append("Shows the last 365 days of the range.")
    return section


def _tags(data: series.Series, metric: Metric, values: dict) -> Section:
    section = Section("tags", f"Tags and {metric.name.lower()}", None)
    section.header = ["tag", "days with", "days without", "difference", "low", "high"]
    effects = stats.tag_effects(values, data.tags)
    drawable = []
    for effect in effects:
        c = effect.comparison
        section.rows.append(
            [effect.tag, c.n_a, c.n_b, _fmt(c.difference), _fmt(c.low), _fmt(c.high)]
        )
        if c.enough_data:
            drawable.append((effect.tag, c.difference, c.low, c.high, c.clear))
    if not drawable:
        section.empty = (
            f"Tags show up here once a tag has been used on at least {stats.MIN_DAYS} "
            "rated days (and left off at least as many)."
        )
        return section
    clear = [row for row in drawable if row[4]]
    section.findings.append(
        f"{len(clear)} of {len(drawable)} tags show a difference whose 95% interval "
        "excludes zero."
        + (" Grey bars: no clear difference." if len(clear) < len(drawable) else "")
        + " With many tags, about one in twenty looks clear by chance alone."
    )
    section.figure = _figure(charts.tag_effects(name=metric.name, rows=drawable))
    return section


def _correlations(data: series.Series, metric: Metric, values: dict) -> Section:
    section = Section("correlations", "How your metrics move together", None)
    metrics = [m for m in data.metrics if not m.hidden and data.values.get(m.pk)]
    names = [m.name for m in metrics]
    section.header = ["metric", "metric", "spearman rho", "n"]
    size = len(metrics)
    rho = [[None] * size for _ in metrics]
    counts = [[0] * size for _ in metrics]
    for i, a in enumerate(metrics):
        for j in range(i, size):  # symmetric: each pair once
            b = metrics[j]
            shared = sorted(data.values[a.pk].keys() & data.values[b.pk].keys())
            r, n = stats.spearman(
                [data.values[a.pk][d] for d in shared],
                [data.values[b.pk][d] for d in shared],
            )
            rho[i][j] = rho[j][i] = r
            counts[i][j] = counts[j][i] = n
    for i, a in enumerate(metrics):
        for j, b in enumerate(metrics):
            if a.pk < b.pk:
                section.rows.append([a.name, b.name, _fmt(rho[i][j]), counts[i][j]])
    if len(metrics) < 2 or max((n for row in counts for n in row), default=0) < 10:
        section.empty = (
            "Correlations need at least two metrics rated on 10 or more days."
        )
        return section
    section.findings.append(
        "Spearman's rho from −1 to +1, with the number of days both metrics were "
        "rated. Moving together is not causing each other."
    )
    section.figure = _figure(charts.correlation_matrix(names=names, rho=rho, n=counts))
    return section
