"""Measure the calibration of the experiment verdict by simulation."""

from __future__ import annotations

import time

from experiments import calibration
from insights.simulation import SimulationCommand


class Command(SimulationCommand):
    help = (
        "Simulate experiments with no effect and with a +1 point effect through "
        "the verdict's code, and print how often a difference is called clear, "
        "against the design page's promised power. Exits with an error when a "
        "target is missed."
    )

    def handle(self, *args, people, seed, workers, **options):
        began = time.perf_counter()
        tallies = calibration.run(
            calibration.scenarios(), people, seed=seed, workers=workers
        )
        self.stdout.write(calibration.table(tallies))
        self.stdout.write(
            f"{people} simulated experiments per scenario, seed {seed}; "
            f"{time.perf_counter() - began:.0f} s with {workers} worker(s).\n"
        )
        self.finish(calibration.misses(tallies))
