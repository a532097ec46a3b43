"""Tag days (journal.models.TagDay) are kept by the database: after every kind
of write, they are exactly how many of each person's entries of each day
carry each tag."""

from __future__ import annotations

import datetime as dt
import importlib
import io
import random

import pytest
from django.core.management import call_command
from django.db import connection
from django.db.models import Count

from accounts.services import account_delete
from journal import services
from journal.models import Entry, Tag, TagDay
from tests.factories import make_entry
from tests.journal.kept_rows import (
    assert_unique_index,
    expected_triggers,
    moment,
    triggers,
)

pytestmark = pytest.mark.django_db

DAY = dt.date(2026, 3, 2)
Links = Entry.tags.through


def recomputed() -> dict[tuple, int]:
    rows = (
        Links.objects.values_list("entry__user_id", "entry__day", "tag_id")
        .annotate(n=Count("id"))
        .order_by()
    )
    return {(u, d, t): n for u, d, t, n in rows}


def stored() -> dict[tuple, int]:
    rows = TagDay.objects.values_list("user_id", "day", "tag_id", "uses")
    return {(u, d, t): n for u, d, t, n in rows}


def tag(user, name: str) -> Tag:
    return Tag.objects.get_or_create(user=user, name=name)[0]


def test_check_ins_count_each_tag_per_day(owner_client, owner, metrics):
    for names in ("walk, coffee", "walk"):
        response = owner_client.post(
            "/entries/new/",
            {"occurred_at": "", "note": "", "token": "", "new_tags": names,
             f"rating_{metrics['mood'].pk}": 5},
        )  # fmt: skip
        assert response.status_code == 302
    today = owner.profile.local_day()
    walk, coffee = tag(owner, "walk"), tag(owner, "coffee")
    assert stored() == {(owner.pk, today, walk.pk): 2, (owner.pk, today, coffee.pk): 1}
    assert stored() == recomputed()


def test_an_edit_moves_changes_and_clears_tags(owner, metrics):
    walk, coffee = tag(owner, "walk"), tag(owner, "coffee")
    entry = services.entry_create(
        user=owner,
        profile=owner.profile,
        occurred_at=moment(DAY),
        note="",
        ratings={metrics["mood"]: 5},
        tags=[walk, coffee],
    )[0]
    make_entry(owner, day=DAY, tags=["walk"])  # another check-in the same day
    assert stored()[owner.pk, DAY, walk.pk] == 2
    later = DAY + dt.timedelta(days=3)
    services.entry_update(
        entry=entry,
        profile=owner.profile,
        occurred_at=moment(later),
        note="",
        ratings={metrics["mood"]: 5},
        tags=[coffee],
    )
    assert stored() == {(owner.pk, DAY, walk.pk): 1, (owner.pk, later, coffee.pk): 1}
    assert stored() == recomputed()
    services.entry_delete(entry=entry)
    assert stored() == {(owner.pk, DAY, walk.pk): 1} == recomputed()


