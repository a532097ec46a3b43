"""A checkbox's help sits under its label, never beside it: on a phone the
help of "Email" (no address to send to) once squeezed the label to a letter
or two a line."""

from __future__ import annotations

import pytest

from tests.conftest import make_user
from tests.e2e.test_checkin import sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_checkbox_help_is_under_its_label_on_a_phone(phone_page, live_server):
    user = make_user("owner")
    user.email = ""
    user.save(update_fields=["email"])
    page, watch = phone_page
    sign_in(page, live_server)
    page.goto(live_server.url + "/settings/reminders/")
    label = page.locator("label[for=id_by_email]")
    help_text = page.locator("#id_by_email_helptext")
    assert help_text.inner_text() == "Add an email address first."
    label_box, help_box = label.bounding_box(), help_text.bounding_box()
    # "Email" on one line, the help below it, beginning where the label does.
    line = float(label.evaluate("el => parseFloat(getComputedStyle(el).lineHeight)"))
    assert label_box["height"] < 1.5 * line
    assert help_box["y"] >= label_box["y"] + label_box["height"]
    assert help_box["x"] == pytest.approx(label_box["x"], abs=1)
    watch.assert_clean()
