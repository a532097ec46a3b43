"""A form sent the ordinary way goes once, however often its button is
tapped while the next page loads (static/js/app.js)."""

from __future__ import annotations

import time

import pytest

from journal import services
from journal.models import Entry
from tests.conftest import make_user
from tests.e2e.test_checkin import sign_in
from tests.factories import make_entry

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_delete_tapped_twice_is_sent_once_and_says_it_was_deleted(
    phone_page, live_server, monkeypatch
):
    owner = make_user("owner")
    entry = make_entry(owner, note="to go")
    page, watch = phone_page
    sign_in(page, live_server)
    sent = []
    delete = services.entry_delete

    def slow(**kwargs):  # the answer takes a moment: time for a second tap
        sent.append(kwargs["entry"].pk)
        time.sleep(0.5)
        delete(**kwargs)

    monkeypatch.setattr(services, "entry_delete", slow)
    page.goto(f"{live_server.url}/entries/{entry.pk}/delete/")
    box = page.get_by_role("button", name="Delete entry").bounding_box()
    x, y = box["x"] + box["width"] / 2, box["y"] + box["height"] / 2
    page.mouse.click(x, y)
    page.wait_for_timeout(150)  # the first answer is still on its way
    page.mouse.click(x, y)
    page.wait_for_url(live_server.url + "/journal/")
    assert sent == [entry.pk]
    assert "was deleted" in page.content()
    assert not Entry.objects.filter(pk=entry.pk).exists()
    watch.assert_clean()


def test_a_forms_other_button_still_goes_at_once(phone_page, live_server):
    """The two downloads of "Your data" are one form's two buttons."""
    owner = make_user("owner")
    make_entry(owner, note="kept")
    page, watch = phone_page
    sign_in(page, live_server)
    page.goto(live_server.url + "/settings/")
    names = []
    for label in ("Download everything (JSON)", "Download as spreadsheets (CSV, zip)"):
        with page.expect_download(timeout=5000) as download:
            page.get_by_role("button", name=label).click()
        names.append(download.value.suggested_filename)
    assert [name.rsplit(".", 1)[-1] for name in names] == ["json", "zip"]
    watch.assert_clean()
