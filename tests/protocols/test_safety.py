from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from protocols.safety import (
    QUESTIONS,
    Plan,
    RecentDose,
    advisories,
    dose_warnings,
    runs_long_without_break,
)

DAY = dt.date(2026, 5, 10)


def warn(
    kind="psilocybin",
    amount="100",
    planned="100",
    recent=(),
    unit="mg",
    planned_days=(),
):
    return dose_warnings(
        day=DAY,
        kind=kind,
        amount=Decimal(amount) if amount else None,
        substance_id=1,
        unit=unit,
        plan=Plan(
            days=frozenset(planned_days),
            amount=Decimal(planned) if planned else None,
            substance_id=1,
            unit="mg",
        ),
        recent=list(recent),
    )


def test_no_warnings_for_an_ordinary_dose():
    assert warn(recent=[RecentDose(DAY - dt.timedelta(days=3), "psilocybin")]) == []


def test_the_day_before_or_after_warns_about_tolerance():
    for offset in (-1, 1):
        (warning,) = warn(
            recent=[RecentDose(DAY + dt.timedelta(days=offset), "psilocybin")]
        )
        assert "Tolerance builds over a few daily doses" in warning


def test_a_switch_within_seven_days_warns_about_cross_tolerance():
    assert any(
        "share a tolerance" in w
        for w in warn(
            kind="lsd", recent=[RecentDose(DAY - dt.timedelta(days=7), "psilocybin")]
        )
    )
    assert (
        warn(kind="lsd", recent=[RecentDose(DAY - dt.timedelta(days=8), "psilocybin")])
        == []
    )
    assert (
        warn(kind="other", recent=[RecentDose(DAY - dt.timedelta(days=3), "lsd")]) == []
    )


def test_more_than_half_again_the_plan_warns():
    assert warn(amount="150") == []
    (warning,) = warn(amount="150.01")
    assert "well above your plan of 100 mg" in warning
    assert warn(amount="500", planned=None) == []


def test_advisories_follow_the_yes_answers():
    answers = {q.key: False for q in QUESTIONS} | {"ssri": True, "pregnancy": True}
    assert [q.key for q in advisories(answers)] == ["ssri", "pregnancy"]


def test_consecutive_days_the_protocol_plans_do_not_warn():
    before = DAY - dt.timedelta(days=1)
    stamets = [before, DAY]
    assert warn(recent=[RecentDose(before, "psilocybin")], planned_days=stamets) == []
    # Only one of the two days planned: still a warning.
    assert warn(recent=[RecentDose(before, "psilocybin")], planned_days=[DAY])


def test_a_second_dose_the_same_day_warns():
    (warning,) = warn(recent=[RecentDose(DAY, "psilocybin")], planned_days=[DAY])
    assert "second dose on the same day" in warning


def test_another_unit_or_substance_is_not_compared_with_the_plan():
    assert warn(amount="8", planned="1.5", unit="µg") == []
    other = dose_warnings(
        day=DAY,
        kind="lsd",
        amount=Decimal("8"),
        substance_id=2,
        unit="mg",
        plan=Plan(frozenset(), Decimal("1.5"), 1, "mg"),
        recent=[],
    )
    assert other == []


def test_only_lithium_is_an_imperative_and_maoi_differs_by_substance():
    by_key = {q.key: q.advisory for q in QUESTIONS}
    assert "Do not combine" in by_key["lithium"]
    for key, text in by_key.items():
        if key != "lithium":
            assert not text.startswith(("Do not", "Avoid", "Please")), key
            assert "Avoid" not in text and "Please" not in text, key
    assert "With LSD" in by_key["maoi"] and "low risk" in by_key["maoi"]
    assert {"seizures", "other_drugs"} <= by_key.keys()
    assert "bupropion" in next(q.question for q in QUESTIONS if q.key == "seizures")


def test_months_without_a_break_show_the_heart_valve_note():
    assert runs_long_without_break(None, 0, 12)
    assert not runs_long_without_break(None, 0, 11)
    assert not runs_long_without_break(8, 2, 40)


@pytest.mark.django_db
def test_a_stamets_dose_on_planned_consecutive_days_does_not_warn(owner):
    from protocols.services import dose_warnings_for
    from tests.factories import make_dose, make_protocol

    # A Monday start: Stamets plans Monday to Thursday.
    monday = dt.date(2026, 5, 4)
    protocol = make_protocol(owner, kind="stamets", start_date=monday)
    make_dose(owner, day=monday, protocol=protocol)
    tuesday = make_dose(owner, day=monday + dt.timedelta(days=1), protocol=protocol)
    assert dose_warnings_for(tuesday) == []
    friday = make_dose(owner, day=monday + dt.timedelta(days=4), protocol=protocol)
    make_dose(owner, day=monday + dt.timedelta(days=3), protocol=protocol)
    assert any("does not plan" in w for w in dose_warnings_for(friday))


@pytest.mark.django_db
def test_the_protocol_page_shows_the_heart_valve_note_after_months_without_breaks(
    owner_client, owner
):
    from protocols.models import SafetyScreen
    from tests.factories import make_protocol

    SafetyScreen.objects.create(user=owner, answers={})
    today = owner.profile.local_day()
    protocol = make_protocol(
        owner, kind="every_other_day", start_date=today - dt.timedelta(weeks=13)
    )
    assert "heart valves" in owner_client.get("/protocol/").content.decode()
    type(protocol).objects.filter(pk=protocol.pk).update(on_weeks=8, break_weeks=2)
    assert "heart valves" not in owner_client.get("/protocol/").content.decode()
