"""SQLite: a full-text index of notes and prompt answers (FTS5, built into
SQLite), kept up to date by triggers. PostgreSQL has its GIN index (0002)."""

from django.db import migrations

CREATE = [
    "CREATE VIRTUAL TABLE journal_entry_fts USING fts5("
    "note, prompt_answer, content='journal_entry', content_rowid='id', "
    "tokenize='unicode61 remove_diacritics 2')",
    "CREATE TRIGGER journal_entry_fts_ai AFTER INSERT ON journal_entry BEGIN "
    "INSERT INTO journal_entry_fts(rowid, note, prompt_answer) "
    "VALUES (new.id, new.note, new.prompt_answer); END",
    "CREATE TRIGGER journal_entry_fts_ad AFTER DELETE ON journal_entry BEGIN "
    "INSERT INTO journal_entry_fts(journal_entry_fts, rowid, note, prompt_answer) "
    "VALUES ('delete', old.id, old.note, old.prompt_answer); END",
    "CREATE TRIGGER journal_entry_fts_au AFTER UPDATE ON journal_entry BEGIN "
    "INSERT INTO journal_entry_fts(journal_entry_fts, rowid, note, prompt_answer) "
    "VALUES ('delete', old.id, old.note, old.prompt_answer); "
    "INSERT INTO journal_entry_fts(rowid, note, prompt_answer) "
    "VALUES (new.id, new.note, new.prompt_answer); END",
    "INSERT INTO journal_entry_fts(journal_entry_fts) VALUES ('rebuild')",
]
DROP = [
    "DROP TRIGGER IF EXISTS journal_entry_fts_ai",
    "DROP TRIGGER IF EXISTS journal_entry_fts_ad",
    "DROP TRIGGER IF EXISTS journal_entry_fts_au",
    "DROP TABLE IF EXISTS journal_entry_fts",
]


def _run(statements):
    def run(apps, schema_editor):
        if schema_editor.connection.vendor == "sqlite":
            for statement in statements:
                schema_editor.execute(statement)

    return run


class Migration(migrations.Migration):
    dependencies = [("journal", "0004_load_builtin_prompts")]

    operations = [migrations.RunPython(_run(CREATE), _run(DROP))]
