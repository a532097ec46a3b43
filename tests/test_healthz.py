from __future__ import annotations

import pytest
from django.db import OperationalError


@pytest.mark.django_db
def test_it_reports_ok_when_the_database_answers(anon_client):
    response = anon_client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "database": "ok"}
    assert "no-store" in response["Cache-Control"]


@pytest.mark.django_db
def test_it_answers_503_when_the_database_does_not(anon_client, monkeypatch):
    def broken_cursor(*args, **kwargs):
        raise OperationalError("connection refused")

    monkeypatch.setattr("config.views.connection.cursor", broken_cursor)
    response = anon_client.get("/healthz")
    assert response.status_code == 503
    assert response.json() == {"status": "error", "database": "error"}


@pytest.mark.django_db
def test_it_answers_probes_on_internal_host_names(anon_client, settings):
    # Container healthchecks call 127.0.0.1 or the service name, which is not
    # in ALLOWED_HOSTS, and plain HTTP, which production redirects.
    settings.ALLOWED_HOSTS = ["journal.example.org"]
    settings.SECURE_SSL_REDIRECT = True
    response = anon_client.get("/healthz", HTTP_HOST="titrate-app:8000")
    assert response.status_code == 200
    other = anon_client.get("/accounts/login/", HTTP_HOST="titrate-app:8000")
    assert other.status_code == 400


@pytest.mark.django_db
def test_it_refuses_writes(anon_client):
    assert anon_client.post("/healthz").status_code == 405
