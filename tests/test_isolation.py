"""Two users, each with a unique marker in every kind of text they can write.
No page, download or feed of one ever shows the other's marker."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from django.test import Client

from journal.models import Prompt, WeeklyReview
from protocols.models import Protocol, SafetyScreen, Substance
from protocols.services import feed_for
from tests.conftest import make_user
from tests.factories import make_dose, make_entry, make_metric, make_prompt
from tests.walker import PUBLIC_ROUTES, our_routes

pytestmark = pytest.mark.django_db


def fill(user, marker: str) -> None:
    today = user.profile.local_day()
    make_metric(user, name=f"{marker}-metric")
    entry = make_entry(user, day=today, note=f"{marker}-note", tags=[f"{marker}-tag"])
    entry.prompt_text, entry.prompt_answer = f"{marker}-prompt", f"{marker}-answer"
    entry.save()
    make_entry(user, day=today - dt.timedelta(days=3), note=f"{marker}-older")
    substance = Substance.objects.create(
        user=user, name=f"{marker}-substance", unit="mg"
    )
    protocol = Protocol.objects.create(
        user=user, name=f"{marker}-protocol", substance=substance, amount=5, unit="mg",
        kind="fadiman", start_date=today - dt.timedelta(days=9), active=True,
    )  # fmt: skip
    make_dose(
        user, day=today, substance=substance, protocol=protocol, notes=f"{marker}-dose"
    )
    make_prompt(user, text=f"{marker}-own-prompt")
    WeeklyReview.objects.create(
        user=user,
        week_start=today - dt.timedelta(days=today.weekday()),
        first_prompt_text="q1",
        first_answer=f"{marker}-review",
        second_prompt_text="q2",
    )
    SafetyScreen.objects.create(user=user, answers={})


def pages_for(client: Client, user) -> dict[str, bytes]:
    """Every page a signed-in user can open, their exports, feed and CSVs."""
    seen = {}
    for route in our_routes():
        if route.name in PUBLIC_ROUTES or route.object_kwargs:
            continue
        response = client.get(route.url({}))
        if response.status_code == 200:
            seen[route.url({})] = response.content
    for query in ("?range=all", "?q=note", f"?tag={user.username}"):
        seen[f"/journal/{query}"] = client.get(f"/journal/{query}").content
        seen[f"/insights/{query}"] = client.get(f"/insights/{query}").content
    for chart in ("timeline", "phases", "calendar", "tags", "correlations"):
        seen[f"/insights/{chart}.csv"] = client.get(
            f"/insights/{chart}.csv?range=all"
        ).content
    seen["export.json"] = client.post("/settings/export.json").content
    seen["export.zip"] = client.post("/settings/export.zip").content
    feed = feed_for(user)
    feed.show_details = True
    feed.save()
    seen["feed"] = Client().get(f"/protocol/feed/{feed.token}.ics").content
    return seen


def test_no_page_export_or_feed_shows_another_users_text():
    alice, bob = make_user("alice"), make_user("bob")
    fill(alice, "ALICEMARK")
    fill(bob, "BOBMARK")
    for user, own, other in (
        (alice, b"ALICEMARK", b"BOBMARK"),
        (bob, b"BOBMARK", b"ALICEMARK"),
    ):
        client = Client()
        client.force_login(user)
        pages = pages_for(client, user)
        assert len(pages) > 25
        leaks = [url for url, body in pages.items() if other in body]
        assert leaks == []
        # The markers are really there for their owner: the check can fail.
        assert own + b"-note" in pages["/journal/?range=all"]
        assert own + b"-protocol" in pages["feed"]
        document = json.loads(pages["export.json"])
        assert document["entries"][-1]["note"] == own.decode() + "-note"


def test_built_in_prompts_are_shared_but_own_prompts_are_not():
    alice, bob = make_user("alice"), make_user("bob")
    make_prompt(alice, text="ALICEMARK-own-prompt")
    client = Client()
    client.force_login(bob)
    assert b"ALICEMARK" not in client.get("/settings/prompts/").content
    assert Prompt.objects.filter(owner=None).exists()
