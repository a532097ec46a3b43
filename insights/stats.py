"""Pure statistics for Insights: no database, no clock, deterministic.

One person's daily ratings are a time series: a good day tends to follow a
good day. The comparisons here treat them as one (see insights/METHODS.md):

- a metric's day-to-day spread and carry-over (the lag-1 autocorrelation,
  bias-corrected and clipped) are estimated once from all its days in the
  range (`estimate_noise`);
- every comparison is a weighted difference of day values, whose variance
  follows from that spread and carry-over (an AR(1) model), never smaller
  than if the days were independent;
- intervals and p-values use Student's t with degrees of freedom that shrink
  with the carry-over, so small groups get intervals right at their size;
- the caller decides which comparison is the declared question and corrects
  the others for their number (`adjusted`, Benjamini–Hochberg).
"""

from __future__ import annotations

import datetime as dt
import math
from collections import defaultdict
from collections.abc import Collection, Hashable, Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from typing import NamedTuple

import numpy as np
from scipy import special

MIN_DAYS = 5  # fewer days in a group than this and we say nothing
LEVEL = 0.95
ALPHA = 1 - LEVEL
# The second and exploratory comparisons, together. With 5% for the declared
# question, a person with no effect anywhere sees any difference stated on a
# metric's page well under 10% of the time (insights/CALIBRATION.md).
FALSE_DISCOVERY_RATE = 0.04
# Carry-over is estimated within [0, MAX_CARRY_OVER]: a negative estimate
# would narrow the intervals of consecutive days, and one near 1 is a trend
# rather than carry-over.
MAX_CARRY_OVER = 0.9
# Below this many consecutive-day pairs the estimate is too rough to use;
# the carry-over typical of daily diaries is assumed instead.
MIN_PAIRS = 20
TYPICAL_CARRY_OVER = 0.3


@dataclass(frozen=True)
class Summary:
    n: int
    mean: float | None
    sd: float | None


def summarise(values: Sequence[float]) -> Summary:
    n = len(values)
    if n == 0:
        return Summary(0, None, None)
    array = np.asarray(values, dtype=float)
    mean = math.fsum(array.tolist()) / n
    if n < 2:
        return Summary(n, mean, None)
    # Each square is its correctly rounded product and fsum adds them exactly:
    # the same at any length, a tenth of the time of a square at a time.
    deviations = array - mean
    variance = math.fsum((deviations * deviations).tolist()) / (n - 1)
    return Summary(n, mean, math.sqrt(variance))


# --- How a metric varies from day to day ---------------------------------


@dataclass(frozen=True)
class Noise:
    """A metric's day-to-day spread and carry-over, for one person and range."""

    sd: float | None  # spread of a day's value around its group's mean
    carry_over: float  # lag-1 autocorrelation used, within [0, MAX_CARRY_OVER]
    df: float  # degrees of freedom of the t intervals
    pairs: int  # consecutive-day pairs the carry-over was estimated from
    measured: bool  # False: too few pairs, TYPICAL_CARRY_OVER assumed
    estimate: float | None = None  # the bias-corrected lag-1 autocorrelation


def estimate_noise(
    values: Mapping[dt.date, float], groups: Mapping[dt.date, Hashable] | None = None
) -> Noise:
    """Spread and carry-over of the values around the means of their groups.

    `groups` gives each day's group (its dosing phase), so a real difference
    between phases is not mistaken for noise. The lag-1 autocorrelation r of
    the residuals is taken over pairs of consecutive days, corrected for its
    small-sample bias (r + (1 + 3r) / m, Kendall 1954); one standard error is
    added (sqrt((1 - r²) / m)) and the result clipped. The
    variance is corrected for the group means it was measured around, which
    under carry-over soak up more than one day's worth of spread each.
    Without `groups`, the days are one group.
    """
    n = len(values)
    # The values and their days' ordinals in day order (sorting the ordinals
    # rather than the dates: a third of the time).
    ordinals = day_ordinals(values, n)
    order = np.argsort(ordinals)
    ordinals = ordinals[order]
    residual = np.fromiter(values.values(), dtype=float, count=n)[order]
    # Each group's places among the days, in day order.
    places: dict[Hashable, list[int]] = defaultdict(list)
    if groups is None:
        places[None] = list(range(n))
    else:
        days = list(values)
        for place, k in enumerate(order.tolist()):
            places[groups[days[k]]].append(place)
    if n - len(places) < 2:
        return Noise(None, 0.0, 1.0, 0, False, None)
    members = [np.array(group_places) for group_places in places.values()]
    return _noise(residual, ordinals, members)


