"""Entry.user loses its own index: (user, day, occurred_at) starts with it.

Only the index is dropped, by name, on both databases: letting Django alter
the field would rebuild the table on SQLite and drop the search triggers of
migration 0005 with it."""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models

INDEX = "journal_entry_user_id_286e1456"


class Migration(migrations.Migration):
    dependencies = [
        ("journal", "0010_entry_search_index_without_pending_list"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.AlterField(
                    model_name="entry",
                    name="user",
                    field=models.ForeignKey(
                        db_index=False,
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="entries",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
            ],
            database_operations=[
                migrations.RunSQL(
                    f'DROP INDEX IF EXISTS "{INDEX}"',
                    reverse_sql=f'CREATE INDEX "{INDEX}" ON "journal_entry" ("user_id")',
                ),
            ],
        ),
    ]
