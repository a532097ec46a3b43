"""python manage.py import_data PATH --user U"""

from __future__ import annotations

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from accounts.models import User
from portability.importer import ImportProblem, import_document, parse


class Command(BaseCommand):
    help = "Import a Titrate JSON export into a user's account (all or nothing)."

    def add_arguments(self, parser):
        parser.add_argument("path", help="The export file")
        parser.add_argument("--user", required=True, help="Username to import into")

    def handle(self, *args, path: str, user: str, **options):
        account = User.objects.filter(username=user).first()
        if account is None:
            raise CommandError(f"No user named {user!r}.")
        try:
            raw = Path(path).read_bytes()
        except OSError as error:
            raise CommandError(f"Cannot read {path}: {error.strerror}.") from None
        try:
            report = import_document(account, parse(raw))
        except ImportProblem as problem:
            raise CommandError(f"Nothing was imported. {problem}") from None
        self.stdout.write(self.style.SUCCESS(report.summary()))
