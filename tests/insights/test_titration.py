"""The titration view: amounts against how they were felt and the next day."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from insights import report
from tests.factories import make_dose, make_entry

pytestmark = pytest.mark.django_db

START = dt.date(2026, 3, 2)


def titration(owner, substance=None):
    from protocols.models import Substance

    substance = substance or Substance.objects.filter(user=owner).first()
    result = report.build(
        owner, START, START + dt.timedelta(days=40), None, ("titration",), substance
    )
    return result.sections[0]


def test_each_amount_with_how_it_felt_and_the_next_day(owner):
    for offset, amount, felt, mood in [
        (0, "50", 0, 7),
        (3, "50", 1, 6),
        (6, "100", 2, 5),
        (9, "100", 3, 4),
        (12, "100", None, 6),
    ]:
        day = START + dt.timedelta(days=offset)
        make_dose(owner, day=day, amount=Decimal(amount), felt=felt)
        make_entry(owner, day=day + dt.timedelta(days=1), mood=mood)
    make_dose(owner, day=START + dt.timedelta(days=15), amount=None, blinded=True)
    section = titration(owner)
    assert section.rows == [
        ["50 mg", 2, 2, "0.50", 2, "6.50"],
        ["100 mg", 3, 2, "2.50", 3, "5.00"],
    ]
    assert section.figure is not None
    assert section.findings[0] == "Never felt more than “a little” at: 50 mg."
    assert "never dosing advice" in section.findings[-1]


def test_without_notes_of_how_doses_felt_it_says_where_to_note_them(owner):
    make_dose(owner, day=START, amount=Decimal("100"))
    section = titration(owner)
    assert section.figure is None
    assert "How did it feel?" in section.empty


def test_many_amounts_are_grouped_in_round_steps(owner):
    for offset in range(12):
        make_dose(
            owner,
            day=START + dt.timedelta(days=3 * offset),
            amount=Decimal("100") + Decimal("3.7") * offset,
            felt=0 if offset < 6 else 2,
        )
    section = titration(owner)
    # 100 to 140.7 mg: steps of 10 (5 would make nine groups).
    assert [row[:2] for row in section.rows] == [
        ["100–110 mg", 3],
        ["110–120 mg", 3],
        ["120–130 mg", 3],
        ["130–140 mg", 2],
        ["140–150 mg", 1],
    ]
    assert section.findings[0] == (
        "Never felt more than “a little” at: 100–110 mg, 110–120 mg."
    )


def test_questionnaire_totals_frame_the_weeks_of_an_experiment(owner):
    import json

    from tests.factories import make_response

    for week in range(4):
        make_response(owner, "phq9", [1] * 9, day=START + dt.timedelta(days=7 * week))
        make_dose(
            owner,
            day=START + dt.timedelta(days=7 * week + 1),
            amount=None,
            blinded=True,
        )
    result = report.build(
        owner, START, START + dt.timedelta(days=40), None, ("questionnaires",)
    )
    section = result.sections[0]
    figure = json.loads(section.figure)
    dashed = [s for s in figure["layout"]["shapes"] if s["line"].get("dash") == "dash"]
    assert [(s["x0"], s["x1"]) for s in dashed] == [("2026-03-03", "2026-03-25")]
    assert any("blinded experiment" in f for f in section.findings)
    assert any(
        f.startswith("PHQ-9: 9 on 2 Mar 2026, 9 on 23 Mar 2026")
        for f in section.findings
    )


def test_questionnaires_taken_in_the_same_second_keep_the_order_they_were_saved(
    owner,
):
    from tests.factories import make_response

    # In neither the names' order nor its reverse: only the order of saving
    # gives these rows.
    for instrument in ("who5", "gad7", "phq9", "gad7"):
        make_response(owner, instrument, day=START)
    section = report.build(
        owner, START, START + dt.timedelta(days=40), None, ("questionnaires",)
    ).sections[0]
    assert [row[1] for row in section.rows] == ["WHO-5", "GAD-7", "PHQ-9", "GAD-7"]
