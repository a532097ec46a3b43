from django.contrib.postgres.indexes import GinIndex
from django.contrib.postgres.search import SearchVector
from django.db import migrations

INDEX_NAME = "entry_search_gin"


def index():
    # The expression journal.search.SearchDocument matches.
    return GinIndex(
        SearchVector("note", "prompt_answer", config="simple"), name=INDEX_NAME
    )


def create_search_index(apps, schema_editor):
    # PostgreSQL only: SQLite searches with a plain contains and has no GIN.
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.add_index(apps.get_model("journal", "Entry"), index())


def drop_search_index(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.remove_index(apps.get_model("journal", "Entry"), index())


class Migration(migrations.Migration):
    dependencies = [("journal", "0001_initial")]

    operations = [migrations.RunPython(create_search_index, drop_search_index)]
