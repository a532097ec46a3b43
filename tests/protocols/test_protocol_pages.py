from __future__ import annotations

import datetime as dt
import uuid
from decimal import Decimal
from html import unescape

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError

from protocols import services
from protocols.models import Protocol, SafetyScreen, Substance
from tests.edits import check_saved_elsewhere_is_kept, seen_on_page
from tests.factories import make_protocol
from tests.markup import input_value

pytestmark = pytest.mark.django_db


def protocol_data(substance, **extra):
    return {
        "name": "My Fadiman",
        "substance": substance.pk,
        "amount": "100",
        "kind": "fadiman",
        "start_date": "2026-01-05",
        "break_weeks": "0",
        **extra,
    }


def test_new_accounts_have_the_default_substances(owner):
    assert {(s.name, s.unit, s.kind) for s in Substance.objects.filter(user=owner)} == {
        ("Psilocybin mushrooms (dried)", "mg", "psilocybin"),
        ("Psilocybin", "mg", "psilocybin"),
        ("LSD", "µg", "lsd"),
        ("Other", "mg", "other"),
    }


def test_the_safety_notes_before_any_answers_ask_the_questions(owner_client):
    response = owner_client.get("/protocol/safety/advice/")
    assert (response.status_code, response["Location"]) == (302, "/protocol/safety/")


def test_the_first_protocol_asks_the_safety_questions_first(owner_client):
    response = owner_client.get("/protocol/new/")
    assert response.status_code == 302
    assert response["Location"] == "/protocol/safety/"
    page = owner_client.get("/protocol/safety/").content.decode()
    for word in [
        "lithium",
        "tramadol",
        "MAOI",
        "SSRI",
        "psychosis",
        "bipolar I",
        "pregnant",
        "heart-valve",
    ]:
        assert word in page
    assert "Johnson, Richards &amp; Griffiths (2008)" in page


def test_answers_are_kept_and_advise_without_blocking(owner_client, owner):
    from protocols.safety import QUESTIONS

    answers = {q.key: "no" for q in QUESTIONS} | {"lithium": "yes"}
    response = owner_client.post("/protocol/safety/", answers)
    assert response.status_code == 302
    assert SafetyScreen.objects.get(user=owner).answers["lithium"] is True
    advice = owner_client.get("/protocol/safety/advice/").content.decode()
    assert "seizures" in advice
    assert "Tramadol lowers" not in advice
    assert owner_client.get("/protocol/new/").status_code == 200


def test_unanswered_questions_are_refused(owner_client, owner):
    response = owner_client.post("/protocol/safety/", {"lithium": "yes"})
    assert response.status_code == 422
    assert not SafetyScreen.objects.filter(user=owner).exists()


