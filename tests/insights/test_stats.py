from __future__ import annotations

import datetime as dt
import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy import stats as scipy_stats

from insights import stats

D = dt.date


def test_summary_by_hand():
    s = stats.summarise([2, 4, 4, 4, 5, 5, 7, 9])
    assert s.n == 8 and s.mean == 5
    assert s.sd == pytest.approx(math.sqrt(32 / 7))
    assert stats.summarise([]) == stats.Summary(0, None, None)
    assert stats.summarise([3]) == stats.Summary(1, 3, None)


def test_hedges_g_by_hand_and_against_the_formula():
    a, b = [5, 6, 7, 8, 9], [3, 4, 5, 6, 7]
    # Both sds are sqrt(2.5); d = 2 / sqrt(2.5); J = 1 - 3 / (4 * 10 - 9).
    assert stats.hedges_g(a, b) == pytest.approx(2 / math.sqrt(2.5) * (1 - 3 / 31))
    assert stats.hedges_g([1], [2, 3]) is None
    assert stats.hedges_g([2, 2], [2, 2]) is None


def test_the_bootstrap_is_deterministic_and_brackets_the_difference():
    a = [6, 7, 7, 8, 6, 7, 9, 8, 7, 6]
    b = [5, 6, 5, 6, 4, 5, 6, 5, 5, 6]
    first = stats.bootstrap_interval(a, b)
    assert first == stats.bootstrap_interval(a, b)
    low, high = first
    assert low < np.mean(a) - np.mean(b) < high
    assert low > 0  # a clear difference


def test_the_bootstrap_agrees_with_scipy_roughly():
    rng = np.random.default_rng(1)
    a, b = rng.normal(6, 1.5, 60), rng.normal(5.5, 1.5, 80)
    low, high = stats.bootstrap_interval(a, b, reps=4000)
    result = scipy_stats.bootstrap(
        (a, b),
        lambda x, y, axis: np.mean(x, axis=axis) - np.mean(y, axis=axis),
        n_resamples=4000,
        method="percentile",
        random_state=2,
    )
    assert low == pytest.approx(result.confidence_interval.low, abs=0.1)
    assert high == pytest.approx(result.confidence_interval.high, abs=0.1)


def test_spearman_by_hand_and_against_scipy():
    assert stats.spearman([1, 2, 3, 4], [10, 20, 30, 40]) == (1.0, 4)
    assert stats.spearman([1, 2, 3, 4], [4, 3, 2, 1])[0] == pytest.approx(-1)
    x, y = [1, 2, 2, 3, 5, 4, 4, 6], [2, 1, 4, 3, 6, 5, 5, 8]
    rho, n = stats.spearman(x, y)
    assert n == 8
    assert rho == pytest.approx(scipy_stats.spearmanr(x, y).statistic)
    assert stats.spearman([1, 1, 1], [1, 2, 3]) == (None, 3)
    assert stats.spearman([1, 2], [1, 2]) == (None, 2)


@pytest.mark.filterwarnings("ignore::scipy.stats.ConstantInputWarning")
@settings(max_examples=100, deadline=None)
@given(
    st.lists(st.tuples(st.integers(0, 10), st.integers(0, 10)), min_size=3, max_size=40)
)
def test_spearman_matches_scipy_on_any_data(pairs):
    x, y = [p[0] for p in pairs], [p[1] for p in pairs]
    rho, _ = stats.spearman(x, y)
    expected = scipy_stats.spearmanr(x, y).statistic
    if rho is None:
        assert math.isnan(expected)
    else:
        assert rho == pytest.approx(expected, abs=1e-9)


DOSE = stats.Days("dose day", "dose days")
BASELINE = stats.Days("baseline day", "baseline days")


def test_the_verdict_refuses_small_groups():
    comparison = stats.compare([7, 8, 7], [5, 5, 6, 5, 6, 5])
    assert not comparison.enough_data
    text = stats.verdict(comparison, what="mood", group=DOSE, against=BASELINE)
    assert text == "Not enough data to compare yet: log 2 more dose days."


def test_the_verdict_refuses_an_interval_that_includes_zero():
    comparison = stats.compare([5, 7, 4, 8, 6, 5], [6, 5, 7, 5, 6, 6])
    assert comparison.low < 0 < comparison.high
    text = stats.verdict(comparison, what="mood", group=DOSE, against=BASELINE)
    assert text.startswith("No clear difference in mood")
    assert "includes zero" in text


def test_the_verdict_states_a_clear_difference_with_its_interval():
    comparison = stats.compare([8, 8, 9, 7, 8, 9, 8], [5, 6, 5, 5, 6, 4, 5])
    text = stats.verdict(comparison, what="mood", group=DOSE, against=BASELINE)
    assert text.startswith("Mood was higher on dose days than on baseline days by 3.0")
    assert "95% interval" in text and "higher is better for this metric" in text
    anxious = stats.verdict(
        comparison,
        what="anxiety",
        group=DOSE,
        against=BASELINE,
        lower_is_better=True,
    )
    assert "lower is better for this metric" in anxious
    assert "for you" not in text + anxious


def test_rolling_mean_over_calendar_days():
    values = {D(2026, 1, 1): 4, D(2026, 1, 2): 6, D(2026, 1, 9): 8}
    days = [D(2026, 1, d) for d in (1, 2, 3, 8, 9, 10)]
    assert stats.rolling_mean(values, days, window=7) == [4, 5, 5, 6, 8, 8]
    assert stats.rolling_mean({}, days) == [None] * 6


def test_tag_effects_compare_days_with_and_without_each_tag():
    values = {D(2026, 1, d): v for d, v in enumerate([7, 8, 7, 8, 7, 4, 5, 4, 5, 4], 1)}
    tags = {D(2026, 1, d): {"walk"} for d in range(1, 6)}
    (effect,) = stats.tag_effects(values, tags)
    assert effect.tag == "walk"
    assert effect.comparison.difference == pytest.approx(3.0)
    assert effect.comparison.n_a == effect.comparison.n_b == 5
    assert effect.comparison.clear


def test_both_ways_of_resampling_give_the_same_interval():
    # Few distinct values over many days: drawn as a multinomial. Many
    # distinct values: drawn element by element. Same distribution.
    import numpy as np

    from insights.stats import MULTINOMIAL_COST, _resampled_means

    rng = np.random.default_rng(7)
    ratings = list(rng.integers(1, 11, size=400).astype(float))
    assert len(set(ratings)) * MULTINOMIAL_COST < len(ratings)
    spread = [r + i * 1e-9 for i, r in enumerate(ratings)]  # all distinct
    fast = _resampled_means(ratings, 4000, np.random.default_rng(1))
    plain = _resampled_means(spread, 4000, np.random.default_rng(1))
    assert np.mean(fast) == pytest.approx(np.mean(ratings), abs=0.02)
    assert np.percentile(fast, [2.5, 97.5]) == pytest.approx(
        np.percentile(plain, [2.5, 97.5]), abs=0.05
    )
    again = _resampled_means(ratings, 4000, np.random.default_rng(1))
    assert list(again) == list(fast)  # seeded: the same every time


def test_the_verdict_counts_one_day_in_the_singular():
    comparison = stats.compare([7, 8, 7, 6], [5, 5, 6, 5, 6, 5])
    text = stats.verdict(comparison, what="mood", group=DOSE, against=BASELINE)
    assert text == "Not enough data to compare yet: log 1 more dose day."
