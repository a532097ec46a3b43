from __future__ import annotations

import datetime as dt
import uuid
from decimal import Decimal
from html import unescape

import pytest
from django.contrib.messages import get_messages

from protocols.models import DoseLog, Protocol, Substance
from tests.edits import check_saved_elsewhere_is_kept
from tests.edits import seen_on_page as edit_seen
from tests.factories import begin_next_protocol, make_dose, make_protocol

pytestmark = pytest.mark.django_db


def dose_data(substance, **extra):
    return {
        "token": str(uuid.uuid4()),
        "substance": substance.pk,
        "amount": "100",
        "date": "2026-02-10",
        "time": "08:30",
        **extra,
    }


def test_logging_a_dose(owner_client, owner, substances):
    response = owner_client.post(
        "/protocol/doses/new/", dose_data(substances["Psilocybin"], notes="with tea")
    )
    assert response.status_code == 302
    dose = DoseLog.objects.get(user=owner)
    assert (dose.day, dose.amount, dose.unit, dose.notes) == (
        dt.date(2026, 2, 10),
        Decimal("100"),
        "mg",
        "with tea",
    )
    assert dose.taken_at.astimezone(owner.profile.tzinfo).hour == 8


def test_a_dose_before_the_day_start_counts_for_the_day_before(
    owner_client, owner, substances
):
    owner_client.post(
        "/protocol/doses/new/", dose_data(substances["LSD"], time="02:00")
    )
    assert DoseLog.objects.get(user=owner).day == dt.date(2026, 2, 9)


def test_the_form_starts_from_the_active_protocol(owner_client, owner):
    protocol = make_protocol(owner)
    html = owner_client.get("/protocol/doses/new/").content.decode()
    assert f'<option value="{protocol.pk}" selected>' in html
    assert 'value="100.00"' in html or 'value="100"' in html


def test_a_double_submit_logs_once(owner_client, owner, substances):
    data = dose_data(substances["LSD"])
    owner_client.post("/protocol/doses/new/", data)
    owner_client.post("/protocol/doses/new/", data)
    assert DoseLog.objects.filter(user=owner).count() == 1


def test_a_skipped_dose_needs_no_amount(owner_client, owner, substances):
    owner_client.post(
        "/protocol/doses/new/", dose_data(substances["LSD"], amount="", skipped="on")
    )
    dose = DoseLog.objects.get(user=owner)
    assert dose.skipped and dose.amount is None


@pytest.mark.parametrize(
    ("extra", "message"),
    [
        ({"amount": ""}, "Enter the amount taken"),
        ({"amount": "-1"}, "greater than or equal to 0.01"),
        ({"amount": "99999999"}, "less than or equal to 100000"),
        ({"amount": "NaN"}, "Enter a number"),
        ({"date": "2999-01-01"}, "cannot be logged in the future"),
        ({"date": "1900-01-01"}, "after 1970"),
        ({"date": "soon"}, "Enter a valid date"),
        # Berlin's clocks went from 02:00 to 03:00 that night.
        (
            {"date": "2026-03-29", "time": "02:30"},
            "02:30 did not happen on 29 March 2026 in Europe/Berlin",
        ),
        ({"protocol": "999999"}, "Select a valid choice"),
        ({"notes": "x" * 5001}, "at most 5000 characters"),
    ],
)
def test_bad_doses_are_refused_and_nothing_saved(
    owner_client, owner, substances, extra, message
):
    response = owner_client.post(
        "/protocol/doses/new/", dose_data(substances["LSD"], **extra)
    )
    assert response.status_code == 422
    assert message in response.content.decode()
    assert not DoseLog.objects.exists()


def test_another_users_substance_or_protocol_is_refused(
    owner_client, owner, other_user, substances
):
    foreign_substance = Substance.objects.filter(user=other_user).first()
    foreign_protocol = make_protocol(other_user)
    for data in (
        dose_data(foreign_substance),
        dose_data(substances["LSD"], protocol=foreign_protocol.pk),
    ):
        response = owner_client.post("/protocol/doses/new/", data)
        assert response.status_code == 422
        assert b"Select a valid choice" in response.content
    assert not DoseLog.objects.exists()


# --- Warnings, never blocks --------------------------------------------------------


