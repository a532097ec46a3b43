"""The day totals' unique constraint made again on PostgreSQL, holding each
row's sum and count as well (INCLUDE), so that reads of a person's range of
days are answered from the index alone. Insights (all time) read them by
scanning every person's totals: 19,965 rows on the benchmark's data, of which
its own 7,320; through the index it reads its own only, and its cost no longer
grows with the instance (1.9-2.3 ms of PostgreSQL's time there, 1.7-2.0
covered). The same name and columns as the model's constraint; SQLite keeps
the one Django made. Rebuilding the index holds writes of ratings back for as
long as it takes (a second or so for years of journals).
"""

from django.db import migrations

COVERED = """
ALTER TABLE journal_daytotal DROP CONSTRAINT day_total_once_per_metric,
ADD CONSTRAINT day_total_once_per_metric
UNIQUE (user_id, day, metric_id) INCLUDE (rating_sum, rating_count)
"""

PLAIN = """
ALTER TABLE journal_daytotal DROP CONSTRAINT day_total_once_per_metric,
ADD CONSTRAINT day_total_once_per_metric UNIQUE (user_id, day, metric_id)
"""


def cover(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(COVERED)


def uncover(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(PLAIN)


class Migration(migrations.Migration):
    dependencies = [("journal", "0013_tag_days")]

    operations = [migrations.RunPython(cover, uncover)]
