"""What the calibration commands (`make stats-check`) share."""

from __future__ import annotations

import os

from django.core.management.base import BaseCommand, CommandError


class SimulationCommand(BaseCommand):
    """A simulation run: how many people, which seed, how many processes; an
    error exit when a target is missed."""

    def add_arguments(self, parser):
        parser.add_argument("--people", type=int, default=1000)
        parser.add_argument("--seed", type=int, default=1)
        parser.add_argument("--workers", type=int, default=os.cpu_count() or 1)

    def execute(self, *args, **options):
        if options.get("people") is not None and options["people"] < 1:
            raise CommandError("--people must be at least 1.")
        return super().execute(*args, **options)

    def finish(self, problems: list[str]) -> None:
        if problems:
            raise CommandError(
                "Targets missed:\n" + "\n".join(f"- {p}" for p in problems)
            )
        self.stdout.write(self.style.SUCCESS("Every target met."))
