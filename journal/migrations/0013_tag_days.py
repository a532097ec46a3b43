"""Tag days (journal.models.TagDay): how many of each person's entries on
each day carry each tag, filled from the tag links there are and then kept by
triggers on PostgreSQL and SQLite alike, as the day totals are (0012):

- a link written counts its tag in on its entry's day, one deleted counts it
  out, one changed does both;
- an entry moved to another day (its time edited, or its day repaired)
  moves its tags' counts with it;
- a count that falls to zero is deleted.

Whatever writes (the app, an import, a bulk update of links, a cascade), the counts
follow in the same transaction.
"""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models

FILL = """
INSERT INTO journal_tagday (user_id, day, tag_id, uses)
SELECT entry.user_id, entry.day, link.tag_id, COUNT(*)
  FROM journal_entry_tags AS link
  JOIN journal_entry AS entry ON entry.id = link.entry_id
 GROUP BY entry.user_id, entry.day, link.tag_id
"""

POSTGRESQL = [
    # The constraint Django made, made again holding each row's count as well
    # (INCLUDE: PostgreSQL only), so that the reads of a range of days, which
    # want only the day, the tag and the count, are answered from the index.
    # Its name and columns are those of the model's constraint.
    "ALTER TABLE journal_tagday DROP CONSTRAINT tag_day_once_per_tag",
    """
ALTER TABLE journal_tagday ADD CONSTRAINT tag_day_once_per_tag
UNIQUE (user_id, day, tag_id) INCLUDE (uses)
""",
    """
CREATE FUNCTION journal_tagday_link() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP IN ('UPDATE', 'DELETE') THEN
        UPDATE journal_tagday AS used
           SET uses = used.uses - 1
          FROM journal_entry AS entry
         WHERE entry.id = OLD.entry_id AND used.user_id = entry.user_id
           AND used.day = entry.day AND used.tag_id = OLD.tag_id;
        DELETE FROM journal_tagday AS used
         USING journal_entry AS entry
         WHERE entry.id = OLD.entry_id AND used.user_id = entry.user_id
           AND used.day = entry.day AND used.tag_id = OLD.tag_id
           AND used.uses = 0;
    END IF;
    IF TG_OP IN ('INSERT', 'UPDATE') THEN
        INSERT INTO journal_tagday (user_id, day, tag_id, uses)
        SELECT entry.user_id, entry.day, NEW.tag_id, 1
          FROM journal_entry AS entry
         WHERE entry.id = NEW.entry_id
            ON CONFLICT (user_id, day, tag_id) DO UPDATE
           SET uses = journal_tagday.uses + 1;
    END IF;
    RETURN NULL;
END
$$
""",
    """
CREATE TRIGGER journal_tagday_link
AFTER INSERT OR UPDATE OR DELETE ON journal_entry_tags
FOR EACH ROW EXECUTE FUNCTION journal_tagday_link()
""",
    """
CREATE FUNCTION journal_tagday_entry() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    UPDATE journal_tagday AS used
       SET uses = used.uses - 1
      FROM journal_entry_tags AS link
     WHERE link.entry_id = OLD.id AND used.user_id = OLD.user_id
       AND used.day = OLD.day AND used.tag_id = link.tag_id;
    DELETE FROM journal_tagday
     WHERE user_id = OLD.user_id AND day = OLD.day AND uses = 0;
    INSERT INTO journal_tagday (user_id, day, tag_id, uses)
    SELECT NEW.user_id, NEW.day, link.tag_id, 1
      FROM journal_entry_tags AS link
     WHERE link.entry_id = NEW.id
        ON CONFLICT (user_id, day, tag_id) DO UPDATE
       SET uses = journal_tagday.uses + 1;
    RETURN NULL;
END
$$
""",
    """
CREATE TRIGGER journal_tagday_entry
AFTER UPDATE OF day, user_id ON journal_entry
FOR EACH ROW
WHEN (OLD.day IS DISTINCT FROM NEW.day OR OLD.user_id IS DISTINCT FROM NEW.user_id)
EXECUTE FUNCTION journal_tagday_entry()
""",
]