def series_noise(y: np.ndarray, ordinals: np.ndarray) -> Noise:
    """estimate_noise of values already in day order, as one group: y on the
    days with these (increasing) ordinals."""
    if len(y) < 3:
        return Noise(None, 0.0, 1.0, 0, False, None)
    return _noise(y.astype(float), ordinals, [np.arange(len(y))])


def _noise(residual: np.ndarray, ordinals: np.ndarray, members: list) -> Noise:
    """estimate_noise of the values in day order (changed in place to their
    residuals), on the days with these ordinals, in groups of these places."""
    n = len(residual)
    # Each product is the same float as in Python and fsum adds exactly, so
    # the result does not depend on the order.
    for index in members:
        residual[index] -= math.fsum(residual[index].tolist()) / len(index)
    squares = math.fsum((residual * residual).tolist())
    # Days whose next calendar day was rated too: the consecutive pairs.
    before = np.flatnonzero(np.diff(ordinals) == 1)
    m = len(before)
    if m >= MIN_PAIRS and squares > 0:
        products = residual[before] * residual[before + 1]
        r = (math.fsum(products.tolist()) / m) / (squares / n)
        estimate = r + (1 + 3 * r) / m
        # One standard error above the estimate: too low a carry-over makes
        # the intervals of consecutive days too narrow, too high only wider.
        upper = estimate + math.sqrt(max(1 - estimate**2, 0.0) / m)
        carry_over, measured = min(max(upper, 0.0), MAX_CARRY_OVER), True
    else:
        estimate, carry_over, measured = None, TYPICAL_CARRY_OVER, False
    soaked = math.fsum(
        len(index)
        * _variance_factor(
            np.full(len(index), 1 / len(index)), ordinals[index], carry_over
        )
        for index in members
    )
    denominator = max(n - soaked, 1.0)
    sd = math.sqrt(squares / denominator) if squares > 0 else None
    shrink = (1 - carry_over**2) / (1 + carry_over**2)
    df = max((n - len(members)) * shrink, 1.0)
    return Noise(sd, carry_over, df, m, measured, estimate)


def _weights(days: Iterable[dt.date], weight: float) -> dict[dt.date, float]:
    return dict.fromkeys(days, weight)


def variance_factor(weights: Mapping[dt.date, float], carry_over: float) -> float:
    """Var(sum of w_d * y_d) / sd² when y follows an AR(1) with this carry-over:
    sum over pairs of days of w_i w_j r^|i - j|, with days apart in the
    calendar (a missing day still counts in the distance)."""
    if not weights:
        return 0.0
    w = np.fromiter(weights.values(), dtype=float, count=len(weights))
    return _variance_factor(w, day_ordinals(weights, len(weights)), carry_over)


def day_ordinals(days: Iterable[dt.date], count: int) -> np.ndarray:
    return np.fromiter(map(dt.date.toordinal, days), dtype=np.int64, count=count)


