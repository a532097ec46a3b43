"""Settings come from the environment and fail loudly on bad values."""

from __future__ import annotations

import datetime as dt
import os
import secrets
import subprocess
import sys
from pathlib import Path
from unittest import mock

import pytest
from django.apps import apps
from django.core.exceptions import ImproperlyConfigured

from config import env
from reminders.models import ReminderSettings

ROOT = Path(__file__).resolve().parent.parent


def run_manage(*args: str, tmp_path: Path, **variables: str):
    return _run([sys.executable, "manage.py", *args], tmp_path, variables)


def read_settings(code: str, tmp_path: Path, **variables: str):
    """Run code that reads django.conf.settings in a new process, as
    `manage.py shell -c` would but without loading the apps (a tenth of the
    time), with the environment given."""
    variables.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    return _run([sys.executable, "-c", code], tmp_path, variables)


def _run(command: list[str], tmp_path: Path, variables: dict[str, str]):
    environment = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("DJANGO_", "SECRET_KEY", "DEBUG", "ALLOWED_HOSTS"))
        and key not in {"DATABASE_URL", "REGISTRATION", "TIME_ZONE"}
    }
    environment.update({"DATA_DIR": str(tmp_path), **variables})
    return subprocess.run(
        command,
        cwd=ROOT,
        env=environment,
        capture_output=True,
        text=True,
        timeout=60,
    )


def production(**extra: str) -> dict[str, str]:
    return {
        "DEBUG": "false",
        "SECRET_KEY": secrets.token_urlsafe(50),
        "ALLOWED_HOSTS": "example.org",
        **extra,
    }


def test_no_check_warns_of_a_fixed_default_at_the_time_it_holds():
    """Django warns of a field whose default is a fixed time (fields.W161)
    when its checks run within ten seconds of that time: `check --deploy`
    failed when run at 08:00, the morning reminders' default."""
    field = ReminderSettings._meta.get_field("morning_time")
    assert field.get_default() == dt.time(8, 0)
    for moment in ("07:59:55", "08:00:00", "08:00:05"):
        now = dt.datetime.fromisoformat(f"2026-12-07T{moment}+00:00")
        with mock.patch("django.utils.timezone.now", return_value=now):
            assert [message.id for message in field.check()] == [], moment


def test_no_model_field_has_a_fixed_date_or_time_default():
    fixed = [
        f"{model._meta.label}.{field.name}"
        for model in apps.get_models()
        for field in model._meta.concrete_fields
        if isinstance(field.default, (dt.date, dt.time))
    ]
    assert fixed == []


@pytest.mark.slow
def test_check_deploy_reports_no_issues(tmp_path):
    result = run_manage(
        "check",
        "--deploy",
        "--fail-level",
        "WARNING",
        tmp_path=tmp_path,
        **production(),
    )
    assert result.returncode == 0, result.stderr
    assert "System check identified no issues (0 silenced)." in result.stdout


def test_production_refuses_to_start_without_a_secret_key(tmp_path):
    variables = production()
    del variables["SECRET_KEY"]
    result = run_manage("check", tmp_path=tmp_path, **variables)
    assert result.returncode != 0
    assert "SECRET_KEY is required when DEBUG=false" in result.stderr
    assert not (tmp_path / "secret_key").exists()


def test_production_reads_the_secret_key_from_a_file(tmp_path):
    key = secrets.token_urlsafe(50)
    key_file = tmp_path / "key"
    key_file.write_text(key + "\n")
    variables = production(SECRET_KEY_FILE=str(key_file))
    del variables["SECRET_KEY"]
    shown = (
        "from django.conf import settings; print(settings.DEBUG, settings.SECRET_KEY)"
    )
    result = read_settings(shown, tmp_path, **variables)
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["False", key]
    assert not (tmp_path / "secret_key").exists()  # no key of its own was made


def test_development_generates_a_secret_key_once_and_keeps_it(tmp_path):
    printed = "from django.conf import settings; print(settings.SECRET_KEY)"
    first = read_settings(printed, tmp_path)
    second = read_settings(printed, tmp_path)
    assert first.returncode == 0, first.stderr
    key = (tmp_path / "secret_key").read_text().strip()
    assert len(key) >= 50
    assert first.stdout.strip() == second.stdout.strip() == key
    assert (tmp_path / "secret_key").stat().st_mode & 0o077 == 0


@pytest.mark.parametrize(
    ("variables", "message"),
    [
        ({"DEBUG": "maybe"}, "DEBUG must be true or false, got 'maybe'"),
        ({"REGISTRATION": "sometimes"}, "REGISTRATION must be one of first-user"),
        ({"TIME_ZONE": "Mars/Olympus"}, "TIME_ZONE must be an IANA time zone"),
        ({"DATABASE_URL": "mysql://x@y/z"}, "DATABASE_URL must be a postgres:// URL"),
        ({"SESSION_COOKIE_AGE": "soon"}, "SESSION_COOKIE_AGE must be a whole number"),
        ({"CSRF_TRUSTED_ORIGINS": "example.org"}, "need a scheme"),
        (production(ALLOWED_HOSTS=""), "ALLOWED_HOSTS is required when DEBUG=false"),
    ],
)
def test_it_refuses_bad_values_with_a_clear_message(tmp_path, variables, message):
    result = run_manage("check", tmp_path=tmp_path, **variables)
    assert result.returncode != 0
    assert message in result.stderr


