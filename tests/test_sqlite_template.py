"""The test database is fully migrated whether it was migrated in this run or
copied from the last one (tests/sqlite_template.py)."""

from __future__ import annotations

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from tests import sqlite_template


@pytest.mark.django_db
def test_the_test_database_has_every_migration_applied():
    executor = MigrationExecutor(connection)
    targets = executor.loader.graph.leaf_nodes()
    assert executor.migration_plan(targets) == []


def test_any_change_to_a_source_file_or_requirement_names_another_copy(
    tmp_path, monkeypatch
):
    app = tmp_path / "journal" / "migrations"
    app.mkdir(parents=True)
    (app / "0001_initial.py").write_text("operations = []\n")
    for name in sqlite_template.REQUIREMENTS:
        (tmp_path / name).write_text("Django==5.2\n")
    monkeypatch.setattr(sqlite_template, "ROOT", tmp_path)

    def name() -> object:
        return sqlite_template.template_path([tmp_path / "journal"])

    first = name()
    assert name() == first  # the same sources, the same name
    (app / "0001_initial.py").write_text("operations = [None]\n")
    second = name()
    (tmp_path / "requirements.txt").write_text("Django==5.3\n")
    third = name()
    (app / "0002_more.py").write_text("")
    assert len({first, second, third, name()}) == 4


def test_every_app_of_the_project_and_the_settings_are_hashed():
    folders = {path.name for path in sqlite_template.project_folders()}
    assert {"config", "journal", "protocols", "insights", "reminders"} <= folders
    assert not any(".venv" in str(path) for path in sqlite_template.project_folders())
