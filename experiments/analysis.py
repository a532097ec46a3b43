"""The analysis of a finished (or stopped) experiment: pure functions, no
database. `experiments/METHODS.md` explains the choices.

The unit is the envelope, because the envelope is what was randomized: a
week's capsules in the weekly design (its outcome is the mean of the primary
metric over the days from its opening until the next envelope, seven at
most), one dose day's capsule in the dose-day design (its outcome is that
day's value), a week of the open design. Days within a week are not
independent (carry-over), envelopes are exchangeable under the null — so the
test permutes envelopes, never days, and is valid whatever the carry-over.
"""

from __future__ import annotations

import datetime as dt
import functools
import itertools
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np
from scipy import special

LEVEL = 0.95
ALPHA = 1 - LEVEL
# Every arrangement is tried while there are at most this many; beyond, a
# fixed-seed random sample of DRAWS arrangements (the p-value's own error is
# then about 0.002 at p = 0.05).
MAX_EXACT = 20_000
DRAWS = 10_000
WEEK = 7

DESIGN_WEEKLY = "weekly"
DESIGN_DOSE_DAYS = "dose_days"
DESIGN_OPEN_WEEKS = "open_weeks"


@dataclass(frozen=True)
class Opening:
    """An envelope as the analysis sees it: when it was opened and what it held."""

    day: dt.date
    active: bool
    guess: str | None = None  # "active", "placebo", "unsure" or None


@dataclass(frozen=True)
class Unit:
    day: dt.date  # the first day it covers
    active: bool
    value: float | None  # None: no check-in on its days
    days: int  # days with a value
    guess: str | None = None


def units(
    design: str,
    openings: Sequence[Opening],
    values: Mapping[dt.date, float],
    last_day: dt.date,
) -> list[Unit]:
    """Each envelope's outcome from the daily values of the primary metric.

    `last_day` ends the last week (the planned end, or the day the experiment
    was stopped).
    """
    ordered = sorted(openings, key=lambda o: o.day)
    result = []
    for index, opening in enumerate(ordered):
        if design == DESIGN_DOSE_DAYS:
            covered = [opening.day]
        else:
            following = ordered[index + 1].day if index + 1 < len(ordered) else None
            end = opening.day + dt.timedelta(days=WEEK)
            if following is not None:
                end = min(end, following)
            end = min(end, last_day + dt.timedelta(days=1))
            covered = [
                opening.day + dt.timedelta(days=i)
                for i in range(max((end - opening.day).days, 0))
            ]
        found = [values[d] for d in covered if d in values]
        result.append(
            Unit(
                day=opening.day,
                active=opening.active,
                value=math.fsum(found) / len(found) if found else None,
                days=len(found),
                guess=opening.guess,
            )
        )
    return result


@functools.lru_cache(maxsize=64)
def _every_arrangement(n: int, k: int) -> np.ndarray:
    rows = np.zeros((math.comb(n, k), n), dtype=np.float64)
    for row, chosen in enumerate(itertools.combinations(range(n), k)):
        rows[row, list(chosen)] = 1.0
    rows.setflags(write=False)
    return rows


def _arrangements(n: int, k: int, seed: int) -> np.ndarray:
    """0/1 rows: which of n units are "active" in each arrangement of k."""
    if math.comb(n, k) <= MAX_EXACT:
        return _every_arrangement(n, k)
    return random_arrangements(np.random.default_rng(seed), DRAWS, n, k)


def random_arrangements(
    rng: np.random.Generator, count: int, n: int, k: int
) -> np.ndarray:
    """`count` 0/1 rows, each with ones at the first k places of a random
    permutation of the n units: the rows, and the generator's state after
    them, that `rng.permutation(n)` called row after row gives (tests check
    it), drawn in one call. Row after row, the 10,000 draws of one test took
    a sixth of a second, and the design page's plan makes up to twelve."""
    chosen = rng.permuted(np.tile(np.arange(n), (count, 1)), axis=1)[:, :k]
    rows = np.zeros((count, n), dtype=np.float64)
    np.put_along_axis(rows, chosen, 1.0, axis=1)
    return rows