# SQLite's triggers hold statements, not code: one trigger each way, the
# link's update being its delete and its insert. (An INSERT ... SELECT with an
# upsert needs its WHERE, which each has.)
SQLITE_COUNT_OUT = """
    UPDATE journal_tagday SET uses = uses - 1
     WHERE (user_id, day) = (SELECT user_id, day FROM journal_entry WHERE id = OLD.entry_id)
       AND tag_id = OLD.tag_id;
    DELETE FROM journal_tagday
     WHERE (user_id, day) = (SELECT user_id, day FROM journal_entry WHERE id = OLD.entry_id)
       AND tag_id = OLD.tag_id AND uses = 0;"""
SQLITE_COUNT_IN = """
    INSERT INTO journal_tagday (user_id, day, tag_id, uses)
    SELECT user_id, day, NEW.tag_id, 1
      FROM journal_entry WHERE id = NEW.entry_id
        ON CONFLICT (user_id, day, tag_id) DO UPDATE SET uses = uses + 1;"""

SQLITE = [
    f"""
CREATE TRIGGER journal_tagday_link_insert AFTER INSERT ON journal_entry_tags
BEGIN{SQLITE_COUNT_IN}
END
""",
    f"""
CREATE TRIGGER journal_tagday_link_delete AFTER DELETE ON journal_entry_tags
BEGIN{SQLITE_COUNT_OUT}
END
""",
    f"""
CREATE TRIGGER journal_tagday_link_update AFTER UPDATE ON journal_entry_tags
BEGIN{SQLITE_COUNT_OUT}{SQLITE_COUNT_IN}
END
""",
    """
CREATE TRIGGER journal_tagday_entry AFTER UPDATE OF day, user_id ON journal_entry
WHEN OLD.day IS NOT NEW.day OR OLD.user_id IS NOT NEW.user_id
BEGIN
    UPDATE journal_tagday SET uses = uses - 1
     WHERE user_id = OLD.user_id AND day = OLD.day
       AND tag_id IN (SELECT tag_id FROM journal_entry_tags WHERE entry_id = OLD.id);
    DELETE FROM journal_tagday
     WHERE user_id = OLD.user_id AND day = OLD.day AND uses = 0;
    INSERT INTO journal_tagday (user_id, day, tag_id, uses)
    SELECT NEW.user_id, NEW.day, tag_id, 1
      FROM journal_entry_tags WHERE entry_id = NEW.id
        ON CONFLICT (user_id, day, tag_id) DO UPDATE SET uses = uses + 1;
END
""",
]

DROP = {
    "postgresql": [
        "DROP TRIGGER IF EXISTS journal_tagday_link ON journal_entry_tags",
        "DROP TRIGGER IF EXISTS journal_tagday_entry ON journal_entry",
        "DROP FUNCTION IF EXISTS journal_tagday_link()",
        "DROP FUNCTION IF EXISTS journal_tagday_entry()",
    ],
    "sqlite": [
        "DROP TRIGGER IF EXISTS journal_tagday_link_insert",
        "DROP TRIGGER IF EXISTS journal_tagday_link_delete",
        "DROP TRIGGER IF EXISTS journal_tagday_link_update",
        "DROP TRIGGER IF EXISTS journal_tagday_entry",
    ],
}


def create(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    statements = {"postgresql": POSTGRESQL, "sqlite": SQLITE}[vendor]
    # Filled and kept in one transaction, which holds back writes of links
    # and entries from other connections (another app server still running)
    # until the triggers are there: no link is counted twice or missed.
    if vendor == "postgresql":
        schema_editor.execute(
            "LOCK TABLE journal_entry_tags, journal_entry IN SHARE ROW EXCLUSIVE MODE"
        )
    for statement in [*statements, FILL]:
        schema_editor.execute(statement)


def drop(apps, schema_editor):
    for statement in DROP[schema_editor.connection.vendor]:
        schema_editor.execute(statement)


class Migration(migrations.Migration):
    dependencies = [
        ("journal", "0012_day_totals"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name="TagDay",
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
                ("uses", models.PositiveIntegerField()),
                (
                    "tag",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="+",
                        to="journal.tag",
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
                        fields=("user", "day", "tag"), name="tag_day_once_per_tag"
                    )
                ],
            },
        ),
        migrations.RunPython(create, drop),
    ]
