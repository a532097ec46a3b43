"""The search index takes each entry as it is written (no pending list).

With fastupdate on (PostgreSQL's default), new entries wait in a pending list
that every search reads through, row by row, until a vacuum merges it into the
index. On a journal written a few times a day the saving on writes is nothing
and the list only slows searches; where autovacuum is off or behind it grows
without end (five years of demo data, seeded on a server without autovacuum,
left all 5,162 entries in it: each search took 1.4-3.6 ms in the list against
0.04 ms in the index). The list already there is merged now.
"""

from django.db import migrations

INDEX_NAME = "entry_search_gin"


def without_pending_list(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(f"ALTER INDEX {INDEX_NAME} SET (fastupdate = off)")
        schema_editor.execute(f"SELECT gin_clean_pending_list('{INDEX_NAME}')")


def with_pending_list(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(f"ALTER INDEX {INDEX_NAME} RESET (fastupdate)")


class Migration(migrations.Migration):
    dependencies = [("journal", "0009_questionnaires")]

    operations = [migrations.RunPython(without_pending_list, with_pending_list)]
