"""The files a self-hoster reads stay true to the code."""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent


def settings_variables() -> set[str]:
    source = (ROOT / "config" / "settings.py").read_text()
    return set(re.findall(r'env_\w+\(\s*"([A-Z_]+)"', source))


def test_the_settings_read_the_variables_we_expect():
    assert {"DATABASE_URL", "SECRET_KEY", "REGISTRATION", "ALLOWED_HOSTS"} <= (
        settings_variables()
    )


def test_every_variable_is_in_env_example_and_the_readme():
    example = (ROOT / ".env.example").read_text()
    readme = (ROOT / "README.md").read_text()
    for name in settings_variables():
        assert re.search(rf"^#? ?{name}=", example, re.MULTILINE), name
        assert f"`{name}`" in readme, name


def test_the_readme_quick_start_is_the_two_commands():
    readme = (ROOT / "README.md").read_text()
    quick_start = readme.split("## Quick start", 1)[1].split("\n## ", 1)[0]
    commands = re.findall(r"^(make \w+)$", quick_start, re.MULTILINE)
    assert commands == ["make run", "make test"]


def test_pyproject_pins_match_the_lock():
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    locked = {}
    for line in (ROOT / "requirements.txt").read_text().splitlines():
        if line and not line.startswith("#"):
            name, version = line.split("==")
            locked[name.lower()] = version
    for requirement in project["dependencies"]:
        name, version = requirement.split("==")
        name = re.sub(r"\[.*\]", "", name).lower()
        assert locked.get(name) == version, requirement


def test_compose_runs_the_app_on_postgres_16_with_health_checks():
    compose = yaml.safe_load((ROOT / "docker-compose.yml").read_text())
    db, app = compose["services"]["db"], compose["services"]["app"]
    assert db["image"] == "postgres:16"
    assert any(v.endswith(":/var/lib/postgresql/data") for v in db["volumes"])
    assert "pg_isready" in " ".join(db["healthcheck"]["test"])
    assert app["build"] == "."
    assert app["env_file"] == ".env"
    assert app["depends_on"]["db"]["condition"] == "service_healthy"
    assert app["environment"]["DATABASE_URL"].startswith("postgres://")
    assert "/healthz" in " ".join(app["healthcheck"]["test"])
    # Only the reverse proxy on this host should reach the app.
    assert all(port.startswith("127.0.0.1:") for port in app["ports"])


def test_the_image_migrates_then_serves_with_gunicorn():
    entrypoint = (ROOT / "docker" / "entrypoint.sh").read_text()
    assert entrypoint.index("manage.py migrate") < entrypoint.index("exec gunicorn")
    assert entrypoint.index("manage.py purge_expired") < entrypoint.index(
        "exec gunicorn"
    )
    assert "while sleep 86400; do python manage.py purge_expired" in entrypoint
    assert 'CMD ["sh", "docker/entrypoint.sh"]' in (ROOT / "Dockerfile").read_text()


def test_redis_is_optional_behind_a_profile():
    compose = yaml.safe_load((ROOT / "docker-compose.yml").read_text())
    redis = compose["services"]["redis"]
    assert redis["profiles"] == ["redis"]
    assert "redis" not in compose["services"]["app"].get("depends_on", {})
    assert "redis-cli" in redis["healthcheck"]["test"]


def test_compose_runs_the_worker_on_the_same_database():
    compose = yaml.safe_load((ROOT / "docker-compose.yml").read_text())
    worker, app = compose["services"]["worker"], compose["services"]["app"]
    assert worker["command"] == ["python", "manage.py", "worker"]
    assert worker["environment"]["DATABASE_URL"] == app["environment"]["DATABASE_URL"]
    assert "profiles" not in worker  # reminders need it: it always runs


def test_make_run_starts_the_worker_beside_the_server():
    makefile = (ROOT / "Makefile").read_text()
    run = makefile.split("\nrun:", 1)[1].split("\n\n", 1)[0]
    assert "$(MANAGE) worker &" in run and "runserver" in run
