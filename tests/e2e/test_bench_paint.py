"""The benchmark's Largest Contentful Paint measurement (bench/paint.py), on a
live Insights page in the suite's Chromium."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client

from bench.pages import session_cookie
from bench.paint import paint_once
from tests.factories import make_entry

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_largest_contentful_paint_of_a_live_insights_page(browser, live_server, owner):
    today = owner.profile.local_day()
    for back in range(12):
        make_entry(owner, day=today - dt.timedelta(days=back), mood=5 + back % 3)
    client = Client()
    client.force_login(owner)
    charts = client.get("/insights/?range=all").content.count(b"data-figure=")
    assert charts >= 1
    lcp = paint_once(
        browser, live_server.url, session_cookie(owner), "/insights/?range=all", charts
    )
    assert 0 < lcp < 30_000
