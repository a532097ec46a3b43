"""Tags on the check-in: ranked by recent use, a few to start with, and the
Journal's tag filter offering the person's tags."""

from __future__ import annotations

import datetime as dt
import re

import pytest

from journal import services
from journal.forms import STARTER_TAGS
from journal.models import Entry, Tag
from journal.queries import (
    SUGGESTED_TAGS,
    TAG_HISTORY_DAYS,
    _tags_with_uses,
    suggested_tags,
)
from tests.factories import make_entry

pytestmark = pytest.mark.django_db

TODAY = dt.date(2026, 6, 30)


def chip_names(html: str) -> list[str]:
    return re.findall(r'class="chip chip-tag"><input[^>]*><span>([^<]+)</span>', html)


def test_chips_put_what_was_used_lately_first(owner):
    for back in range(20):  # used a lot, but months ago
        make_entry(owner, day=TODAY - dt.timedelta(days=200 + back), tags=["old habit"])
    for back in range(3):
        make_entry(owner, day=TODAY - dt.timedelta(days=back), tags=["walk"])
    make_entry(owner, day=TODAY - dt.timedelta(days=10), tags=["yoga", "walk"])
    make_entry(owner, day=TODAY - dt.timedelta(days=40), tags=["swim"])
    chips, names = suggested_tags(owner, TODAY)
    assert [t.name for t in chips] == ["walk", "yoga", "swim", "old habit"]
    assert sorted(names) == ["old habit", "swim", "walk", "yoga"]


def test_tags_unused_for_three_months_come_last_by_name(owner):
    assert TAG_HISTORY_DAYS == 90
    make_entry(owner, day=TODAY - dt.timedelta(days=91), tags=["zither"])
    for back in range(5):  # used often, but more than three months ago
        make_entry(owner, day=TODAY - dt.timedelta(days=100 + back), tags=["banjo"])
    make_entry(owner, day=TODAY - dt.timedelta(days=400), tags=["accordion"])
    make_entry(owner, day=TODAY - dt.timedelta(days=90), tags=["yodel"])
    chips, names = suggested_tags(owner, TODAY)
    assert [t.name for t in chips] == ["yodel", "accordion", "banjo", "zither"]
    assert names == ["accordion", "banjo", "yodel", "zither"]


def test_tag_uses_count_the_persons_entries_of_the_window_only(owner, other_user):
    """The uses behind the ranking, read on PostgreSQL by its own SQL and on
    SQLite by the ORM: the same counts, the person's alone."""
    first, since = TODAY - dt.timedelta(days=365), TODAY - dt.timedelta(days=30)
    for back in (0, 29, 30, 31, 365, 366):
        make_entry(owner, day=TODAY - dt.timedelta(days=back), tags=["walk"])
    make_entry(owner, day=TODAY - dt.timedelta(days=31), tags=["walk", "yoga"])
    make_entry(owner, day=TODAY - dt.timedelta(days=400), tags=["swim"])
    make_entry(owner, day=TODAY - dt.timedelta(days=3))  # no tag
    for back in range(5):  # another person's uses, lately and of a tag named alike
        make_entry(other_user, day=TODAY - dt.timedelta(days=back), tags=["walk"])
    tags, uses = _tags_with_uses(owner.pk, first, since)
    # Every tag of the person's, used in the window or not, by name.
    assert [tag.name for tag in tags] == ["swim", "walk", "yoga"]
    names = {tag.pk: tag.name for tag in tags}
    assert {
        names.get(pk, "another's"): (row["uses"], row["recent"], row["last"])
        for pk, row in uses.items()
    } == {
        "walk": (6, 3, TODAY),
        "yoga": (1, 0, TODAY - dt.timedelta(days=31)),
    }


def test_only_the_first_chips_show_and_a_ticked_rare_one_stays(owner):
    for i in range(SUGGESTED_TAGS + 3):
        make_entry(owner, day=TODAY - dt.timedelta(days=i), tags=[f"tag{i:02d}"])
    rare = Tag.objects.get(user=owner, name=f"tag{SUGGESTED_TAGS + 2:02d}")
    chips, _ = suggested_tags(owner, TODAY)
    assert len(chips) == SUGGESTED_TAGS and rare not in chips
    chips, _ = suggested_tags(owner, TODAY, [str(rare.pk)])
    assert chips[-1] == rare


def test_a_first_check_in_offers_tags_to_start_with(owner_client, owner, checkin):
    html = owner_client.get("/").content.decode()
    assert chip_names(html) == STARTER_TAGS
    assert "tick any that fit" in html
    response = checkin(starter_tags=["walk", "good sleep"], new_tags="Walk, tea")
    assert response.status_code == 302
    entry = Entry.objects.get(user=owner)
    # One tag per name, spelt as the person typed it.
    assert sorted(t.name for t in entry.tags.all()) == ["Walk", "good sleep", "tea"]
    # With tags of their own, the person sees those instead.
    html = owner_client.get("/").content.decode()
    assert "tick any that fit" not in html
    assert sorted(chip_names(html)) == ["Walk", "good sleep", "tea"]


def test_ignoring_the_starter_tags_adds_none(owner, checkin):
    checkin(note="no tags today")
    assert not Tag.objects.filter(user=owner).exists()


def test_a_starter_tag_that_is_not_offered_is_refused(owner, checkin):
    response = checkin(starter_tags=["<script>"])
    assert response.status_code == 422
    assert not Entry.objects.filter(user=owner).exists()


def test_the_journal_tag_filter_offers_the_persons_tags(
    owner_client, owner, other_user
):
    make_entry(owner, tags=["walk"])
    make_entry(other_user, tags=["their tag"])
    html = owner_client.get("/journal/").content.decode()
    assert 'list="journal-tag-names"' in html
    datalist = html.split('<datalist id="journal-tag-names">')[1].split("</datalist>")[
        0
    ]
    assert '<option value="walk">' in datalist and "their tag" not in datalist


def test_a_new_tag_another_request_has_just_created_is_used(owner, monkeypatch):
    # Two check-ins sent at once, each with the same new tag: the other one's
    # tag is written after this one looked for it and before it writes it.
    create = Tag.objects.bulk_create

    def other_request_first(tags, **kwargs):
        Tag.objects.create(user=owner, name="Walk")
        return create(tags, **kwargs)

    monkeypatch.setattr(Tag.objects, "bulk_create", other_request_first)
    [tag] = services.tags_resolve(user=owner, names=["walk", "WALK"])
    assert tag.name == "Walk"
    assert Tag.objects.filter(user=owner).count() == 1


def test_invisible_characters_at_a_tag_names_ends_make_no_tag_of_their_own(
    owner_client, owner
):
    # Pasted with a zero-width space, a word joiner or a byte order mark: the
    # tag is the one typed, and invisible characters alone are no tag.
    make_entry(owner, tags=["walk"])
    response = owner_client.post(
        "/entries/new/",
        {"new_tags": "walk\u200b, \u2060, \ufeff coffee \u200e, \u200b"},
        HTTP_HX_REQUEST="true",
    )
    assert response.status_code == 200
    assert sorted(Tag.objects.filter(user=owner).values_list("name", flat=True)) == [
        "coffee",
        "walk",
    ]
    entry = Entry.objects.filter(user=owner).latest("pk")
    assert sorted(entry.tags.values_list("name", flat=True)) == ["coffee", "walk"]
    # Inside a name they stay: a joiner holds an emoji of several together.
    [family] = services.tags_resolve(user=owner, names=["\U0001f468\u200d\U0001f467"])
    assert family.name == "\U0001f468\u200d\U0001f467"
