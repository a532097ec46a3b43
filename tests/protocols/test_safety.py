from __future__ import annotations

import datetime as dt
from decimal import Decimal

from protocols.safety import QUESTIONS, RecentDose, advisories, dose_warnings

DAY = dt.date(2026, 5, 10)


def warn(kind="psilocybin", amount="100", planned="100", recent=()):
    return dose_warnings(
        day=DAY,
        kind=kind,
        amount=Decimal(amount) if amount else None,
        planned_amount=Decimal(planned) if planned else None,
        recent=list(recent),
    )


def test_no_warnings_for_an_ordinary_dose():
    assert warn(recent=[RecentDose(DAY - dt.timedelta(days=3), "psilocybin")]) == []


def test_the_day_before_or_after_warns_about_tolerance():
    for offset in (-1, 1):
        (warning,) = warn(
            recent=[RecentDose(DAY + dt.timedelta(days=offset), "psilocybin")]
        )
        assert "Tolerance" in warning


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
    assert "well above your plan of 100" in warning
    assert warn(amount="500", planned=None) == []


def test_advisories_follow_the_yes_answers():
    answers = {q.key: False for q in QUESTIONS} | {"ssri": True, "pregnancy": True}
    assert [q.key for q in advisories(answers)] == ["ssri", "pregnancy"]
