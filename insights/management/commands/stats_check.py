"""Measure the calibration of Insights' statements by simulation."""

from __future__ import annotations

import os
import platform
import time

from insights import calibration
from insights.simulation import SimulationCommand


class Command(SimulationCommand):
    help = (
        "Simulate people with no effect and with a +1 point effect through the "
        "Insights code, and print false claims, coverage and power per verdict. "
        "Exits with an error when a target is missed."
    )

    def handle(self, *args, people, seed, workers, **options):
        began = time.perf_counter()
        cells = calibration.scenarios(0.0) + calibration.scenarios(1.0)
        tallies = calibration.run(cells, people, seed=seed, workers=workers)
        seconds = time.perf_counter() - began
        self.stdout.write(calibration.table(tallies))
        effect = {
            t.scenario: t.rate(t.right_way, "primary")
            for t in tallies
            if t.scenario.effect
        }
        target = calibration.Scenario("fadiman", 90, 0.5, 1.0)
        self.stdout.write(
            f"Power of the main question, +1 point, Fadiman, φ = 0.5, 90 days: "
            f"{effect[target]:.1%} (aim: at least 40%).\n"
        )
        self.stdout.write(
            f"{people} people per scenario, {len(cells)} scenarios, seed {seed}; "
            f"{seconds:.0f} s with {workers} worker(s) on {platform.machine()}, "
            f"{os.cpu_count()} CPU(s), Python {platform.python_version()}."
        )
        self.finish(calibration.misses(tallies))
