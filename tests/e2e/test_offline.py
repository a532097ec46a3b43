"""The installable app, with the network switched off."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from django.utils import timezone
from playwright.sync_api import TimeoutError as PlaywrightTimeoutError
from playwright.sync_api import expect

from journal.models import Entry
from tests.conftest import PASSWORD, make_user
from tests.e2e.conftest import PHONE, PageWatch, open_section, screenshot

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

DRAFTS = "() => JSON.parse(localStorage.getItem('titrate.drafts.v1') || '[]')"


@pytest.fixture
def phone(browser, live_server):
    # The browser is in Los Angeles; the profile (make_user) in Berlin.
    context = browser.new_context(
        viewport=PHONE,
        is_mobile=True,
        has_touch=True,
        service_workers="allow",
        timezone_id="America/Los_Angeles",
    )
    page = context.new_page()
    page.set_default_timeout(10_000)
    yield context, page, PageWatch(page, live_server.url)
    context.close()


# Whether the service worker controls the page: "controlled"; "reload" once
# the worker is active and has claimed the pages it could (its activation
# ends with clients.claim()) but not this one; false while it installs.
WORKER_CONTROL = """() => navigator.serviceWorker.controller ? "controlled"
  : navigator.serviceWorker.getRegistration().then(r =>
      r && r.active && r.active.state === "activated" ? "reload" : false)"""


def sign_in_with_worker(page, base: str) -> None:
    page.goto(base + "/accounts/login/")
    page.fill("#id_login", "owner")
    page.fill("#id_password", PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(base + "/")
    # The worker installs (caching the shell) and takes control of the page.
    # The sign-in page registers it too: a worker that activated while the
    # browser was going to Today claimed the sign-in page, and Today, not yet
    # a page then, stays uncontrolled until it loads again, as for a person
    # at their next page. An install that fails (a shell file that did not
    # arrive: the test server is slow while other test processes share the
    # cores) is tried again at the next page load too; here twice at most.
    for attempt in range(3):
        if attempt:
            page.reload()
        try:
            control = page.wait_for_function(WORKER_CONTROL).json_value()
        except PlaywrightTimeoutError:
            if attempt == 2:
                raise
            continue
        if control == "controlled":
            return
    raise AssertionError("the service worker never took control of Today")


def test_the_manifest_names_the_app_and_its_icons(phone, live_server):
    _, page, _ = phone
    page.goto(live_server.url + "/accounts/login/")
    href = page.locator("link[rel=manifest]").get_attribute("href")
    manifest = page.request.get(live_server.url + href).json()
    assert manifest["start_url"] == "/" and manifest["display"] == "standalone"
    sizes = {icon["sizes"] for icon in manifest["icons"]}
    assert {"192x192", "512x512"} <= sizes
    assert any(icon["purpose"] == "maskable" for icon in manifest["icons"])
    for icon in manifest["icons"]:
        url = live_server.url + href.rsplit("/", 1)[0] + "/" + icon["src"]
        response = page.request.get(url)
        assert response.ok and response.headers["content-type"] == icon["type"]


def test_a_check_in_written_offline_is_kept_and_sent_when_back_online(
    phone, live_server
):
    context, page, watch = phone
    user = make_user("owner")
    base = live_server.url
    sign_in_with_worker(page, base)

    context.set_offline(True)
    page.get_by_role("group", name="Mood").get_by_role(
        "radio", name="7", exact=True
    ).check()
    open_section(page, "note")
    page.fill("#id_note", "Written on the train, no signal.")
    page.get_by_role("button", name="Save check-in").click()
    expect(page.get_by_text("You are offline. This check-in is kept")).to_be_visible()
    drafts = page.evaluate(DRAFTS)
    assert len(drafts) == 1 and drafts[0]["user"] == str(user.pk)
    assert ["note", "Written on the train, no signal."] in drafts[0]["fields"]
    assert not Entry.objects.filter(user=user).exists()
    screenshot(page, "offline-draft-phone")

    # Any page opened offline is the offline page from the worker's cache.
    page.goto(base + "/journal/")
    expect(page.get_by_role("heading", level=1)).to_have_text("You are offline")
    page.fill("#offline-note", "Also this, from the offline page.")
    page.get_by_role("button", name="Keep on this device").click()
    expect(page.get_by_text("Kept on this device.")).to_be_visible()
    assert len(page.evaluate(DRAFTS)) == 2
    screenshot(page, "offline-page-phone")

    # Back online: the check-in goes to the server by itself, exactly once.
    context.set_offline(False)
    page.goto(base + "/")
    expect(
        page.get_by_text("A check-in kept on this device has been saved.")
    ).to_be_visible()
    entry = Entry.objects.get(user=user)
    assert entry.note == "Written on the train, no signal."
    # Saved at the moment it was written, whatever zone the browser is in.
    assert abs(timezone.now() - entry.occurred_at) < dt.timedelta(minutes=5)
    assert entry.day == user.profile.local_day(entry.occurred_at)
    assert {r.metric.key: r.value for r in entry.ratings.select_related("metric")} == {
        "mood": 7
    }
    expect(page.locator("article.entry")).to_have_count(1)

    # The offline page's draft names nobody: Today offers it instead.
    page.get_by_role("button", name="Put it in the check-in form").click()
    expect(page.locator("#id_note")).to_have_value("Also this, from the offline page.")
    assert page.evaluate(DRAFTS) == []
    page.get_by_role("button", name="Save check-in").click()
    expect(page.locator("article.entry")).to_have_count(2)
    assert Entry.objects.filter(user=user).count() == 2
    page.reload()
    assert Entry.objects.filter(user=user).count() == 2  # nothing sent twice
    screenshot(page, "offline-drafts-saved-phone")
    watch.console_errors = [
        e for e in watch.console_errors if "net::ERR_INTERNET_DISCONNECTED" not in e
    ]
    assert watch.foreign_requests == []
    assert watch.csp_violations() == []


def test_a_draft_the_server_refuses_waits_on_today(phone, live_server):
    context, page, _ = phone
    make_user("owner")
    base = live_server.url
    sign_in_with_worker(page, base)
    # A draft the server will refuse (a note over the size limit).
    page.evaluate(
        "user => localStorage.setItem('titrate.drafts.v1', JSON.stringify([{"
        "id: 'x', user: user, action: '/entries/new/',"
        " savedAt: new Date().toISOString(),"
        " fields: [['note', 'x'.repeat(200000)]]}]))",
        page.evaluate("() => document.body.dataset.user"),
    )
    page.reload()
    expect(page.get_by_text("could not be saved as it was")).to_be_visible()
    drafts = page.evaluate(DRAFTS)
    assert len(drafts) == 1 and drafts[0]["failed"] is True
    assert not Entry.objects.exists()
    page.once("dialog", lambda dialog: dialog.accept())
    page.get_by_role("button", name="Discard").click()
    assert page.evaluate(DRAFTS) == []


def test_the_worker_never_caches_signed_in_pages(phone, live_server):
    _, page, _ = phone
    make_user("owner")
    sign_in_with_worker(page, live_server.url)
    page.goto(live_server.url + "/journal/")
    cached = page.evaluate(
        "() => caches.keys().then(keys => Promise.all(keys.map(k => caches.open(k)"
        ".then(c => c.keys()).then(rs => rs.map(r => new URL(r.url).pathname)))))"
        ".then(lists => lists.flat())"
    )
    assert "/offline/" in cached
    assert all(path.startswith(("/static/", "/offline/")) for path in cached), cached
    assert json.dumps(cached).count("/journal/") == 0


def test_a_draft_written_by_someone_else_on_this_device_is_never_sent(
    phone, live_server
):
    _, page, _ = phone
    make_user("owner")
    sign_in_with_worker(page, live_server.url)
    page.evaluate(
        "() => localStorage.setItem('titrate.drafts.v1', JSON.stringify([{"
        "id: 'theirs', user: '999999', action: '/entries/new/',"
        " savedAt: new Date().toISOString(),"
        " fields: [['note', 'Not yours to send']]}]))"
    )
    page.reload()
    expect(page.get_by_text("Not yours to send")).to_be_visible()
    page.wait_for_load_state("networkidle")
    assert not Entry.objects.exists()
    assert [d["id"] for d in page.evaluate(DRAFTS)] == ["theirs"]
    # Offered instead: its writer (or this user) decides.
    page.get_by_role("button", name="Put it in the check-in form").click()
    expect(page.locator("#id_note")).to_have_value("Not yours to send")
    assert not Entry.objects.exists()


def test_took_it_tapped_offline_waits_and_is_sent_once_back_online(phone, live_server):
    from protocols.models import DoseLog
    from tests.factories import make_protocol

    context, page, watch = phone
    user = make_user("owner")
    make_protocol(user, start_date=user.profile.local_day())
    base = live_server.url
    sign_in_with_worker(page, base)

    context.set_offline(True)
    card = page.locator("#today-dose")
    card.get_by_role("button", name="Took it").click()
    # Never silent: the card says it waits, and a second tap cannot queue it twice.
    expect(card.get_by_role("status")).to_contain_text("waiting")
    expect(card.get_by_role("button", name="Took it")).to_be_disabled()
    drafts = page.evaluate(DRAFTS)
    assert len(drafts) == 1 and drafts[0]["kind"] == "dose"
    assert ["action", "take"] in drafts[0]["fields"]
    tapped = dt.datetime.fromisoformat(
        dict(drafts[0]["fields"])["moment"].replace("Z", "+00:00")
    )
    assert not DoseLog.objects.exists()
    screenshot(page, "offline-dose-waiting-phone")

    # Back online, the open page sends it by itself.
    context.set_offline(False)
    saved = page.get_by_text("The dose kept on this device has been saved.")
    expect(saved).to_be_visible()
    expect(page.locator("#today-dose")).to_contain_text("Took Psilocybin")
    dose = DoseLog.objects.get(user=user)
    # Logged at the moment of the tap, not when the connection came back.
    assert dose.taken_at == tapped.replace(microsecond=dose.taken_at.microsecond)
    assert (dose.skipped, dose.day) == (False, user.profile.local_day())
    assert page.evaluate(DRAFTS) == []
    page.reload()
    assert DoseLog.objects.filter(user=user).count() == 1
    # htmx reports the request that found no network; nothing else may fail.
    offline = ("ERR_INTERNET_DISCONNECTED", "htmx:sendError", "htmx:afterRequest")
    assert [e for e in watch.console_errors if not any(o in e for o in offline)] == []
    assert watch.foreign_requests == []
    assert watch.csp_violations() == []


def test_a_dose_tap_the_server_refuses_waits_with_a_way_to_log_it(phone, live_server):
    from protocols.models import DoseLog

    context, page, _ = phone
    make_user("owner")  # no protocol: nothing was planned that day
    base = live_server.url
    sign_in_with_worker(page, base)
    page.evaluate(
        "user => localStorage.setItem('titrate.drafts.v1', JSON.stringify([{"
        "id: 'd', kind: 'dose', user: user, action: '/protocol/doses/planned/',"
        " savedAt: new Date().toISOString(),"
        " fields: [['action', 'take'], ['moment', new Date().toISOString()]]}]))",
        page.evaluate("() => document.body.dataset.user"),
    )
    page.reload()
    expect(page.get_by_text("A dose taken, logged offline on")).to_contain_text(
        "could not be saved as it was"
    )
    expect(page.get_by_role("link", name="Log it by hand")).to_have_attribute(
        "href", "/protocol/doses/new/"
    )
    assert page.evaluate(DRAFTS)[0]["failed"] is True
    assert not DoseLog.objects.exists()