def messages_of(response) -> str:
    return " ".join(str(m) for m in response.wsgi_request._messages)


def test_consecutive_days_warn_about_tolerance(owner_client, owner, substances):
    make_dose(owner, day=dt.date(2026, 2, 9), substance=substances["Psilocybin"])
    response = owner_client.post(
        "/protocol/doses/new/", dose_data(substances["Psilocybin"]), follow=True
    )
    assert "Tolerance builds" in response.content.decode()
    assert DoseLog.objects.filter(user=owner).count() == 2


def test_switching_between_lsd_and_psilocybin_within_a_week_warns(
    owner_client, owner, substances
):
    make_dose(owner, day=dt.date(2026, 2, 5), substance=substances["LSD"])
    response = owner_client.post(
        "/protocol/doses/new/", dose_data(substances["Psilocybin"]), follow=True
    )
    html = response.content.decode()
    assert "share a tolerance" in html
    assert "Tolerance builds" not in html


def test_a_dose_well_above_the_plan_warns(owner_client, owner, substances):
    protocol = make_protocol(owner)
    response = owner_client.post(
        "/protocol/doses/new/",
        dose_data(protocol.substance, amount="200", protocol=protocol.pk),
        follow=True,
    )
    assert "well above your plan of 100" in response.content.decode()


def test_an_ordinary_dose_gives_no_warning(owner_client, owner, substances):
    make_dose(owner, day=dt.date(2026, 2, 6), substance=substances["Psilocybin"])
    response = owner_client.post(
        "/protocol/doses/new/", dose_data(substances["Psilocybin"]), follow=True
    )
    assert 'class="message message-warning"' not in response.content.decode()


# --- One tap on Today -------------------------------------------------------------


def test_today_offers_the_planned_dose_on_a_planned_day(owner_client, owner):
    make_protocol(owner, start_date=owner.profile.local_day())
    html = owner_client.get("/").content.decode()
    assert "plans a dose today" in html
    assert 'hx-post="/protocol/doses/planned/"' in html
    # The dose comes first on a planned day, before the check-in form.
    assert html.index('id="today-dose"') < html.index('id="checkin-heading"')
    assert html.count('id="today-dose"') == 1


def test_today_says_when_nothing_is_planned(owner_client, owner):
    make_protocol(owner, start_date=owner.profile.local_day() - dt.timedelta(days=1))
    html = owner_client.get("/").content.decode()
    assert "No dose planned today" in html
    assert "Next planned:" in html
    assert html.index('id="today-dose"') > html.index('id="checkin-heading"')


def test_todays_dose_card_lists_the_days_doses_at_the_persons_time(owner_client, owner):
    # The owner lives in Berlin: 09:05 there is not 09:05 on the server's clock.
    taken = make_dose(owner, at=dt.time(9, 5))
    make_dose(owner, skipped=True, at=dt.time(8))
    html = owner_client.get("/").content.decode()
    card = html.split('id="today-dose"')[1].split("</section>")[0]
    assert f"Took {taken.substance.name} 100 {taken.unit} at 09:05" in card
    assert "Skipped the planned dose" in card
    effects = f"/protocol/doses/{taken.pk}/effects/?next=today"
    assert f'href="{effects}">How did it feel?' in card


def test_today_without_a_protocol_offers_to_set_one_up(owner_client):
    html = owner_client.get("/").content.decode()
    card = html.split('id="today-dose"')[1].split("</section>")[0]
    assert 'No protocol. <a href="/protocol/">Set one up</a>' in card


def test_today_names_a_break_day_of_the_protocol(owner_client, owner):
    # Four weeks on, two off: the 31st day is in the first break.
    start = owner.profile.local_day() - dt.timedelta(days=30)
    make_protocol(owner, name="Cycle", start_date=start, on_weeks=4, break_weeks=2)
    html = owner_client.get("/").content.decode()
    assert "A break day in Cycle." in html
    assert "plans a dose today" not in html


