"""The walker catches the mistakes it exists to catch."""

from __future__ import annotations

import pytest

from tests import walker


@pytest.fixture
def selftest_routes(settings, monkeypatch):
    settings.ROOT_URLCONF = "tests.walker_selftest_urls"
    monkeypatch.setattr(walker, "OUR_MODULES", (*walker.OUR_MODULES, "tests"))
    monkeypatch.setitem(
        walker.OBJECT_TYPES,
        "profile_id",
        walker.ObjectType("profile_id", lambda user: user.profile, lambda p: p.pk),
    )
    return {route.name: route for route in walker.our_routes()}


def test_it_reports_a_view_that_shows_and_changes_another_users_object(
    selftest_routes, owner, other_client
):
    failures = walker.foreign_object_failures(
        selftest_routes["leaky"], owner, other_client
    )
    url = f"/leaky/{owner.profile.pk}/"
    assert failures == [
        f"GET {url} -> 200",
        f"POST {url} -> 200",
        f"POST {url} changed the database: accounts.Profile",
    ]


def test_it_accepts_a_view_scoped_to_the_user(selftest_routes, owner, other_client):
    assert (
        walker.foreign_object_failures(selftest_routes["scoped"], owner, other_client)
        == []
    )


def test_it_demands_a_registered_object_type(selftest_routes, owner, other_client):
    failures = walker.foreign_object_failures(
        selftest_routes["unknown"], owner, other_client
    )
    assert failures == [
        "unknown/<int:mystery_id>/: no object type registered for <mystery_id>"
    ]