@pytest.mark.parametrize(
    ("prepared", "threshold"),
    [({}, "5"), ({"DATABASE_PREPARED_STATEMENTS": "off"}, "None")],
)
def test_a_postgres_url_gives_persistent_health_checked_connections(
    tmp_path, prepared, threshold
):
    shown = (
        "from django.conf import settings; d = settings.DATABASES['default'];"
        "print(d['ENGINE'], d['NAME'], d['CONN_MAX_AGE'], d['CONN_HEALTH_CHECKS'],"
        "d['OPTIONS']['server_side_binding'], d['OPTIONS']['prepare_threshold'])"
    )
    result = read_settings(
        shown,
        tmp_path,
        DATABASE_URL="postgres://u:p@db.internal:5432/titrate",
        **prepared,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == [
        "config.postgresql",
        "titrate",
        "600",
        "True",
        "True",
        threshold,
    ]


def test_without_a_database_url_sqlite_lives_in_the_data_folder(tmp_path):
    shown = (
        "from django.conf import settings; print(settings.DATABASES['default']['NAME'])"
    )
    result = read_settings(shown, tmp_path)
    assert result.stdout.strip() == str(tmp_path / "titrate.sqlite3")


class TestHelpers:
    def test_bool_accepts_common_words(self, monkeypatch):
        for word, expected in [
            ("TRUE", True),
            ("on", True),
            ("0", False),
            ("No", False),
        ]:
            monkeypatch.setenv("FLAG", word)
            assert env.env_bool("FLAG", not expected) is expected

    def test_blank_means_unset(self, monkeypatch):
        monkeypatch.setenv("FLAG", "  ")
        assert env.env_bool("FLAG", True) is True
        assert env.env_list("FLAG", ["a"]) == ["a"]

    def test_int_enforces_a_minimum(self, monkeypatch):
        monkeypatch.setenv("COUNT", "-1")
        with pytest.raises(ImproperlyConfigured, match="COUNT must be at least 0"):
            env.env_int("COUNT", 5, minimum=0)

    def test_list_splits_on_commas(self, monkeypatch):
        monkeypatch.setenv("HOSTS", "a.example, b.example,,")
        assert env.env_list("HOSTS", []) == ["a.example", "b.example"]


@pytest.mark.parametrize(
    ("url", "backend", "location"),
    [
        (None, "db.DatabaseCache", "titrate_cache"),
        ("db://other_table", "db.DatabaseCache", "other_table"),
        ("redis://cache:6379/0", "redis.RedisCache", "redis://cache:6379/0"),
        (
            "rediss://:secret@cache:6380/1",
            "redis.RedisCache",
            "rediss://:secret@cache:6380/1",
        ),
        ("locmem://", "locmem.LocMemCache", "titrate"),
        ("dummy://", "dummy.DummyCache", None),
    ],
)
def test_cache_url_chooses_the_backend(monkeypatch, url, backend, location):
    from config.env import env_cache

    if url is None:
        monkeypatch.delenv("CACHE_URL", raising=False)
    else:
        monkeypatch.setenv("CACHE_URL", url)
    cache = env_cache("CACHE_URL")
    assert cache["BACKEND"] == f"django.core.cache.backends.{backend}"
    assert cache.get("LOCATION") == location


@pytest.mark.parametrize("url", ["memcached://x:11211", "redis://", "cache:6379"])
def test_a_cache_url_that_cannot_work_stops_the_app(monkeypatch, url):
    from django.core.exceptions import ImproperlyConfigured

    from config.env import env_cache

    monkeypatch.setenv("CACHE_URL", url)
    with pytest.raises(ImproperlyConfigured, match="CACHE_URL"):
        env_cache("CACHE_URL")


@pytest.mark.slow
def test_the_server_process_freezes_what_it_loaded(tmp_path):
    """config.wsgi loads the views and then freezes the collector's view of
    them, so full collections during requests walk only what requests made;
    the youngest generation waits for more new objects than Python's 700."""
    program = (
        "import gc, sys, config.wsgi; "
        "print(gc.get_freeze_count(), 'journal.views' in sys.modules, "
        "gc.get_threshold()[0])"
    )
    result = _run([sys.executable, "-c", program], tmp_path, production())
    assert result.returncode == 0, result.stderr
    frozen, views_loaded, young = result.stdout.split()
    assert int(frozen) > 50_000
    assert views_loaded == "True"
    assert int(young) == 50_000


@pytest.mark.slow
def test_the_server_process_collects_what_a_request_left_once_it_is_answered(
    tmp_path,
):
    """Objects in reference cycles (as a request leaves them) are freed when
    the server closes the response, not when some later request crosses the
    collector's threshold: the collection falls between requests. What was
    still in use then, and only later left in a cycle, is freed within the
    collector's older generations' rhythm (every tenth and hundredth answer)
    rather than kept for good."""
    program = """
import weakref
from wsgiref.util import setup_testing_defaults
import config.wsgi

class Cycle:
    pass

def cycle():
    made = Cycle()
    made.itself = made
    return made

def answer():
    environ = {"PATH_INFO": "/healthz"}
    setup_testing_defaults(environ)
    statuses = []
    body = config.wsgi.application(environ, lambda s, h: statuses.append(s))
    b"".join(body)
    return body, statuses[0][:3]

left = cycle()
alive = weakref.ref(left)
del left
body, status = answer()
answered = alive() is not None
body.close()
print(status, answered, alive() is None)

# In use across one answer (to the second generation), then across twenty
# (to the oldest), and only then left.
for answers in (1, 20):
    kept = cycle()
    alive = weakref.ref(kept)
    for _ in range(answers):
        answer()[0].close()
    del kept
    for _ in range(110):
        answer()[0].close()
    print(alive() is None)
"""
    result = _run([sys.executable, "-c", program], tmp_path, production())
    assert result.returncode == 0, result.stderr
    first, older, oldest = result.stdout.strip().splitlines()
    status, kept_while_answering, freed_once_closed = first.split()
    assert status == "200"
    assert kept_while_answering == "True"
    assert freed_once_closed == "True"
    assert older == "True"
    assert oldest == "True"
