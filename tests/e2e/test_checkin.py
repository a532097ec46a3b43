from __future__ import annotations

import pytest
from playwright.sync_api import expect

from journal.models import Entry
from tests.conftest import PASSWORD, make_user
from tests.e2e.conftest import open_section, screenshot

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def sign_in(page, live_server, username="owner"):
    page.goto(live_server.url + "/accounts/login/")
    page.fill("#id_login", username)
    page.fill("#id_password", PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(live_server.url + "/")


def test_a_check_in_on_a_phone_saves_without_reloading_the_page(
    phone_page, live_server
):
    user = make_user("owner")
    page, watch = phone_page
    sign_in(page, live_server)
    page.evaluate("window.__sameDocument = true")

    mood = page.get_by_role("group", name="Mood")
    seven = mood.get_by_role("radio", name="7", exact=True)
    chip = mood.locator("label.chip").filter(
        has=page.get_by_role("radio", name="7", exact=True)
    )
    box = chip.bounding_box()
    # A scale is one row: thumb-high segments, each wider than WCAG's 24 px.
    assert box["height"] >= 44 and box["width"] >= 24, box
    seven.click()
    page.get_by_role("group", name="Sleep quality").get_by_role(
        "radio", name="4", exact=True
    ).click()
    open_section(page, "tags")
    page.fill("#id_new_tags", "walk, sunshine")
    open_section(page, "note")
    page.fill("#id_note", "Felt **clear** after the walk.")
    screenshot(page, "checkin-phone")
    page.get_by_role("button", name="Save check-in").click()

    page.get_by_text("Check-in saved").wait_for()
    assert page.evaluate("window.__sameDocument") is True
    entry_card = page.locator("article.entry")
    assert entry_card.count() == 1
    assert "clear" in entry_card.locator("strong").all_inner_texts()
    # The form is fresh again for the next check-in.
    expect(page.locator("#id_note")).to_have_value("")
    # "Saved", with Undo, is where the person looks: scrolled into view.
    saved = page.locator("#saved")
    expect(saved).to_be_in_viewport()
    expect(saved).to_contain_text("Saved at")
    expect(saved.get_by_role("button", name="Undo")).to_be_visible()
    screenshot(page, "checkin-saved-phone")
    watch.assert_clean()

    entry = Entry.objects.get(user=user)
    ratings = {r.metric.name: r.value for r in entry.ratings.select_related("metric")}
    assert ratings == {"Mood": 7, "Sleep quality": 4}
    assert sorted(entry.tags.values_list("name", flat=True)) == ["sunshine", "walk"]


def test_leaving_with_an_unsaved_note_asks_first(phone_page, live_server):
    make_user("owner")
    page, watch = phone_page
    sign_in(page, live_server)
    open_section(page, "note")
    page.fill("#id_note", "half a thought")
    dialogs = []
    page.on("dialog", lambda dialog: (dialogs.append(dialog.type), dialog.dismiss()))
    page.get_by_role("link", name="Journal").click()
    page.wait_for_timeout(300)
    assert dialogs == ["beforeunload"]
    assert page.url == live_server.url + "/"


def test_one_tap_logs_the_planned_dose_in_place(phone_page, live_server):
    from protocols.models import DoseLog
    from tests.factories import make_protocol

    user = make_user("owner")
    make_protocol(user, start_date=user.profile.local_day())
    page, watch = phone_page
    sign_in(page, live_server)
    page.evaluate("window.__sameDocument = true")
    card = page.locator("#today-dose")
    assert "plans a dose today" in card.inner_text()
    card.get_by_role("button", name="Took it").click()
    page.locator("#today-dose", has_text="Took Psilocybin").wait_for()
    assert page.evaluate("window.__sameDocument") is True
    assert page.get_by_text("Planned dose logged.").is_visible()
    screenshot(page, "dose-logged-phone")
    watch.assert_clean()
    assert DoseLog.objects.filter(user=user, skipped=False).count() == 1


def test_another_prompt_and_the_guided_practice_run_under_the_policy(
    phone_page, live_server
):
    make_user("owner")
    page, watch = phone_page
    sign_in(page, live_server)
    page.evaluate("window.__sameDocument = true")
    open_section(page, "prompt")
    before = page.locator("#prompt-text").inner_text()
    page.get_by_role("button", name="Another prompt").click()
    page.wait_for_function(
        "text => document.querySelector('#prompt-text').innerText !== text", arg=before
    )
    assert page.evaluate("window.__sameDocument") is True

    page.goto(live_server.url + "/practice/")
    page.get_by_role("radio", name="1", exact=True).check()
    page.get_by_role("button", name="Start").click()
    page.get_by_text("Breathe in", exact=True).wait_for()
    page.wait_for_timeout(1200)
    assert page.locator("[data-remaining]").inner_text() in ("0:59", "0:58")
    page.get_by_role("button", name="Stop").click()
    page.get_by_text("Done. Notice how you feel").wait_for()
    watch.assert_clean()


def test_the_check_in_works_by_keyboard_alone(phone_page, live_server):
    user = make_user("owner")
    page, watch = phone_page
    sign_in(page, live_server)
    page.goto(live_server.url + "/")

    def tab_until(script: str, limit: int = 80) -> None:
        for _ in range(limit):
            page.keyboard.press("Tab")
            if page.evaluate(script):
                return
        raise AssertionError(f"Tab never reached: {script}")

    tab_until(
        "() => document.activeElement.closest('fieldset')?.querySelector('legend')"
        "?.textContent === 'Mood'"
    )
    for _ in range(7):  # from "no rating" along to 7
        page.keyboard.press("ArrowRight")
    # The note's section opens from the keyboard, the cursor already inside.
    tab_until(
        "() => document.activeElement.tagName === 'SUMMARY'"
        " && document.activeElement.textContent.trim().startsWith('Note')"
    )
    page.keyboard.press("Enter")
    assert page.evaluate("document.activeElement.id") == "id_note"
    page.keyboard.type("Typed without a mouse.")
    tab_until("() => document.activeElement.textContent.trim() === 'Save check-in'")
    page.keyboard.press("Enter")
    page.get_by_text("Check-in saved").wait_for()
    watch.assert_clean()

    entry = Entry.objects.get(user=user)
    assert entry.note == "Typed without a mouse."
    assert [
        (r.metric.name, r.value) for r in entry.ratings.select_related("metric")
    ] == [("Mood", 7)]


def test_another_prompt_asks_before_discarding_a_typed_answer(phone_page, live_server):
    make_user("owner")
    page, watch = phone_page
    sign_in(page, live_server)
    open_section(page, "prompt")
    block = page.locator("#prompt-block")
    before = block.inner_text()
    page.fill("#id_prompt_answer", "Half an answer")

    page.once("dialog", lambda dialog: dialog.dismiss())
    page.get_by_role("button", name="Another prompt").click()
    page.wait_for_timeout(300)
    assert page.locator("#id_prompt_answer").input_value() == "Half an answer"
    assert block.inner_text() == before

    page.once("dialog", lambda dialog: dialog.accept())
    page.get_by_role("button", name="Another prompt").click()
    expect(page.locator("#prompt-block")).not_to_have_text(before)
    assert page.locator("#id_prompt_answer").input_value() == ""
    watch.assert_clean()


def test_undo_after_saving_takes_the_check_in_back(phone_page, live_server):
    user = make_user("owner")
    page, watch = phone_page
    sign_in(page, live_server)
    open_section(page, "note")
    page.fill("#id_note", "saved by mistake")
    page.get_by_role("button", name="Save check-in").click()
    page.locator("#saved").get_by_role("button", name="Undo").click()
    page.get_by_text("Check-in removed.").wait_for()
    assert page.locator("article.entry").count() == 0
    assert not Entry.objects.filter(user=user).exists()
    watch.assert_clean()
