"""Pure statistics for Insights: no database, no clock, deterministic.

Every comparison carries its n and a 95% interval, and the verdict refuses to
call a difference that the interval (or the sample size) does not support.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import NamedTuple

import numpy as np

MIN_DAYS = 5  # fewer days in a group than this and we say nothing
BOOTSTRAP_REPS = 2000
SEED = 20260101
LEVEL = 0.95


@dataclass(frozen=True)
class Summary:
    n: int
    mean: float | None
    sd: float | None


def summarise(values: Sequence[float]) -> Summary:
    n = len(values)
    if n == 0:
        return Summary(0, None, None)
    mean = math.fsum(values) / n
    if n < 2:
        return Summary(n, mean, None)
    variance = math.fsum((v - mean) ** 2 for v in values) / (n - 1)
    return Summary(n, mean, math.sqrt(variance))


@dataclass(frozen=True)
class Comparison:
    """Group `a` against group `b` (for example dose days against baseline)."""

    n_a: int
    n_b: int
    difference: float | None  # mean(a) - mean(b)
    low: float | None
    high: float | None
    hedges_g: float | None

    @property
    def enough_data(self) -> bool:
        return self.n_a >= MIN_DAYS and self.n_b >= MIN_DAYS

    @property
    def clear(self) -> bool:
        """The interval lies entirely on one side of zero."""
        return (
            self.enough_data
            and self.low is not None
            and self.high is not None
            and (self.low > 0 or self.high < 0)
        )


def bootstrap_interval(
    a: Sequence[float],
    b: Sequence[float],
    *,
    reps: int = BOOTSTRAP_REPS,
    seed: int = SEED,
    level: float = LEVEL,
) -> tuple[float, float]:
    """Percentile bootstrap interval for mean(a) - mean(b), resampling each group."""
    rng = np.random.default_rng(seed)
    means_a = _resampled_means(a, reps, rng)
    means_b = _resampled_means(b, reps, rng)
    tail = (1 - level) / 2 * 100
    low, high = np.percentile(means_a - means_b, [tail, 100 - tail])
    return float(low), float(high)


def _resampled_means(
    values: Sequence[float], reps: int, rng: np.random.Generator
) -> np.ndarray:
    """The means of `reps` resamples, with replacement, of the same size.

    When the values take few distinct values (a rating scale, against months
    of days), each resample is drawn as how often each distinct value is
    picked: a multinomial, the same distribution as picking the days one by
    one, at a cost that grows with the distinct values instead of the days.
    """
    data = np.asarray(values, dtype=float)
    distinct, counts = np.unique(data, return_counts=True)
    if len(distinct) * MULTINOMIAL_COST < len(data):
        picks = rng.multinomial(len(data), counts / len(data), size=reps)
        return picks @ distinct / len(data)
    picks = rng.integers(0, len(data), size=(reps, len(data)), dtype=np.int32)
    return data[picks].mean(axis=1)


# How much dearer one multinomial category is than one picked element
# (measured with numpy 2.4 on x86-64).
MULTINOMIAL_COST = 14


def mean_interval(
    values: Sequence[float], *, reps: int = BOOTSTRAP_REPS, seed: int = SEED
) -> tuple[float, float]:
    """Percentile bootstrap interval for one group's mean."""
    means = _resampled_means(values, reps, np.random.default_rng(seed))
    tail = (1 - LEVEL) / 2 * 100
    low, high = np.percentile(means, [tail, 100 - tail])
    return float(low), float(high)


def hedges_g(a: Sequence[float], b: Sequence[float]) -> float | None:
    """Standardised mean difference with the small-sample correction."""
    sa, sb = summarise(a), summarise(b)
    if sa.sd is None or sb.sd is None:
        return None
    pooled = math.sqrt(
        ((sa.n - 1) * sa.sd**2 + (sb.n - 1) * sb.sd**2) / (sa.n + sb.n - 2)
    )
    if pooled == 0:
        return None
    correction = 1 - 3 / (4 * (sa.n + sb.n) - 9)
    return (sa.mean - sb.mean) / pooled * correction


