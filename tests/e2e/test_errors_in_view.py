"""A refusal far down a page is brought into view on a phone, its field
focused (static/js/app.js), rather than left below the fold of a page that
opened at its top."""

from __future__ import annotations

import pytest

from journal.models import Metric
from tests.conftest import make_user
from tests.e2e.test_checkin import sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

IN_VIEW = """() => {
  const box = document.activeElement.getBoundingClientRect();
  return box.top >= 0 && box.bottom <= window.innerHeight;
}"""


def test_a_refused_field_below_the_fold_is_in_view_and_focused(phone_page, live_server):
    owner = make_user("owner")
    page, watch = phone_page
    sign_in(page, live_server)
    page.goto(live_server.url + "/settings/metrics/")
    button = page.get_by_role("button", name="Add metric")
    assert button.bounding_box()["y"] > page.viewport_size["height"]  # below the fold
    page.fill("#id_name", "Creativity")
    page.fill("#id_scale_min", "5")
    page.fill("#id_scale_max", "3")
    button.click()
    page.wait_for_load_state("load")
    assert "The highest value must be above the lowest." in page.content()
    assert page.evaluate("document.activeElement.id") == "id_scale_max"
    assert page.evaluate(IN_VIEW)
    assert not Metric.objects.filter(user=owner, name="Creativity").exists()
    # The browser notes the refusal's status (422) itself; nothing else.
    refused = "the server responded with a status of 422"
    watch.console_errors = [e for e in watch.console_errors if refused not in e]
    watch.assert_clean()


def test_a_page_without_a_refusal_opens_at_its_top(phone_page, live_server):
    make_user("owner")
    page, watch = phone_page
    sign_in(page, live_server)
    page.goto(live_server.url + "/settings/metrics/")
    assert page.evaluate("window.scrollY") == 0
    assert page.evaluate("document.activeElement === document.body")
    watch.assert_clean()