def _variance_factor(w: np.ndarray, ordinals: np.ndarray, carry_over: float) -> float:
    """variance_factor of weights w on the days with these ordinals."""
    own = float(w @ w)
    if carry_over <= 0 or len(w) == 1:
        return own
    offsets = ordinals - ordinals.min()
    length = int(offsets.max()) + 1
    grid = np.zeros(length)
    grid[offsets] = w
    # Lags past where r^k is negligible are left out.
    lags = min(length - 1, math.ceil(math.log(1e-10) / math.log(carry_over)))
    # Padded to hold the grid and the lags wanted: the circular products of
    # an FFT then never wrap round into them (half the size of a full
    # autocorrelation's for a long range).
    size = 1 << (length + lags - 1).bit_length()
    spectrum = np.fft.rfft(grid, size)
    autocovariance = np.fft.irfft(spectrum * spectrum.conj(), size)[1 : lags + 1]
    decay = carry_over ** np.arange(1, lags + 1)
    return own + 2 * float(autocovariance @ decay)


# --- Comparisons -----------------------------------------------------------


@dataclass(frozen=True)
class Comparison:
    """Group `a` against group `b` (for example dose days against off days)."""

    n_a: int
    n_b: int
    difference: float | None  # the (weighted) mean of a minus that of b
    low: float | None  # its 95% interval
    high: float | None
    p: float | None  # two-sided p-value for "no difference"
    hedges_g: float | None  # within this one person
    # Whether the page states a difference: the interval excludes zero for
    # the declared question, the corrected p-value is small for the others.
    claim: bool = False
    adjusted_p: float | None = None

    @property
    def enough_data(self) -> bool:
        return self.n_a >= MIN_DAYS and self.n_b >= MIN_DAYS

    @property
    def clear(self) -> bool:
        """The 95% interval lies entirely on one side of zero."""
        return (
            self.enough_data
            and self.low is not None
            and self.high is not None
            and (self.low > 0 or self.high < 0)
        )

    @property
    def covers(self) -> bool:
        """Whether the interval holds zero (for the calibration harness)."""
        return self.low is not None and self.low <= 0 <= self.high


def _t_quantile(df: float) -> float:
    """Student's t at the 97.5th percentile (the ufunc: the distribution
    object costs a hundred times more per call)."""
    return float(special.stdtrit(df, 1 - ALPHA / 2))


def _t_two_sided(t: float, df: float) -> float:
    return float(2 * special.stdtr(df, -t))


def _contrast(
    w: np.ndarray,
    y: np.ndarray,
    ordinals: np.ndarray,
    noise: Noise,
    *,
    n_a: int,
    n_b: int,
    hedges: float | None,
) -> Comparison:
    """A weighted difference sum(w_d * y_d) of the values y on the days with
    these ordinals, with its t interval and p-value.

    Its variance is the AR(1) one at the metric's carry-over, but never less
    than if the days were independent: days of an interleaved comparison
    (dose days among off days) would otherwise look more precise than they
    are when the carry-over is overestimated.
    """
    # The same products as w_d * y_d one by one, and fsum adds them exactly.
    difference = math.fsum((w * y).tolist())
    if noise.sd is None or n_a < 1 or n_b < 1:
        return Comparison(n_a, n_b, difference, None, None, None, hedges)
    factor = max(
        _variance_factor(w, ordinals, noise.carry_over),
        _variance_factor(w, ordinals, 0.0),
    )
    se = noise.sd * math.sqrt(factor)
    t = _t_quantile(noise.df)
    p = _t_two_sided(abs(difference) / se, noise.df) if se else 0.0
    return Comparison(
        n_a, n_b, difference, difference - t * se, difference + t * se, p, hedges
    )


def compare(
    values: Mapping[dt.date, float],
    a: Iterable[dt.date],
    b: Iterable[dt.date],
    noise: Noise,
) -> Comparison:
    """The mean of the values on days `a` against those on days `b` (days of
    different kinds: no day is in both)."""
    a = [d for d in a if d in values]
    b = [d for d in b if d in values]
    return _compare(
        np.fromiter((values[d] for d in a), dtype=float, count=len(a)),
        np.fromiter((values[d] for d in b), dtype=float, count=len(b)),
        day_ordinals(a, len(a)),
        day_ordinals(b, len(b)),
        noise,
    )


