"""A check-in in seconds on a phone, measured as a person does it: every tap
counted, nothing scrolled, the confirmation where they are looking.

The screenshots of Today before and after saving, light and dark, are written
to test-artifacts/screenshots/today-phone-{light,dark}-{before,after}.png.

Each flow runs once, in the light scheme, and each screenshot is taken in both
schemes. The dark scheme changes colours and nothing else (its stylesheet
block sets colour properties only, and no script or template asks for the
scheme: tests/test_dark_scheme.py), so where a control lies, what covers it,
what scrolls and what is saved are the same in both; the every-page audit
checks the dark scheme's colours.
"""

from __future__ import annotations

import datetime as dt

import pytest
from playwright.sync_api import expect

from journal.models import Entry
from tests.conftest import make_user
from tests.e2e.conftest import ARTIFACTS, BACKGROUNDS, PHONE, PageWatch
from tests.e2e.test_checkin import sign_in
from tests.factories import make_entry

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

# The bar: mood, anxiety, one existing tag and a one-line note in at
# most six taps besides the typing, without scrolling.
MAX_TAPS = 6


class Thumb:
    """Taps what a person can see and reach; counts the taps; fails if the
    target is off-screen or covered (by the sticky Save bar or the tab bar)."""

    def __init__(self, page):
        self.page = page
        self.taps = 0

    def tap(self, locator) -> None:
        expect(locator).to_be_in_viewport(ratio=1)
        reachable = locator.evaluate(
            """target => {
                const box = target.getBoundingClientRect();
                const hit = document.elementFromPoint(
                    box.left + box.width / 2, box.top + box.height / 2);
                return hit !== null && (target.contains(hit) || hit.contains(target)
                    || target.closest('label')?.contains(hit) === true);
            }"""
        )
        assert reachable, f"covered: {locator}"
        locator.tap()
        self.taps += 1


@pytest.fixture
def phone(browser, live_server):
    context = browser.new_context(
        viewport=PHONE,
        device_scale_factor=2,
        is_mobile=True,
        has_touch=True,
        color_scheme="light",
        timezone_id="Europe/Berlin",
    )
    page = context.new_page()
    page.set_default_timeout(10_000)
    yield page, PageWatch(page, live_server.url)
    context.close()


def shots(page, name: str) -> None:
    """What the person sees (the viewport, not the whole page) in the light
    scheme and the dark one: today-phone-{scheme}-{name}.png. The page is
    left in the light scheme."""
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    for scheme in ("light", "dark"):
        page.emulate_media(color_scheme=scheme)
        background = page.evaluate("getComputedStyle(document.body).backgroundColor")
        assert background == BACKGROUNDS[scheme]
        page.screenshot(path=str(ARTIFACTS / f"today-phone-{scheme}-{name}.png"))
    page.emulate_media(color_scheme="light")


def test_mood_anxiety_a_tag_and_a_note_in_six_taps_without_scrolling(
    phone, live_server
):
    page, watch = phone
    user = make_user("owner")
    yesterday = user.profile.local_day() - dt.timedelta(days=1)
    make_entry(user, day=yesterday, tags=["walk", "work", "coffee"])

    sign_in(page, live_server)
    # Opening Today later in the day, as from the home screen.
    page.goto(live_server.url + "/")
    shots(page, "before")

    thumb = Thumb(page)
    thumb.tap(
        page.get_by_role("group", name="Mood").locator("label.chip", has_text="7")
    )
    thumb.tap(
        page.get_by_role("group", name="Anxiety").locator(
            "label.chip", has=page.get_by_role("radio", name="3", exact=True)
        )
    )
    thumb.tap(page.locator("details[data-section=tags] > summary"))
    thumb.tap(page.locator("label.chip", has_text="walk"))
    thumb.tap(page.locator("details[data-section=note] > summary"))
    # The note's section puts the cursor in the note: typing needs no tap.
    assert page.evaluate("document.activeElement.id") == "id_note"
    page.keyboard.type("Slept well, calm morning.")
    assert page.evaluate("window.scrollY") == 0, "the check-in needed a scroll"
    thumb.tap(page.get_by_role("button", name="Save check-in"))
    assert thumb.taps <= MAX_TAPS

    # Saved: the status is announced, the new entry is in view, with Undo.
    status = page.locator("[role=status]", has_text="Check-in saved")
    expect(status).to_have_count(1)
    saved = page.locator("#saved")
    expect(saved).to_be_in_viewport()
    expect(saved.get_by_role("button", name="Undo")).to_be_visible()
    expect(page.locator("article.entry").first).to_be_in_viewport()
    shots(page, "after")
    watch.assert_clean()

    entry = Entry.objects.get(user=user, day=user.profile.local_day())
    ratings = {r.metric.key: r.value for r in entry.ratings.select_related("metric")}
    assert ratings == {"mood": 7, "anxiety": 3}
    assert list(entry.tags.values_list("name", flat=True)) == ["walk"]
    assert entry.note == "Slept well, calm morning."


def test_the_check_in_that_tips_the_week_shows_the_crisis_note_in_view(
    phone, live_server
):
    """On a phone the check-in is several screens long: the save scrolls to
    the note, not to the saved line below the form."""
    page, watch = phone
    user = make_user("owner")
    today = user.profile.local_day()
    for offset in range(7, 20):
        make_entry(user, day=today - dt.timedelta(days=offset), mood=7)
    for offset in (1, 2):
        make_entry(user, day=today - dt.timedelta(days=offset), mood=5)
    sign_in(page, live_server)
    note = page.get_by_role("heading", name="Your mood ratings have dropped a lot")
    expect(note).to_have_count(0)

    page.get_by_role("group", name="Mood").locator("label.chip", has_text="2").tap()
    page.get_by_role("button", name="Save check-in").tap()
    expect(page.locator("#saved")).to_have_count(1)  # swapped in; Undo below
    # Once htmx has swapped, settled and scrolled where the answer says.
    page.wait_for_function(
        "!document.querySelector('.htmx-request, .htmx-swapping, .htmx-settling')"
    )
    expect(note).to_be_in_viewport(ratio=1)
    shots(page, "crisis")
    watch.assert_clean()
