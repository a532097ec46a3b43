from __future__ import annotations

import datetime as dt
import math

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from insights import report, stats

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


def test_spearman_by_hand_and_against_scipy(scipy_stats):
    assert stats.spearman([1, 2, 3, 4], [10, 20, 30, 40]) == (1.0, 4)
    assert stats.spearman([1, 2, 3, 4], [4, 3, 2, 1])[0] == pytest.approx(-1)
    x, y = [1, 2, 2, 3, 5, 4, 4, 6], [2, 1, 4, 3, 6, 5, 5, 8]
    rho, n = stats.spearman(x, y)
    assert n == 8
    assert rho == pytest.approx(scipy_stats.spearmanr(x, y).statistic)
    assert stats.spearman([1, 1, 1], [1, 2, 3]) == (None, 3)
    assert stats.spearman([1, 2], [1, 2]) == (None, 2)


@given(
    st.lists(st.integers(0, 20).map(lambda v: v / 4), min_size=1, max_size=60),
    st.randoms(use_true_random=False),
)
def test_ranks_are_exactly_scipys_however_found(scipy_stats, values, random):
    """Ranks, ties sharing their mean, are whole or half numbers: found from a
    sort of the values or from a sort made before of more of them (as
    Insights' correlations find a pair's), they are the same to the bit."""
    expected = scipy_stats.rankdata(values)
    assert np.array_equal(stats._ranks(values), expected)
    # The values among more, sorted once with the others; then only theirs.
    others = [random.randint(0, 20) / 4 for _ in range(random.randint(0, 30))]
    rows = list(range(len(values) + len(others)))
    random.shuffle(rows)
    column = np.full(len(rows), np.nan)
    column[rows[: len(values)]] = values
    column[rows[len(values) :]] = others
    mine = np.zeros(len(rows), dtype=bool)
    mine[rows[: len(values)]] = True
    order = np.argsort(column, kind="stable")
    taken = order[mine[order]]
    place = np.cumsum(mine) - 1
    found = stats.ranks_in_order(column[taken], place[taken])
    assert np.array_equal(found, scipy_stats.rankdata(column[mine]))


@pytest.mark.filterwarnings("ignore::scipy.stats.ConstantInputWarning")
@given(
    st.lists(st.tuples(st.integers(0, 10), st.integers(0, 10)), min_size=3, max_size=40)
)
def test_spearman_matches_scipy_on_any_data(scipy_stats, pairs):
    x, y = [p[0] for p in pairs], [p[1] for p in pairs]
    rho, _ = stats.spearman(x, y)
    expected = scipy_stats.spearmanr(x, y).statistic
    if rho is None:
        assert math.isnan(expected)
    else:
        assert rho == pytest.approx(expected, abs=1e-9)


DOSE = stats.Days("dose day", "dose days")
BASELINE = stats.Days("baseline day", "baseline days")


def days_from(first: dt.date, values) -> dict[dt.date, float]:
    return {first + dt.timedelta(days=i): float(v) for i, v in enumerate(values)}


def independent(sd: float, df: float) -> stats.Noise:
    return stats.Noise(sd, 0.0, df, 0, True, 0.0)


def compare_lists(a, b, noise=None) -> stats.Comparison:
    """a on the first days, b on the days after."""
    values = days_from(D(2026, 1, 1), [*a, *b])
    days = sorted(values)
    noise = noise or stats.estimate_noise(
        values, {d: i < len(a) for i, d in enumerate(days)}
    )
    return stats.compare(values, days[: len(a)], days[len(a) :], noise)


def test_the_verdict_refuses_small_groups():
    comparison = compare_lists([7, 8, 7], [5, 5, 6, 5, 6, 5])
    assert not comparison.enough_data
    text = stats.verdict(comparison, what="mood", group=DOSE, against=BASELINE)
    assert text == "Not enough data to compare yet: log 2 more dose days."


def test_the_verdict_refuses_an_interval_that_includes_zero():
    comparison = compare_lists([5, 7, 4, 8, 6, 5], [6, 5, 7, 5, 6, 6])
    assert comparison.low < 0 < comparison.high
    text = stats.verdict(comparison, what="mood", group=DOSE, against=BASELINE)
    assert text.startswith("No clear difference in mood")
    assert "includes zero" in text


