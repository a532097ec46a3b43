from __future__ import annotations

import pytest

from tests.conftest import PASSWORD, make_user
from tests.e2e.conftest import BACKGROUNDS, screenshot

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PAGES = [
    ("/", "Today"),
    ("/journal/", "Journal"),
    ("/protocol/", "Protocol"),
    ("/insights/", "Insights"),
    ("/settings/", "Settings"),
    ("/accounts/2fa/", "Two-factor authentication"),
    ("/accounts/password/change/", "Change password"),
]


def test_every_page_renders_in_dark_mode_without_policy_violations(
    desktop_dark_page, live_server
):
    make_user("owner")
    page, watch = desktop_dark_page
    page.goto(live_server.url + "/accounts/login/")
    page.fill("#id_login", "owner")
    page.fill("#id_password", PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(live_server.url + "/")

    for path, heading in PAGES:
        page.goto(live_server.url + path)
        assert page.get_by_role("heading", level=1).inner_text().startswith(heading)
    screenshot(page, "password-change-desktop-dark")
    page.goto(live_server.url + "/settings/")
    background = page.evaluate("getComputedStyle(document.body).backgroundColor")
    assert background == BACKGROUNDS["dark"]
    screenshot(page, "settings-desktop-dark")
    watch.assert_clean()
