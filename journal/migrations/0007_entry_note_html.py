import importlib

from django.db import migrations, models

from journal.markdown import render_note

# Adding a column makes Django's SQLite backend rebuild the table, which drops
# the full-text index's triggers: they are made again, and the index rebuilt.
fts = importlib.import_module("journal.migrations.0005_entry_fts_sqlite")

BATCH = 500


def render_every_note(apps, schema_editor):
    """Fill the new HTML fields of the entries written before them."""
    Entry = apps.get_model("journal", "Entry")
    rows = Entry.objects.exclude(note="", prompt_answer="").only(
        "id", "note", "prompt_answer"
    )
    batch = []
    for entry in rows.iterator(chunk_size=BATCH):
        entry.note_html = render_note(entry.note) if entry.note else ""
        entry.prompt_answer_html = (
            render_note(entry.prompt_answer) if entry.prompt_answer else ""
        )
        batch.append(entry)
        if len(batch) == BATCH:
            Entry.objects.bulk_update(batch, ["note_html", "prompt_answer_html"])
            batch = []
    Entry.objects.bulk_update(batch, ["note_html", "prompt_answer_html"])


class Migration(migrations.Migration):
    dependencies = [
        ("journal", "0006_prompt_passed_over"),
    ]

    operations = [
        migrations.AddField(
            model_name="entry",
            name="note_html",
            field=models.TextField(blank=True, editable=False),
        ),
        migrations.AddField(
            model_name="entry",
            name="prompt_answer_html",
            field=models.TextField(blank=True, editable=False),
        ),
        migrations.RunPython(
            fts._run(fts.DROP + fts.CREATE), migrations.RunPython.noop
        ),
        migrations.RunPython(render_every_note, migrations.RunPython.noop),
    ]
