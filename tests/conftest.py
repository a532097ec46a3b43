"""Shared fixtures: three personas (owner, another user, anonymous)."""

from __future__ import annotations

import os
import threading
import time
from typing import NoReturn

import pytest
from django.test import Client
from django.test.utils import override_settings
from hypothesis import settings as hypothesis_settings

from accounts.models import Profile, User
from journal.services import metrics_create_defaults
from protocols.services import substances_create_defaults
from tests import factories, sqlite_template

factories.register_walker_object_types()
sqlite_template.install()

PASSWORD = "correct horse battery staple"


def missing_tool(message: str) -> NoReturn:
    """A tool a test needs is not installed: skip on a laptop, fail in CI
    (CI=true), where every check must run."""
    if os.environ.get("CI", "").lower() == "true":
        pytest.fail(message, pytrace=False)
    pytest.skip(message)


# Hypothesis: a few examples on every save ("dev"), many in CI ("ci", which
# .ci/run chooses with HYPOTHESIS_PROFILE=ci). Test client requests take
# milliseconds each, past Hypothesis's default deadline now and then.
hypothesis_settings.register_profile("dev", max_examples=15, deadline=None)
hypothesis_settings.register_profile("ci", max_examples=200, deadline=None)
hypothesis_settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "dev"))


@pytest.fixture(autouse=True, scope="session")
def _fast_settings():
    # The real hasher would dominate the run time of tests that create users.
    # WhiteNoise scans every static file (and its compressed forms) when its
    # middleware starts, which the test client does once per test: 0.14 s a
    # test. With autorefresh it finds a file when it is asked for, as the same
    # files, with the same headers.
    with override_settings(
        PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"],
        WHITENOISE_AUTOREFRESH=True,
    ):
        yield


@pytest.fixture(scope="session")
def scipy_stats():
    """scipy.stats, the reference some statistics are checked against. Taken
    by the tests that use it, never imported by a test module: its import
    takes about a second, which every test process paid while collecting."""
    from scipy import stats

    return stats


def in_pipeline() -> bool:
    """Whether the database connection is in psycopg's pipeline mode
    (config.prepared.ahead() sending reads together)."""
    from django.db import connection
    from psycopg import pq

    return connection.connection.pgconn.pipeline_status != pq.PipelineStatus.OFF


@pytest.fixture
def sent_queries():
    """Each query sent from here on: (whether it went in a pipeline, its SQL)."""
    from django.db import connection

    log = []

    def record(execute, sql, params, many, context):
        log.append((connection.vendor == "postgresql" and in_pipeline(), sql))
        return execute(sql, params, many, context)

    with connection.execute_wrapper(record):
        yield log


class _Requests:
    """The live server's requests still being answered. A page closed with
    one in flight (a fetch its script started as the test ended), or wrk
    stopped, leaves a server thread at work while the test's teardown
    empties the database: on PostgreSQL the two can deadlock and the next
    test finds the last one's rows."""

    def __init__(self) -> None:
        self.open = 0
        self.changed = threading.Condition()

    def started(self, **kwargs) -> None:
        with self.changed:
            self.open += 1

    def finished(self, **kwargs) -> None:
        with self.changed:
            self.open -= 1
            self.changed.notify_all()

    def wait_until_answered(self, timeout: float = 10.0) -> None:
        # A request the browser sent just before it closed may reach its
        # thread a moment later: quiet means none open for a short while.
        deadline = time.monotonic() + timeout
        quiet_since = None
        with self.changed:
            while (now := time.monotonic()) < deadline:
                if self.open > 0:
                    quiet_since = None
                elif quiet_since is None:
                    quiet_since = now
                elif now - quiet_since >= 0.02:
                    return
                self.changed.wait(timeout=0.005)
        pytest.fail(f"{self.open} request(s) to the live server still unanswered")


@pytest.fixture(autouse=True)
def _answered_before_the_database_is_emptied(request):
    # For a test with the live server (a browser's pages, wrk): set up after
    # the database and before the test's pages, so torn down after every
    # page is closed and before the database is emptied.
    if "live_server" not in request.fixturenames:
        yield
        return
    request.getfixturevalue("transactional_db")
    from django.core.signals import request_finished, request_started

    requests = _Requests()
    request_started.connect(requests.started)
    request_finished.connect(requests.finished)
    yield
    try:
        requests.wait_until_answered()
    finally:
        request_started.disconnect(requests.started)
        request_finished.disconnect(requests.finished)


def make_user(username: str, **extra) -> User:
    user = User.objects.create_user(
        username=username, email=f"{username}@example.test", password=PASSWORD, **extra
    )
    Profile.objects.create(user=user, timezone="Europe/Berlin")
    metrics_create_defaults(user=user)
    substances_create_defaults(user=user)
    return user


@pytest.fixture
def owner(db) -> User:
    return make_user("owner")


@pytest.fixture
def other_user(db) -> User:
    return make_user("intruder")


@pytest.fixture
def owner_client(owner) -> Client:
    client = Client()
    client.force_login(owner)
    return client


@pytest.fixture
def other_client(other_user) -> Client:
    client = Client()
    client.force_login(other_user)
    return client


@pytest.fixture
def anon_client() -> Client:
    return Client()


@pytest.fixture
def metrics(owner) -> dict:
    """The owner's default metrics by key: mood, anxiety, energy, focus, sleep."""
    from journal.models import Metric

    return {m.key: m for m in Metric.objects.filter(user=owner)}


@pytest.hookimpl(trylast=True)
def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Tests marked `longest` start first among the tests pytest-django runs
    after the rest (those on a live server, which flush the database), so
    that parallel workers are not left waiting for one of them at the end.
    The order pytest-django chose is kept otherwise."""
    live = [i for i, item in enumerate(items) if _is_transactional(item)]
    if not live:
        return
    first, last = live[0], live[-1] + 1
    segment = items[first:last]
    if not all(_is_transactional(item) for item in segment):
        return  # not one block: leave pytest-django's order alone
    segment.sort(key=lambda item: item.get_closest_marker("longest") is None)
    items[first:last] = segment


def _is_transactional(item: pytest.Item) -> bool:
    marker = item.get_closest_marker("django_db")
    fixtures = getattr(item, "fixturenames", ())
    return bool(
        (marker and marker.kwargs.get("transaction"))
        or "live_server" in fixtures
        or "transactional_db" in fixtures
    )
