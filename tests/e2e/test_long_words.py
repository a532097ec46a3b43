"""A person's own words may be longer than a phone is wide: a tag, a metric,
a substance or a protocol named without a space, a link pasted into a note.
They break inside their cards; no page scrolls sideways."""

from __future__ import annotations

import pytest

from journal.models import Rating
from protocols.models import Substance
from tests.conftest import make_user
from tests.e2e.conftest import PHONE
from tests.e2e.test_checkin import sign_in
from tests.factories import make_dose, make_entry, make_metric, make_protocol

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

WORD = "Longnamewithoutanyspace" * 4  # each name below is cut to its field's length

PAGES = [
    "/",
    "/journal/",
    "/journal/week/",
    "/protocol/",
    "/protocol/calendar/",
    "/protocol/substances/",
    "/settings/metrics/",
    "/insights/",
]


def test_long_words_break_rather_than_widen_a_page_on_a_phone(phone_page, live_server):
    owner = make_user("owner")
    substance = Substance.objects.filter(user=owner).first()
    substance.name = WORD[:60]
    substance.save()
    make_protocol(owner, name=WORD[:80], substance=substance)
    metric = make_metric(owner, WORD[:40], low_label=WORD[:30], high_label=WORD[:30])
    entry = make_entry(
        owner, note=f"see https://example.org/{WORD}{WORD}", tags=[WORD[:40]]
    )
    Rating.objects.create(entry=entry, metric=metric, value=5)
    make_dose(owner, substance=substance)
    page, watch = phone_page
    sign_in(page, live_server)
    wide = {}
    for path in PAGES:
        page.goto(live_server.url + path)
        width = page.evaluate("document.documentElement.scrollWidth")
        if width > PHONE["width"]:
            wide[path] = width
    assert wide == {}
    watch.assert_clean()
