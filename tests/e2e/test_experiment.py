"""A blinded experiment from the phone alone: design, sheets, envelopes,
guesses, unblinding and the verdict. Screenshots in
test-artifacts/screenshots/experiment-*.png."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from experiments.models import Envelope, Experiment, Guess
from journal.models import Entry, Rating
from protocols.models import DoseLog, SafetyScreen
from tests.conftest import make_user
from tests.e2e.conftest import screenshot
from tests.e2e.test_checkin import sign_in
from tests.factories import mood_metric

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_four_week_blinded_experiment_from_design_to_verdict(phone_page, live_server):
    user = make_user("owner")
    SafetyScreen.objects.create(user=user, answers={})
    page, watch = phone_page
    sign_in(page, live_server)
    base = live_server.url

    # Design: dose days, blinded, four weeks, Monday and Thursday.
    page.goto(base + "/protocol/")
    page.get_by_role("link", name="Experiments").click()
    page.get_by_role("link", name="Design an experiment").click()
    page.get_by_label("Amount in each active capsule").fill("100")
    page.get_by_label("Dose days, blinded").check()
    page.locator("label.chip", has_text="4 weeks").click()
    page.get_by_role("button", name="Plan it").click()
    expect(page.get_by_role("heading", name="How long it needs")).to_be_visible()
    expect(page.get_by_text("about even odds (50% power)")).to_be_visible()
    screenshot(page, "experiment-design-phone")
    experiment = Experiment.objects.get(user=user)
    assert (experiment.design, experiment.weeks) == ("dose_days", 4)

    # The sheets: eight codes, four on each sheet, and no token as text.
    page.get_by_role("link", name="Instructions and sticker sheets").click()
    expect(page.locator(".stickers img")).to_have_count(8)
    html = page.content()
    assert all(e.token not in html for e in experiment.envelopes.all())
    screenshot(page, "experiment-sheets-phone")
    page.go_back()
    page.get_by_role("button", name="Start the experiment").click()
    expect(page.get_by_text("Started.")).to_be_visible()

    # Day one: the camera opens the sticker's link; the page records it.
    first = experiment.envelopes.order_by("token").first()
    page.goto(f"{base}/experiments/e/{first.token}/")
    expect(page.get_by_text("Envelope recorded as opened at")).to_be_visible()
    page.locator("label.chip", has_text="Placebo").first.click()
    # Exactly: on the last day of an experiment's week (a Sunday for one begun
    # on a Monday) the page also asks for the week's guess ("Note my guess for
    # the week"), and a partial name matched both buttons.
    page.get_by_role("button", name="Note my guess", exact=True).click()
    expect(page.get_by_text("Today's guess noted")).to_be_visible()
    screenshot(page, "experiment-day-phone")
    # Nothing tells which it was: not the page, not the dose log.
    assert "Active</td>" not in page.content()
    page.goto(base + "/protocol/")
    expect(page.get_by_text("experiment capsule")).to_be_visible()
    # The same code again changes nothing.
    page.goto(f"{base}/experiments/e/{first.token}/")
    expect(page.get_by_text("already recorded; nothing changed")).to_be_visible()
    assert DoseLog.objects.filter(user=user, blinded=True).count() == 1

    # Four weeks pass (written straight to the database): every envelope
    # opened on its dose day, mood rated, a guess made.
    today = user.profile.local_day()
    start = today - dt.timedelta(days=28)
    Experiment.objects.filter(pk=experiment.pk).update(start_date=start)
    experiment.refresh_from_db()
    mood = mood_metric(user)
    for envelope, day in zip(
        experiment.envelopes.order_by("token"), experiment.dose_days(), strict=True
    ):
        moment = dt.datetime.combine(day, dt.time(9), tzinfo=user.profile.tzinfo)
        Envelope.objects.filter(pk=envelope.pk).update(day=day, opened_at=moment)
        entry = Entry.objects.create(user=user, day=day, occurred_at=moment)
        Rating.objects.create(
            entry=entry, metric=mood, value=7 if envelope.active else 6
        )
        Guess.objects.update_or_create(
            envelope=envelope,
            kind="day",
            day=day,
            defaults={"experiment": experiment, "answer": "unsure", "confidence": 50},
        )
    assert experiment.end_date < today <= timezone.localdate() + dt.timedelta(days=1)

    page.goto(f"{base}/experiments/{experiment.pk}/")
    page.get_by_role("button", name="Unblind and see the result").click()
    verdict = page.locator(".verdict-words")
    expect(verdict).to_contain_text(
        "Mood on active dose days was 1.0 higher than on placebo dose days"
    )
    expect(page.get_by_role("heading", name="Could you tell?")).to_be_visible()
    expect(page.locator(".verdict td", has_text="Active")).to_have_count(4)
    screenshot(page, "experiment-verdict-phone")
    watch.assert_clean()
