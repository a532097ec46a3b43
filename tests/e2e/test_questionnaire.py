"""A questionnaire on a phone: one question a screen, the score with its
source, and crisis resources when PHQ-9 item 9 is above 0. Screenshots in
test-artifacts/screenshots/questionnaire-*.png."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from journal.models import QuestionnaireResponse
from tests.conftest import make_user
from tests.e2e.conftest import screenshot
from tests.e2e.test_checkin import sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_phq9_from_today_one_question_a_screen_to_its_score(phone_page, live_server):
    user = make_user("owner")
    page, watch = phone_page
    sign_in(page, live_server)
    page.get_by_role("link", name="A 2-minute questionnaire is due").click()
    page.goto(live_server.url + "/questionnaires/phq9/")
    answers = ["Several days"] * 8 + ["Several days"]
    for number, answer in enumerate(answers, 1):
        expect(page.get_by_text(f"Question {number} of 9")).to_be_visible()
        # One question a screen: its answers and the button fit the phone.
        expect(
            page.get_by_role("button", name="See my score" if number == 9 else "Next")
        ).to_be_in_viewport()
        if number == 1:
            screenshot(page, "questionnaire-question-phone")
        page.get_by_label(answer, exact=True).check()
        page.get_by_role(
            "button", name="See my score" if number == 9 else "Next"
        ).click()
    expect(page.get_by_role("heading", name="9 of 27: mild")).to_be_visible()
    # Item 9 above 0: crisis resources at once, and a kind note.
    expect(page.locator(".crisis")).to_be_visible()
    expect(page.get_by_text("nothing was sent anywhere")).to_be_visible()
    screenshot(page, "questionnaire-result-phone")
    watch.assert_clean()
    response = QuestionnaireResponse.objects.get(user=user)
    assert (response.instrument, response.score, response.answers[8]) == ("phq9", 9, 1)
