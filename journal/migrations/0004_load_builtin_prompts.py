from django.db import migrations

from journal.builtin_prompts import sync_builtin_prompts


def load(apps, schema_editor):
    sync_builtin_prompts(apps.get_model("journal", "Prompt"))


class Migration(migrations.Migration):
    dependencies = [("journal", "0003_prompts_and_weekly_reviews")]

    # Later changes to the library add a migration that runs the same sync.
    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