def _compare(
    y_a: np.ndarray,
    y_b: np.ndarray,
    ordinals_a: np.ndarray,
    ordinals_b: np.ndarray,
    noise: Noise,
) -> Comparison:
    """compare() of the values y_a, on the days with ordinals_a, against y_b."""
    n_a, n_b = len(y_a), len(y_b)
    hedges = hedges_g(y_a, y_b)
    if not n_a or not n_b:
        return Comparison(n_a, n_b, None, None, None, None, hedges)
    return _contrast(
        np.concatenate((np.full(n_a, 1 / n_a), np.full(n_b, -1 / n_b))),
        np.concatenate((y_a, y_b)),
        np.concatenate((ordinals_a, ordinals_b)),
        noise,
        n_a=n_a,
        n_b=n_b,
        hedges=hedges,
    )


def compare_within(
    values: Mapping[dt.date, float],
    a: Iterable[dt.date],
    b: Iterable[dt.date],
    noise: Noise,
) -> Comparison:
    """Days `a` against days `b` of the same weeks (Monday to Sunday).

    The difference is taken within each week that has both kinds of day and
    averaged over the weeks, each weighted by n_a·n_b / (n_a + n_b) (as a
    stratified mean difference): slow drift of mood over months cancels out.
    Weeks with only one kind of day are left out.
    """
    a = [d for d in a if d in values]
    b = [d for d in b if d in values]
    ordinals_a, ordinals_b = day_ordinals(a, len(a)), day_ordinals(b, len(b))
    # Day 1 (1 January of year 1) was a Monday: a week is (ordinal - 1) // 7.
    week_a, week_b = (ordinals_a - 1) // 7, (ordinals_b - 1) // 7
    shared = np.intersect1d(week_a, week_b)
    in_a, in_b = np.isin(week_a, shared), np.isin(week_b, shared)
    y_a = np.fromiter((values[d] for d in a), dtype=float, count=len(a))[in_a]
    y_b = np.fromiter((values[d] for d in b), dtype=float, count=len(b))[in_b]
    hedges = hedges_g(y_a, y_b)
    if not len(shared):
        return Comparison(0, 0, None, None, None, None, hedges)
    # Each shared week's days of either kind, its weight h and each day's
    # share of it; fsum adds the weeks' weights exactly.
    place_a = np.searchsorted(shared, week_a[in_a])
    place_b = np.searchsorted(shared, week_b[in_b])
    n_a = np.bincount(place_a, minlength=len(shared))
    n_b = np.bincount(place_b, minlength=len(shared))
    h = n_a * n_b / (n_a + n_b)
    total = math.fsum(h.tolist())
    return _contrast(
        np.concatenate(((h / n_a)[place_a] / total, (-h / n_b)[place_b] / total)),
        np.concatenate((y_a, y_b)),
        np.concatenate((ordinals_a[in_a], ordinals_b[in_b])),
        noise,
        n_a=len(y_a),
        n_b=len(y_b),
        hedges=hedges,
    )


def mean_interval(
    values: Mapping[dt.date, float], days: Iterable[dt.date], noise: Noise
) -> tuple[float | None, float | None]:
    """The 95% interval of the mean of the values on `days`."""
    days = [d for d in days if d in values]
    if not days or noise.sd is None:
        return None, None
    weights = _weights(days, 1 / len(days))
    mean = math.fsum(values[d] for d in days) / len(days)
    factor = max(
        variance_factor(weights, noise.carry_over), variance_factor(weights, 0.0)
    )
    half = _t_quantile(noise.df) * noise.sd * math.sqrt(factor)
    return mean - half, mean + half