def test_the_verdict_states_a_clear_difference_with_its_interval():
    comparison = compare_lists([8, 8, 9, 7, 8, 9, 8], [5, 6, 5, 5, 6, 4, 5])
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


def test_a_corrected_verdict_claims_only_what_survives_the_correction():
    comparison = compare_lists([8, 8, 9, 7, 8, 9, 8], [5, 6, 5, 5, 6, 4, 5])
    assert comparison.clear and not comparison.claim
    text = stats.verdict(
        comparison, what="mood", group=DOSE, against=BASELINE, corrected=True
    )
    assert text.startswith("No clear difference in mood")
    assert "excludes zero on its own, but not once the other comparisons" in text
    (adjusted,) = stats.adjusted([comparison])
    claimed = stats.verdict(
        adjusted, what="mood", group=DOSE, against=BASELINE, corrected=True
    )
    assert claimed.startswith("Mood was higher on dose days")


def test_with_independent_days_the_interval_is_students_t(scipy_stats):
    rng = np.random.default_rng(3)
    a, b = rng.normal(6, 1.5, 12), rng.normal(5, 1.5, 20)
    pooled = math.sqrt(
        ((len(a) - 1) * a.var(ddof=1) + (len(b) - 1) * b.var(ddof=1))
        / (len(a) + len(b) - 2)
    )
    comparison = compare_lists(a, b, independent(pooled, len(a) + len(b) - 2))
    expected = scipy_stats.ttest_ind(a, b, equal_var=True)
    low, high = expected.confidence_interval(0.95)
    assert comparison.difference == pytest.approx(a.mean() - b.mean())
    assert (comparison.low, comparison.high) == pytest.approx((low, high))
    assert comparison.p == pytest.approx(expected.pvalue)


@given(
    offsets=st.lists(st.integers(0, 60), min_size=1, max_size=25, unique=True),
    carry=st.floats(0, 0.9),
    data=st.data(),
)
def test_the_variance_factor_matches_the_ar1_covariance_by_hand(offsets, carry, data):
    weights = {
        D(2026, 1, 1) + dt.timedelta(days=o): data.draw(st.floats(-1, 1))
        for o in offsets
    }
    expected = math.fsum(
        wi * wj * carry ** abs((di - dj).days)
        for di, wi in weights.items()
        for dj, wj in weights.items()
    )
    assert stats.variance_factor(weights, carry) == pytest.approx(expected, abs=1e-9)


def ar1(rng, phi: float, n: int, sd: float = 1.5) -> np.ndarray:
    x = np.empty(n)
    x[0] = rng.normal(0, sd)
    for t in range(1, n):
        x[t] = phi * x[t - 1] + rng.normal(0, sd * math.sqrt(1 - phi * phi))
    return x


def test_carry_over_and_spread_are_recovered_from_a_long_series():
    rng = np.random.default_rng(11)
    values = days_from(D(2020, 1, 1), 6 + ar1(rng, 0.5, 3000))
    noise = stats.estimate_noise(values, dict.fromkeys(values, "all"))
    assert noise.measured and noise.pairs == 2999
    assert noise.estimate == pytest.approx(0.5, abs=0.05)
    assert noise.estimate < noise.carry_over < noise.estimate + 0.03
    assert noise.sd == pytest.approx(1.5, rel=0.08)
    # Fewer effective days than days: the t intervals are wider.
    assert noise.df < 2999


def test_too_few_consecutive_days_assume_a_typical_carry_over():
    values = {D(2026, 1, 1) + dt.timedelta(days=2 * i): float(i % 3) for i in range(30)}
    noise = stats.estimate_noise(values, dict.fromkeys(values, "all"))
    assert not noise.measured and noise.estimate is None
    assert noise.carry_over == stats.TYPICAL_CARRY_OVER


