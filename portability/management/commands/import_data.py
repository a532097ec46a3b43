"""python manage.py import_data PATH --user U"""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError

from portability.cli import account_and_file
from portability.importer import ImportProblem, import_document, parse


class Command(BaseCommand):
    help = "Import a Titrate JSON export into a user's account (all or nothing)."

    def add_arguments(self, parser):
        parser.add_argument("path", help="The export file")
        parser.add_argument("--user", required=True, help="Username to import into")

    def handle(self, *args, path: str, user: str, **options):
        account, raw = account_and_file(user, path)
        try:
            report = import_document(account, parse(raw))
        except ImportProblem as problem:
            raise CommandError(f"Nothing was imported. {problem}") from None
        self.stdout.write(self.style.SUCCESS(report.summary()))
