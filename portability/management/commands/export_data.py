"""python manage.py export_data --user U --format json|csv --output PATH"""

from __future__ import annotations

import json
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from accounts.models import User
from portability.export import export_document, export_zip


class Command(BaseCommand):
    help = "Export everything a user owns as JSON or as a zip of CSV files."

    def add_arguments(self, parser):
        parser.add_argument("--user", required=True, help="Username")
        parser.add_argument("--format", choices=["json", "csv"], default="json")
        parser.add_argument("--output", required=True, help="File to write")

    def handle(self, *args, user: str, format: str, output: str, **options):
        account = User.objects.filter(username=user).first()
        if account is None:
            raise CommandError(f"No user named {user!r}.")
        path = Path(output)
        if format == "json":
            text = json.dumps(export_document(account), indent=2, ensure_ascii=False)
            path.write_text(text + "\n", encoding="utf-8")
        else:
            path.write_bytes(export_zip(account))
        path.chmod(0o600)  # a journal is private, whatever the umask says
        self.stdout.write(self.style.SUCCESS(f"Wrote {path}"))
