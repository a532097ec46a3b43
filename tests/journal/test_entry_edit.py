from __future__ import annotations

import datetime as dt
import re
from html import unescape

import pytest

from journal.models import Entry, Rating
from tests.factories import make_entry
from tests.markup import input_value, new_tab_links

pytestmark = pytest.mark.django_db


def edit_data(entry, **extra):
    local = entry.occurred_at.astimezone(entry.user.profile.tzinfo)
    return {
        "date": local.date().isoformat(),
        "time": local.strftime("%H:%M"),
        "note": entry.note,
        **extra,
    }


def test_the_edit_form_shows_the_entry(owner_client, owner):
    entry = make_entry(owner, note="original words", mood=4, tags=["rain"])
    html = owner_client.get(f"/entries/{entry.pk}/edit/").content.decode()
    assert "original words</textarea>" in html
    mood = entry.ratings.get().metric
    assert f'name="rating_{mood.pk}" value="4" checked' in html
    assert len(re.findall(rf'name="rating_{mood.pk}" value="\d*" checked', html)) == 1
    assert re.search(r'name="tags" value="\d+" checked><span>rain</span>', html)


def test_editing_changes_note_ratings_and_tags(owner_client, owner, metrics):
    entry = make_entry(owner, note="before", mood=4, tags=["rain"])
    rain = entry.tags.get()
    response = owner_client.post(
        f"/entries/{entry.pk}/edit/",
        edit_data(
            entry,
            note="after",
            **{
                f"rating_{metrics['mood'].pk}": "9",
                f"rating_{metrics['focus'].pk}": "5",
            },
            new_tags="sun",
        ),
    )
    assert response.status_code == 302
    entry.refresh_from_db()
    assert entry.note == "after"
    assert {r.metric.key: r.value for r in entry.ratings.all()} == {
        "mood": 9,
        "focus": 5,
    }
    assert [t.name for t in entry.tags.all()] == ["sun"]
    assert rain.pk  # the old tag itself stays for other entries


def test_clearing_a_rating_removes_it(owner_client, owner, metrics):
    entry = make_entry(owner, mood=4)
    owner_client.post(
        f"/entries/{entry.pk}/edit/",
        edit_data(entry, **{f"rating_{metrics['mood'].pk}": ""}),
    )
    assert not entry.ratings.exists()


def test_ratings_of_hidden_metrics_survive_an_edit(owner_client, owner, metrics):
    entry = make_entry(owner, mood=4)
    metrics["mood"].hidden = True
    metrics["mood"].save()
    owner_client.post(f"/entries/{entry.pk}/edit/", edit_data(entry, note="edited"))
    assert entry.ratings.get().value == 4


def test_moving_an_entry_to_another_date_moves_its_day(owner_client, owner):
    entry = make_entry(owner)
    owner_client.post(
        f"/entries/{entry.pk}/edit/", edit_data(entry, date="2026-02-10", time="09:00")
    )
    entry.refresh_from_db()
    assert entry.day.isoformat() == "2026-02-10"


def test_an_entry_edited_after_a_move_abroad_keeps_its_moment_and_day(
    owner_client, owner
):
    # Written at 09:00:30 in Berlin on 10 June; the person then moves to New
    # York, where that moment is 03:00, before their 04:00 day start.
    entry = make_entry(
        owner, day=dt.date(2026, 6, 10), at=dt.time(9, 0, 30), note="before"
    )
    occurred_at = entry.occurred_at
    owner.profile.timezone = "America/New_York"
    owner.profile.save()
    entry.refresh_from_db()
    data = edit_data(entry, note="typo mended")
    assert (data["date"], data["time"]) == ("2026-06-10", "03:00")  # as shown
    assert owner_client.post(f"/entries/{entry.pk}/edit/", data).status_code == 302
    entry.refresh_from_db()
    assert (entry.note, entry.occurred_at, entry.day) == (
        "typo mended",
        occurred_at,
        dt.date(2026, 6, 10),
    )
    # Moved by the person, it goes to its new moment's day.
    owner_client.post(f"/entries/{entry.pk}/edit/", {**data, "time": "02:00"})
    entry.refresh_from_db()
    assert entry.day == dt.date(2026, 6, 9)


def test_a_bad_edit_changes_nothing(owner_client, owner, metrics):
    entry = make_entry(owner, note="before", mood=4)
    response = owner_client.post(
        f"/entries/{entry.pk}/edit/",
        edit_data(entry, note="after", **{f"rating_{metrics['mood'].pk}": "99"}),
    )
    assert response.status_code == 422
    entry.refresh_from_db()
    assert entry.note == "before"
    assert entry.ratings.get().value == 4


def test_delete_asks_first_then_deletes_with_ratings(owner_client, owner):
    entry = make_entry(owner, note="to go", mood=4)
    confirm = owner_client.get(f"/entries/{entry.pk}/delete/")
    assert b"cannot be undone" in confirm.content
    assert Entry.objects.filter(pk=entry.pk).exists()
    response = owner_client.post(f"/entries/{entry.pk}/delete/")
    assert response.status_code == 302
    assert not Entry.objects.filter(pk=entry.pk).exists()
    assert not Rating.objects.filter(entry_id=entry.pk).exists()


