"""The calibration harness: simulated people through the page's own code.

Each simulated person has daily ratings that carry over from one day to the
next (an AR(1) series with carry-over φ), follows a protocol planned by
`protocols.schedule` (skipping some doses), misses some days, rates on a
1–10 scale, and tags some days at random. Their ratings go through
`series.assemble` (the phases the page uses) and `report.analyse` (every
comparison the page states), and the harness counts how often the page
states a difference that is not there, how often the 95% intervals hold the
truth, and how often a real difference is found.

`make stats-check` runs the full set (insights/CALIBRATION.md has results);
the test suite runs a small fixed-seed sample.
"""

from __future__ import annotations

import datetime as dt
import math
from collections import defaultdict
from collections.abc import Iterable
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field

import numpy as np

from insights import report, series, stats
from journal.models import Metric
from protocols import schedule

MEAN = 6.0  # a person's usual rating on the 1–10 scale
SD = 1.5  # their day-to-day spread
BASELINE_DAYS = 14  # journaling before the first dose
MISSING = 0.15  # share of days without a check-in
SKIPPED = 0.1  # share of planned doses skipped (and logged as skipped)
TAG_USE = (0.1, 0.2, 0.3, 0.5)  # each tag's share of days, none with an effect
START = dt.date(2025, 1, 6)  # a Monday
# The protocol's cycles, by the length of the range.
CYCLES = {90: (4, 2), 365: (8, 4)}

CARRY_OVERS = (0.0, 0.3, 0.5, 0.7)
KINDS = (schedule.FADIMAN, schedule.STAMETS, schedule.EVERY_OTHER_DAY)
RANGES = (90, 365)

# Targets: for every carry-over up to 0.7.
MAX_FALSE_CLAIMS = 0.06
MIN_COVERAGE = 0.93
MAX_ANY_CLAIM = 0.10

VERDICTS = ("primary", "baseline", "after_1", "break", "tags", "correlation")


@dataclass(frozen=True)
class Scenario:
    kind: str
    days: int
    carry_over: float
    effect: float = 0.0  # added to the rating on each dose day
    low_start: bool = False  # the fortnight before the journal was low

    @property
    def name(self) -> str:
        label = {"fadiman": "Fadiman", "stamets": "Stamets"}.get(
            self.kind, "every other day"
        )
        extra = ", after a low fortnight" if self.low_start else ""
        return f"{label}, {self.days} days, φ = {self.carry_over}{extra}"


def scenarios(effect: float) -> list[Scenario]:
    """Every plan, range and carry-over, and the low-fortnight start."""
    cells = [
        Scenario(kind, days, phi, effect)
        for kind in KINDS
        for days in RANGES
        for phi in CARRY_OVERS
    ]
    cells += [
        Scenario(schedule.FADIMAN, 90, phi, effect, low_start=True)
        for phi in CARRY_OVERS
    ]
    return cells


METRIC = Metric(pk=1, key=Metric.Key.MOOD, name="Mood", scale_min=1, scale_max=10)


def rated_effect(effect: float) -> float:
    """The true difference in rounded, clipped ratings that `effect` makes:
    rounding to whole numbers and clipping to 1–10 bend it slightly."""
    # scipy's stats and signal modules take a second to import, which every
    # test process paid while collecting the tests that import this module.
    from scipy import stats as scipy_stats

    levels = np.arange(1, 11)
    edges = np.concatenate(([-np.inf], levels[:-1] + 0.5, [np.inf]))

    def expected(shift: float) -> float:
        probabilities = np.diff(scipy_stats.norm.cdf(edges, MEAN + shift, SD))
        return float(probabilities @ levels)

    return expected(effect) - expected(0.0)


def _latent(rng: np.random.Generator, phi: float, n: int, low_start: bool):
    """An AR(1) series of n days with marginal sd SD, after `BASELINE_DAYS`
    unrecorded days that were, for a low start, a fortnight at least one
    standard deviation (of a fortnight's mean) below usual."""
    from scipy import signal as scipy_signal  # imported here: see rated_effect()

    innovation = SD * math.sqrt(1 - phi * phi)
    fortnight = SD * math.sqrt(
        stats.variance_factor(
            {START + dt.timedelta(days=i): 1 / 14 for i in range(14)}, phi
        )
    )
    while True:
        shocks = rng.normal(0.0, innovation, 14 + n)
        shocks[0] = rng.normal(0.0, SD)  # the first day from the long-run spread
        x = scipy_signal.lfilter([1.0], [1.0, -phi], shocks)  # x_t = φ x_t-1 + e_t
        if not low_start or x[:14].mean() < -fortnight:
            return x[14:]


@dataclass(frozen=True)
class Page:
    analysis: report.Analysis
    # The correlation of the metric with a second one, independent of it
    # and carrying over as much, rated on the same days.
    pair: report.Pair


