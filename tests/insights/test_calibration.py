"""A small, fixed-seed run of the calibration harness (`make stats-check`
runs the full one): the page's own code on simulated people."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pytest

from insights import calibration
from protocols.schedule import DayPhase

PEOPLE = 250


@pytest.mark.slow
def test_no_effect_rarely_becomes_a_claim_and_intervals_hold():
    cells = [
        calibration.Scenario("fadiman", 90, 0.5),
        calibration.Scenario("stamets", 90, 0.0),
        calibration.Scenario("fadiman", 90, 0.7, low_start=True),
    ]
    tallies = calibration.run(cells, PEOPLE, seed=2026)
    assert calibration.misses(tallies, slack=True) == []
    for tally in tallies:
        assert tally.people == PEOPLE
        assert tally.tested["primary"] > 0.9 * PEOPLE  # the question gets answered


@pytest.mark.slow
def test_a_real_effect_is_found_often_enough():
    (tally,) = calibration.run(
        [calibration.Scenario("fadiman", 90, 0.5, effect=1.0)], PEOPLE, seed=2027
    )
    power = tally.rate(tally.right_way, "primary")
    assert power >= 0.40 - calibration.error_margin(0.40, PEOPLE)
    assert calibration.misses([tally], slack=True) == []


def test_a_simulated_person_goes_through_the_pages_phases():
    rng = np.random.default_rng(1)
    page = calibration.person(rng, calibration.Scenario("fadiman", 90, 0.3))
    days = page.analysis.days
    # Fourteen days before the first dose, some of them missed.
    assert 8 <= len(days[DayPhase.BASELINE]) <= 14
    assert max(days[DayPhase.BASELINE]) < calibration.START + dt.timedelta(days=14)
    # Four weeks on, two off: the planned break is a break.
    assert len(days[DayPhase.BREAK]) >= 8
    assert page.analysis.primary.comparison.n_a >= 10
    assert page.pair.correlation.n > 60


def test_the_rated_effect_allows_for_rounding_and_clipping():
    assert 0.97 < calibration.rated_effect(1.0) < 1.0
    assert calibration.rated_effect(0.0) == 0.0