@pytest.mark.parametrize(
    "extra",
    [
        {"kind": "fadiman"},
        {"kind": "stamets", "on_weeks": "4", "break_weeks": "2"},
        {"kind": "every_other_day", "end_date": "2026-03-01"},
        {"kind": "weekdays", "weekdays": ["0", "3"]},
        {"kind": "custom", "pattern": "1, 0,0,1,0,0,0"},
        {"kind": "intuitive"},
    ],
)
def test_every_kind_of_protocol_can_be_created(
    owner_client, owner, screened, substances, extra
):
    response = owner_client.post(
        "/protocol/new/", protocol_data(substances["Psilocybin"], **extra)
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    protocol = Protocol.objects.get(user=owner)
    assert protocol.active and protocol.kind == extra["kind"]
    assert protocol.unit == "mg"
    protocol.plan  # a valid plan  # noqa: B018
    if extra["kind"] == "custom":
        assert protocol.pattern == "1,0,0,1,0,0,0"
    if extra["kind"] == "weekdays":
        assert protocol.weekdays == "0,3"


def test_a_new_protocol_ends_the_active_one_and_keeps_it(
    owner_client, owner, screened, substances
):
    first = make_protocol(owner, start_date=dt.date(2026, 1, 1))
    owner_client.post(
        "/protocol/new/", protocol_data(substances["LSD"], start_date="2026-03-01")
    )
    first.refresh_from_db()
    assert not first.active
    assert first.end_date == dt.date(2026, 2, 28)
    assert Protocol.objects.filter(user=owner, active=True).count() == 1
    assert b"Past protocols" in owner_client.get("/protocol/").content


def test_a_new_protocol_sent_twice_starts_one(
    owner_client, owner, screened, substances
):
    token = input_value(owner_client.get("/protocol/new/").content.decode(), "token")
    data = protocol_data(substances["LSD"], token=token)
    for _ in range(2):  # a double tap
        assert owner_client.post("/protocol/new/", data).status_code == 302
    assert Protocol.objects.filter(user=owner).count() == 1


def test_another_persons_token_starts_a_protocol_of_ones_own(
    owner_client, screened, substances, other_client, other_user
):
    token = input_value(owner_client.get("/protocol/new/").content.decode(), "token")
    owner_client.post("/protocol/new/", protocol_data(substances["LSD"], token=token))
    SafetyScreen.objects.create(user=other_user, answers={})
    theirs = other_user.substances.first()
    data = {**protocol_data(theirs, token=token), "name": "Theirs"}
    assert other_client.post("/protocol/new/", data).status_code == 302
    assert Protocol.objects.get(user=other_user).name == "Theirs"
    assert Protocol.objects.get(user=screened.user).name == "My Fadiman"


def test_the_same_form_sent_at_the_same_moment_starts_one_protocol(
    owner, substances, monkeypatch
):
    # The other request writes its protocol after this one looked for the
    # token and before it writes its own.
    token = uuid.uuid4()
    check = Protocol.full_clean

    def other_request_first(self, *args, **kwargs):
        check(self, *args, **kwargs)
        if not Protocol.objects.filter(client_token=token).exists():
            make_protocol(owner, name="Sent first", client_token=token)

    monkeypatch.setattr(Protocol, "full_clean", other_request_first)
    protocol = services.protocol_create(
        user=owner,
        client_token=token,
        name="Sent second",
        substance=substances["LSD"],
        amount=Decimal("10"),
        unit="µg",
        kind="fadiman",
        start_date=dt.date(2026, 1, 5),
    )
    assert protocol.name == "Sent first"
    assert list(Protocol.objects.filter(user=owner).values_list("name", flat=True)) == [
        "Sent first"
    ]


def test_the_database_allows_one_active_protocol_per_user(owner, substances):
    make_protocol(owner)
    with pytest.raises(IntegrityError):
        Protocol.objects.create(
            user=owner,
            name="x",
            substance=substances["LSD"],
            amount=10,
            unit="µg",
            kind="fadiman",
            start_date=dt.date(2026, 1, 1),
            active=True,
        )


@pytest.mark.parametrize(
    ("extra", "message"),
    [
        ({"end_date": "2026-01-01"}, "The end date is before the start date"),
        ({"kind": "custom", "pattern": ""}, "at least one dose day"),
        ({"kind": "custom", "pattern": "0,0,0"}, "at least one dose day"),
        ({"kind": "custom", "pattern": "1,2,x"}, "Use only 1 and 0"),
        ({"kind": "weekdays"}, "Choose at least one weekday"),
        ({"kind": "weekdays", "weekdays": ["9"]}, "Select a valid choice"),
        ({"amount": "-5"}, "greater than or equal to 0.01"),
        ({"amount": "0"}, "greater than or equal to 0.01"),
        ({"amount": "1000000"}, "less than or equal to 100000"),
        ({"amount": "lots"}, "Enter a number"),
        ({"kind": "monthly"}, "Select a valid choice"),
        ({"start_date": "3000-01-01"}, "Choose a date before 2100"),
        ({"break_weeks": "2"}, "how many weeks on"),
        ({"on_weeks": "0", "break_weeks": "1"}, "how many weeks on"),
        ({"on_weeks": "60"}, "less than or equal to 52"),
        ({"name": ""}, "This field is required"),
    ],
)
def test_bad_protocols_are_refused_and_nothing_saved(
    owner_client, owner, screened, substances, extra, message
):
    response = owner_client.post(
        "/protocol/new/", protocol_data(substances["Psilocybin"], **extra)
    )
    assert response.status_code == 422
    assert message in response.content.decode()
    assert not Protocol.objects.filter(user=owner).exists()


def test_another_users_substance_is_refused(owner_client, owner, other_user, screened):
    foreign = Substance.objects.filter(user=other_user).first()
    response = owner_client.post("/protocol/new/", protocol_data(foreign))
    assert response.status_code == 422
    assert b"Select a valid choice" in response.content
    assert not Protocol.objects.exists()


def test_editing_a_protocol(owner_client, owner, substances):
    protocol = make_protocol(owner)
    response = owner_client.post(
        f"/protocol/{protocol.pk}/edit/",
        protocol_data(
            substances["LSD"],
            name="Renamed",
            amount="10",
            kind="stamets",
            start_date=protocol.start_date.isoformat(),
        ),
    )
    assert response.status_code == 302
    protocol.refresh_from_db()
    assert (protocol.name, protocol.amount, protocol.unit, protocol.kind) == (
        "Renamed",
        Decimal("10"),
        "µg",
        "stamets",
    )


def test_a_bad_edit_changes_nothing(owner_client, owner, substances):
    protocol = make_protocol(owner)
    response = owner_client.post(
        f"/protocol/{protocol.pk}/edit/",
        protocol_data(substances["LSD"], name="Renamed", kind="custom", pattern=""),
    )
    assert response.status_code == 422
    protocol.refresh_from_db()
    assert protocol.name == "Fadiman"


def test_a_protocol_saved_elsewhere_since_its_page_opened_is_not_overwritten(
    owner_client, owner
):
    protocol = make_protocol(owner)
    url = f"/protocol/{protocol.pk}/edit/"
    page = owner_client.get(url).content.decode()
    assert "This protocol has ended" not in page
    # Begun a month ago: an edit rewrites its past days, and the page says so.
    assert "its past days too" in page and 'href="/protocol/new/"' in page
    data = protocol_data(
        protocol.substance, name="Fadiman", start_date=protocol.start_date.isoformat()
    )
    check_saved_elsewhere_is_kept(
        owner_client, url, data, protocol, "notes", "protocol"
    )
    # A refused edit's page names the protocol, and says whether its past days
    # change with an edit, as it is saved, not as typed.
    later = (protocol.start_date + dt.timedelta(days=60)).isoformat()
    typed = {**data, "name": "Typed", "start_date": later, "end_date": "2000-01-01"}
    response = owner_client.post(url, typed)
    assert response.status_code == 422
    refused = unescape(response.content.decode())
    assert "<h1>Edit Fadiman</h1>" in refused
    assert "its past days too" in refused


def test_an_edit_opened_before_the_protocol_ended_elsewhere_does_not_reopen_it(
    owner_client, owner
):
    protocol = make_protocol(owner)
    url = f"/protocol/{protocol.pk}/edit/"
    seen = seen_on_page(owner_client, url)
    owner_client.post(f"/protocol/{protocol.pk}/end/")
    data = protocol_data(
        protocol.substance,
        name="Renamed",
        start_date=protocol.start_date.isoformat(),
        end_date="",  # as the page showed it, before it ended
    )
    refused = owner_client.post(url, {**data, "seen": seen})
    assert refused.status_code == 409
    protocol.refresh_from_db()
    assert (protocol.name, protocol.active) == ("Fadiman", False)
    assert protocol.end_date == owner.profile.local_day()


def test_an_ended_protocol_keeps_a_last_day_no_later_than_today(owner_client, owner):
    today = owner.profile.local_day()
    protocol = make_protocol(
        owner, active=False, start_date=today - dt.timedelta(days=60)
    )
    protocol.end_date = today - dt.timedelta(days=20)
    protocol.save()
    url = f"/protocol/{protocol.pk}/edit/"
    page = owner_client.get(url).content.decode()
    assert "This protocol has ended and is kept in your history" in page
    data = protocol_data(
        protocol.substance,
        name="Fadiman",
        start_date=protocol.start_date.isoformat(),
        seen=input_value(page, "seen"),
    )
    for end, error in [
        ("", "This protocol has ended: enter its last day."),
        (
            (today + dt.timedelta(days=1)).isoformat(),
            f"This protocol has ended: its last day can be {today:%-d %b %Y} at "
            "the latest.",
        ),
    ]:
        response = owner_client.post(url, {**data, "end_date": end})
        assert response.status_code == 422
        assert error in unescape(response.content.decode())
        protocol.refresh_from_db()
        assert protocol.end_date == today - dt.timedelta(days=20)
    # Moved to today, or earlier: saved.
    for end in (today, today - dt.timedelta(days=30)):
        data["seen"] = seen_on_page(owner_client, url)
        response = owner_client.post(url, {**data, "end_date": end.isoformat()})
        assert response.status_code == 302
        protocol.refresh_from_db()
        assert (protocol.end_date, protocol.active) == (end, False)


def test_an_ended_protocol_keeps_a_last_day_set_after_today_by_the_next_one(
    owner_client, owner, substances
):
    today = owner.profile.local_day()
    protocol = make_protocol(owner, start_date=today - dt.timedelta(days=10))
    # A protocol starting next week ends this one the day before it.
    services.protocol_create(
        user=owner,
        name="Stamets",
        substance=substances["Psilocybin"],
        amount=Decimal("100"),
        unit="mg",
        kind="stamets",
        start_date=today + dt.timedelta(days=7),
    )
    protocol.refresh_from_db()
    assert protocol.end_date == today + dt.timedelta(days=6)
    url = f"/protocol/{protocol.pk}/edit/"
    data = protocol_data(
        protocol.substance,
        name="Renamed",
        start_date=protocol.start_date.isoformat(),
        end_date=protocol.end_date.isoformat(),
        seen=seen_on_page(owner_client, url),
    )
    assert owner_client.post(url, data).status_code == 302
    protocol.refresh_from_db()
    assert (protocol.name, protocol.end_date) == (
        "Renamed",
        today + dt.timedelta(days=6),
    )


def test_the_migration_gives_each_ended_protocol_without_one_a_last_day(owner):
    import importlib

    migration = importlib.import_module("protocols.migrations.0009_protocol_last_days")
    today = dt.date(2026, 12, 7)
    first = make_protocol(owner, name="First", start_date=dt.date(2026, 1, 5))
    later = make_protocol(owner, name="Later", start_date=dt.date(2026, 3, 2))
    latest = make_protocol(owner, name="Latest", start_date=dt.date(2026, 6, 1))
    make_protocol(owner, name="Running", start_date=dt.date(2026, 5, 1))
    Protocol.objects.filter(pk__in=[first.pk, later.pk, latest.pk]).update(active=False)
    Protocol.objects.filter(pk=later.pk).update(end_date=dt.date(2026, 4, 1))
    assert migration.give_last_days(Protocol.objects, today) == 2
    ends = dict(Protocol.objects.values_list("name", "end_date"))
    assert ends == {
        "First": dt.date(2026, 3, 1),  # the day before the next began
        "Later": dt.date(2026, 4, 1),  # its own, kept
        "Latest": today,  # none began after it
        "Running": None,  # active
    }
    assert migration.give_last_days(Protocol.objects, today) == 0


def test_ending_a_protocol_keeps_it_as_history(owner_client, owner):
    protocol = make_protocol(owner)
    owner_client.post(f"/protocol/{protocol.pk}/end/")
    protocol.refresh_from_db()
    assert not protocol.active
    assert protocol.end_date == owner.profile.local_day()


def test_the_protocol_page_shows_the_plan(owner_client, owner):
    make_protocol(owner, start_date=owner.profile.local_day())
    html = owner_client.get("/protocol/").content.decode()
    assert "Next planned days" in html
    assert "Fadiman: one day on, two off" in html


def test_substances_can_be_added_and_unused_ones_deleted(owner_client, owner):
    response = owner_client.post(
        "/protocol/substances/", {"name": "Lion's mane", "kind": "other", "unit": "g"}
    )
    assert response.status_code == 302
    added = Substance.objects.get(user=owner, name="Lion's mane")
    owner_client.post(f"/protocol/substances/{added.pk}/delete/")
    assert not Substance.objects.filter(pk=added.pk).exists()


def test_a_substance_named_as_one_already_there_is_refused_next_to_its_name(
    owner_client, owner
):
    data = {"name": "lsd", "kind": "lsd", "unit": "µg"}  # "LSD" is a default
    response = owner_client.post("/protocol/substances/", data)
    assert response.status_code == 422
    assert "You already have a substance with this name." in response.content.decode()
    assert Substance.objects.filter(user=owner, name__iexact="lsd").count() == 1


@pytest.mark.parametrize(
    ("name", "message"),
    [
        ("\ufeff\u200e", "Write a name: this one has only invisible characters."),
        ("LSD\u200b", "You already have a substance with this name."),
    ],
)
def test_a_substance_named_with_invisible_characters_is_refused_next_to_its_name(
    owner_client, owner, name, message
):
    before = Substance.objects.filter(user=owner).count()
    data = {"name": name, "kind": "other", "unit": "mg"}
    response = owner_client.post("/protocol/substances/", data)
    assert response.status_code == 422
    assert message in response.content.decode()
    assert Substance.objects.filter(user=owner).count() == before


def test_a_substance_named_while_its_form_was_sent_is_refused_not_a_500(
    owner_client, owner, monkeypatch
):
    # The same form sent twice at once: the other request adds the substance
    # after this one's form was checked and before it is written.
    create = services.substance_create

    def other_request_first(**kwargs):
        Substance.objects.create(user=owner, name="Lion's mane", kind="other", unit="g")
        return create(**kwargs)

    monkeypatch.setattr(services, "substance_create", other_request_first)
    data = {"name": "Lion's mane", "kind": "other", "unit": "g"}
    response = owner_client.post("/protocol/substances/", data)
    assert response.status_code == 422
    assert "You already have a substance with this name." in response.content.decode()
    assert Substance.objects.filter(user=owner, name="Lion's mane").count() == 1


def test_a_substance_named_between_the_check_and_the_write_is_a_validation_error(
    owner, monkeypatch
):
    monkeypatch.setattr(Substance, "full_clean", lambda self, *a, **k: None)
    Substance.objects.create(user=owner, name="Lion's mane", kind="other", unit="g")
    with pytest.raises(ValidationError) as refused:
        services.substance_create(
            user=owner, name="LION'S MANE", kind="other", unit="g"
        )
    assert refused.value.message_dict == {
        "name": ["You already have a substance with this name."]
    }
    # The connection is still usable, and nothing more was written.
    assert Substance.objects.filter(user=owner, name__iexact="lion's mane").count() == 1


def test_a_substance_in_use_is_not_deleted(owner_client, owner):
    protocol = make_protocol(owner)
    owner_client.post(f"/protocol/substances/{protocol.substance_id}/delete/")
    assert Substance.objects.filter(pk=protocol.substance_id).exists()


def test_the_protocol_page_lists_the_latest_doses_and_past_protocols(
    owner_client, owner, other_user
):
    """Its ten latest doses, newest first, each with its own effects, and
    its twenty latest past protocols; nothing of another person's."""
    from protocols.models import DoseEffect
    from tests.factories import make_dose

    today = owner.profile.local_day()
    doses = [make_dose(owner, day=today - dt.timedelta(days=n)) for n in range(12)]
    DoseEffect.objects.create(dose=doses[0], name="Newest effect", intensity=1)
    DoseEffect.objects.create(dose=doses[10], name="Too old to list", intensity=1)
    for n in range(21):
        start = dt.date(2020, 1, 1) + dt.timedelta(days=30 * n)
        make_protocol(owner, name=f"Past {n:02d}", start_date=start, active=False)
    theirs = make_dose(other_user, day=today)
    DoseEffect.objects.create(dose=theirs, name="Their effect", intensity=2)
    make_protocol(other_user, name="Their past one", active=False)

    html = owner_client.get("/protocol/").content.decode()
    listed = html.split('id="doses-heading"')[1].split("</section>")[0]
    assert listed.count("<li>") == 10
    assert "Newest effect (mild)" in listed and "Too old to list" not in listed
    # The newest first: today's dose, then yesterday's.
    assert listed.index(f'datetime="{doses[0].taken_at.isoformat()[:10]}') < (
        listed.index(f'datetime="{doses[1].taken_at.isoformat()[:10]}')
    )
    past = html.split('id="history-heading"')[1].split("</section>")[0]
    assert past.count("<li>") == 20
    assert "Past 20" in past and "Past 00" not in past  # the latest started first
    for text in ("Their effect", "Their past one"):
        assert text not in html


def test_a_new_persons_protocol_page_shows_its_empty_states(
    owner_client, owner, other_user
):
    """Nothing of the person's yet, while another person has a protocol,
    doses and their safety answers: the page offers to set up a protocol,
    with the safety questions first, and lists no dose and no past one."""
    from tests.factories import make_dose

    SafetyScreen.objects.create(user=other_user, answers={})
    make_protocol(other_user, name="Their protocol")
    make_protocol(other_user, name="Their past one", active=False)
    make_dose(other_user)

    html = owner_client.get("/protocol/").content.decode()
    assert "No protocol yet" in html and "No doses logged yet." in html
    assert "A few safety questions come first." in html
    assert "Past protocols" not in html and "Their" not in html
    # Once the person has answered them, the safety questions are not asked for.
    SafetyScreen.objects.create(user=owner, answers={})
    html = owner_client.get("/protocol/").content.decode()
    assert "No protocol yet" in html
    assert "A few safety questions come first." not in html
