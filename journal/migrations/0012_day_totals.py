"""Day totals (journal.models.DayTotal): each person's sum and number of
ratings of each metric on each day, filled from the ratings there are and
then kept by triggers, on PostgreSQL and SQLite alike:

- a rating written adds its value to its entry's day, one deleted takes it
  away, one edited does both (old value out, new value in);
- an entry moved to another day (its time edited, or its day repaired)
  moves its ratings' values with it;
- a total whose count falls to zero is deleted.

Whatever writes (the app, an import, a repair, a cascade), the totals
follow in the same transaction.
"""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models

FILL = """
INSERT INTO journal_daytotal (user_id, day, metric_id, rating_sum, rating_count)
SELECT entry.user_id, entry.day, rating.metric_id, SUM(rating.value), COUNT(*)
  FROM journal_rating AS rating
  JOIN journal_entry AS entry ON entry.id = rating.entry_id
 GROUP BY entry.user_id, entry.day, rating.metric_id
"""

POSTGRESQL = [
    """
CREATE FUNCTION journal_daytotal_rating() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP IN ('UPDATE', 'DELETE') THEN
        UPDATE journal_daytotal AS total
           SET rating_sum = total.rating_sum - OLD.value,
               rating_count = total.rating_count - 1
          FROM journal_entry AS entry
         WHERE entry.id = OLD.entry_id AND total.user_id = entry.user_id
           AND total.day = entry.day AND total.metric_id = OLD.metric_id;
        DELETE FROM journal_daytotal AS total
         USING journal_entry AS entry
         WHERE entry.id = OLD.entry_id AND total.user_id = entry.user_id
           AND total.day = entry.day AND total.metric_id = OLD.metric_id
           AND total.rating_count = 0;
    END IF;
    IF TG_OP IN ('INSERT', 'UPDATE') THEN
        INSERT INTO journal_daytotal
               (user_id, day, metric_id, rating_sum, rating_count)
        SELECT entry.user_id, entry.day, NEW.metric_id, NEW.value, 1
          FROM journal_entry AS entry
         WHERE entry.id = NEW.entry_id
            ON CONFLICT (user_id, day, metric_id) DO UPDATE
           SET rating_sum = journal_daytotal.rating_sum + excluded.rating_sum,
               rating_count = journal_daytotal.rating_count + 1;
    END IF;
    RETURN NULL;
END
$$
""",
    """
CREATE TRIGGER journal_daytotal_rating
AFTER INSERT OR UPDATE OR DELETE ON journal_rating
FOR EACH ROW EXECUTE FUNCTION journal_daytotal_rating()
""",
    """
CREATE FUNCTION journal_daytotal_entry() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    UPDATE journal_daytotal AS total
       SET rating_sum = total.rating_sum - rating.value,
           rating_count = total.rating_count - 1
      FROM journal_rating AS rating
     WHERE rating.entry_id = OLD.id AND total.user_id = OLD.user_id
       AND total.day = OLD.day AND total.metric_id = rating.metric_id;
    DELETE FROM journal_daytotal
     WHERE user_id = OLD.user_id AND day = OLD.day AND rating_count = 0;
    INSERT INTO journal_daytotal (user_id, day, metric_id, rating_sum, rating_count)
    SELECT NEW.user_id, NEW.day, rating.metric_id, rating.value, 1
      FROM journal_rating AS rating
     WHERE rating.entry_id = NEW.id
        ON CONFLICT (user_id, day, metric_id) DO UPDATE
       SET rating_sum = journal_daytotal.rating_sum + excluded.rating_sum,
           rating_count = journal_daytotal.rating_count + 1;
    RETURN NULL;
END
$$
""",
    """
CREATE TRIGGER journal_daytotal_entry
AFTER UPDATE OF day, user_id ON journal_entry
FOR EACH ROW
WHEN (OLD.day IS DISTINCT FROM NEW.day OR OLD.user_id IS DISTINCT FROM NEW.user_id)
EXECUTE FUNCTION journal_daytotal_entry()
""",
]

