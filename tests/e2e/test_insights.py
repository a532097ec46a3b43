from __future__ import annotations

import datetime as dt

import pytest
from django.core.management import call_command
from playwright.sync_api import expect

from tests.e2e.conftest import screenshot

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_insights_render_charts_under_the_production_policy(
    desktop_dark_page, live_server
):
    call_command("seed_demo", "--user", "demo", "--password", "demo", "--years", "1")
    page, watch = desktop_dark_page
    page.goto(live_server.url + "/accounts/login/")
    page.fill("#id_login", "demo")
    page.fill("#id_password", "demo")
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(live_server.url + "/")

    page.goto(live_server.url + "/insights/?range=1y")
    page.wait_for_function(
        "() => document.querySelectorAll('.js-plotly-plot').length === 7"
    )
    assert page.locator(".js-plotly-plot .main-svg").count() >= 7
    # Questionnaire totals: PHQ-9, GAD-7 and WHO-5 (on its own axis).
    assert page.locator("#figure-questionnaires .scatterlayer .trace").count() == 3
    # The intervals are drawn (the bundle must include plotly's error bars).
    assert page.locator("#figure-tags .errorbar").count() > 0
    assert page.locator("#figure-phases .errorbar").count() > 0
    # The timeline's days, sent as a first day and a step, land on their dates.
    first_day, days, rated, last_x = page.evaluate(
        """() => {
          const chart = document.getElementById("figure-timeline");
          const trace = chart._fullData[0];
          const axis = chart._fullLayout.xaxis;
          return [trace.x0, trace.y.length, trace.y.filter((y) => y !== null).length,
                  axis.d2c(trace.x0) + (trace.y.length - 1) * trace.dx];
        }"""
    )
    drawn = page.locator("#figure-timeline .scatterlayer .trace").first
    assert drawn.locator(".point").count() == rated > 200  # every rated day
    assert 360 <= days <= 366
    last = page.evaluate("(x) => new Date(x).toISOString().slice(0, 10)", last_x)
    assert dt.date.fromisoformat(last) - dt.date.fromisoformat(first_day[:10]) == (
        dt.timedelta(days=days - 1)
    )
    policy = page.evaluate(
        "fetch(location.href).then(r => r.headers.get('content-security-policy'))"
    )
    assert "script-src 'self'" in policy and "unsafe" not in policy

    # Changing the range swaps the charts through htmx and draws them again.
    page.evaluate("window.__sameDocument = true")
    page.get_by_role("radio", name="90 days").check()
    page.wait_for_url("**/insights/?*range=90d*")
    page.wait_for_function(
        "() => document.querySelectorAll('.js-plotly-plot').length === 7"
    )
    assert page.evaluate("window.__sameDocument") is True
    screenshot(page, "insights-desktop-dark")
    # A long data table arrives when it is opened.
    timeline = page.locator("#section-timeline details")
    assert timeline.locator("tbody tr").count() == 0
    timeline.locator("summary").click()
    expect(timeline.locator("tbody tr").first).to_be_visible()
    assert timeline.locator("tbody tr").count() > 60
    watch.assert_clean()

    # No journal data stays in the browser: htmx keeps no page snapshots.
    page.get_by_role("link", name="Journal").click()
    page.go_back()
    page.wait_for_function(
        "() => document.querySelectorAll('.js-plotly-plot').length === 7"
    )
    stored = page.evaluate(
        "() => [sessionStorage.getItem('htmx-history-cache'),"
        " localStorage.getItem('htmx-history-cache')]"
    )
    assert stored in ([None, None], ["[]", None], [None, "[]"])


def test_tag_names_in_charts_stay_text(desktop_dark_page, live_server):
    import datetime as dt

    from tests.conftest import PASSWORD, make_user
    from tests.factories import make_dose, make_entry

    user = make_user("tagger")
    today = user.profile.local_day()
    link = '<a href="https://example.org/">x</a>'
    # The figure travels in a single-quoted attribute: a quote and an
    # ampersand in a name must reach the chart as they were typed.
    quoted = "Sam's walk & tea"
    names = [["<b>"], [link], [quoted]]
    for offset in range(40):
        day = today - dt.timedelta(days=offset)
        make_entry(user, day=day, mood=3 + offset % 5, tags=names[offset % 3])
        # Every fourth day, so no tag's days are the dose days.
        if offset % 4 == 0:
            make_dose(user, day=day)
    page, watch = desktop_dark_page
    page.goto(live_server.url + "/accounts/login/")
    page.fill("#id_login", "tagger")
    page.fill("#id_password", PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(live_server.url + "/")
    page.goto(live_server.url + "/insights/")
    page.wait_for_selector("#figure-tags .main-svg")
    svg = page.locator("#figure-tags .main-svg").first
    assert svg.locator("a").count() == 0
    assert svg.locator("b").count() == 0
    texts = page.locator("#figure-tags .ytick text").all_text_contents()
    assert link in texts and "<b>" in texts and quoted in texts
