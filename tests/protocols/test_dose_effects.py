"""How a dose felt and its effects: noted, shown, validated."""

from __future__ import annotations

import datetime as dt

import pytest

from protocols.models import DoseEffect
from tests.factories import make_dose

pytestmark = pytest.mark.django_db


def post(client, dose, **data):
    return client.post(f"/protocol/doses/{dose.pk}/effects/", data)


def test_noting_how_a_dose_felt_and_its_effects(owner_client, owner):
    dose = make_dose(owner, day=owner.profile.local_day())
    page = owner_client.get(f"/protocol/doses/{dose.pk}/effects/").content.decode()
    assert "Did you feel the dose?" in page and "Trouble sleeping" in page
    assert "never dosing advice" in page
    response = post(
        owner_client, dose, felt="2", effect_0="1", effect_2="3",
        other="Vivid colours", other_intensity="2",
    )  # fmt: skip
    assert response.status_code == 302
    dose.refresh_from_db()
    assert dose.felt == 2
    assert sorted((e.name, e.intensity) for e in dose.effects.all()) == [
        ("Vivid colours", 2),
        ("headache", 1),
        ("jitteriness", 3),
    ]
    # Shown in the dose log, on Today and in the calendar.
    log = owner_client.get("/protocol/").content.decode()
    assert "felt noticeably, Vivid colours (moderate), headache (mild)" in log
    today = owner_client.get("/").content.decode()
    assert "felt noticeably, Vivid colours (moderate), headache (mild)" in today
    day = dose.day
    calendar = owner_client.get(f"/protocol/calendar/{day.year}/{day.month}/")
    assert "felt 2/3, Vivid colours, headache, jitteriness" in calendar.content.decode()


def test_each_dose_shows_its_own_effects_and_no_one_elses(
    owner_client, owner, other_user
):
    """Effects are read by the day of their doses and handed to each dose:
    two doses of one day keep theirs apart, and another person's dose of
    the same day lends none."""
    day = owner.profile.local_day()
    morning = make_dose(owner, day=day, at=dt.time(8))
    evening = make_dose(owner, day=day, at=dt.time(19), felt=0)
    theirs = make_dose(other_user, day=day)
    DoseEffect.objects.create(dose=morning, name="nausea", intensity=1)
    DoseEffect.objects.create(dose=evening, name="fatigue", intensity=3)
    DoseEffect.objects.create(dose=theirs, name="Their secret", intensity=2)

    today = owner_client.get("/").content.decode()
    assert today.count("nausea (mild)") == 1 and today.count("fatigue (strong)") == 1
    # The latest dose first, each line with its own effect.
    assert today.index("felt not at all, fatigue (strong)") < today.index(
        "nausea (mild)"
    )
    calendar = owner_client.get(f"/protocol/calendar/{day.year}/{day.month}/")
    html = calendar.content.decode()
    assert ", nausea" in html and "felt 0/3, fatigue" in html
    for page in (today, html, owner_client.get("/protocol/").content.decode()):
        assert "Their secret" not in page


def test_the_persons_own_effects_stay_when_the_form_is_saved_again(owner_client, owner):
    dose = make_dose(owner, day=owner.profile.local_day())
    post(owner_client, dose, other="Vivid colours", other_intensity="2")
    post(owner_client, dose, other="Warm hands", other_intensity="1", effect_6="2")
    assert sorted(DoseEffect.objects.values_list("name", "intensity")) == [
        ("Vivid colours", 2),
        ("Warm hands", 1),
    ]
    # Choosing "no" for it removes it: the person's choice, not a drop.
    post(owner_client, dose, effect_6="", effect_7="")
    assert not DoseEffect.objects.exists()


@pytest.mark.parametrize(
    "data",
    [
        {"felt": "4"},
        {"effect_0": "5"},
        {"other": "Vivid colours"},
        {"other_intensity": "2"},
        {"other": "x" * 41, "other_intensity": "1"},
    ],
)
def test_bad_input_is_refused_and_nothing_changes(owner_client, owner, data):
    dose = make_dose(owner, day=owner.profile.local_day())
    post(owner_client, dose, felt="1", effect_0="1")
    response = post(owner_client, dose, **data)
    assert response.status_code == 422
    dose.refresh_from_db()
    assert dose.felt == 1
    assert list(dose.effects.values_list("name", flat=True)) == ["headache"]


def test_another_persons_dose_is_404(owner_client, other_user):
    theirs = make_dose(other_user, day=dt.date(2026, 3, 2))
    assert owner_client.get(f"/protocol/doses/{theirs.pk}/effects/").status_code == 404
    assert post(owner_client, theirs, felt="1").status_code == 404


def test_a_dose_read_without_its_effects_still_shows_them(owner):
    """effect_list is set by the reads of the pages that show effects; a dose
    read any other way reads them itself rather than show none."""
    from django.template.loader import render_to_string

    from protocols.models import DoseLog

    dose = make_dose(owner)
    DoseEffect.objects.create(dose=dose, name="nausea", intensity=2)
    plain = DoseLog.objects.get(pk=dose.pk)
    line = render_to_string(
        "protocols/dose_effects_line.jinja", {"dose": plain}, using="jinja2"
    )
    assert "nausea (moderate)" in line