def permutation_p(
    values: Sequence[float], active: Sequence[bool], seed: int = 0
) -> float:
    """Two-sided randomization test of the difference in means: the share of
    arrangements of the same number of active envelopes whose difference is
    at least as large as the one observed (the observed one included)."""
    x = np.asarray(values, dtype=np.float64)
    labels = np.asarray(active, dtype=np.float64)
    n, k = len(x), int(labels.sum())
    if k == 0 or k == n:
        return 1.0
    rows = _arrangements(n, k, seed)
    diffs = rows @ x / k - (1 - rows) @ x / (n - k)
    observed = abs(x @ labels / k - x @ (1 - labels) / (n - k))
    extreme = np.count_nonzero(np.abs(diffs) >= observed - 1e-9)
    if math.comb(n, k) > MAX_EXACT:
        return (extreme + 1) / (len(rows) + 1)  # the observed one counts too
    return extreme / len(rows)


def smallest_p(n: int, k: int) -> float:
    """The smallest p-value the test can give with k of n envelopes active:
    with four weekly envelopes (two and two) it is 1/3, so no result can be
    clear however large the difference."""
    if k == 0 or k == n:
        return 1.0
    total = math.comb(n, k)
    # The observed arrangement and its mirror image (when k = n - k).
    return (2 if 2 * k == n else 1) / total


@dataclass(frozen=True)
class Interval:
    difference: float
    low: float | None
    high: float | None


def welch(active: Sequence[float], placebo: Sequence[float]) -> Interval:
    """Active minus placebo, with Welch's 95% t interval when both sides have
    at least two envelopes."""
    a, b = np.asarray(active, float), np.asarray(placebo, float)
    difference = float(a.mean() - b.mean())
    if len(a) < 2 or len(b) < 2:
        return Interval(difference, None, None)
    va, vb = a.var(ddof=1) / len(a), b.var(ddof=1) / len(b)
    se = math.sqrt(va + vb)
    if se == 0:
        return Interval(difference, difference, difference)
    df = (va + vb) ** 2 / (va**2 / (len(a) - 1) + vb**2 / (len(b) - 1))
    half = float(special.stdtrit(df, 1 - ALPHA / 2)) * se  # Student's t quantile
    return Interval(difference, difference - half, difference + half)


@dataclass(frozen=True)
class Blinding:
    """How well the person could tell: guesses against the envelopes' truth."""

    guessed: int  # envelopes with a guess
    definite: int  # guessed active or placebo
    right: int
    unsure: int
    share: float | None  # right / definite
    low: float | None  # Wilson 95% interval of the share
    high: float | None
    bang_active: float | None  # Bang's blinding index among active envelopes
    bang_placebo: float | None


def _wilson(right: int, n: int) -> tuple[float, float]:
    z = float(special.ndtri(1 - ALPHA / 2))  # the normal quantile
    share = right / n
    centre = (share + z * z / (2 * n)) / (1 + z * z / n)
    spread = math.sqrt(share * (1 - share) / n + z * z / (4 * n * n))
    half = z * spread / (1 + z * z / n)
    return max(centre - half, 0.0), min(centre + half, 1.0)


def _bang(units_of_arm: Sequence[Unit], truth: str) -> float | None:
    """Bang et al. 2004: (2·right/(right + wrong) − 1)·(right + wrong)/n, from −1
    (always the opposite) through 0 (no better than chance, or never sure)
    to 1 (always right)."""
    guessed = [u for u in units_of_arm if u.guess is not None]
    if not guessed:
        return None
    right = sum(u.guess == truth for u in guessed)
    wrong = sum(u.guess not in (truth, "unsure") for u in guessed)
    if right + wrong == 0:
        return 0.0
    return (2 * right / (right + wrong) - 1) * (right + wrong) / len(guessed)


