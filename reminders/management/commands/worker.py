"""The worker: finds due reminders every minute and runs the queued tasks
(django-tasks' database worker). Several may run at once: each reminder is
still delivered once."""

from __future__ import annotations

import logging
import threading
import time

from django.core.management.base import BaseCommand
from django.db import DatabaseError, close_old_connections, connection
from django.utils.crypto import get_random_string
from django_tasks_db.management.commands.db_worker import Worker

from reminders import services

logger = logging.getLogger("reminders")


def find_due_forever(stop: threading.Event, every: float) -> None:
    while not stop.is_set():
        try:
            close_old_connections()
            created = services.find_due()
            if created:
                logger.info("%d reminder(s) due", len(created))
        except DatabaseError:
            # A locked SQLite file or a restarting database: next minute.
            logger.exception("Finding due reminders failed; trying again")
        except Exception:
            # Anything else must not end the loop while the worker runs on.
            logger.exception("Finding due reminders failed unexpectedly")
        finally:
            connection.close()
        # Wake at the start of the next minute (or interval).
        stop.wait(every - time.time() % every)


class Command(BaseCommand):
    help = "Run the background worker: reminders and other queued tasks."

    def add_arguments(self, parser) -> None:
        parser.add_argument(
            "--once",
            action="store_true",
            help="Find due reminders once, run every queued task, then exit "
            "(for a cron job instead of a long-running worker).",
        )
        parser.add_argument(
            "--interval",
            type=float,
            default=1.0,
            help="Seconds between looks at the task queue when it is empty.",
        )

    def handle(self, *, once: bool, interval: float, verbosity: int, **options):
        logging.basicConfig(
            level=logging.INFO if verbosity else logging.WARNING,
            format="%(asctime)s %(name)s %(levelname)s %(message)s",
        )
        worker = Worker(
            queue_names=["default"],
            interval=interval,
            batch=once,
            backend_name="default",
            startup_delay=not once,
            max_tasks=None,
            worker_id=get_random_string(32),
            excluded_queue_names=[],
        )
        if once:
            services.find_due()
            worker.run()
            return
        stop = threading.Event()
        finder = threading.Thread(
            target=find_due_forever, args=(stop, 60.0), name="find-due", daemon=True
        )
        finder.start()
        worker.configure_signals()
        try:
            worker.run()
        finally:
            stop.set()
