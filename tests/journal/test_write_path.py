"""The journal's one write path: notes rendered once when written, and the bulk
service the importers and the demo share (ratings checked, tags resolved,
duplicates skipped)."""

from __future__ import annotations

import datetime as dt
import importlib

import pytest
from django.apps import apps

from journal import services
from journal.models import Entry, Tag
from tests.factories import make_entry

pytestmark = pytest.mark.django_db

MOMENT = dt.datetime(2026, 3, 2, 9, 30, tzinfo=dt.UTC)


def draft(**fields) -> services.EntryDraft:
    return services.EntryDraft(**{"occurred_at": MOMENT, **fields})


def test_a_check_in_keeps_its_note_as_html_and_an_edit_renders_it_again(
    owner_client, owner, metrics
):
    owner_client.post(
        "/entries/new/",
        {"occurred_at": "", "note": "A *good* day", "token": "", "new_tags": ""},
    )
    entry = Entry.objects.get(user=owner)
    assert entry.note_html == "<p>A <em>good</em> day</p>\n"
    services.entry_update(
        entry=entry,
        profile=owner.profile,
        occurred_at=entry.occurred_at,
        note="**better**",
        ratings={},
        tags=[],
        prompt_answer="- one",
    )
    entry.refresh_from_db()
    assert entry.note_html == "<p><strong>better</strong></p>\n"
    assert entry.prompt_answer_html == "<ul>\n<li>one</li>\n</ul>\n"


def test_the_page_shows_the_stored_html_and_never_renders_on_a_view(
    owner_client, owner, monkeypatch
):
    make_entry(owner, day=owner.profile.local_day(), note="**kept**")

    def fail(text):
        raise AssertionError("Markdown rendered on a page view")

    monkeypatch.setattr("journal.models.render_note", fail)
    for url in ("/", "/journal/"):
        assert "<strong>kept</strong>" in owner_client.get(url).content.decode()


def test_the_bulk_service_writes_ratings_tags_and_html(owner, metrics):
    Tag.objects.create(user=owner, name="Walk")
    written = services.entries_add_many(
        user=owner,
        profile=owner.profile,
        drafts=[
            draft(
                note="*one*",
                ratings={metrics["mood"]: 7},
                tag_names=["walk", "coffee", "Coffee "],
                prompt_answer="**yes**",
            ),
            draft(occurred_at=MOMENT + dt.timedelta(hours=1)),
        ],
    )
    assert (written.entries, written.duplicates, written.new_tags) == (2, 0, 1)
    entry = Entry.objects.get(user=owner, note="*one*")
    assert entry.day == owner.profile.local_day(MOMENT)
    assert entry.note_html == "<p><em>one</em></p>\n"
    assert entry.prompt_answer_html == "<p><strong>yes</strong></p>\n"
    assert [(r.metric.key, r.value) for r in entry.ratings.all()] == [("mood", 7)]
    assert sorted(t.name for t in entry.tags.all()) == ["Walk", "coffee"]


def test_a_batch_that_repeats_texts_gives_each_entry_its_own_texts_html(owner):
    # Each distinct text is rendered once a batch; every entry still gets the
    # HTML of its own note and answer, wherever a text comes again.
    notes = ["*a*", "**b**", "*a*", "`c`", "**b**", "*a*"]
    answers = notes[::-1]
    services.entries_add_many(
        user=owner,
        profile=owner.profile,
        drafts=[
            draft(
                occurred_at=MOMENT + dt.timedelta(hours=hour),
                note=note,
                prompt_answer=answer,
            )
            for hour, (note, answer) in enumerate(zip(notes, answers, strict=True))
        ],
    )
    html = {
        "*a*": "<p><em>a</em></p>\n",
        "**b**": "<p><strong>b</strong></p>\n",
        "`c`": "<p><code>c</code></p>\n",
    }
    entries = Entry.objects.filter(user=owner).order_by("occurred_at")
    assert [(e.note_html, e.prompt_answer_html) for e in entries] == [
        (html[note], html[answer]) for note, answer in zip(notes, answers, strict=True)
    ]


def test_the_bulk_service_skips_what_is_already_there_or_repeated(owner):
    make_entry(owner, day=dt.date(2026, 3, 1), note="kept", at=dt.time(12))
    existing = Entry.objects.get(user=owner)
    written = services.entries_add_many(
        user=owner,
        profile=owner.profile,
        drafts=[
            draft(occurred_at=existing.occurred_at, note="kept"),
            draft(note="new"),
            draft(note="new"),
        ],
    )
    assert (written.entries, written.duplicates) == (1, 2)
    assert Entry.objects.filter(user=owner).count() == 2


def test_a_bad_rating_in_a_bulk_write_writes_nothing(owner, other_user, metrics):
    from journal.models import Metric

    theirs = Metric.objects.filter(user=other_user).first()
    for ratings, message in [
        ({metrics["mood"]: 11}, "outside 1–10"),
        ({metrics["mood"]: True}, "outside 1–10"),
        ({theirs: 5}, "owner's metrics"),
    ]:
        with pytest.raises(ValueError, match=message):
            services.entries_add_many(
                user=owner,
                profile=owner.profile,
                drafts=[draft(note="fine"), draft(note="bad", ratings=ratings)],
            )
    assert not Entry.objects.filter(user=owner).exists()


def test_the_migration_renders_the_notes_written_before_it(owner):
    make_entry(owner, day=dt.date(2026, 3, 1), note="*old*")
    Entry.objects.filter(user=owner).update(note_html="", prompt_answer="`x`")
    migration = importlib.import_module("journal.migrations.0007_entry_note_html")
    migration.render_every_note(apps, None)
    entry = Entry.objects.get(user=owner)
    assert entry.note_html == "<p><em>old</em></p>\n"
    assert entry.prompt_answer_html == "<p><code>x</code></p>\n"
