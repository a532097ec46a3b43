from __future__ import annotations

import pytest
from playwright.sync_api import expect

from accounts.models import User
from tests.e2e.conftest import screenshot

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_the_first_user_signs_up_on_a_phone_and_lands_on_today(phone_page, live_server):
    page, watch = phone_page
    page.goto(live_server.url + "/")
    assert page.url.startswith(live_server.url + "/accounts/login/")
    page.get_by_role("link", name="Create an account").click()

    # The time zone picker starts at the browser's own zone.
    expect(page.locator("#id_timezone")).to_have_value("Pacific/Auckland")
    page.fill("#id_username", "ada")
    page.fill("#id_email", "ada@example.test")
    page.fill("#id_password1", "a long passphrase 42")
    page.fill("#id_password2", "a long passphrase 42")
    screenshot(page, "signup-phone")
    page.get_by_role("button", name="Sign Up").click()

    page.wait_for_url(live_server.url + "/")
    assert page.get_by_role("heading", level=1).inner_text().startswith("Today")
    nav = page.get_by_role("navigation", name="Main")
    for label in ["Today", "Journal", "Protocol", "Insights", "Settings"]:
        link = nav.get_by_role("link", name=label)
        assert link.is_visible()
        box = link.bounding_box()
        assert box["height"] >= 44, f"{label} is too small to tap"
        assert box["x"] >= 0 and box["x"] + box["width"] <= 390, f"{label} is cut off"
    # The page fits the phone's width: nothing scrolls sideways.
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    screenshot(page, "today-phone")
    watch.assert_clean()

    user = User.objects.get(username="ada")
    assert user.is_superuser
    assert user.profile.timezone == "Pacific/Auckland"