def test_another_user_cannot_edit_or_delete(other_client, owner):
    entry = make_entry(owner, note="mine")
    assert other_client.get(f"/entries/{entry.pk}/edit/").status_code == 404
    response = other_client.post(
        f"/entries/{entry.pk}/edit/", edit_data(entry, note="x")
    )
    assert response.status_code == 404
    assert other_client.post(f"/entries/{entry.pk}/delete/").status_code == 404
    entry.refresh_from_db()
    assert entry.note == "mine"


def test_a_missing_entry_is_not_found(owner_client):
    assert owner_client.get("/entries/999999/edit/").status_code == 404


def test_a_rating_outside_a_changed_scale_is_shown_and_kept(owner_client, owner):
    entry = make_entry(owner, note="old", mood=7)
    mood = entry.ratings.get().metric
    type(mood).objects.filter(pk=mood.pk).update(scale_min=1, scale_max=3)
    html = owner_client.get(f"/entries/{entry.pk}/edit/").content.decode()
    assert f'name="rating_{mood.pk}" value="7"' in html
    assert "7 (kept; outside the scale)" in html
    response = owner_client.post(
        f"/entries/{entry.pk}/edit/",
        edit_data(entry, note="new words", **{f"rating_{mood.pk}": "7"}),
    )
    assert response.status_code == 302
    assert Rating.objects.get(entry=entry).value == 7
    assert Entry.objects.get(pk=entry.pk).note == "new words"
    # Another value outside the scale is still refused; one inside replaces it.
    bad = owner_client.post(
        f"/entries/{entry.pk}/edit/", edit_data(entry, **{f"rating_{mood.pk}": "5"})
    )
    assert bad.status_code == 422 and Rating.objects.get(entry=entry).value == 7
    owner_client.post(
        f"/entries/{entry.pk}/edit/", edit_data(entry, **{f"rating_{mood.pk}": "2"})
    )
    assert Rating.objects.get(entry=entry).value == 2


def test_a_scale_from_zero_shows_a_zero_chip(owner_client, owner):
    from tests.factories import make_metric

    metric = make_metric(owner, "Pain", scale_min=0, scale_max=4)
    html = owner_client.get("/").content.decode()
    zero = f'name="rating_{metric.pk}" value="0"'
    assert zero in html
    chip = html[html.index(zero) : html.index("</label>", html.index(zero))]
    assert "<span>0</span>" in chip and "No rating" not in chip


def test_pages_name_an_after_midnight_entry_by_its_journal_day(owner_client, owner):
    import datetime as dt

    from tests.factories import make_dose

    # 01:30 on Tuesday 3 March in Berlin, with the day starting at 04:00.
    moment = dt.datetime(2026, 3, 3, 1, 30, tzinfo=owner.profile.tzinfo)
    entry = make_entry(owner, note="late")
    Entry.objects.filter(pk=entry.pk).update(
        occurred_at=moment, day=dt.date(2026, 3, 2)
    )
    html = owner_client.get(f"/entries/{entry.pk}/delete/").content.decode()
    assert "Monday, 2 March 2026, 01:30 (the next morning)" in html
    # The journal's card: its clock time and its name, in the person's zone.
    journal = owner_client.get("/journal/").content.decode()
    assert '<time datetime="2026-03-03T01:30:00+01:00">01:30</time>' in journal
    edit = '<span class="visually-hidden"> entry of Mon 2 Mar, 01:30 (the next morning)'
    assert f"Edit{edit}" in journal
    dose = make_dose(owner, day=dt.date(2026, 3, 2))
    type(dose).objects.filter(pk=dose.pk).update(taken_at=moment)
    protocol_page = owner_client.get("/protocol/").content.decode()
    assert "Mon 2 Mar, 01:30 (the next morning)" in protocol_page
    delete_page = owner_client.get(f"/protocol/doses/{dose.pk}/delete/")
    assert "Monday, 2 March 2026, 01:30" in delete_page.content.decode()


def seen_on_page(client, entry) -> str:
    """The moment the edit page says the entry was last saved, as sent back."""
    html = client.get(f"/entries/{entry.pk}/edit/").content.decode()
    return input_value(html, "seen")


def test_an_edit_saved_elsewhere_since_the_page_opened_is_not_overwritten(
    owner_client, owner
):
    entry = make_entry(owner, note="first words", mood=4)
    url = f"/entries/{entry.pk}/edit/"
    laptop_seen = seen_on_page(owner_client, entry)
    phone_seen = seen_on_page(owner_client, entry)  # open in two places
    phone = owner_client.post(
        url, edit_data(entry, note="from the phone", seen=phone_seen)
    )
    assert phone.status_code == 302
    entry.refresh_from_db()
    saved_at = entry.updated_at
    laptop = owner_client.post(
        url, edit_data(entry, note="from the laptop", seen=laptop_seen)
    )
    assert laptop.status_code == 409
    html = unescape(laptop.content.decode())
    assert "This entry was saved elsewhere (another tab or device)" in html
    assert "from the laptop</textarea>" in html  # what was typed is still there
    # The saved version opens beside it, this page's typing kept.
    assert new_tab_links(html) == [url]
    assert new_tab_links(owner_client.get(url).content.decode()) == []
    entry.refresh_from_db()
    assert (entry.note, entry.updated_at) == ("from the phone", saved_at)
    # Opened again, the page shows the saved version, and saves over it.
    fresh = seen_on_page(owner_client, entry)
    again = owner_client.post(url, edit_data(entry, note="merged", seen=fresh))
    assert again.status_code == 302
    entry.refresh_from_db()
    assert entry.note == "merged"


