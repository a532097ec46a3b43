"""The worker's tasks (django-tasks, database backend)."""

from __future__ import annotations

from django_tasks import task

from reminders import services


@task()
def deliver(delivery_id: int) -> str:
    return services.delivery_send(delivery_id)
