from __future__ import annotations

import datetime as dt
import re

import pytest

from tests.factories import make_entry, make_metric

pytestmark = pytest.mark.django_db


def test_the_month_grid_colours_days_by_mood_and_shows_the_number(owner_client, owner):
    make_entry(owner, day=dt.date(2026, 5, 4), mood=2)
    make_entry(owner, day=dt.date(2026, 5, 4), mood=3)
    make_entry(owner, day=dt.date(2026, 5, 20), mood=10)
    html = owner_client.get("/journal/month/2026/5/").content.decode()
    assert "<h1>May 2026</h1>" in html
    assert '<span class="cal-value">2.5</span>' in html
    assert '<span class="cal-value">10</span>' in html
    assert "shade-0" in html and "shade-4" in html
    assert "/journal/?start=2026-05-04&amp;end=2026-05-04" in html
    # Screen readers hear the whole day in the link's text.
    assert "Monday 4 May, Mood 2.5, 2 entries" in re.sub(r"<[^>]+>", "", html)


def test_lower_is_better_metrics_shade_low_values_as_good(owner_client, owner, metrics):
    entry = make_entry(owner, day=dt.date(2026, 5, 4), mood=None)
    entry.ratings.create(metric=metrics["anxiety"], value=1)
    html = owner_client.get(
        f"/journal/month/2026/5/?metric={metrics['anxiety'].pk}"
    ).content.decode()
    cell = html.split("/journal/?start=2026-05-04")[0].rsplit("<td", 1)[1]
    assert "shade-4" in cell


def test_previous_and_next_months_swap_through_htmx(owner_client, owner):
    html = owner_client.get("/journal/month/2026/1/").content.decode()
    assert 'href="/journal/month/2025/12/' in html
    assert 'hx-get="/journal/month/2026/2/' in html
    partial = owner_client.get("/journal/month/2026/2/", headers={"HX-Request": "true"})
    assert b"<html" not in partial.content
    assert b"February 2026" in partial.content


def test_the_default_month_is_the_current_one(owner_client, owner):
    today = owner.profile.local_day()
    html = owner_client.get("/journal/month/").content.decode()
    assert f"<h1>{today:%B %Y}</h1>" in html
    assert 'class="cal-day today' in html or "cal-day shade-none today" in html


@pytest.mark.parametrize("path", ["/journal/month/2026/13/", "/journal/month/2026/0/"])
def test_impossible_months_are_not_found(owner_client, path):
    assert owner_client.get(path).status_code == 404


def test_another_users_metric_id_is_ignored(owner_client, owner, other_user):
    foreign = make_metric(other_user)
    make_entry(owner, day=dt.date(2026, 5, 4), mood=8)
    html = owner_client.get(
        f"/journal/month/2026/5/?metric={foreign.pk}"
    ).content.decode()
    assert "Mood 8" in re.sub(r"<[^>]+>", "", html)


def test_other_users_days_are_never_shown(owner_client, owner, other_user):
    make_entry(other_user, day=dt.date(2026, 5, 4), mood=1)
    html = owner_client.get("/journal/month/2026/5/").content.decode()
    assert "cal-value" not in html
