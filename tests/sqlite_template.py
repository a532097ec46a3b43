"""The migrated SQLite test database, kept on disk between runs.

Migrating an empty database took 2.4 s in every test process, every run.
After the first run the migrated database is copied into memory instead
(SQLite's backup API, milliseconds). The copy is keyed by the hash of every
source file of the project's settings and installed apps, the pinned
requirements and the Python, SQLite and Django versions, so a change to
anything a migration could depend on migrates afresh; a clean checkout (CI)
always migrates. PostgreSQL test databases are created as before.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import sqlite3
import sys
from pathlib import Path

import django
from django.apps import apps
from django.conf import settings

ROOT = Path(__file__).resolve().parent.parent
FOLDER = ROOT / ".cache" / "test-db"
REQUIREMENTS = ["requirements.txt", "requirements-dev.txt"]


def project_folders() -> list[Path]:
    """The settings and every installed app of this project (not the
    virtualenv's): whatever a migration could import."""
    venv = Path(sys.prefix).resolve()
    folders = {ROOT / "config"}
    for app in apps.get_app_configs():
        path = Path(app.path).resolve()
        if path.is_relative_to(ROOT) and not path.is_relative_to(venv):
            folders.add(path)
    return sorted(folders)


def template_path(folders: list[Path] | None = None) -> Path:
    digest = hashlib.sha256()
    for part in (sys.version, sqlite3.sqlite_version, django.__version__):
        digest.update(part.encode() + b"\0")
    files = [ROOT / name for name in REQUIREMENTS]
    for folder in project_folders() if folders is None else folders:
        files += sorted(folder.rglob("*.py"))
    for path in files:
        digest.update(str(path.relative_to(ROOT)).encode() + b"\0")
        digest.update(path.read_bytes() + b"\0")
    return FOLDER / f"{digest.hexdigest()[:32]}.sqlite3"


def _save(connection: sqlite3.Connection, path: Path) -> None:
    """Write the migrated database where the next run finds it: whole or not
    at all (parallel test processes may write it at once)."""
    FOLDER.mkdir(parents=True, exist_ok=True)
    partial = path.with_suffix(f".{os.getpid()}.partial")
    with contextlib.closing(sqlite3.connect(partial)) as copy:
        connection.backup(copy)
    os.replace(partial, path)
    for old in FOLDER.glob("*.sqlite3"):
        if old != path:
            old.unlink(missing_ok=True)


def install() -> None:
    from django.db.backends.sqlite3.creation import DatabaseCreation

    migrate_afresh = DatabaseCreation.create_test_db

    def create_test_db(
        self, verbosity=1, autoclobber=False, serialize=True, keepdb=False
    ):
        name = self._get_test_db_name()
        if keepdb or not self.is_in_memory_db(name):
            return migrate_afresh(self, verbosity, autoclobber, serialize, keepdb)
        path = template_path()
        if not path.exists():
            name = migrate_afresh(self, verbosity, autoclobber, serialize, keepdb)
            _save(self.connection.connection, path)
            return name
        self.connection.close()
        settings.DATABASES[self.connection.alias]["NAME"] = name
        self.connection.settings_dict["NAME"] = name
        self.connection.ensure_connection()
        with contextlib.closing(sqlite3.connect(path)) as migrated:
            migrated.backup(self.connection.connection)
        if serialize:
            self.connection._test_serialized_contents = self.serialize_db_to_string()
        return name

    DatabaseCreation.create_test_db = create_test_db
