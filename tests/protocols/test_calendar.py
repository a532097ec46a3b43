from __future__ import annotations

import datetime as dt
import re

import pytest

from protocols.queries import calendar_days
from tests.factories import make_dose, make_protocol

pytestmark = pytest.mark.django_db


def states(user, first, last, today):
    return {c.day.day: c.state for c in calendar_days(user, first, last, today)}


def test_each_day_gets_its_state(owner):
    # Every other day from 1 March, one week on and one week off.
    make_protocol(
        owner,
        kind="every_other_day",
        start_date=dt.date(2026, 3, 1),
        on_weeks=1,
        break_weeks=1,
    )
    make_dose(owner, day=dt.date(2026, 3, 1))  # planned and taken
    make_dose(owner, day=dt.date(2026, 3, 2))  # taken, not planned
    make_dose(owner, day=dt.date(2026, 3, 3), skipped=True)  # planned, skipped
    # 5 March: planned, nothing logged, in the past -> missed
    got = states(
        owner, dt.date(2026, 2, 28), dt.date(2026, 3, 16), today=dt.date(2026, 3, 6)
    )
    assert got[28] == "none"
    assert got[1] == "taken"
    assert got[2] == "unplanned"
    assert got[3] == "skipped"
    assert got[4] == "off"
    assert got[5] == "missed"
    assert got[7] == "planned"  # after "today"
    assert got[8] == got[14] == "break"
    assert got[15] == "planned"


def test_history_uses_the_protocol_of_its_time(owner):
    old = make_protocol(
        owner, kind="every_other_day", start_date=dt.date(2026, 1, 1), active=False
    )
    old.end_date = dt.date(2026, 1, 10)
    old.save()
    make_protocol(owner, kind="fadiman", start_date=dt.date(2026, 1, 11))
    got = states(
        owner, dt.date(2026, 1, 9), dt.date(2026, 1, 14), today=dt.date(2026, 1, 1)
    )
    assert got[9] == "planned"  # every other day: 1, 3, 5, 7, 9
    assert got[10] == "off"
    assert got[11] == "planned"  # fadiman from the 11th
    assert got[12] == got[13] == "off"
    assert got[14] == "planned"


def test_the_calendar_page_has_a_grid_a_phone_list_and_a_legend(owner_client, owner):
    make_protocol(owner, start_date=dt.date(2026, 3, 1))
    html = owner_client.get("/protocol/calendar/2026/3/").content.decode()
    assert "March 2026" in html
    assert '<table class="calendar dosing">' in html
    assert '<ol class="cal-list"' in html
    for label in [
        "Planned",
        "Taken as planned",
        "Taken, not planned",
        "Skipped",
        "Missed (nothing logged)",
        "Break",
        "Today",
    ]:
        assert label in html
    assert re.search(
        r'aria-label="Sunday 1 March: (Planned|Missed \(nothing logged\))"', html
    )
    assert 'href="/journal/?start=2026-03-01&amp;end=2026-03-01"' in html


def test_a_month_with_no_protocol_says_so_once_rather_than_day_by_day(
    owner_client, owner
):
    make_protocol(owner, start_date=dt.date(2026, 3, 10))
    hint = "No protocol in {}, so nothing is planned."
    before = owner_client.get("/protocol/calendar/2026/2/").content.decode()
    assert hint.format("February 2026") in before
    assert 'href="/protocol/"' in before
    # A month the protocol reaches, even by some of its days: no such words.
    march = owner_client.get("/protocol/calendar/2026/3/").content.decode()
    assert "No protocol in" not in march
    # Nor one with a dose logged outside any protocol.
    make_dose(owner, day=dt.date(2026, 1, 15))
    january = owner_client.get("/protocol/calendar/2026/1/").content.decode()
    assert "No protocol in" not in january


def test_months_swap_through_htmx(owner_client):
    response = owner_client.get(
        "/protocol/calendar/2026/4/", headers={"HX-Request": "true"}
    )
    assert b"<html" not in response.content
    assert b"April 2026" in response.content
    assert b'hx-get="/protocol/calendar/2026/5/"' in response.content


def test_today_is_marked(owner_client, owner):
    html = owner_client.get("/protocol/calendar/").content.decode()
    assert ", today" in html


@pytest.mark.parametrize(
    "path", ["/protocol/calendar/2026/13/", "/protocol/calendar/0/1/"]
)
def test_impossible_months_are_not_found(owner_client, path):
    assert owner_client.get(path).status_code == 404


def test_other_users_doses_never_show(owner_client, owner, other_user):
    make_dose(other_user, day=dt.date(2026, 3, 4))
    html = owner_client.get("/protocol/calendar/2026/3/").content.decode()
    assert "Taken, not planned" not in html.split('<ul class="legend')[0]
