"""Create or refresh a demo account with realistic data for every feature.

Deterministic for a given --years: the same command gives the same data, so
benchmarks and screenshots are comparable between runs. Each app adds its own
part in `seed_demo_data(user, years, rng)` as features land.
"""

from __future__ import annotations

import random

from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from portability.demo import seed_account


class Command(BaseCommand):
    help = "Create or refresh a demo user with deterministic sample data."

    def add_arguments(self, parser):
        parser.add_argument("--user", default="demo", help="Username (default: demo)")
        parser.add_argument(
            "--password", default="demo", help="Password (default: demo)"
        )
        parser.add_argument(
            "--years", type=int, default=1, help="Years of history (default: 1)"
        )
        parser.add_argument(
            "--timezone", default="Europe/Berlin", help="The user's time zone"
        )

    def handle(
        self, *args, user: str, password: str, years: int, timezone: str, **options
    ):
        if not 1 <= years <= 20:
            raise CommandError("--years must be between 1 and 20.")
        try:
            with transaction.atomic():
                account = seed_account(
                    username=user,
                    password=password,
                    timezone=timezone,
                    years=years,
                    # Seeded on purpose: the same demo data every time.
                    rng=random.Random(f"titrate-demo-{years}"),  # noqa: S311
                )
        except ValueError as error:
            raise CommandError(str(error)) from None
        self.stdout.write(
            self.style.SUCCESS(
                f"Demo user {account.username!r} ready with {years} year(s) of data."
            )
        )
