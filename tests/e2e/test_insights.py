from __future__ import annotations

import pytest
from django.core.management import call_command

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
        "() => document.querySelectorAll('.js-plotly-plot').length === 5"
    )
    assert page.locator(".js-plotly-plot .main-svg").count() >= 5
    policy = page.evaluate(
        "fetch(location.href).then(r => r.headers.get('content-security-policy'))"
    )
    assert "script-src 'self'" in policy and "unsafe" not in policy

    # Changing the range swaps the charts through htmx and draws them again.
    page.evaluate("window.__sameDocument = true")
    page.get_by_role("radio", name="90 days").check()
    page.wait_for_url("**/insights/?*range=90d*")
    page.wait_for_function(
        "() => document.querySelectorAll('.js-plotly-plot').length === 5"
    )
    assert page.evaluate("window.__sameDocument") is True
    screenshot(page, "insights-desktop-dark")
    watch.assert_clean()
