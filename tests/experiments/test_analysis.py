"""The experiment's statistics, without a database."""

from __future__ import annotations

import datetime as dt
import math

import numpy as np
import pytest

from experiments import analysis, power
from experiments.analysis import Opening, Unit

MONDAY = dt.date(2026, 3, 2)


def unit(active: bool, value: float | None, guess: str | None = None) -> Unit:
    return Unit(MONDAY, active, value, 0 if value is None else 7, guess)


def test_two_weeks_against_two_can_never_be_clear():
    p = analysis.permutation_p([9, 9, 1, 1], [True, True, False, False])
    assert p == pytest.approx(2 / 6)  # the arrangement and its mirror image
    assert analysis.smallest_p(4, 2) == pytest.approx(1 / 3)


def test_eight_weeks_perfectly_apart_are_clear():
    values = [8, 8.5, 9, 9.5, 1, 1.5, 2, 2.5]
    p = analysis.permutation_p(values, [True] * 4 + [False] * 4)
    assert p == pytest.approx(2 / 70)


def test_no_difference_at_all_gives_p_one():
    assert analysis.permutation_p([5] * 6, [True, False] * 3) == 1.0


def test_many_envelopes_are_tested_on_a_fixed_sample_of_arrangements():
    rng = np.random.default_rng(3)
    values = list(rng.normal(size=24))
    labels = [True] * 12 + [False] * 12
    first = analysis.permutation_p(values, labels, seed=7)
    assert first == analysis.permutation_p(values, labels, seed=7)
    assert 1 / (analysis.DRAWS + 1) <= first <= 1


@pytest.mark.parametrize(("n", "k", "count"), [(24, 12, 500), (52, 26, 50), (9, 4, 30)])
def test_random_arrangements_are_one_permutation_a_row_drawn_at_once(n, k, count):
    one_by_one, at_once = np.random.default_rng(5), np.random.default_rng(5)
    expected = np.zeros((count, n))
    for row in range(count):
        expected[row, one_by_one.permutation(n)[:k]] = 1.0
    rows = analysis.random_arrangements(at_once, count, n, k)
    assert np.array_equal(rows, expected)
    assert (rows.sum(axis=1) == k).all()
    # The draws that follow are the same too.
    assert one_by_one.random() == at_once.random()


def test_welch_interval_agrees_with_scipy(scipy_stats):
    a, b = [6.1, 7.0, 6.4, 7.2], [5.0, 5.9, 6.3, 4.8, 5.5]
    interval = analysis.welch(a, b)
    expected = scipy_stats.ttest_ind(a, b, equal_var=False).confidence_interval(0.95)
    assert interval.difference == pytest.approx(np.mean(a) - np.mean(b))
    assert (interval.low, interval.high) == pytest.approx((expected.low, expected.high))
    assert analysis.welch([6.0], [5.0, 5.5]).low is None


def test_a_weekly_envelope_covers_its_days_until_the_next_one():
    days = {MONDAY + dt.timedelta(days=i): float(i) for i in range(20)}
    openings = [
        Opening(MONDAY, True),
        Opening(MONDAY + dt.timedelta(days=5), False),  # opened early
        Opening(MONDAY + dt.timedelta(days=12), True),
    ]
    units = analysis.units("weekly", openings, days, MONDAY + dt.timedelta(days=14))
    assert [(u.days, u.value) for u in units] == [
        (5, 2.0),  # days 0–4
        (7, 8.0),  # days 5–11
        (3, 13.0),  # days 12–14: the experiment's last day ends it
    ]


def test_a_dose_day_envelope_is_its_own_day_and_a_day_without_check_in_is_empty():
    days = {MONDAY: 7.0}
    openings = [Opening(MONDAY, True), Opening(MONDAY + dt.timedelta(days=3), False)]
    units = analysis.units("dose_days", openings, days, MONDAY + dt.timedelta(days=6))
    assert [(u.value, u.days) for u in units] == [(7.0, 1), (None, 0)]
    result = analysis.analyse(units)
    assert (result.without_data, result.interval, result.p) == (1, None, None)
    assert "Not enough to compare" in analysis.verdict(result, "Mood", "dose day")


def test_blinding_counts_right_guesses_and_bangs_index():
    units = [
        unit(True, 7, "active"),
        unit(True, 7, "active"),
        unit(True, 7, "active"),
        unit(True, 7, "placebo"),
        unit(False, 5, "placebo"),
        unit(False, 5, "unsure"),
        unit(False, 5, "active"),
        unit(False, 5, None),
    ]
    blinding = analysis.blinding(units)
    assert (blinding.guessed, blinding.definite, blinding.right, blinding.unsure) == (
        7,
        6,
        4,
        1,
    )
    assert blinding.share == pytest.approx(4 / 6)
    assert blinding.low < 0.5 < blinding.high  # six guesses prove little
    # Active: 3 right, 1 wrong of 4 → (2·3/4 − 1)·4/4 = 0.5.
    assert blinding.bang_active == pytest.approx(0.5)
    # Placebo: 1 right, 1 wrong, 1 unsure of 3 → 0.
    assert blinding.bang_placebo == pytest.approx(0.0)


def test_the_verdict_reads_like_the_issue_example():
    units = [unit(True, v, "active") for v in (6.4, 6.9, 6.2, 7.1)] + [
        unit(False, v, g)
        for v, g in ((6.3, "placebo"), (6.0, "placebo"), (6.8, "active"), (6.1, None))
    ]
    result = analysis.analyse(units)
    words = analysis.verdict(result, "Mood", "week")
    difference = result.interval.difference
    assert words.startswith(f"Mood on active weeks was {abs(difference):.1f} higher")
    assert "(95% interval −" in words and ": no clear difference." in words
    assert "You guessed right in 6 of 7 weeks, so expectation may explain" in words


def test_a_clear_result_says_better_or_worse_by_the_metrics_direction():
    units = [unit(True, v) for v in (8, 8.5, 9, 9.5)] + [
        unit(False, v) for v in (1, 1.5, 2, 2.5)
    ]
    result = analysis.analyse(units)
    assert result.clear
    assert "a clear difference, better on the active weeks" in analysis.verdict(
        result, "Mood", "week"
    )
    assert "worse on the active weeks" in analysis.verdict(
        result, "Anxiety", "week", lower_is_better=True
    )


def test_power_is_nil_where_the_test_cannot_be_clear_and_grows_with_length():
    assert power.power("weekly", 4, (0, 3), 1.5, 0.3, sims=100) == 0.0
    assert power.power("weekly", 6, (0, 3), 1.5, 0.3, sims=100) == 0.0
    short = power.power("dose_days", 4, (0, 3), 1.5, 0.3, sims=200)
    long = power.power("dose_days", 8, (0, 3), 1.0, 0.3, sims=200)
    assert 0 < short < long
    # A huge effect is almost always found with eight weekly envelopes.
    assert power.power("weekly", 8, (0, 3), 0.5, 0.0, effect=3.0, sims=100) > 0.9


def test_the_plan_finds_the_weeks_a_target_needs():
    plan = power.plan("weekly", 8, (0, 3), 1.0, 0.3, True)
    assert plan.weeks_for_half is not None and plan.weeks_for_half % 2 == 0
    assert plan.weeks_for_most is None or plan.weeks_for_most >= plan.weeks_for_half
    assert math.isfinite(plan.power)
