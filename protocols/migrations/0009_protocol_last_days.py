"""Every protocol kept as history has a last day.

An ended protocol with none, its plan ran on in the dosing calendar (and,
once the protocol in effect on a day was read as the calendar reads it, on
Today): clearing an ended protocol's end date in its edit, or importing a
protocol active in the file into an account with its own, left one so.
Each such row is given the day before the next of its person's protocols
begins, or today, whichever is earlier (never before its own first day): the
rule of protocols.services.protocol_keep_as_history, written out here so
that this migration keeps meaning what it meant."""

import datetime as dt

from django.db import migrations
from django.utils import timezone


def give_last_days(protocols, today: dt.date) -> int:
    """Give each protocol of `protocols` (a Protocol manager) that is not
    active and has no last day its last day; how many were given."""
    given = 0
    for protocol in protocols.filter(active=False, end_date__isnull=True):
        later = (
            protocols.filter(
                user_id=protocol.user_id, start_date__gt=protocol.start_date
            )
            .order_by("start_date")
            .values_list("start_date", flat=True)
            .first()
        )
        last = min(later - dt.timedelta(days=1), today) if later else today
        protocol.end_date = max(last, protocol.start_date)
        protocol.save(update_fields=["end_date"])
        given += 1
    return given


def forwards(apps, schema_editor):
    give_last_days(
        apps.get_model("protocols", "Protocol").objects, timezone.now().date()
    )


class Migration(migrations.Migration):
    dependencies = [
        ("protocols", "0008_protocol_updated_at"),
    ]

    operations = [
        migrations.RunPython(forwards, migrations.RunPython.noop, elidable=True),
    ]
