"""Measure the calibration of Insights' statements by simulation."""

from __future__ import annotations

import os
import platform
import time

from django.core.management.base import BaseCommand, CommandError

from insights import calibration


class Command(BaseCommand):
    help = (
        "Simulate people with no effect and with a +1 point effect through the "
        "Insights code, and print false claims, coverage and power per verdict. "
        "Exits with an error when a target is missed."
    )

    def add_arguments(self, parser):
        parser.add_argument("--people", type=int, default=1000)
        parser.add_argument("--seed", type=int, default=1)
        parser.add_argument("--workers", type=int, default=os.cpu_count() or 1)

    def handle(self, *args, people, seed, workers, **options):
        if people < 1:
            raise CommandError("--people must be at least 1.")
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
        problems = calibration.misses(tallies)
        if problems:
            raise CommandError(
                "Targets missed:\n" + "\n".join(f"- {p}" for p in problems)
            )
        self.stdout.write(self.style.SUCCESS("Every target met."))
