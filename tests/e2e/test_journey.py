"""The whole first week in one go, at phone size and at desktop size."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import DESKTOP, PHONE, PageWatch, open_section, screenshot

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.mark.parametrize("size", ["phone", "desktop"])
def test_sign_up_protocol_dose_check_in_journal_calendar_insights(
    browser, live_server, size
):
    viewport = PHONE if size == "phone" else DESKTOP
    context = browser.new_context(viewport=viewport, timezone_id="America/Denver")
    page = context.new_page()
    page.set_default_timeout(15_000)
    watch = PageWatch(page, live_server.url)
    base = live_server.url

    # Sign up as the first user; the time zone comes from the browser.
    page.goto(base + "/accounts/signup/")
    expect(page.locator("#id_timezone")).to_have_value("America/Denver")
    page.fill("#id_username", "ada")
    page.fill("#id_email", "ada@example.test")
    page.fill("#id_password1", "a long passphrase 42")
    page.fill("#id_password2", "a long passphrase 42")
    page.get_by_role("button", name="Sign Up").click()
    page.wait_for_url(base + "/")

    # A Fadiman protocol starting today, after the safety questions.
    page.goto(base + "/protocol/new/")
    page.wait_for_url(base + "/protocol/safety/")
    for question in page.locator("fieldset.question").all():
        question.get_by_role("radio", name="No").check()
    page.get_by_role("button", name="Continue").click()
    page.get_by_role("link", name="Set up a protocol").click()
    page.fill("#id_name", "My Fadiman")
    page.fill("#id_amount", "100")
    page.get_by_role("radio", name="Fadiman: one day on, two off").check()
    page.get_by_role("button", name="Start protocol").click()
    page.wait_for_url(base + "/protocol/")
    screenshot(page, f"journey-protocol-{size}")

    # Today: log the planned dose in one tap, then check in with the prompt.
    page.goto(base + "/")
    page.locator("#today-dose").get_by_role("button", name="Took it").click()
    page.locator("#today-dose", has_text="Took Psilocybin").wait_for()
    page.get_by_role("group", name="Mood").get_by_role(
        "radio", name="8", exact=True
    ).check()
    open_section(page, "prompt")
    page.fill("#id_prompt_answer", "To notice small things.")
    open_section(page, "note")
    page.fill("#id_note", "First day of the protocol.")
    page.get_by_role("button", name="Save check-in").click()
    page.get_by_text("Check-in saved").wait_for()
    screenshot(page, f"journey-today-{size}")

    # A check-in for two days ago, written today: the form takes a date. (Two
    # days, so it is another journal day even before the 04:00 day start.)
    page.get_by_role("group", name="Mood").get_by_role(
        "radio", name="6", exact=True
    ).check()
    open_section(page, "time")
    earlier = page.evaluate(
        "() => { const d = new Date(Date.now() - 2 * 864e5);"
        " return d.toLocaleDateString('en-CA'); }"
    )
    page.fill("#id_date", earlier)
    page.fill("#id_time", "20:00")
    page.get_by_role("button", name="Save check-in").click()
    page.get_by_text("Check-in saved for").last.wait_for()

    # The journal shows the entry, its answer and the dose.
    page.goto(base + "/journal/")
    body = page.locator("main").inner_text()
    assert "First day of the protocol." in body
    assert "To notice small things." in body
    assert "Dose: Psilocybin" in body

    # The dosing calendar shows today's dose as taken.
    page.goto(base + "/protocol/calendar/")
    assert page.locator(".today.state-taken").count() >= 1

    # Insights draw their charts from the two days.
    page.goto(base + "/insights/")
    page.wait_for_function(
        "() => document.querySelectorAll('.js-plotly-plot').length >= 2"
    )
    screenshot(page, f"journey-insights-{size}")
    watch.assert_clean()
    context.close()
