"""manage.py purge_expired: delete expired sessions and stale pending uploads.

Run it daily (the Docker image does; see the README for cron or systemd).
"""

from __future__ import annotations

from django.core.management.base import BaseCommand

from accounts.services import expired_purge


class Command(BaseCommand):
    help = "Delete expired sign-in sessions and uploads left waiting over a day."

    def handle(self, *args, **options):
        purged = expired_purge()
        self.stdout.write(
            f"Deleted {purged['sessions']} expired sessions and "
            f"{purged['uploads']} stale uploads."
        )
