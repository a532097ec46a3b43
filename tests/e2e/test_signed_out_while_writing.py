"""A sign-in that ends while a check-in is being written (idle, at its age,
signed out in another tab) loses none of it: the words are kept on the
device, the sign-in page comes, and once signed in again the check-in is
saved (accounts.middleware.SignInEndedMiddleware, static/js/app.js)."""

from __future__ import annotations

import pytest
from django.contrib.sessions.models import Session
from playwright.sync_api import expect

from journal.models import Entry
from tests.conftest import PASSWORD, make_user
from tests.e2e.conftest import open_section
from tests.e2e.test_checkin import sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def writing_a_note(phone_page, live_server, note: str):
    """Signed in on a phone, a check-in's note typed and not yet sent."""
    owner = make_user("owner")
    page, watch = phone_page
    sign_in(page, live_server)
    open_section(page, "note")
    page.fill("textarea[name=note]", note)
    return owner, page, watch


def assert_saved_once_sent(page, owner, note: str) -> None:
    """Sent, so no longer kept on the device, and Today shown again with it."""
    expect(
        page.get_by_text("A check-in kept on this device has been saved.")
    ).to_be_visible()
    assert not page.evaluate("localStorage.getItem('titrate.drafts.v1')")
    [entry] = Entry.objects.filter(user=owner)
    assert entry.note == note


def test_a_check_in_sent_after_the_sign_in_ended_is_saved_once_signed_in_again(
    phone_page, live_server
):
    note = "three paragraphs I would hate to lose"
    owner, page, watch = writing_a_note(phone_page, live_server, note)
    Session.objects.all().delete()  # signed out elsewhere, or timed out
    page.get_by_role("button", name="Save check-in").click()
    page.wait_for_url(f"{live_server.url}/accounts/login/?next=/")
    assert not Entry.objects.filter(user=owner).exists()
    page.fill("#id_login", "owner")
    page.fill("#id_password", PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(live_server.url + "/")
    assert_saved_once_sent(page, owner, note)
    watch.assert_clean()


def test_a_check_in_refused_for_an_old_csrf_token_is_saved_by_the_page_again(
    phone_page, live_server
):
    # Signing in again in another tab gives the browser a new CSRF cookie;
    # this tab's page still holds a token for the old one.
    note = "written before the other tab signed in"
    owner, page, watch = writing_a_note(phone_page, live_server, note)
    assert [c["name"] for c in page.context.cookies()].count("csrftoken") == 1
    page.context.clear_cookies(name="csrftoken")
    with page.expect_navigation():  # the page again, with a fresh token
        page.get_by_role("button", name="Save check-in").click()
    assert_saved_once_sent(page, owner, note)
    # The browser and htmx note the refused request (403); nothing else.
    refused = ("the server responded with a status of 403", "Error Code 403 from")
    watch.console_errors = [
        e for e in watch.console_errors if not any(r in e for r in refused)
    ]
    watch.assert_clean()
