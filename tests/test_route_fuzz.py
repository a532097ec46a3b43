"""Every route of ours, its path arguments and its query parameters given the
values that have broken pages before: never a server error.

Path values replace each URL argument in turn (the others keep valid ones);
query values go to every parameter any view reads, on every page whose
request reads its query string at all. A 4xx, a redirect or a page is fine;
a 500 is not.
"""

from __future__ import annotations

import pytest
from django.core.handlers.wsgi import WSGIRequest
from django.test import Client

from protocols.models import SafetyScreen
from tests.walker import OBJECT_TYPES, PLAIN_KWARGS, our_routes

ROUTES = our_routes()

PATH_VALUES = ["0", "1", "99999999999999999999", "%00", "x" * 300]
# Every query parameter a view of ours reads.
QUERY_NAMES = [
    "range", "start", "end", "metric", "q", "tag", "before", "substance", "saved",
]  # fmt: skip
QUERY_VALUES = [
    "0001-01-01",
    "9999-12-31",
    "99999999999999999999",
    "-1",
    "a\x00b",
    "<b>x</b>",
    "x" * 5000,
    "²",  # a digit to str.isdigit, not to int()
]


def _valid_values(owner) -> dict:
    values = {**PLAIN_KWARGS, "token": "not-a-feed"}
    for kwarg, kind in OBJECT_TYPES.items():
        values[kwarg] = kind.url_value(kind.create(owner))
    return values


@pytest.fixture
def client_and_values(owner) -> tuple[Client, dict]:
    """The owner, past the safety questions, and a valid value for every argument."""
    SafetyScreen.objects.create(user=owner, answers={})
    client = Client(raise_request_exception=False)
    client.force_login(owner)
    return client, _valid_values(owner)


@pytest.fixture
def query_reads(monkeypatch) -> list[str]:
    """The path of every request whose query string was read (`request.GET`,
    by a view, a template or a middleware)."""
    reads: list[str] = []
    parse = WSGIRequest.__dict__["GET"]  # a cached_property

    class Recorded:
        def __get__(self, request, owner=None):
            if request is not None:
                reads.append(request.path)
            return parse.__get__(request, owner)

    monkeypatch.setattr(WSGIRequest, "GET", Recorded())
    return reads


@pytest.mark.django_db
def test_the_query_string_reads_are_seen(client_and_values, query_reads):
    client, _ = client_and_values
    assert client.get("/offline/").status_code == 200
    assert query_reads == []  # a page that reads no query
    assert client.get("/journal/", {"q": "walk"}).status_code == 200
    assert "/journal/" in query_reads


# In a few parts, so parallel test workers share them out.
PARTS = 4


@pytest.mark.django_db
@pytest.mark.slow
@pytest.mark.parametrize("part", range(PARTS))
def test_no_path_argument_makes_a_server_error(client_and_values, part):
    client, valid = client_and_values
    failures = []
    for route in ROUTES[part::PARTS]:
        for kwarg in route.kwargs:
            for value in PATH_VALUES:
                url = route.url({**valid, kwarg: value})
                for method in ("get", "post"):
                    status = getattr(client, method)(url).status_code
                    if status >= 500:
                        failures.append(f"{method.upper()} {url[:120]} -> {status}")
    assert failures == []


@pytest.mark.django_db
@pytest.mark.slow
@pytest.mark.parametrize("part", range(PARTS))
def test_no_query_parameter_makes_a_server_error(client_and_values, query_reads, part):
    client, valid = client_and_values
    failures = []
    for route in ROUTES[part::PARTS]:
        url = route.url(valid)
        query_reads.clear()
        if client.get(url).status_code != 200:
            continue  # POST-only actions and redirects read no query
        if not query_reads:
            # Nothing on the way to this page looked at its query string, so
            # no value in it can change what the page does (the envelopes'
            # PDF, say, a third of a second each).
            continue
        for value in QUERY_VALUES:
            # Every parameter at once, then a custom range, where one bad
            # value could otherwise send the form back to its defaults.
            for params in (
                dict.fromkeys(QUERY_NAMES, value),
                {"range": "custom", "start": value},
                {"range": "custom", "start": "2020-01-01", "end": value},
            ):
                status = client.get(url, params).status_code
                if status >= 500:
                    failures.append(f"GET {url} {params!r:.80} -> {status}")
    assert failures == []
