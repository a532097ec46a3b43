"""Measure the calibration of the experiment verdict by simulation."""

from __future__ import annotations

import os
import time

from django.core.management.base import BaseCommand, CommandError

from experiments import calibration


class Command(BaseCommand):
    help = (
        "Simulate experiments with no effect and with a +1 point effect through "
        "the verdict's code, and print how often a difference is called clear, "
        "against the design page's promised power. Exits with an error when a "
        "target is missed."
    )

    def add_arguments(self, parser):
        parser.add_argument("--people", type=int, default=1000)
        parser.add_argument("--seed", type=int, default=1)
        parser.add_argument("--workers", type=int, default=os.cpu_count() or 1)

    def handle(self, *args, people, seed, workers, **options):
        if people < 1:
            raise CommandError("--people must be at least 1.")
        began = time.perf_counter()
        tallies = calibration.run(
            calibration.scenarios(), people, seed=seed, workers=workers
        )
        self.stdout.write(calibration.table(tallies))
        self.stdout.write(
            f"{people} simulated experiments per scenario, seed {seed}; "
            f"{time.perf_counter() - began:.0f} s with {workers} worker(s).\n"
        )
        problems = calibration.misses(tallies)
        if problems:
            raise CommandError(
                "Targets missed:\n" + "\n".join(f"- {p}" for p in problems)
            )
        self.stdout.write(self.style.SUCCESS("Every target met."))