# SQLite's triggers hold statements, not code: one trigger each way. (An
# INSERT ... SELECT with an upsert needs its WHERE, which each has.)
SQLITE = [
    """
CREATE TRIGGER journal_daytotal_rating_insert AFTER INSERT ON journal_rating
BEGIN
    INSERT INTO journal_daytotal (user_id, day, metric_id, rating_sum, rating_count)
    SELECT user_id, day, NEW.metric_id, NEW.value, 1
      FROM journal_entry WHERE id = NEW.entry_id
        ON CONFLICT (user_id, day, metric_id) DO UPDATE
       SET rating_sum = rating_sum + excluded.rating_sum,
           rating_count = rating_count + 1;
END
""",
    """
CREATE TRIGGER journal_daytotal_rating_delete AFTER DELETE ON journal_rating
BEGIN
    UPDATE journal_daytotal
       SET rating_sum = rating_sum - OLD.value, rating_count = rating_count - 1
     WHERE (user_id, day) = (SELECT user_id, day FROM journal_entry WHERE id = OLD.entry_id)
       AND metric_id = OLD.metric_id;
    DELETE FROM journal_daytotal
     WHERE (user_id, day) = (SELECT user_id, day FROM journal_entry WHERE id = OLD.entry_id)
       AND metric_id = OLD.metric_id AND rating_count = 0;
END
""",
    """
CREATE TRIGGER journal_daytotal_rating_update AFTER UPDATE ON journal_rating
BEGIN
    UPDATE journal_daytotal
       SET rating_sum = rating_sum - OLD.value, rating_count = rating_count - 1
     WHERE (user_id, day) = (SELECT user_id, day FROM journal_entry WHERE id = OLD.entry_id)
       AND metric_id = OLD.metric_id;
    DELETE FROM journal_daytotal
     WHERE (user_id, day) = (SELECT user_id, day FROM journal_entry WHERE id = OLD.entry_id)
       AND metric_id = OLD.metric_id AND rating_count = 0;
    INSERT INTO journal_daytotal (user_id, day, metric_id, rating_sum, rating_count)
    SELECT user_id, day, NEW.metric_id, NEW.value, 1
      FROM journal_entry WHERE id = NEW.entry_id
        ON CONFLICT (user_id, day, metric_id) DO UPDATE
       SET rating_sum = rating_sum + excluded.rating_sum,
           rating_count = rating_count + 1;
END
""",
    """
CREATE TRIGGER journal_daytotal_entry AFTER UPDATE OF day, user_id ON journal_entry
WHEN OLD.day IS NOT NEW.day OR OLD.user_id IS NOT NEW.user_id
BEGIN
    UPDATE journal_daytotal
       SET rating_sum = rating_sum - (
               SELECT value FROM journal_rating
                WHERE entry_id = OLD.id AND metric_id = journal_daytotal.metric_id),
           rating_count = rating_count - 1
     WHERE user_id = OLD.user_id AND day = OLD.day
       AND metric_id IN (SELECT metric_id FROM journal_rating WHERE entry_id = OLD.id);
    DELETE FROM journal_daytotal
     WHERE user_id = OLD.user_id AND day = OLD.day AND rating_count = 0;
    INSERT INTO journal_daytotal (user_id, day, metric_id, rating_sum, rating_count)
    SELECT NEW.user_id, NEW.day, metric_id, value, 1
      FROM journal_rating WHERE entry_id = NEW.id
        ON CONFLICT (user_id, day, metric_id) DO UPDATE
       SET rating_sum = rating_sum + excluded.rating_sum,
           rating_count = rating_count + 1;
END
""",
]

DROP = {
    "postgresql": [
        "DROP TRIGGER IF EXISTS journal_daytotal_rating ON journal_rating",
        "DROP TRIGGER IF EXISTS journal_daytotal_entry ON journal_entry",
        "DROP FUNCTION IF EXISTS journal_daytotal_rating()",
        "DROP FUNCTION IF EXISTS journal_daytotal_entry()",
    ],
    "sqlite": [
        "DROP TRIGGER IF EXISTS journal_daytotal_rating_insert",
        "DROP TRIGGER IF EXISTS journal_daytotal_rating_delete",
        "DROP TRIGGER IF EXISTS journal_daytotal_rating_update",
        "DROP TRIGGER IF EXISTS journal_daytotal_entry",
    ],
}


def create(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    statements = {"postgresql": POSTGRESQL, "sqlite": SQLITE}[vendor]
    # Filled and kept in one transaction, which holds back writes of ratings
    # and entries from other connections (another app server still running)
    # until the triggers are there: no rating is counted twice or missed.
    # SQLite's first write in the transaction takes its one write lock.
    if vendor == "postgresql":
        schema_editor.execute(
            "LOCK TABLE journal_rating, journal_entry IN SHARE ROW EXCLUSIVE MODE"
        )
    for statement in [FILL, *statements]:
        schema_editor.execute(statement)


def drop(apps, schema_editor):
    for statement in DROP[schema_editor.connection.vendor]:
        schema_editor.execute(statement)


class Migration(migrations.Migration):
    dependencies = [
        ("journal", "0011_entry_user_index_in_the_day_index"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name="DayTotal",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True,
                        primary_key=True,
                        serialize=False,
                        verbose_name="ID",
                    ),
                ),
                ("day", models.DateField()),
                ("rating_sum", models.PositiveIntegerField()),
                ("rating_count", models.PositiveIntegerField()),
                (
                    "metric",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="+",
                        to="journal.metric",
                    ),
                ),
                (
                    "user",
                    models.ForeignKey(
                        db_index=False,
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
            ],
            options={
                "constraints": [
                    models.UniqueConstraint(
                        fields=("user", "day", "metric"),
                        name="day_total_once_per_metric",
                    )
                ],
            },
        ),
        migrations.RunPython(create, drop),
    ]