def benjamini_hochberg(ps: Sequence[float]) -> list[float]:
    """Benjamini–Hochberg adjusted p-values, in the order given: each p times
    the number of tests over its rank, then the smallest of those at or above
    its rank, at most 1 (what scipy.stats.false_discovery_control computes;
    tested against it). Written out because scipy.stats took most of a second
    to import in every process that serves a page."""
    p = np.asarray(ps, dtype=float)
    order = np.argsort(p)
    scaled = p[order] * len(p) / np.arange(1, len(p) + 1)
    adjusted = np.empty(len(p))
    adjusted[order] = np.minimum(np.minimum.accumulate(scaled[::-1])[::-1], 1.0)
    return adjusted.tolist()


def adjusted(
    comparisons: Sequence[Comparison], rate: float = FALSE_DISCOVERY_RATE
) -> list[Comparison]:
    """The comparisons with Benjamini–Hochberg adjusted p-values; a claim
    where the adjusted p-value is at most `rate`. Those without enough data
    are not counted among the tests and never claimed."""
    tested = [i for i, c in enumerate(comparisons) if c.enough_data and c.p is not None]
    result = [replace(c, claim=False, adjusted_p=None) for c in comparisons]
    if not tested:
        return result
    qs = benjamini_hochberg([comparisons[i].p for i in tested])
    for i, q in zip(tested, qs, strict=True):
        result[i] = replace(result[i], adjusted_p=float(q), claim=bool(q <= rate))
    return result


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
    corrected: bool = False,
) -> str:
    """One plain sentence about a comparison that never overclaims.

    `corrected`: the comparison is one of several, and claims only when its
    Benjamini–Hochberg adjusted p-value says so (`comparison.claim`)."""
    if comparison.enough_data and comparison.low is None:
        return (
            f"No difference in {what} between {group.many} and {against.many} can "
            "be measured: every rated day has the same value."
        )
    if not comparison.enough_data or comparison.low is None:
        missing = max(MIN_DAYS - comparison.n_a, MIN_DAYS - comparison.n_b, 1)
        short = group if comparison.n_a < MIN_DAYS else against
        return (
            f"Not enough data to compare yet: log {missing} more {short.of(missing)}."
        )
    interval = f"95% interval {comparison.low:+.1f} to {comparison.high:+.1f}"
    claim = comparison.claim if corrected else comparison.clear
    if not claim:
        if comparison.clear:  # clear alone, not once the others are counted
            reason = (
                f"{interval} excludes zero on its own, but not once the other "
                "comparisons on this page are allowed for"
            )
        else:
            reason = f"{interval} includes zero"
        return (
            f"No clear difference in {what} between {group.many} and {against.many} "
            f"({comparison.difference:+.1f}; {reason})."
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
    if not days:
        return []
    if not values:
        return [None] * len(days)
    # Sums and counts over a grid of calendar days, summed over each window
    # by a convolution, and read at the days' places in the grid: no loop
    # over days but the one that writes None where a window holds no value.
    first = min(min(days), min(values)).toordinal() - (window - 1)
    last = max(max(days), max(values)).toordinal()
    places = day_ordinals(values, len(values)) - first
    total = np.zeros(last - first + 1)
    count = np.zeros_like(total)
    total[places] = np.fromiter(values.values(), dtype=float, count=len(values))
    count[places] = 1
    kernel = np.ones(window)
    wanted = day_ordinals(days, len(days)) - first
    sums = np.convolve(total, kernel)[wanted]
    counts = np.convolve(count, kernel)[wanted]
    rated = counts > 0.5
    means = (sums / np.where(rated, counts, 1.0)).tolist()
    return [
        mean if ok else None for mean, ok in zip(means, rated.tolist(), strict=True)
    ]


def _ranks(values: Sequence[float]) -> np.ndarray:
    """Ranks from 1, ties sharing their mean rank."""
    values = np.asarray(values, dtype=float)
    order = np.argsort(values, kind="stable")
    return ranks_in_order(values[order], order)


def ranks_in_order(ordered: np.ndarray, places: np.ndarray) -> np.ndarray:
    """The ranks (from 1, ties sharing their mean rank) of values given in
    ascending order, each with its place in the series: no sort of its own.
    A rank is a whole or half number, exact in floating point, so any way to
    the ranks gives the very same numbers."""
    n = len(ordered)
    starts_group = np.empty(n, dtype=bool)
    starts_group[:1] = True
    np.not_equal(ordered[1:], ordered[:-1], out=starts_group[1:])
    first = np.flatnonzero(starts_group)  # each tie group's first place, from 0
    after = np.append(first[1:], n)  # and the place after its last
    ranks = np.empty(n)
    ranks[places] = ((first + 1 + after) / 2)[np.cumsum(starts_group) - 1]
    return ranks


def spearman(
    x: Sequence[float],
    y: Sequence[float],
    ranked: tuple[np.ndarray, np.ndarray] | None = None,
) -> tuple[float | None, int]:
    """Spearman's rank correlation and the number of pairs; `ranked`: x's and
    y's ranks, where the caller has found them already."""
    n = len(x)
    if n != len(y):
        raise ValueError("x and y need the same length.")
    if n < 3:
        return None, n
    rx, ry = ranked if ranked is not None else (_ranks(x), _ranks(y))
    dx, dy = rx - rx.mean(), ry - ry.mean()
    vx, vy = float(dx @ dx), float(dy @ dy)
    if vx == 0 or vy == 0:
        return None, n
    return float(dx @ dy) / math.sqrt(vx * vy), n


@dataclass(frozen=True)
class Correlation:
    rho: float | None
    n: int
    low: float | None
    high: float | None
    p: float | None
    chance: float | None  # how large a correlation arises by chance (95%)
    claim: bool = False


def correlation(
    x: Sequence[float],
    y: Sequence[float],
    carry_x: float,
    carry_y: float,
    ranked: tuple[np.ndarray, np.ndarray] | None = None,
) -> Correlation:
    """Spearman's rho with a 95% interval from Fisher's z.

    Two series that both carry over from day to day correlate by chance more
    than independent pairs do: the interval uses Bartlett's effective number
    of pairs n (1 - r_x r_y) / (1 + r_x r_y), and the Fieller–Hartley–Pearson
    standard error 1.03 / sqrt(n - 3) for a rank correlation. `ranked` as
    spearman() takes it."""
    rho, n = spearman(x, y, ranked)
    product = carry_x * carry_y
    effective = n * (1 - product) / (1 + product)
    if effective <= 4:
        return Correlation(rho, n, None, None, None, None)
    se = 1.03 / math.sqrt(effective - 3)
    z_crit = float(special.ndtri(1 - ALPHA / 2))
    chance = math.tanh(z_crit * se)
    if rho is None:
        return Correlation(None, n, None, None, None, chance)
    z = math.atanh(max(min(rho, 0.999999), -0.999999))
    p = float(2 * special.ndtr(-abs(z) / se))
    return Correlation(
        rho, n, math.tanh(z - z_crit * se), math.tanh(z + z_crit * se), p, chance
    )


@dataclass(frozen=True)
class TagEffect:
    tag: str
    comparison: Comparison


def tag_effects(
    values: Mapping[dt.date, float],
    tags: Mapping[str, Collection[dt.date]],
    noise: Noise,
) -> list[TagEffect]:
    """For each tag (its days): days with it against days without, on the
    metric's values."""
    # The values once as arrays; each tag is a mask over them.
    n = len(values)
    y = np.fromiter(values.values(), dtype=float, count=n)
    ordinals = day_ordinals(values, n)
    effects = []
    for name in sorted(tags):
        mask = np.isin(ordinals, day_ordinals(tags[name], len(tags[name])))
        comparison = _compare(y[mask], y[~mask], ordinals[mask], ordinals[~mask], noise)
        effects.append(TagEffect(name, comparison))
    return effects
