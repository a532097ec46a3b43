"""Dose effects noted on a phone, the titration view, and the report to
share. Screenshots in test-artifacts/screenshots/{dose-effects,titration,
report}-*.png."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.management import call_command
from playwright.sync_api import expect

from protocols.models import DoseLog
from tests.e2e.conftest import screenshot

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def sign_in_demo(page, base: str) -> None:
    page.goto(base + "/accounts/login/")
    page.fill("#id_login", "demo")
    page.fill("#id_password", "demo")
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(base + "/")


def test_effects_titration_and_a_report_on_a_phone(phone_page, live_server):
    call_command("seed_demo", "--user", "demo", "--password", "demo", "--years", "1")
    page, watch = phone_page
    base = live_server.url
    sign_in_demo(page, base)

    # The latest dose: how it felt, and a headache.
    dose = DoseLog.objects.filter(user__username="demo", skipped=False, blinded=False)
    dose = dose.order_by("-taken_at").first()
    page.goto(f"{base}/protocol/doses/{dose.pk}/effects/")
    page.get_by_label("1: a little").check()
    page.get_by_label("Headache").select_option("mild")
    screenshot(page, "dose-effects-phone")
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_text("Noted how the dose felt.")).to_be_visible()
    expect(page.get_by_text("felt a little, headache (mild)").first).to_be_visible()
    dose.refresh_from_db()
    assert dose.felt == 1

    # The titration view, on Insights.
    page.goto(base + "/insights/?range=1y")
    section = page.locator("#section-titration")
    section.scroll_into_view_if_needed()
    expect(section.locator(".js-plotly-plot")).to_have_count(1)
    expect(section.get_by_text("never dosing advice")).to_be_visible()
    section.screenshot(path="test-artifacts/screenshots/titration-phone.png")

    # The report to share: chosen on the phone, read as a page.
    page.goto(base + "/settings/")
    page.get_by_role("link", name="A report to share with a clinician").click()
    start = (dose.day - dt.timedelta(days=180)).isoformat()
    page.get_by_label("From").fill(start)
    page.get_by_role("button", name="Show the report").click()
    expect(page.get_by_text("Private health information")).to_be_visible()
    expect(page.get_by_role("heading", name="Questionnaires")).to_be_visible()
    screenshot(page, "report-phone")
    with page.expect_download() as download:
        page.get_by_role("link", name="Download PDF").click()
    assert download.value.suggested_filename.endswith(".report.pdf")
    watch.assert_clean()