def test_noise_does_not_depend_on_the_order_the_days_come_in():
    rng = np.random.default_rng(5)
    values = days_from(D(2024, 1, 1), np.round(6 + ar1(rng, 0.4, 400), 1))
    del values[D(2024, 3, 1)], values[D(2024, 3, 2)]  # a gap
    phases = {d: ("dose", "off", "off")[i % 3] for i, d in enumerate(values)}
    shuffled = dict(sorted(values.items(), key=lambda item: rng.random()))
    assert list(shuffled) != list(values)
    assert stats.estimate_noise(shuffled, phases) == stats.estimate_noise(
        values, phases
    )
    # No groups: all the days are one.
    one = stats.estimate_noise(shuffled)
    assert one == stats.estimate_noise(values, dict.fromkeys(values, "all"))
    assert one.measured and one.pairs == 396
    # The same series already in day order, as arrays.
    days = sorted(values)
    y = np.array([values[d] for d in days])
    assert stats.series_noise(y, stats.day_ordinals(days, len(days))) == one
    assert stats.series_noise(y[:2], stats.day_ordinals(days[:2], 2)).sd is None


def test_carry_over_widens_a_block_comparison_never_an_interleaved_one():
    values = days_from(D(2026, 1, 1), [5, 6, 7, 6] * 10)
    days = sorted(values)
    block = (days[:14], days[14:])
    interleaved = (days[::3], [d for i, d in enumerate(days) if i % 3])
    for carry, widths in ((0.0, []), (0.6, [])):
        noise = stats.Noise(1.0, carry, 30, 39, True, carry)
        for a, b in (block, interleaved):
            c = stats.compare(values, a, b, noise)
            widths.append(c.high - c.low)
        if carry == 0.0:
            independent_widths = widths
        else:
            assert widths[0] > independent_widths[0] * 1.5  # the block
            assert widths[1] == pytest.approx(independent_widths[1])


def test_comparing_within_weeks_cancels_slow_drift():
    # Mood rises a point a week; dose days cluster in the later weeks.
    first = D(2026, 1, 5)  # a Monday
    values = days_from(first, [5 + i / 7 for i in range(56)])
    days = sorted(values)
    dose = [d for i, d in enumerate(days) if i % 7 == 0 or (i >= 28 and i % 7 == 3)]
    off = [d for d in days if d not in dose]
    noise = stats.Noise(0.5, 0.3, 40, 55, True, 0.3)
    plain = stats.compare(values, dose, off, noise)
    within = stats.compare_within(values, dose, off, noise)
    assert plain.difference > 0.3  # drift read as an effect
    # Within each week, Monday and Thursday sit below the week's mean rise.
    assert abs(within.difference) < abs(plain.difference)
    assert within.n_a == len(dose) and within.n_b == len(off)


@given(
    st.dictionaries(st.integers(0, 120), st.integers(1, 10), min_size=1, max_size=80),
    st.sets(st.integers(0, 120)),
    st.floats(0.0, 0.9),
)
def test_comparing_within_weeks_is_the_weighted_mean_of_each_weeks_difference(
    scipy_stats, ratings, picked, carry
):
    # Days across year ends (ISO weeks that start in one year and end in the next).
    values = {
        D(2025, 12, 1) + dt.timedelta(days=k): float(v) for k, v in ratings.items()
    }
    a = [d for d in values if (d - D(2025, 12, 1)).days in picked]
    b = [d for d in values if d not in a]
    noise = stats.Noise(1.0, carry, 30, 40, True, carry)
    got = stats.compare_within(values, a, b, noise)
    weeks = {}
    for group, days in ((0, a), (1, b)):
        for day in days:
            weeks.setdefault(day.isocalendar()[:2], ([], []))[group].append(day)
    shared = [w for w in weeks.values() if w[0] and w[1]]
    assert (got.n_a, got.n_b) == (
        sum(len(w[0]) for w in shared),
        sum(len(w[1]) for w in shared),
    )
    if not shared:
        assert got.difference is None
        return
    h = [len(x) * len(y) / (len(x) + len(y)) for x, y in shared]
    weights = {}
    for (x, y), hw in zip(shared, h, strict=True):
        weights |= {d: hw / len(x) / sum(h) for d in x}
        weights |= {d: -hw / len(y) / sum(h) for d in y}
    difference = sum(w * values[d] for d, w in weights.items())
    factor = max(
        stats.variance_factor(weights, carry), stats.variance_factor(weights, 0.0)
    )
    half = scipy_stats.t.ppf(0.975, noise.df) * math.sqrt(factor)
    assert got.difference == pytest.approx(difference, abs=1e-9)
    assert got.low == pytest.approx(difference - half, abs=1e-9)
    assert got.high == pytest.approx(difference + half, abs=1e-9)