def person(rng: np.random.Generator, scenario: Scenario) -> Page:
    """One simulated person's page, through the page's own code."""
    end = START + dt.timedelta(days=scenario.days - 1)
    on_weeks, break_weeks = CYCLES[scenario.days]
    plan = schedule.Plan(
        kind=scenario.kind,
        start=START + dt.timedelta(days=BASELINE_DAYS),
        on_weeks=on_weeks,
        break_weeks=break_weeks,
    )
    planned = schedule.planned_days(plan, START, end)
    skipped_mask = rng.random(len(planned)) < SKIPPED
    taken = [d for d, s in zip(planned, skipped_mask, strict=True) if not s]
    skipped = [d for d, s in zip(planned, skipped_mask, strict=True) if s]
    taken_set = set(taken)

    latent = _latent(rng, scenario.carry_over, scenario.days, scenario.low_start)
    days = [START + dt.timedelta(days=i) for i in range(scenario.days)]
    boost = np.array([scenario.effect if d in taken_set else 0.0 for d in days])
    ratings = np.clip(np.rint(MEAN + latent + boost), 1, 10)
    other = _latent(rng, scenario.carry_over, scenario.days, low_start=False)
    other_ratings = np.clip(np.rint(MEAN + other), 1, 10)
    present = rng.random(scenario.days) >= MISSING
    tag_draws = rng.random((len(TAG_USE), scenario.days)) < np.array(TAG_USE)[:, None]

    rows = [
        (day, METRIC.pk, float(value), 1)
        for day, value, here in zip(days, ratings, present, strict=True)
        if here
    ]
    tags = {
        f"tag {k + 1}": {days[i] for i in np.flatnonzero(tag_draws[k] & present)}
        for k in range(len(TAG_USE))
    }
    tags = {name: tag_days for name, tag_days in tags.items() if tag_days}
    data = series.assemble(
        START,
        end,
        metrics=[METRIC],
        totals=rows,
        doses=[(d, False, False) for d in taken] + [(d, True, False) for d in skipped],
        first_dose=min(taken, default=None),
        tags=tags,
        courses=[series.Course("Simulated", plan)],
    )
    analysis = report.analyse(
        data.phase_values.get(METRIC.pk, {}), data.phases, data.tags
    )
    second = {
        day: float(value)
        for day, value, here in zip(days, other_ratings, present, strict=True)
        if here
    }
    (pair,) = report.correlate({METRIC.pk: data.values[METRIC.pk], 2: second}, [1, 2])
    return Page(analysis, pair)


@dataclass
class Tally:
    """Counts for one scenario."""

    scenario: Scenario
    people: int = 0
    any_claim: int = 0
    tested: dict[str, int] = field(default_factory=lambda: defaultdict(int))
    claims: dict[str, int] = field(default_factory=lambda: defaultdict(int))
    right_way: dict[str, int] = field(default_factory=lambda: defaultdict(int))
    covered: dict[str, int] = field(default_factory=lambda: defaultdict(int))
    higher: dict[str, int] = field(default_factory=lambda: defaultdict(int))

    def rate(self, counts: dict[str, int], verdict: str) -> float | None:
        tested = self.tested[verdict]
        return counts[verdict] / tested if tested else None


def _truths(scenario: Scenario) -> dict[str, float | None]:
    """Each verdict's true difference (None: not a null comparison, not scored)."""
    effect = rated_effect(scenario.effect) if scenario.effect else 0.0
    return {
        "primary": effect,
        "baseline": effect,
        "after_1": 0.0,
        # Breaks against dose and off days: not zero under an effect.
        "break": 0.0 if not scenario.effect else None,
        "tags": 0.0 if not scenario.effect else None,
        "correlation": 0.0,
    }


def run_scenario(scenario: Scenario, people: int, seed: int) -> Tally:
    rng = np.random.default_rng(seed)
    tally = Tally(scenario)
    truths = _truths(scenario)
    for _ in range(people):
        page = person(rng, scenario)
        analysis = page.analysis
        tally.people += 1
        tally.any_claim += bool(analysis.claims)
        found = {
            "primary": [analysis.primary],
            "baseline": [analysis.others[0]],
            "after_1": [analysis.others[1]],
            "break": [analysis.others[2]],
            "tags": analysis.tags,
        }
        for verdict, findings in found.items():
            truth = truths[verdict]
            for finding in findings:
                c = finding.comparison
                if not c.enough_data or c.low is None or truth is None:
                    continue
                tally.tested[verdict] += 1
                tally.claims[verdict] += c.claim
                if c.claim and (c.difference > 0) == (truth > 0):
                    tally.right_way[verdict] += 1
                tally.covered[verdict] += c.low <= truth <= c.high
                tally.higher[verdict] += c.claim and c.difference > 0
        c = page.pair.correlation
        if c.low is not None:
            tally.tested["correlation"] += 1
            tally.claims["correlation"] += page.pair.claim
            tally.covered["correlation"] += c.low <= 0 <= c.high
    return tally


