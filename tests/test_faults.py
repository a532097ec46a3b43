"""Faults: PostgreSQL drops the app's connections (as a restart does), and the
next requests succeed without restarting the app."""

from __future__ import annotations

import io
import json
from wsgiref.util import setup_testing_defaults

import psycopg
import pytest
from django.core.handlers.wsgi import WSGIHandler
from django.db import connection

pytestmark = pytest.mark.django_db(transaction=True)


def healthz(app: WSGIHandler) -> tuple[str, dict]:
    # Through the real WSGI handler (not the test client, which switches off
    # the per-request connection checks this is about).
    environ = {
        "PATH_INFO": "/healthz",
        "REQUEST_METHOD": "GET",
        "wsgi.input": io.BytesIO(),
    }
    setup_testing_defaults(environ)
    status = []
    body = b"".join(app(environ, lambda s, headers: status.append(s)))
    return status[0], json.loads(body)


@pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="PostgreSQL only; CI runs the whole suite on PostgreSQL as well",
)
def test_requests_succeed_after_postgresql_cuts_the_connection():
    app = WSGIHandler()
    assert healthz(app) == ("200 OK", {"status": "ok", "database": "ok"})
    connection.ensure_connection()
    pid = connection.connection.info.backend_pid  # kept open between requests
    settings = connection.settings_dict
    with psycopg.connect(
        host=settings["HOST"] or None,
        port=settings["PORT"] or None,
        user=settings["USER"],
        password=settings["PASSWORD"] or None,
        dbname=settings["NAME"],
        autocommit=True,
    ) as admin:
        admin.execute("SELECT pg_terminate_backend(%s)", [pid])
    assert healthz(app) == ("200 OK", {"status": "ok", "database": "ok"})
    assert connection.connection.info.backend_pid != pid  # a new connection