def test_one_tap_logs_the_planned_dose_once(owner_client, owner):
    protocol = make_protocol(owner, start_date=owner.profile.local_day())
    response = owner_client.post(
        "/protocol/doses/planned/", {"action": "take"}, headers={"HX-Request": "true"}
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert 'id="today-dose"' in html and "<html" not in html
    assert "Took Psilocybin" in html
    owner_client.post("/protocol/doses/planned/", {"action": "take"})
    dose = DoseLog.objects.get(user=owner)
    assert (dose.protocol, dose.amount, dose.skipped) == (
        protocol,
        Decimal("100"),
        False,
    )


def test_the_running_protocol_holds_until_the_next_one_begins(owner_client, owner):
    from protocols.queries import calendar_days

    today = owner.profile.local_day()
    running = make_protocol(owner, kind="every_other_day", start_date=today)
    begun_later = begin_next_protocol(owner, 7)
    running.refresh_from_db()
    assert (running.active, running.end_date) == (False, today + dt.timedelta(6))
    # The calendar and Today agree: today is the running protocol's dose day.
    [day] = calendar_days(owner, today, today, today)
    assert (day.state, day.protocol) == ("planned", running)
    html = owner_client.get("/").content.decode()
    assert "plans a dose today" in html
    assert "Fadiman" in html.split('id="today-dose"')[1].split("</section>")[0]
    # A dose logged today starts from the running protocol's substance.
    form = owner_client.get("/protocol/doses/new/").content.decode()
    assert f'value="{running.substance_id}" selected' in form
    # One tap logs the dose the running protocol planned, not the next one's.
    owner_client.post("/protocol/doses/planned/", {"action": "take"})
    dose = DoseLog.objects.get(user=owner)
    assert (dose.protocol, dose.amount) == (running, Decimal("100"))
    assert begun_later.active
    # The protocol page says which holds until when, and not as a past one.
    page = owner_client.get("/protocol/").content.decode()
    card = page.split('id="active-heading"')[1].split("</section>")[0]
    assert f"Begins {begun_later.start_date:%-d %B %Y}" in card
    assert (
        f'Until then, <a href="/protocol/{running.pk}/edit/">Fadiman</a> holds, to '
        f"its last day on {running.end_date:%-d %B}. Its next planned days: "
        f'<time datetime="{today}">' in card
    )
    assert "Then planned days:" in card
    assert "Past protocols" not in page


def test_a_protocol_not_yet_begun_can_be_taken_back_and_the_running_one_runs_on(
    owner_client, owner
):
    from django.contrib.messages import get_messages

    from protocols.queries import calendar_days

    today = owner.profile.local_day()
    running = make_protocol(owner, start_date=today - dt.timedelta(days=30))
    upcoming = begin_next_protocol(owner, 7)
    page = owner_client.get("/protocol/").content.decode()
    assert "Do not begin it</button>" in page and "End this protocol" not in page
    response = owner_client.post(f"/protocol/{upcoming.pk}/end/")
    assert [str(m) for m in get_messages(response.wsgi_request)] == [
        "Next will not begin. Fadiman runs on."
    ]
    assert not Protocol.objects.filter(pk=upcoming.pk).exists()
    running.refresh_from_db()
    assert (running.active, running.end_date) == (True, None)
    # No day of the one taken back is planned; the running one's plan goes on.
    later = calendar_days(
        owner, today + dt.timedelta(days=7), today + dt.timedelta(days=9), today
    )
    assert {day.protocol for day in later} == {running}
    # Sent twice (a double tap), the second finds nothing to take back.
    again = owner_client.post(f"/protocol/{upcoming.pk}/end/")
    assert again.status_code == 404
    running.refresh_from_db()
    assert running.active


@pytest.mark.parametrize("last", [60, 3])
def test_taking_back_a_protocol_not_yet_begun_gives_the_other_its_last_day_again(
    owner_client, owner, last
):
    # The running one was to end in 60 days (cut to the day before the new
    # one begins), or in 3 (before it: left as it was, active again).
    today = owner.profile.local_day()
    last_day = today + dt.timedelta(days=last)
    running = make_protocol(
        owner, start_date=today - dt.timedelta(days=30), end_date=last_day
    )
    upcoming = begin_next_protocol(owner, 7)
    running.refresh_from_db()
    assert running.end_date == min(last_day, today + dt.timedelta(days=6))
    response = owner_client.post(f"/protocol/{upcoming.pk}/end/")
    running.refresh_from_db()
    assert (running.active, running.end_date) == (True, last_day)
    assert [str(m) for m in get_messages(response.wsgi_request)] == [
        f"Next will not begin. Fadiman runs on to its last day, {last_day:%-d %B}."
    ]


def test_taking_back_keeps_a_last_day_given_since_to_the_one_it_ended(
    owner_client, owner
):
    today = owner.profile.local_day()
    running = make_protocol(owner, start_date=today - dt.timedelta(days=30))
    upcoming = begin_next_protocol(owner, 7)
    # Given another last day after the new one was saved: that one stays.
    Protocol.objects.filter(pk=running.pk).update(end_date=today + dt.timedelta(days=2))
    owner_client.post(f"/protocol/{upcoming.pk}/end/")
    running.refresh_from_db()
    assert (running.active, running.end_date) == (True, today + dt.timedelta(days=2))


def test_a_protocol_not_yet_begun_with_a_dose_under_it_is_not_taken_back(
    owner_client, owner
):
    from django.contrib.messages import get_messages

    running = make_protocol(owner)
    upcoming = begin_next_protocol(owner, 7)
    make_dose(owner, protocol=upcoming)
    response = owner_client.post(f"/protocol/{upcoming.pk}/end/")
    assert [str(m) for m in get_messages(response.wsgi_request)] == [
        "Doses are logged under this protocol: change its dates with Edit, or move "
        "those doses to another protocol first."
    ]
    upcoming.refresh_from_db()
    running.refresh_from_db()
    assert (upcoming.active, running.active) == (True, False)


def test_a_protocol_before_one_not_yet_begun_is_refused_next_to_its_first_day(
    owner_client, owner, screened
):
    from tests.protocols.test_protocol_pages import protocol_data

    today = owner.profile.local_day()
    make_protocol(owner, start_date=today - dt.timedelta(days=30))
    upcoming = begin_next_protocol(owner, 7)
    data = protocol_data(
        upcoming.substance, name="Sooner", start_date=str(today + dt.timedelta(3))
    )
    response = owner_client.post("/protocol/new/", {**data, "token": uuid.uuid4()})
    assert response.status_code == 422
    html = unescape(response.content.decode())
    assert (
        f"Next is to begin on {upcoming.start_date:%-d %B %Y} and has not begun: "
        "choose a later first day, or take it back first" in html
    )
    assert not Protocol.objects.filter(name="Sooner").exists()
    upcoming.refresh_from_db()
    assert (upcoming.active, upcoming.end_date) == (True, None)
    # After it begins, a later one ends it the day before, as any.
    later = {**data, "name": "Later", "start_date": str(today + dt.timedelta(9))}
    response = owner_client.post("/protocol/new/", {**later, "token": uuid.uuid4()})
    assert response.status_code == 302
    upcoming.refresh_from_db()
    assert upcoming.end_date == today + dt.timedelta(days=8)


def test_today_names_the_next_protocols_first_day_once_the_running_plan_is_over(
    owner_client, owner
):
    today = owner.profile.local_day()
    # Every other day from yesterday: today is off, and its last day.
    yesterday = today - dt.timedelta(days=1)
    make_protocol(owner, kind="every_other_day", start_date=yesterday)
    begin_next_protocol(owner, 1)
    html = owner_client.get("/").content.decode()
    card = html.split('id="today-dose"')[1].split("</section>")[0]
    first = today + dt.timedelta(days=1)
    assert f"No dose planned today. Next planned: {first:%A, %-d %B}." in card


def test_an_experiment_under_way_holds_the_protocols_planned_dose_on_today(
    owner_client, owner
):
    from tests.factories import make_experiment

    today = owner.profile.local_day()
    make_protocol(owner, start_date=today)  # Fadiman: a dose today
    make_experiment(
        owner, design="dose_days", weekdays=[today.weekday()], start_date=today
    )
    html = owner_client.get("/").content.decode()
    card = html.split('id="today-dose"')[1].split("</section>")[0]
    assert "plans a dose today" not in card and "Took it" not in card
    assert (
        "While your experiment runs, its own plan takes the place of Fadiman's "
        "planned doses: no other dose is planned today." in unescape(card)
    )
    assert "A capsule day: open today" in html


def test_one_tap_can_skip(owner_client, owner):
    make_protocol(owner, start_date=owner.profile.local_day())
    response = owner_client.post("/protocol/doses/planned/", {"action": "skip"})
    assert response.status_code == 302
    assert DoseLog.objects.get(user=owner).skipped


def test_one_tap_on_an_unplanned_day_logs_nothing(owner_client, owner):
    make_protocol(owner, start_date=owner.profile.local_day() - dt.timedelta(days=1))
    owner_client.post("/protocol/doses/planned/", {"action": "take"})
    assert not DoseLog.objects.exists()


def test_one_tap_needs_a_known_action(owner_client, owner):
    make_protocol(owner, start_date=owner.profile.local_day())
    assert (
        owner_client.post("/protocol/doses/planned/", {"action": "double"}).status_code
        == 400
    )
    assert not DoseLog.objects.exists()


def _tap(client, action: str, moment: str):
    return client.post(
        "/protocol/doses/planned/",
        {"action": action, "moment": moment},
        headers={"HX-Request": "true"},
    )


def test_a_tap_made_offline_yesterday_is_filed_under_yesterday(owner_client, owner):
    yesterday = owner.profile.local_day() - dt.timedelta(days=1)
    make_protocol(owner, start_date=yesterday)  # yesterday planned, today not
    tapped = dt.datetime.combine(yesterday, dt.time(8, 30), tzinfo=owner.profile.tzinfo)
    response = _tap(owner_client, "take", tapped.astimezone(dt.UTC).isoformat())
    assert response.status_code == 200
    dose = DoseLog.objects.get(user=owner)
    assert (dose.day, dose.taken_at, dose.skipped) == (yesterday, tapped, False)
    # Sent twice (a retry after a lost answer): still one dose.
    _tap(owner_client, "take", tapped.isoformat())
    assert DoseLog.objects.filter(user=owner).count() == 1


@pytest.mark.parametrize(
    ("moment", "message"),
    [
        ("2999-01-01T08:00:00+00:00", "cannot be logged in the future"),
        ("last tuesday", "Enter a valid date/time"),
        ("1969-07-20T20:17:00+00:00", "before 1970"),
    ],
)
def test_a_tap_with_an_impossible_moment_is_refused(
    owner_client, owner, moment, message
):
    make_protocol(owner, start_date=owner.profile.local_day())
    response = _tap(owner_client, "take", moment)
    # 422: the device's offline queue keeps it for the person to see.
    assert response.status_code == 422
    assert message in response.content.decode()
    assert not DoseLog.objects.exists()


def test_a_tap_sent_for_a_day_without_a_planned_dose_is_refused(owner_client, owner):
    today = owner.profile.local_day()
    make_protocol(owner, start_date=today)  # today planned, yesterday not
    yesterday_noon = dt.datetime.combine(
        today - dt.timedelta(days=1), dt.time(12), tzinfo=owner.profile.tzinfo
    )
    response = _tap(owner_client, "skip", yesterday_noon.isoformat())
    assert response.status_code == 422
    assert "No dose was planned for" in response.content.decode()
    assert not DoseLog.objects.exists()


def test_editing_and_deleting_a_dose(owner_client, owner, substances):
    dose = make_dose(owner, day=dt.date(2026, 2, 10))
    response = owner_client.post(
        f"/protocol/doses/{dose.pk}/edit/",
        dose_data(substances["LSD"], amount="12.5", date="2026-02-11"),
    )
    assert response.status_code == 302
    dose.refresh_from_db()
    assert (dose.amount, dose.day, dose.substance, dose.unit) == (
        Decimal("12.5"),
        dt.date(2026, 2, 11),
        substances["LSD"],
        "µg",
    )
    assert (
        b"cannot be undone"
        in owner_client.get(f"/protocol/doses/{dose.pk}/delete/").content
    )
    owner_client.post(f"/protocol/doses/{dose.pk}/delete/")
    assert not DoseLog.objects.exists()


def test_a_dose_edited_after_a_move_abroad_keeps_its_day(owner_client, owner):
    # Logged at 09:00:30 in Berlin on 10 June; the person then moves to New
    # York, where that moment is 03:00, before their 04:00 day start.
    dose = make_dose(owner, day=dt.date(2026, 6, 10), at=dt.time(9, 0, 30))
    taken_at = dose.taken_at
    owner.profile.timezone = "America/New_York"
    owner.profile.save()
    url = f"/protocol/doses/{dose.pk}/edit/"
    shown = {
        "substance": dose.substance_id,
        "amount": "100",
        "date": "2026-06-10",
        "time": "03:00",  # as the page shows it now
        "notes": "with tea",
    }
    assert owner_client.post(url, shown).status_code == 302
    dose.refresh_from_db()
    assert (dose.notes, dose.taken_at, dose.day) == (
        "with tea",
        taken_at,
        dt.date(2026, 6, 10),
    )
    # Moved by the person, it goes to its new moment's day.
    assert owner_client.post(url, {**shown, "time": "05:00"}).status_code == 302
    dose.refresh_from_db()
    assert dose.day == dt.date(2026, 6, 10)
    assert dose.taken_at.astimezone(owner.profile.tzinfo).hour == 5
    assert owner_client.post(url, {**shown, "time": "02:00"}).status_code == 302
    dose.refresh_from_db()
    assert dose.day == dt.date(2026, 6, 9)


def seen_on_page(client, dose) -> str:
    return edit_seen(client, f"/protocol/doses/{dose.pk}/edit/")


def test_a_dose_saved_elsewhere_since_its_page_opened_is_not_overwritten(
    owner_client, owner, substances
):
    dose = make_dose(owner, day=dt.date(2026, 2, 10))
    url = f"/protocol/doses/{dose.pk}/edit/"
    data = dose_data(substances["Psilocybin"], date="2026-02-10", time="09:00")
    check_saved_elsewhere_is_kept(owner_client, url, data, dose, "notes", "dose")


def test_doses_show_in_the_journal(owner_client, owner):
    from tests.factories import make_entry

    make_entry(owner, day=dt.date(2026, 2, 10), note="dosed")
    make_dose(owner, day=dt.date(2026, 2, 10))
    html = owner_client.get("/journal/").content.decode()
    assert "Dose: Psilocybin mushrooms (dried) 100 mg" in html


@pytest.mark.parametrize("method", ["get", "post"])
def test_an_experiment_capsule_cannot_be_edited_only_deleted(
    owner_client, owner, substances, method
):
    # What a capsule held is the experiment's to reveal: its edit page would
    # offer an amount, and a saved amount would unblind it.
    capsule = make_dose(owner, day=dt.date(2026, 2, 10), amount=None, blinded=True)
    url = f"/protocol/doses/{capsule.pk}/edit/"
    data = dose_data(substances["Psilocybin"], date="2026-02-10", time="09:00")
    send = getattr(owner_client, method)
    response = send(url, data if method == "post" else None, follow=True)
    assert response.redirect_chain[0] == ("/protocol/", 302)
    assert "An experiment capsule cannot be edited, only deleted." in unescape(
        response.content.decode()
    )
    capsule.refresh_from_db()
    assert capsule.amount is None and capsule.blinded
    owner_client.post(f"/protocol/doses/{capsule.pk}/delete/")
    assert not DoseLog.objects.filter(pk=capsule.pk).exists()


def test_a_skipped_dose_has_no_effects_to_note(owner_client, owner):
    skipped = make_dose(owner, skipped=True)
    response = owner_client.post(
        f"/protocol/doses/{skipped.pk}/effects/", {"felt": "yes"}, follow=True
    )
    assert response.redirect_chain[0] == ("/protocol/", 302)
    assert "A skipped dose has no effects to note." in response.content.decode()
    assert not skipped.effects.exists()


def test_an_edit_of_a_dose_deleted_elsewhere_gives_back_its_notes(
    owner_client, owner, substances
):
    dose = make_dose(owner, day=dt.date(2026, 2, 10))
    url = f"/protocol/doses/{dose.pk}/edit/"
    data = dose_data(
        substances["Psilocybin"], notes="felt lighter by noon", seen=seen_on_page(
            owner_client, dose
        ),
    )  # fmt: skip
    owner_client.post(f"/protocol/doses/{dose.pk}/delete/")  # on the phone
    response = owner_client.post(url, data)
    assert response.status_code == 404
    html = response.content.decode()
    assert "This dose is not there any more" in html
    assert "felt lighter by noon</textarea>" in html
    assert not DoseLog.objects.filter(user=owner).exists()
