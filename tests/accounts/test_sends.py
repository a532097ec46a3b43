"""accounts.sends.once: a form that makes something new writes it once."""

from __future__ import annotations

import uuid

import pytest
from django.db import IntegrityError

from accounts.sends import once
from journal.models import Entry

pytestmark = pytest.mark.django_db


def writer(user, token, note="first"):
    def write():
        return Entry.objects.create(
            user=user, day="2026-06-10", occurred_at="2026-06-10T08:00Z",
            note=note, client_token=token,
        )  # fmt: skip

    return write


def test_the_same_token_sent_again_gets_the_first_row_without_checking_again(owner):
    token, checked = uuid.uuid4(), []
    rows = Entry.objects.filter(user=owner)
    first, created = once(
        rows, token, writer(owner, token), check=lambda: checked.append(1)
    )
    assert created and checked == [1]
    again, created = once(
        rows, token, writer(owner, token, "second"), check=lambda: checked.append(2)
    )
    assert (again, created, checked) == (first, False, [1])
    assert list(rows.values_list("note", flat=True)) == ["first"]


def test_a_form_without_a_token_writes_every_time(owner):
    rows = Entry.objects.filter(user=owner)
    assert once(rows, None, writer(owner, None))[1]
    assert once(rows, None, writer(owner, None, "second"))[1]
    assert rows.count() == 2


def test_a_send_that_lost_the_race_answers_with_the_winners_row(owner):
    # The other send writes its row after this one looked for the token and
    # before it writes its own: the unique token refuses this one's row.
    token = uuid.uuid4()
    rows = Entry.objects.filter(user=owner)
    won, lost = writer(owner, token, "won"), writer(owner, token, "lost")
    row, created = once(rows, token, lost, check=won)
    assert (row.note, created) == ("won", False)
    assert list(rows.values_list("note", flat=True)) == ["won"]  # still usable


def test_another_persons_token_is_not_this_persons(owner, other_user):
    token = uuid.uuid4()
    theirs, _ = once(
        Entry.objects.filter(user=other_user), token, writer(other_user, token)
    )
    mine, created = once(Entry.objects.filter(user=owner), token, writer(owner, token))
    assert created and mine.user == owner and mine != theirs


def test_an_integrity_error_of_another_kind_passes_through(owner):
    def broken():
        raise IntegrityError("some other constraint")

    with pytest.raises(IntegrityError, match="some other constraint"):
        once(Entry.objects.filter(user=owner), uuid.uuid4(), broken)
    with pytest.raises(IntegrityError, match="some other constraint"):
        once(Entry.objects.filter(user=owner), None, broken)
    assert not Entry.objects.filter(user=owner).exists()  # and the connection works
