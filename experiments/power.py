"""How many weeks an experiment needs: power by simulation, through the same
randomization test the analysis uses (`analysis.permutation_p`).

A person's days are simulated as an AR(1) series with their own day-to-day
spread and carry-over; the envelopes are shuffled; a real difference of
`effect` points is added on active days (every day of an active week in the
weekly designs, the dose day in the dose-day design); the share of
simulated experiments whose test gives p ≤ 0.05 is the power. Everyone is
assumed to check in every day: missed days lower it. Ratings are whole
points on the metric's scale, as a person gives them: the ties that makes
cost some power, and the simulation has them too.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from experiments.analysis import (
    ALPHA,
    DESIGN_DOSE_DAYS,
    DRAWS,
    MAX_EXACT,
    WEEK,
    _arrangements,
    random_arrangements,
)

SIMS = 300
EFFECT = 1.0  # the difference the design page is about: one point
# Without enough of the person's own data: a typical spread and carry-over.
DEFAULT_SD = 1.5
DEFAULT_CARRY_OVER = 0.3
LONGEST = 26  # weeks tried when looking for the length a target needs


def ar1(rng: np.random.Generator, sims: int, days: int, phi: float) -> np.ndarray:
    """Stationary AR(1) series with unit variance, one row per simulation."""
    shocks = rng.standard_normal((sims, days))
    series = np.empty_like(shocks)
    series[:, 0] = shocks[:, 0]
    scale = math.sqrt(1 - phi * phi)
    for day in range(1, days):
        series[:, day] = phi * series[:, day - 1] + scale * shocks[:, day]
    return series


def unit_values(
    design: str,
    days: np.ndarray,
    weeks: int,
    offsets: Sequence[int],
) -> np.ndarray:
    """Each envelope's outcome from simulated days, as `analysis.units` takes it."""
    if design == DESIGN_DOSE_DAYS:
        positions = [w * WEEK + o for w in range(weeks) for o in offsets]
        return days[:, positions]
    return days.reshape(days.shape[0], weeks, WEEK).mean(axis=2)


@dataclass(frozen=True)
class Scale:
    """Where a person's ratings sit: their usual value and the metric's ends."""

    mean: float = 6.0
    low: int = 1
    high: int = 10


def power(
    design: str,
    weeks: int,
    offsets: Sequence[int],
    sd: float,
    carry_over: float,
    effect: float = EFFECT,
    sims: int = SIMS,
    seed: int = 1,
    scale: Scale = Scale(),
) -> float:
    """The share of simulated experiments in which the test finds the effect.

    `sd` is the spread of the person's whole-point ratings; the simulated
    days underneath have the spread that rounding brings up to it.
    """
    rng = np.random.default_rng(seed)
    n = weeks * len(offsets) if design == DESIGN_DOSE_DAYS else weeks
    k = n // 2
    latent_sd = math.sqrt(max(sd * sd - 1 / 12, 0.01))
    days = scale.mean + latent_sd * ar1(rng, sims, weeks * WEEK, carry_over)
    labels = random_arrangements(rng, sims, n, k)
    # The effect on the dose day, or on every day of an active week.
    if design == DESIGN_DOSE_DAYS:
        positions = [w * WEEK + o for w in range(weeks) for o in offsets]
        for unit, position in enumerate(positions):
            days[:, position] += effect * labels[:, unit]
    else:
        days += effect * np.repeat(labels, WEEK, axis=1)
    ratings = np.clip(np.rint(days), scale.low, scale.high)
    values = unit_values(design, ratings, weeks, offsets)
    rows = _arrangements(n, k, seed)
    diffs = values @ rows.T / k - values @ (1 - rows).T / (n - k)
    observed = np.abs(
        (values * labels).sum(1) / k - (values * (1 - labels)).sum(1) / (n - k)
    )
    extreme = np.count_nonzero(np.abs(diffs) >= observed[:, None] - 1e-9, axis=1)
    if math.comb(n, k) > MAX_EXACT:
        p = (extreme + 1) / (DRAWS + 1)
    else:
        p = extreme / len(rows)
    return float(np.mean(p <= ALPHA))


@dataclass(frozen=True)
class Plan:
    """What the design page promises."""

    sd: float
    carry_over: float
    measured: bool  # from the person's own days, not the defaults
    power: float  # at the chosen length
    weeks_for_half: int | None  # about 50% power (None: more than LONGEST)
    weeks_for_most: int | None  # about 80% power


def plan(
    design: str,
    weeks: int,
    offsets: Sequence[int],
    sd: float,
    carry_over: float,
    measured: bool,
    scale: Scale = Scale(),
) -> Plan:
    at_length = power(design, weeks, offsets, sd, carry_over, scale=scale)
    half = most = None
    for length in range(4, LONGEST + 1, 2):
        value = (
            at_length
            if length == weeks
            else power(design, length, offsets, sd, carry_over, scale=scale)
        )
        if half is None and value >= 0.5:
            half = length
        if value >= 0.8:
            most = length
            break
    return Plan(sd, carry_over, measured, at_length, half, most)