def test_benjamini_hochberg_matches_scipy_and_skips_thin_comparisons(scipy_stats):
    ps = [0.001, 0.008, 0.039, 0.041, 0.042, 0.06, 0.074, 0.205]
    made = [stats.Comparison(10, 10, 1.0, 0.1, 2.0, p, None) for p in ps]
    thin = stats.Comparison(2, 10, 1.0, 0.1, 2.0, 0.0001, None)
    result = stats.adjusted([*made, thin])
    expected = scipy_stats.false_discovery_control(ps)
    assert [c.adjusted_p for c in result[:-1]] == pytest.approx(list(expected))
    rate = stats.FALSE_DISCOVERY_RATE
    assert [c.claim for c in result[:-1]] == [q <= rate for q in expected]
    assert result[-1].adjusted_p is None and not result[-1].claim


@given(st.lists(st.floats(min_value=0, max_value=1, allow_nan=False), max_size=40))
def test_benjamini_hochberg_is_scipys_on_any_p_values(scipy_stats, ps):
    expected = scipy_stats.false_discovery_control(ps) if ps else []
    assert stats.benjamini_hochberg(ps) == pytest.approx(list(expected))


def test_chance_correlations_are_larger_when_both_series_carry_over():
    x, y = list(range(60)), [v % 7 for v in range(60)]
    independent = stats.correlation(x, y, 0.0, 0.0)
    carried = stats.correlation(x, y, 0.6, 0.6)
    assert independent.chance == pytest.approx(
        math.tanh(1.959964 * 1.03 / math.sqrt(57)), rel=1e-4
    )
    assert carried.chance > independent.chance
    assert carried.low < independent.low < independent.rho < independent.high
    assert stats.correlation([1, 2], [2, 1], 0, 0).p is None


def test_rolling_mean_over_calendar_days():
    values = {D(2026, 1, 1): 4, D(2026, 1, 2): 6, D(2026, 1, 9): 8}
    days = [D(2026, 1, d) for d in (1, 2, 3, 8, 9, 10)]
    assert stats.rolling_mean(values, days, window=7) == [4, 5, 5, 6, 8, 8]
    assert stats.rolling_mean({}, days) == [None] * 6


@given(
    st.dictionaries(st.integers(0, 60), st.floats(1, 10, allow_nan=False), max_size=40),
    st.lists(st.integers(-5, 70), max_size=30),
    st.integers(1, 10),
)
def test_rolling_mean_is_the_mean_of_each_window(offsets, picked, window):
    values = {D(2026, 1, 1) + dt.timedelta(days=k): v for k, v in offsets.items()}
    days = [D(2026, 1, 1) + dt.timedelta(days=k) for k in picked]
    for day, mean in zip(days, stats.rolling_mean(values, days, window), strict=True):
        inside = [
            values[day - dt.timedelta(days=i)]
            for i in range(window)
            if day - dt.timedelta(days=i) in values
        ]
        if inside:
            assert mean == pytest.approx(sum(inside) / len(inside), rel=1e-12)
        else:
            assert mean is None


def test_tag_effects_compare_days_with_and_without_each_tag():
    values = {D(2026, 1, d): v for d, v in enumerate([7, 8, 7, 8, 7, 4, 5, 4, 5, 4], 1)}
    tags = {"walk": {D(2026, 1, d) for d in range(1, 6)}}
    noise = independent(0.55, 8)
    (effect,) = stats.tag_effects(values, tags, noise)
    assert effect.tag == "walk"
    assert effect.comparison.difference == pytest.approx(3.0)
    assert effect.comparison.n_a == effect.comparison.n_b == 5
    assert effect.comparison.clear


TAG_NAMES = st.sampled_from(["walk", "tea", "late", "sun"])


