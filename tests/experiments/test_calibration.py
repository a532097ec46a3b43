"""The experiment verdict's calibration on a small fixed-seed sample (the full
run is `make stats-check`)."""

from __future__ import annotations

import pytest

from experiments import calibration

pytestmark = pytest.mark.slow


def test_no_effect_is_rarely_clear_and_the_promised_power_holds():
    tallies = calibration.run(calibration.scenarios(), people=250, seed=11)
    assert calibration.misses(tallies) == []
    null = [t for t in tallies if not t.scenario.effect]
    assert max(t.rate for t in null) <= 0.05 + 0.03


def test_a_miss_is_reported():
    bad = calibration.Tally(calibration.Scenario("weekly", 8, 0.0), people=1000)
    bad.wrong_way = 200  # 20% clear results with no effect
    assert calibration.misses([bad]) == [
        "weekly 8 wk, φ=0.0, effect +0, 0% missed: clear results 20.0%"
    ]