def test_an_edit_of_an_entry_deleted_elsewhere_gives_back_what_was_typed(
    owner_client, owner
):
    entry = make_entry(owner, note="first words")
    url = f"/entries/{entry.pk}/edit/"
    data = edit_data(
        entry,
        note="a long paragraph, <b>typed</b> on the laptop",
        prompt_answer="an answer",
        seen=seen_on_page(owner_client, entry),
    )
    owner_client.post(f"/entries/{entry.pk}/delete/")  # on the phone
    response = owner_client.post(url, data)
    assert response.status_code == 404
    html = response.content.decode()
    assert "This entry is not there any more" in html and "Nothing was saved." in html
    typed = re.findall(r"<textarea [^>]*readonly>(.*?)</textarea>", html, re.S)
    assert [unescape(text) for text in typed] == [
        "a long paragraph, <b>typed</b> on the laptop",
        "an answer",
    ]
    assert not Entry.objects.filter(user=owner).exists()
    assert owner_client.get(url).status_code == 404  # the page itself is gone


def test_an_edit_sent_for_another_persons_entry_shows_only_ones_own_words(
    owner_client, other_user
):
    theirs = make_entry(other_user, note="their private words")
    response = owner_client.post(
        f"/entries/{theirs.pk}/edit/", edit_data(theirs, note="my words")
    )
    assert response.status_code == 404
    html = response.content.decode()
    assert "my words" in html and "their private words" not in html
    theirs.refresh_from_db()
    assert theirs.note == "their private words"


def test_the_same_edit_sent_twice_is_saved_without_a_refusal(
    owner_client, owner, metrics
):
    entry = make_entry(owner, note="before", mood=4, tags=["rain"])
    rain = entry.tags.get()
    data = edit_data(
        entry,
        note="after",
        tags=[str(rain.pk)],
        new_tags="Sun",
        seen=seen_on_page(owner_client, entry),
        **{f"rating_{metrics['mood'].pk}": "7"},
    )
    url = f"/entries/{entry.pk}/edit/"
    assert owner_client.post(url, data).status_code == 302
    assert owner_client.post(url, data).status_code == 302  # a double tap
    entry.refresh_from_db()
    assert entry.note == "after"
    assert entry.ratings.get().value == 7
    assert sorted(tag.name for tag in entry.tags.all()) == ["Sun", "rain"]
    assert owner.tags.filter(name__iexact="sun").count() == 1
    # A different edit from the same stale page is refused.
    response = owner_client.post(url, {**data, "note": "something else"})
    assert response.status_code == 409
    entry.refresh_from_db()
    assert entry.note == "after"


@pytest.mark.parametrize(
    "change",
    [
        {"rating_mood": "8"},  # another rating
        {"rating_mood": ""},  # the rating cleared
        {"new_tags": "Wind"},  # another tag
        {"tags": []},  # the tag taken off
        {"prompt_answer": "another answer"},
    ],
)
def test_an_edit_differing_in_any_part_from_a_stale_page_is_refused(
    owner_client, owner, metrics, change
):
    entry = make_entry(owner, note="before", mood=4, tags=["rain"])
    entry.prompt_text, entry.prompt_answer = "What felt light?", "the walk"
    entry.save()
    mood = f"rating_{metrics['mood'].pk}"
    data = edit_data(
        entry,
        note="after",
        tags=[str(entry.tags.get().pk)],
        prompt_answer="the walk",
        seen=seen_on_page(owner_client, entry),
        **{mood: "7"},
    )
    url = f"/entries/{entry.pk}/edit/"
    assert owner_client.post(url, data).status_code == 302
    if "rating_mood" in change:
        change = {mood: change["rating_mood"]}
    response = owner_client.post(url, {**data, **change})  # the same stale page
    assert response.status_code == 409
    entry.refresh_from_db()
    assert (entry.note, entry.prompt_answer) == ("after", "the walk")
    assert entry.ratings.get().value == 7
    assert [tag.name for tag in entry.tags.all()] == ["rain"]


@pytest.mark.parametrize("seen", ["yesterday", "2026-12-07T10:00:00"])
def test_an_unreadable_last_saved_moment_saves_nothing(owner_client, owner, seen):
    entry = make_entry(owner, note="before")
    response = owner_client.post(
        f"/entries/{entry.pk}/edit/", edit_data(entry, note="after", seen=seen)
    )
    assert response.status_code == 422
    assert "Part of this form could not be read" in response.content.decode()
    entry.refresh_from_db()
    assert entry.note == "before"
