"""manage.py import_daylio PATH --user U [--mood-map LABEL=VALUE ...] [--dry-run]"""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from portability import daylio
from portability.cli import account_and_file
from portability.importer import ImportProblem


class DryRun(Exception):
    pass


class Command(BaseCommand):
    help = "Import a Daylio CSV export into a user's journal (all or nothing)."

    def add_arguments(self, parser):
        parser.add_argument("path")
        parser.add_argument("--user", required=True)
        parser.add_argument(
            "--mood-map",
            # Repeated flags add up: --mood-map a=7 --mood-map b=6, or a=7 b=6.
            action="extend",
            nargs="+",
            default=[],
            metavar="LABEL=VALUE",
            help="Values for moods other than rad, good, meh, bad and awful.",
        )
        parser.add_argument(
            "--dry-run", action="store_true", help="Check and report; write nothing."
        )

    def handle(self, *args, path, user, mood_map, dry_run, **options):
        account, raw = account_and_file(user, path)
        try:
            rows = daylio.parse(raw)
            mapping = daylio.parse_mapping(mood_map)
            missing = daylio.unmapped(rows, mapping)
            if missing:
                counts = daylio.mood_counts(rows)
                listed = ", ".join(f"{label} ({counts[label]})" for label in missing)
                raise ImportProblem(
                    f"These moods need a value (--mood-map LABEL=VALUE): {listed}."
                )
            with transaction.atomic():
                report = daylio.import_rows(account, rows, mapping)
                if dry_run:
                    raise DryRun
        except ImportProblem as problem:
            raise CommandError(f"Nothing was imported. {problem}") from None
        except DryRun:
            self.stdout.write(
                f"Dry run, nothing written. Would have: {report.summary()}"
            )
            return
        self.stdout.write(self.style.SUCCESS(report.summary()))