def blinding(all_units: Sequence[Unit]) -> Blinding:
    guessed = [u for u in all_units if u.guess is not None]
    definite = [u for u in guessed if u.guess != "unsure"]
    right = sum((u.guess == "active") == u.active for u in definite)
    share = low = high = None
    if definite:
        share = right / len(definite)
        low, high = _wilson(right, len(definite))
    return Blinding(
        guessed=len(guessed),
        definite=len(definite),
        right=right,
        unsure=len(guessed) - len(definite),
        share=share,
        low=low,
        high=high,
        bang_active=_bang([u for u in all_units if u.active], "active"),
        bang_placebo=_bang([u for u in all_units if not u.active], "placebo"),
    )


@dataclass(frozen=True)
class Result:
    n_active: int
    n_placebo: int
    without_data: int  # envelopes opened with no check-in on their days
    interval: Interval | None
    p: float | None
    clear: bool  # the randomization test's p at most ALPHA
    smallest_p: float
    blinding: Blinding
    # The difference among envelopes guessed right, and among those guessed
    # wrong (None where one side has no envelope).
    right_difference: float | None
    wrong_difference: float | None


def _difference(chosen: Sequence[Unit]) -> float | None:
    a = [u.value for u in chosen if u.active]
    b = [u.value for u in chosen if not u.active]
    if not a or not b:
        return None
    return math.fsum(a) / len(a) - math.fsum(b) / len(b)


def analyse(all_units: Sequence[Unit], seed: int = 0) -> Result:
    rated = [u for u in all_units if u.value is not None]
    active = [u.value for u in rated if u.active]
    placebo = [u.value for u in rated if not u.active]
    interval = p = None
    if active and placebo:
        interval = welch(active, placebo)
        p = permutation_p([u.value for u in rated], [u.active for u in rated], seed)
    definite = [u for u in rated if u.guess in ("active", "placebo")]
    right = [u for u in definite if (u.guess == "active") == u.active]
    wrong = [u for u in definite if (u.guess == "active") != u.active]
    return Result(
        n_active=len(active),
        n_placebo=len(placebo),
        without_data=len(all_units) - len(rated),
        interval=interval,
        p=p,
        clear=p is not None and p <= ALPHA,
        smallest_p=smallest_p(len(rated), len(active)),
        blinding=blinding(all_units),
        right_difference=_difference(right),
        wrong_difference=_difference(wrong),
    )


def _number(value: float) -> str:
    return f"{value:.1f}".replace("-", "−")


def verdict(
    result: Result, metric: str, unit: str, lower_is_better: bool = False
) -> str:
    """The finding in words, e.g. "Mood on active weeks was 0.4 higher than
    on placebo weeks (95% interval −0.3 to 1.1): no clear difference."."""
    interval = result.interval
    if interval is None:
        return (
            f"Not enough to compare: {metric} needs check-ins on both active and "
            f"placebo {unit}s."
        )
    size = abs(interval.difference)
    direction = "higher" if interval.difference > 0 else "lower"
    if size < 0.05:
        sentence = f"{metric} on active {unit}s was the same as on placebo {unit}s"
    else:
        sentence = (
            f"{metric} on active {unit}s was {_number(size)} {direction} than on "
            f"placebo {unit}s"
        )
    if interval.low is not None:
        sentence += (
            f" (95% interval {_number(interval.low)} to {_number(interval.high)})"
        )
    if result.clear:
        better = (interval.difference > 0) != lower_is_better
        sentence += (
            f": a clear difference, {'better' if better else 'worse'} on the active "
            f"{unit}s."
        )
    else:
        sentence += ": no clear difference."
        if result.smallest_p > ALPHA:
            sentence += (
                f" With {result.n_active + result.n_placebo} {unit}s no difference, "
                "however large, could have been clear."
            )
    guessing = result.blinding
    if guessing.definite:
        sentence += (
            f" You guessed right in {guessing.right} of {guessing.definite} {unit}s"
        )
        if guessing.share is not None and guessing.share > 0.5:
            sentence += ", so expectation may explain part of any difference."
        else:
            sentence += ", no better than chance: the blinding held."
    return sentence
