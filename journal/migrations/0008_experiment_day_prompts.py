from django.db import migrations

from journal.builtin_prompts import sync_builtin_prompts


def load(apps, schema_editor):
    sync_builtin_prompts(apps.get_model("journal", "Prompt"))


class Migration(migrations.Migration):
    """The prompts for a blinded experiment's capsule days."""

    dependencies = [("journal", "0007_entry_note_html")]

    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