@given(
    st.dictionaries(st.integers(0, 40), st.integers(1, 10), max_size=30),
    st.dictionaries(st.integers(0, 45), st.sets(TAG_NAMES), max_size=30),
)
def test_each_tag_is_its_days_against_all_the_other_days(ratings, tagged):
    # Tags may fall on days with no rating, and a day may have no tags.
    values = {D(2026, 1, 1) + dt.timedelta(days=k): v for k, v in ratings.items()}
    tags = {D(2026, 1, 1) + dt.timedelta(days=k): t for k, t in tagged.items()}
    days_of = {
        name: {day for day, names in tags.items() if name in names}
        for name in set().union(*tags.values())
    }
    noise = stats.estimate_noise(values, dict.fromkeys(values, 0))
    effects = stats.tag_effects(values, days_of, noise)
    assert [effect.tag for effect in effects] == sorted(days_of)
    for effect in effects:
        with_tag = [d for d in values if effect.tag in tags.get(d, ())]
        without = [d for d in values if effect.tag not in tags.get(d, ())]
        expected = stats.compare(values, with_tag, without, noise)
        assert repr(effect.comparison) == repr(expected)


def test_the_verdict_counts_one_day_in_the_singular():
    comparison = compare_lists([7, 8, 7, 6], [5, 5, 6, 5, 6, 5])
    text = stats.verdict(comparison, what="mood", group=DOSE, against=BASELINE)
    assert text == "Not enough data to compare yet: log 1 more dose day."


def test_ratings_that_never_vary_say_so_instead_of_asking_for_more_days():
    comparison = compare_lists([5] * 6, [5] * 6)
    assert comparison.enough_data and comparison.low is None
    text = stats.verdict(comparison, what="mood", group=DOSE, against=BASELINE)
    assert text == (
        "No difference in mood between dose days and baseline days can be "
        "measured: every rated day has the same value."
    )


DAY_VALUES = st.dictionaries(st.integers(0, 60), st.integers(1, 10), max_size=50)


@given(DAY_VALUES, st.lists(st.sampled_from("ab"), min_size=61, max_size=61))
def test_carry_over_comes_from_pairs_of_consecutive_rated_days(ratings, kinds):
    values = {D(2026, 1, 1) + dt.timedelta(days=k): v for k, v in ratings.items()}
    groups = {d: kinds[(d - D(2026, 1, 1)).days] for d in values}
    noise = stats.estimate_noise(values, groups)
    # By the definition: residuals around each group's mean, and the days
    # whose next calendar day was rated too.
    members = {
        g: [values[d] for d in values if groups[d] == g] for g in set(groups.values())
    }
    if len(values) - len(members) < 2:
        assert noise.sd is None and noise.pairs == 0
        return
    means = {g: math.fsum(vs) / len(vs) for g, vs in members.items()}
    residual = {d: values[d] - means[groups[d]] for d in values}
    nexts = [d for d in residual if d + dt.timedelta(days=1) in residual]
    assert noise.pairs == len(nexts)
    squares = math.fsum(e * e for e in residual.values())
    if len(nexts) < stats.MIN_PAIRS or squares == 0:
        assert noise.estimate is None
        return
    lagged = math.fsum(residual[d] * residual[d + dt.timedelta(days=1)] for d in nexts)
    r = (lagged / len(nexts)) / (squares / len(values))
    assert noise.estimate == r + (1 + 3 * r) / len(nexts)


@given(st.lists(DAY_VALUES, min_size=2, max_size=4))
def test_each_pair_of_metrics_correlates_over_the_days_both_were_rated(ratings):
    values = {
        i: {D(2026, 1, 1) + dt.timedelta(days=k): float(v) for k, v in r.items()}
        for i, r in enumerate(ratings, start=1)
    }
    ids = list(values)
    pairs = report.correlate(values, ids)
    assert [(p.a, p.b) for p in pairs] == [
        (a, b) for k, a in enumerate(ids) for b in ids[k + 1 :]
    ]
    for pair in pairs:
        a, b = values[pair.a], values[pair.b]
        shared = sorted(a.keys() & b.keys())
        carry_a = stats.estimate_noise(a, dict.fromkeys(a, 0)).carry_over
        carry_b = stats.estimate_noise(b, dict.fromkeys(b, 0)).carry_over
        expected = stats.correlation(
            [a[d] for d in shared], [b[d] for d in shared], carry_a, carry_b
        )
        assert repr(pair.correlation) == repr(expected)
