"""The experiment analysis's calibration, by simulation (`make stats-check`).

Simulated people run an experiment: their daily ratings carry over from day
to day (AR(1), carry-over φ), are rounded to whole points on a 1–10 scale,
miss some days, and the envelopes are shuffled as a person shuffles them. A
real effect of `effect` points is added on active days (every day of an
active week; the dose day in the dose-day design). Each person's days go
through the verdict's own code (`analysis.units`, `analysis.analyse`); the
harness counts how often it calls a difference clear.

Targets: with no effect, clear results at most 5% of the time (plus the
simulation's error); with a +1 point effect, the power the design page
promised (`power.power`, given the spread the person's rounded ratings
would show) within the two simulations' errors.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Iterable
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass

import numpy as np

from experiments import analysis, power

MEAN = 6.0
SD = 1.5
START = dt.date(2025, 1, 6)  # a Monday
OFFSETS = (0, 3)  # capsules on Monday and Thursday
MAX_FALSE_CLAIMS = analysis.ALPHA
CARRY_OVERS = (0.0, 0.3, 0.5, 0.7)
DESIGNS = (
    (analysis.DESIGN_WEEKLY, 8),
    (analysis.DESIGN_DOSE_DAYS, 4),
    (analysis.DESIGN_DOSE_DAYS, 8),
)


@dataclass(frozen=True)
class Scenario:
    design: str
    weeks: int
    carry_over: float
    effect: float = 0.0
    missing: float = 0.0  # share of days without a check-in

    @property
    def name(self) -> str:
        return (
            f"{self.design} {self.weeks} wk, φ={self.carry_over}, "
            f"effect {self.effect:+g}, {self.missing:.0%} missed"
        )


def scenarios() -> list[Scenario]:
    cells = []
    for design, weeks in DESIGNS:
        for phi in CARRY_OVERS:
            cells.append(Scenario(design, weeks, phi, 0.0, 0.15))
            cells.append(Scenario(design, weeks, phi, 1.0, 0.0))
    return cells


def rounded_sd(phi: float, rng_seed: int = 99) -> float:
    """The spread a person's whole-point ratings show (what the design page
    would measure), for the latent SD."""
    rng = np.random.default_rng(rng_seed)
    days = MEAN + SD * power.ar1(rng, 1, 20_000, phi)[0]
    return float(np.std(np.clip(np.rint(days), 1, 10)))


def person(rng: np.random.Generator, scenario: Scenario) -> analysis.Result:
    days = scenario.weeks * analysis.WEEK
    latent = MEAN + SD * power.ar1(rng, 1, days, scenario.carry_over)[0]
    if scenario.design == analysis.DESIGN_DOSE_DAYS:
        opening_offsets = [
            w * analysis.WEEK + o for w in range(scenario.weeks) for o in OFFSETS
        ]
    else:
        opening_offsets = [w * analysis.WEEK for w in range(scenario.weeks)]
    n = len(opening_offsets)
    active = np.zeros(n, dtype=bool)
    active[rng.permutation(n)[: n // 2]] = True
    for unit, offset in enumerate(opening_offsets):
        if not active[unit]:
            continue
        if scenario.design == analysis.DESIGN_DOSE_DAYS:
            latent[offset] += scenario.effect
        else:
            latent[offset : offset + analysis.WEEK] += scenario.effect
    ratings = np.clip(np.rint(latent), 1, 10)
    kept = rng.random(days) >= scenario.missing
    values = {
        START + dt.timedelta(days=i): float(ratings[i]) for i in range(days) if kept[i]
    }
    openings = [
        analysis.Opening(START + dt.timedelta(days=offset), bool(active[unit]))
        for unit, offset in enumerate(opening_offsets)
    ]
    last = START + dt.timedelta(days=days - 1)
    units = analysis.units(scenario.design, openings, values, last)
    return analysis.analyse(units, seed=int(rng.integers(1 << 30)))


@dataclass
class Tally:
    scenario: Scenario
    people: int
    clear: int = 0  # clear results in the effect's direction
    wrong_way: int = 0  # clear results against it (or any, with no effect)
    promised: float | None = None  # the design page's power, for the effect

    @property
    def rate(self) -> float:
        return (self.clear + self.wrong_way) / self.people

    @property
    def power(self) -> float:
        return self.clear / self.people


def run_scenario(scenario: Scenario, people: int, seed: int) -> Tally:
    rng = np.random.default_rng(seed)
    tally = Tally(scenario, people)
    for _ in range(people):
        result = person(rng, scenario)
        if not result.clear:
            continue
        if scenario.effect and result.interval.difference > 0:
            tally.clear += 1
        else:
            tally.wrong_way += 1
    if scenario.effect:
        tally.promised = power.power(
            scenario.design,
            scenario.weeks,
            OFFSETS,
            rounded_sd(scenario.carry_over),
            scenario.carry_over,
            effect=scenario.effect,
        )
    return tally


def run(
    cells: Iterable[Scenario], people: int, seed: int = 1, workers: int = 1
) -> list[Tally]:
    cells = list(cells)
    seeds = [seed * 1000 + 500 + i for i in range(len(cells))]
    if workers <= 1:
        return [run_scenario(c, people, s) for c, s in zip(cells, seeds, strict=True)]
    with ProcessPoolExecutor(workers) as pool:
        return list(pool.map(run_scenario, cells, [people] * len(cells), seeds))


def _margin(rate: float, n: int) -> float:
    return 2 * math.sqrt(max(rate * (1 - rate), 0.0025) / n)


def misses(tallies: Iterable[Tally]) -> list[str]:
    problems = []
    for tally in tallies:
        s = tally.scenario
        if not s.effect:
            limit = MAX_FALSE_CLAIMS + _margin(MAX_FALSE_CLAIMS, tally.people)
            if tally.rate > limit:
                problems.append(f"{s.name}: clear results {tally.rate:.1%}")
        else:
            promised = tally.promised or 0.0
            allowed = _margin(promised, tally.people) + _margin(promised, power.SIMS)
            if abs(tally.power - promised) > allowed:
                problems.append(
                    f"{s.name}: power {tally.power:.1%}, promised {promised:.1%}"
                )
    return problems


def table(tallies: list[Tally]) -> str:
    lines = [
        "### Experiments: clear results with no effect, and power against the "
        "design page's promise (+1 point)",
        "",
        "| design | weeks | carry-over | no effect: clear | +1: power | promised |",
        "| --- | --- | --- | --- | --- | --- |",
    ]
    by_cell: dict[tuple, dict[str, Tally]] = {}
    for tally in tallies:
        s = tally.scenario
        key = (s.design, s.weeks, s.carry_over)
        by_cell.setdefault(key, {})["effect" if s.effect else "null"] = tally
    for (design, weeks, phi), pair in by_cell.items():
        null, effect = pair.get("null"), pair.get("effect")
        lines.append(
            f"| {design} | {weeks} | {phi} "
            f"| {f'{null.rate:.1%}' if null else '—'} "
            f"| {f'{effect.power:.1%}' if effect else '—'} "
            f"| {f'{effect.promised:.1%}' if effect else '—'} |"
        )
    return "\n".join(lines) + "\n"
