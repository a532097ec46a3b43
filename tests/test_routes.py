"""Every URL of our apps: login required, and other people's objects are 404."""

from __future__ import annotations

import pytest
from django.conf import settings
from django.urls import reverse

from protocols.models import SafetyScreen
from tests.walker import (
    OBJECT_TYPES,
    PUBLIC_ROUTES,
    foreign_object_failures,
    our_routes,
)

ROUTES = our_routes()
PRIVATE = [r for r in ROUTES if r.name not in PUBLIC_ROUTES]
# Routes that need no object: a signed-in user can open them directly.
PLAIN_PRIVATE = [r for r in PRIVATE if not r.object_kwargs]
WITH_OBJECTS = [r for r in PRIVATE if r.object_kwargs]
# Second steps of a flow send you back to the first when there is nothing to show.
SECOND_STEPS = {"portability:import_daylio_preview": "portability:import_daylio"}


def test_the_walker_finds_our_routes():
    names = {route.name for route in ROUTES}
    assert {"healthz", "journal:today", "accounts:settings"} <= names
    assert not any(name.startswith("admin:") for name in names)
    assert not any(name.startswith("account_") for name in names)


def test_every_public_route_exists():
    assert {route.name for route in ROUTES} >= PUBLIC_ROUTES


@pytest.mark.django_db
@pytest.mark.parametrize("route", PRIVATE, ids=lambda r: r.name)
@pytest.mark.parametrize("method", ["get", "post"])
def test_it_sends_anonymous_visitors_to_login(anon_client, route, method):
    values = {kwarg: 1 for kwarg in route.kwargs}
    response = getattr(anon_client, method)(route.url(values))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse(settings.LOGIN_URL))


@pytest.mark.django_db
@pytest.mark.parametrize("route", PLAIN_PRIVATE, ids=lambda r: r.name)
def test_it_serves_signed_in_users(owner_client, owner, route):
    # Past the one-time safety questions, which otherwise come first.
    SafetyScreen.objects.create(user=owner, answers={})
    response = owner_client.get(route.url({}))
    if response.status_code == 405:  # a POST-only action
        assert response["Allow"] == "POST"
    elif route.name in SECOND_STEPS:  # opened before its first step
        assert response["Location"] == reverse(SECOND_STEPS[route.name])
    else:
        assert response.status_code == 200
        # Signed-in pages may hold journal text: never kept in any cache.
        assert "no-store" in response["Cache-Control"]


@pytest.mark.django_db
def test_other_users_objects_are_not_found(owner, other_client):
    # One test over every object route (not a parametrized one) so it runs and
    # passes, rather than skips, while no route takes an object yet.
    failures = []
    for route in WITH_OBJECTS:
        failures += foreign_object_failures(route, owner, other_client)
    assert failures == []
    assert {kwarg for route in WITH_OBJECTS for kwarg in route.object_kwargs} <= set(
        OBJECT_TYPES
    )