def test_imports_and_deletions_of_a_tag_and_of_an_account(owner, other_user, metrics):
    services.entries_add_many(
        user=owner,
        profile=owner.profile,
        drafts=[
            services.EntryDraft(
                occurred_at=moment(DAY + dt.timedelta(days=k // 2), 8 + k),
                note=str(k),
                tag_names=["walk", "work"] if k % 2 else ["walk"],
            )
            for k in range(6)
        ],
    )
    make_entry(other_user, day=DAY, tags=["walk"])
    walk = tag(owner, "walk")
    assert stored()[owner.pk, DAY, walk.pk] == 2
    assert len(stored()) == 7 and stored() == recomputed()
    tag(owner, "work").delete()
    assert stored() == recomputed()
    account_delete(user=owner)
    theirs = tag(other_user, "walk")
    assert stored() == recomputed() == {(other_user.pk, DAY, theirs.pk): 1}


def test_a_repaired_day_moves_its_tags(owner):
    entry = make_entry(owner, day=DAY, tags=["walk"])
    wrong = DAY - dt.timedelta(days=1)
    Entry.objects.filter(pk=entry.pk).update(day=wrong)  # a day gone wrong
    walk = tag(owner, "walk")
    assert stored() == {(owner.pk, wrong, walk.pk): 1}
    call_command("check_data", "--fix-days", stdout=io.StringIO())
    assert stored() == recomputed() == {(owner.pk, DAY, walk.pk): 1}


def test_bulk_changes_and_deletes_of_links_are_followed(owner):
    for k in range(4):
        make_entry(owner, day=DAY + dt.timedelta(days=k % 2), tags=["walk", f"t{k}"])
    walk = tag(owner, "walk")
    Links.objects.filter(tag__name="t0").update(tag=tag(owner, "renamed"))
    assert stored() == recomputed()
    Links.objects.filter(tag=walk, entry__day=DAY).delete()
    assert stored() == recomputed()
    assert (owner.pk, DAY, walk.pk) not in stored()  # no row left at zero
    Entry.objects.filter(user=owner).delete()
    assert stored() == {} == recomputed()


def test_any_sequence_of_writes_keeps_the_counts(owner, other_user):
    """Random writes by two people over four days, checked after each."""
    rng = random.Random(11)
    people = {
        person: [tag(person, name) for name in ("a", "b", "c", "d")]
        for person in (owner, other_user)
    }
    days = [DAY + dt.timedelta(days=k) for k in range(4)]
    for step in range(60):
        person = rng.choice(list(people))
        entries = list(Entry.objects.filter(user=person))
        action = rng.choice(["create", "create", "edit", "move", "delete"])
        tags = rng.sample(people[person], rng.randint(0, 3))
        if action == "create" or not entries:
            services.entry_create(
                user=person,
                profile=person.profile,
                occurred_at=moment(rng.choice(days), rng.randrange(24)),
                note=f"step {step}",
                ratings={},
                tags=tags,
            )
        elif action == "delete":
            services.entry_delete(entry=rng.choice(entries))
        else:
            entry = rng.choice(entries)
            when = moment(rng.choice(days)) if action == "move" else entry.occurred_at
            services.entry_update(
                entry=entry,
                profile=person.profile,
                occurred_at=when,
                note=entry.note,
                ratings={},
                tags=tags,
            )
        assert stored() == recomputed(), (step, action)
    assert len(stored()) >= 8


def test_the_triggers_are_there():
    # A later migration that rebuilds a table on SQLite would drop them.
    assert triggers("journal_tagday") == expected_triggers(
        "journal_tagday", "journal_entry_tags", "link"
    )


def test_the_migration_counts_the_links_there_are(owner, other_user):
    fill = importlib.import_module("journal.migrations.0013_tag_days").FILL
    for k in range(3):
        make_entry(owner, day=DAY + dt.timedelta(days=k // 2), tags=["walk", f"t{k}"])
    make_entry(other_user, day=DAY, tags=["walk"])
    expected = recomputed()
    TagDay.objects.all().delete()  # as before the migration
    with connection.cursor() as cursor:
        cursor.execute(fill)
    assert stored() == expected
    assert expected[owner.pk, DAY, tag(owner, "walk").pk] == 2
    assert len(expected) == 6


def test_tag_days_set_apart_from_their_links_are_listed_and_written_again(owner):
    make_entry(owner, day=DAY, tags=["walk"])
    make_entry(owner, day=DAY, tags=["walk"])
    make_entry(owner, day=DAY + dt.timedelta(days=1), tags=["walk"])
    walk = tag(owner, "walk")
    # Writes with the triggers off would leave the counts like this:
    TagDay.objects.filter(day=DAY).update(uses=7)
    TagDay.objects.filter(day=DAY + dt.timedelta(days=1)).delete()
    TagDay.objects.create(user=owner, day=DAY - dt.timedelta(days=1), tag=walk, uses=1)

    def check(*args) -> str:
        out = io.StringIO()
        call_command("check_data", *args, stdout=out)
        return out.getvalue()

    report = check()
    where = f"tag day of user {owner.pk}, tag {walk.pk} on"
    carry = "of that day's entries carry it"
    assert f"{where} 2026-03-02: counted 7, but 2 {carry}" in report
    assert f"{where} 2026-03-03: counted 0, but 1 {carry}" in report
    assert f"{where} 2026-03-01: counted 1, but 0 {carry}" in report
    assert TagDay.objects.get(day=DAY).uses == 7  # nothing changes unasked

    check("--fix-totals")
    assert (
        stored()
        == recomputed()
        == {
            (owner.pk, DAY, walk.pk): 2,
            (owner.pk, DAY + dt.timedelta(days=1), walk.pk): 1,
        }
    )
    assert "No problems found." in check()


def test_a_range_of_days_is_read_from_the_index_alone_on_postgresql():
    """The unique index holds the counts too (migration 0013)."""
    assert_unique_index(
        "journal_tagday", "tag_day_once_per_tag", ["user_id", "day", "tag_id"], ["uses"]
    )