def run(
    cells: Iterable[Scenario], people: int, seed: int = 1, workers: int = 1
) -> list[Tally]:
    cells = list(cells)
    seeds = [seed * 1000 + i for i in range(len(cells))]
    if workers <= 1:
        return [run_scenario(c, people, s) for c, s in zip(cells, seeds, strict=True)]
    with ProcessPoolExecutor(workers) as pool:
        return list(pool.map(run_scenario, cells, [people] * len(cells), seeds))


def error_margin(rate: float, people: int) -> float:
    """Two binomial standard errors of a rate measured on `people`."""
    return 2 * math.sqrt(rate * (1 - rate) / people)


# A rate measured on fewer tests than this is checked with its simulation
# error (two standard errors) allowed: a comparison that needs rare days
# (the day after a dose against later days, on a plan with no later days)
# has few tests even among many people.
STRICT_FROM = 500


def misses(tallies: Iterable[Tally], *, slack: bool = False) -> list[str]:
    """The targets missed. `slack` allows every rate its simulation error
    (for the small sample the test suite runs)."""
    problems = []

    def margin(target: float, tested: int) -> float:
        return error_margin(target, tested) if slack or tested < STRICT_FROM else 0.0

    for tally in tallies:
        s = tally.scenario
        for verdict in VERDICTS:
            tested = tally.tested[verdict]
            if not tested:
                continue
            coverage = tally.rate(tally.covered, verdict)
            if coverage < MIN_COVERAGE - margin(MIN_COVERAGE, tested):
                problems.append(f"{s.name}: {verdict} coverage {coverage:.1%}")
            false = tally.rate(tally.claims, verdict)
            if not s.effect and false > MAX_FALSE_CLAIMS + margin(
                MAX_FALSE_CLAIMS, tested
            ):
                problems.append(f"{s.name}: {verdict} false claims {false:.1%}")
        any_claim = tally.any_claim / tally.people
        if not s.effect and any_claim > MAX_ANY_CLAIM + margin(
            MAX_ANY_CLAIM, tally.people
        ):
            problems.append(f"{s.name}: any claim {any_claim:.1%}")
    return problems


def _pct(value: float | None) -> str:
    return "—" if value is None else f"{value:.1%}"


def table(tallies: list[Tally]) -> str:
    """The results as Markdown tables: no effect, then a +1 effect."""
    lines = []
    null = [t for t in tallies if not t.scenario.effect]
    effect = [t for t in tallies if t.scenario.effect]
    if null:
        lines += [
            "### No effect: false claims per verdict, coverage, any claim on the page",
            "",
            "| scenario | people | main: false | main: coverage | baseline: false "
            "| baseline: coverage | day after: false | breaks: false | tags: false "
            "| any claim on the page | correlation: false | correlation: coverage |",
            "| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |",
        ]
        for t in null:
            lines.append(
                f"| {t.scenario.name} | {t.people} "
                f"| {_pct(t.rate(t.claims, 'primary'))} "
                f"| {_pct(t.rate(t.covered, 'primary'))} "
                f"| {_pct(t.rate(t.claims, 'baseline'))} "
                f"| {_pct(t.rate(t.covered, 'baseline'))} "
                f"| {_pct(t.rate(t.claims, 'after_1'))} "
                f"| {_pct(t.rate(t.claims, 'break'))} "
                f"| {_pct(t.rate(t.claims, 'tags'))} "
                f"| {_pct(t.any_claim / t.people)} "
                f"| {_pct(t.rate(t.claims, 'correlation'))} "
                f"| {_pct(t.rate(t.covered, 'correlation'))} |"
            )
        lines.append("")
        low = [t for t in null if t.scenario.low_start]
        if low:
            lines += [
                "Started after a low fortnight, no effect: how often the baseline "
                "comparison says higher, and lower, on dose days.",
                "",
                "| scenario | said higher | said lower |",
                "| --- | --- | --- |",
            ]
            for t in low:
                higher = t.rate(t.higher, "baseline") or 0.0
                claims = t.rate(t.claims, "baseline") or 0.0
                lines.append(
                    f"| {t.scenario.name} | {_pct(higher)} | {_pct(claims - higher)} |"
                )
            lines.append("")
    if effect:
        lines += [
            "### A +1 point effect on dose days: power and coverage",
            "",
            "| scenario | people | main: power | main: coverage | baseline: power "
            "| baseline: coverage | day after: false | day after: coverage |",
            "| --- | --- | --- | --- | --- | --- | --- | --- |",
        ]
        for t in effect:
            lines.append(
                f"| {t.scenario.name} | {t.people} "
                f"| {_pct(t.rate(t.right_way, 'primary'))} "
                f"| {_pct(t.rate(t.covered, 'primary'))} "
                f"| {_pct(t.rate(t.right_way, 'baseline'))} "
                f"| {_pct(t.rate(t.covered, 'baseline'))} "
                f"| {_pct(t.rate(t.claims, 'after_1'))} "
                f"| {_pct(t.rate(t.covered, 'after_1'))} |"
            )
        lines.append("")
    return "\n".join(lines)