def compare(
    a: Sequence[float],
    b: Sequence[float],
    *,
    seed: int = SEED,
    reps: int = BOOTSTRAP_REPS,
) -> Comparison:
    if not a or not b:
        return Comparison(len(a), len(b), None, None, None, None)
    difference = math.fsum(a) / len(a) - math.fsum(b) / len(b)
    low, high = bootstrap_interval(a, b, seed=seed, reps=reps)
    return Comparison(len(a), len(b), difference, low, high, hedges_g(a, b))


class Days(NamedTuple):
    """A kind of day in words: one and many ("dose day", "dose days")."""

    one: str
    many: str

    def of(self, n: int) -> str:
        return self.one if n == 1 else self.many


def verdict(
    comparison: Comparison,
    *,
    what: str,
    group: Days,
    against: Days,
    lower_is_better: bool = False,
) -> str:
    """One plain sentence about a comparison that never overclaims."""
    if not comparison.enough_data:
        missing = max(MIN_DAYS - comparison.n_a, MIN_DAYS - comparison.n_b)
        short = group if comparison.n_a < MIN_DAYS else against
        return (
            f"Not enough data to compare yet: log {missing} more {short.of(missing)}."
        )
    interval = f"95% interval {comparison.low:+.1f} to {comparison.high:+.1f}"
    if not comparison.clear:
        return (
            f"No clear difference in {what} between {group.many} and {against.many} "
            f"({comparison.difference:+.1f}; {interval} includes zero)."
        )
    higher = comparison.difference > 0
    return (
        f"{what.capitalize()} was {'higher' if higher else 'lower'} on {group.many} "
        f"than on {against.many} by {abs(comparison.difference):.1f} "
        f"({interval}; {'lower' if lower_is_better else 'higher'} is better for "
        "this metric)."
    )


def rolling_mean(
    values: Mapping[dt.date, float], days: Sequence[dt.date], window: int = 7
) -> list[float | None]:
    """The mean of the values in the `window` days up to each day (days with
    no value are skipped; None when the window holds none)."""
    result = []
    for day in days:
        inside = [
            values[d]
            for d in (day - dt.timedelta(days=i) for i in range(window))
            if d in values
        ]
        result.append(math.fsum(inside) / len(inside) if inside else None)
    return result


def _ranks(values: Sequence[float]) -> np.ndarray:
    """Ranks from 1, ties sharing their mean rank."""
    _, inverse, counts = np.unique(
        np.asarray(values, dtype=float), return_inverse=True, return_counts=True
    )
    last = np.cumsum(counts)
    return ((last - counts + 1 + last) / 2)[inverse]


def spearman(x: Sequence[float], y: Sequence[float]) -> tuple[float | None, int]:
    """Spearman's rank correlation and the number of pairs."""
    n = len(x)
    if n != len(y):
        raise ValueError("x and y need the same length.")
    if n < 3:
        return None, n
    rx, ry = _ranks(x), _ranks(y)
    dx, dy = rx - rx.mean(), ry - ry.mean()
    vx, vy = float(dx @ dx), float(dy @ dy)
    if vx == 0 or vy == 0:
        return None, n
    return float(dx @ dy) / math.sqrt(vx * vy), n


@dataclass(frozen=True)
class TagEffect:
    tag: str
    comparison: Comparison


def tag_effects(
    values: Mapping[dt.date, float], tags: Mapping[dt.date, Iterable[str]]
) -> list[TagEffect]:
    """For each tag: days with it against days without, on the metric's values."""
    names = sorted({name for day_tags in tags.values() for name in day_tags})
    effects = []
    for name in names:
        with_tag = [v for d, v in values.items() if name in tags.get(d, ())]
        without = [v for d, v in values.items() if name not in tags.get(d, ())]
        # Fewer resamples per tag: there can be dozens of tags.
        effects.append(TagEffect(name, compare(with_tag, without, reps=1000)))
    return effects
