"""protocols.services.doses_add_many: the write path of imported doses."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from protocols.models import DoseLog, Substance
from protocols.services import DoseDraft, DoseProblem, doses_add_many
from tests.factories import make_dose

pytestmark = pytest.mark.django_db


def draft(substance, hour=9, **fields) -> DoseDraft:
    return DoseDraft(
        **{
            "taken_at": dt.datetime(2026, 3, 2, hour, tzinfo=dt.UTC),
            "substance": substance,
            "amount": Decimal("0.15"),
            "unit": "g",
            **fields,
        }
    )


def test_doses_are_written_with_their_day_and_duplicates_skipped(owner):
    substance = Substance.objects.filter(user=owner).first()
    existing = make_dose(owner, day=dt.date(2026, 3, 1), substance=substance)
    written = doses_add_many(
        user=owner,
        profile=owner.profile,
        drafts=[
            draft(substance, taken_at=existing.taken_at, amount=existing.amount),
            draft(substance),
            draft(substance),  # the same again in the file
            draft(substance, skipped=True, amount=None),
        ],
    )
    assert written == (2, 2)
    new = DoseLog.objects.filter(user=owner).exclude(pk=existing.pk)
    assert sorted((d.day, d.skipped, d.unit) for d in new) == [
        (owner.profile.local_day(draft(substance).taken_at), False, "g"),
        (owner.profile.local_day(draft(substance).taken_at), True, "g"),
    ]


def test_a_bad_dose_names_its_place_and_writes_nothing(owner, other_user):
    mine = Substance.objects.filter(user=owner).first()
    theirs = Substance.objects.filter(user=other_user).first()
    for bad, message in [
        (draft(theirs, hour=10), "own substances"),
        (draft(mine, hour=10, amount=None), "amount"),
        (draft(mine, hour=10, unit="x" * 200), "unit"),
    ]:
        with pytest.raises(DoseProblem, match=message) as caught:
            doses_add_many(user=owner, profile=owner.profile, drafts=[draft(mine), bad])
        assert caught.value.index == 1
    assert not DoseLog.objects.filter(user=owner).exists()
