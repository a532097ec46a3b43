from __future__ import annotations

import datetime as dt
import re
import uuid

import pytest
from django.utils import timezone

from journal.models import Entry, Metric, Tag
from tests.conftest import make_user
from tests.factories import make_entry, make_metric

pytestmark = pytest.mark.django_db


def rating(metric: Metric) -> str:
    return f"rating_{metric.pk}"


def test_today_shows_the_check_in_with_every_visible_metric(owner_client, metrics):
    html = owner_client.get("/").content.decode()
    for name in ["Mood", "Anxiety", "Energy", "Focus", "Sleep quality"]:
        assert f"<legend>{name}</legend>" in html
    assert "1 Very low" in html and "10 Very good" in html
    assert 'name="token"' in html
    assert 'hx-post="/entries/new/"' in html
    assert 'action="/entries/new/"' in html


def test_a_plain_post_saves_and_redirects(checkin, owner, metrics):
    response = checkin(
        {rating(metrics["mood"]): "7", rating(metrics["anxiety"]): "3"},
        note="A *good* day",
        new_tags="walk, Walk , coffee",
    )
    assert response.status_code == 302
    entry = Entry.objects.get(user=owner)
    assert response["Location"] == f"/?saved={entry.pk}#saved"
    assert {r.metric.key: r.value for r in entry.ratings.all()} == {
        "mood": 7,
        "anxiety": 3,
    }
    assert sorted(t.name for t in entry.tags.all()) == ["coffee", "walk"]
    assert entry.note == "A *good* day"
    assert entry.day == owner.profile.local_day()


def test_after_a_save_today_says_when_at_the_persons_time(checkin, owner, owner_client):
    response = checkin(note="x")
    entry = Entry.objects.get(user=owner)
    html = owner_client.get(response["Location"]).content.decode()
    local = timezone.localtime(entry.occurred_at, owner.profile.tzinfo)
    assert f"<p>Saved at {local:%H:%M}.</p>" in html
    assert f'action="/entries/{entry.pk}/undo/"' in html


def test_an_htmx_post_returns_the_fresh_check_in_and_todays_entries(checkin, metrics):
    response = checkin({rating(metrics["mood"]): "8"}, htmx=True, note="htmx note")
    assert response.status_code == 200
    html = response.content.decode()
    assert html.count('id="checkin"') == 1
    assert "<html" not in html
    assert "htmx note" in html  # today's entries
    assert 'hx-swap-oob="true"' in html and "Check-in saved" in html
    assert "htmx note</textarea>" not in html  # the form is empty again


def test_existing_tags_are_reused_case_insensitively(checkin, owner):
    existing = Tag.objects.create(user=owner, name="Walk")
    checkin(new_tags="walk")
    checkin(tags=[existing.pk])
    assert Tag.objects.filter(user=owner).count() == 1
    assert existing.entries.count() == 2


def test_the_same_form_submitted_twice_saves_one_entry(checkin, owner):
    token = str(uuid.uuid4())
    first = checkin(token=token, note="double tap")
    second = checkin(token=token, note="double tap")
    assert first.status_code == second.status_code == 302
    assert Entry.objects.filter(user=owner).count() == 1


def test_a_token_is_per_user(checkin, owner, other_user):
    token = uuid.uuid4()
    Entry.objects.create(
        user=other_user,
        day=dt.date(2026, 1, 1),
        occurred_at=timezone.now(),
        client_token=token,
    )
    checkin(token=str(token), note="mine")
    assert Entry.objects.get(user=owner).note == "mine"


def test_several_entries_a_day_are_kept(checkin, owner):
    checkin(note="morning")
    checkin(note="evening")
    assert Entry.objects.filter(user=owner).count() == 2


def test_a_past_date_and_time_count_for_that_day(checkin, owner):
    checkin(date="2026-03-01", time="21:15")
    entry = Entry.objects.get(user=owner)
    assert entry.day == dt.date(2026, 3, 1)
    local = timezone.localtime(entry.occurred_at, owner.profile.tzinfo)
    assert (local.hour, local.minute) == (21, 15)


def test_an_entry_before_the_day_start_hour_counts_for_the_day_before(checkin, owner):
    checkin(date="2026-03-02", time="01:30")
    assert Entry.objects.get(user=owner).day == dt.date(2026, 3, 1)


def test_a_date_without_a_time_is_placed_at_noon(checkin, owner):
    checkin(date="2026-03-02")
    entry = Entry.objects.get(user=owner)
    local = timezone.localtime(entry.occurred_at, owner.profile.tzinfo)
    assert local.hour == 12


def test_hidden_metrics_are_not_offered(owner_client, metrics):
    metrics["focus"].hidden = True
    metrics["focus"].save()
    html = owner_client.get("/").content.decode()
    assert "<legend>Focus</legend>" not in html


def test_with_every_metric_hidden_a_note_alone_is_a_check_in(
    owner_client, owner, metrics, checkin
):
    Metric.objects.filter(user=owner).update(hidden=True)
    html = owner_client.get("/").content.decode()
    assert "<legend>" not in html.split('id="checkin-heading"')[1].split("</form>")[0]
    assert "You have no visible metrics." in html
    assert '<a href="/settings/metrics/">Choose what to rate</a>' in html
    response = checkin(note="only words today")
    assert response.status_code == 302
    entry = Entry.objects.get(user=owner)
    assert entry.note == "only words today" and not entry.ratings.exists()


def test_a_large_scale_metric_is_a_number_box(owner_client, owner):
    metric = make_metric(owner, name="Creativity", scale_min=0, scale_max=100)
    html = owner_client.get("/").content.decode()
    assert f'type="number" name="rating_{metric.pk}"' in html
    assert 'min="0"' in html and 'max="100"' in html


# --- Refused input: a field error, status 422, nothing saved ------------------


def assert_refused(response, message: str, owner) -> None:
    assert response.status_code == 422
    assert message in response.content.decode()
    assert not Entry.objects.filter(user=owner).exists()
    assert not Tag.objects.filter(user=owner).exists()


@pytest.mark.parametrize("value", ["11", "0", "-1", "7.5", "seven", "999999999999"])
def test_an_out_of_range_rating_is_refused(checkin, owner, metrics, value):
    response = checkin({rating(metrics["mood"]): value}, new_tags="should-not-exist")
    assert_refused(response, "Select a valid choice", owner)


def test_an_out_of_range_number_is_refused(checkin, owner):
    metric = make_metric(owner, name="Creativity", scale_min=0, scale_max=100)
    response = checkin({rating(metric): "101"})
    assert_refused(response, "less than or equal to 100", owner)


def test_a_far_future_date_is_refused(checkin, owner):
    response = checkin(date="2999-01-01", new_tags="x")
    assert_refused(response, "cannot be in the future", owner)


def test_tomorrow_is_refused_too(checkin, owner):
    tomorrow = timezone.localdate() + dt.timedelta(days=2)
    response = checkin(date=tomorrow.isoformat())
    assert_refused(response, "cannot be in the future", owner)


def test_an_ancient_date_is_refused(checkin, owner):
    assert_refused(checkin(date="1969-12-31"), "after 1970", owner)


def test_a_time_the_clocks_skipped_is_refused_next_to_the_time(checkin, owner):
    # Berlin's clocks went from 02:00 to 03:00 that night: 02:30 never was.
    response = checkin(date="2026-03-29", time="02:30", new_tags="x")
    assert_refused(
        response, "02:30 did not happen on 29 March 2026 in Europe/Berlin", owner
    )
    assert 'id="id_time_error"' in response.content.decode()


def test_a_time_the_clocks_passed_twice_is_the_first_of_the_two(checkin, owner):
    # Berlin's clocks went back from 03:00 to 02:00 that night.
    checkin(date="2026-10-25", time="02:30")
    entry = Entry.objects.get(user=owner)
    assert entry.occurred_at == dt.datetime(2026, 10, 25, 0, 30, tzinfo=dt.UTC)


def test_a_malformed_date_is_refused(checkin, owner):
    assert_refused(checkin(date="31/12/2026"), "Enter a valid date", owner)


def test_a_note_over_100_kb_is_refused(checkin, owner):
    response = checkin(note="é" * 50_001)  # 100,002 bytes in UTF-8
    assert_refused(response, "Notes can hold up to 100 KB", owner)


def test_a_note_of_exactly_100_kb_is_kept(checkin, owner):
    assert checkin(note="a" * 100_000).status_code == 302
    assert len(Entry.objects.get(user=owner).note) == 100_000


def test_another_users_tag_is_refused(checkin, owner, other_user):
    foreign = Tag.objects.create(user=other_user, name="theirs")
    response = checkin(tags=[foreign.pk])
    assert_refused(response, "Select a valid choice", owner)
    assert foreign.entries.count() == 0


def test_an_unknown_tag_id_is_refused(checkin, owner):
    assert_refused(checkin(tags=["987654"]), "Select a valid choice", owner)


def test_another_users_metric_is_refused(checkin, owner, other_user):
    foreign = Metric.objects.filter(user=other_user).first()
    response = checkin({rating(foreign): "5"})
    assert_refused(response, "not one of your visible metrics", owner)
    assert not foreign.ratings.exists()


def test_an_unknown_metric_id_is_refused(checkin, owner):
    assert_refused(checkin({"rating_424242": "5"}), "not one of your visible", owner)


def test_a_rating_for_a_hidden_metric_is_refused(checkin, owner, metrics):
    metrics["focus"].hidden = True
    metrics["focus"].save()
    response = checkin({rating(metrics["focus"]): "5"})
    assert_refused(response, "not one of your visible metrics", owner)


def test_a_garbled_hidden_field_is_refused_with_a_word_for_the_form(checkin, owner):
    response = checkin(token="not-a-token", note="kept")
    assert_refused(response, "Part of this form could not be read", owner)
    assert "kept</textarea>" in response.content.decode()


def test_a_blank_check_in_shows_no_form_errors(owner_client):
    html = owner_client.get("/").content.decode()
    assert 'class="errors' not in html


def test_an_overlong_tag_is_refused(checkin, owner):
    assert_refused(checkin(new_tags="x" * 41), "up to 40 characters", owner)


def test_a_refused_form_keeps_everything_typed(checkin, owner, metrics):
    response = checkin(
        {rating(metrics["mood"]): "6", rating(metrics["energy"]): "12"},
        note="keep this text",
        new_tags="kept-tag",
    )
    html = response.content.decode()
    assert response.status_code == 422
    assert "keep this text</textarea>" in html
    assert 'value="kept-tag"' in html
    assert f'name="rating_{metrics["mood"].pk}" value="6"' in html
    mood_six = html.split(f'name="rating_{metrics["mood"].pk}" value="6"')[1]
    assert mood_six.split(">")[0].strip().endswith("checked")


def test_an_htmx_refusal_swaps_in_the_form_with_errors(checkin, owner, metrics):
    response = checkin({rating(metrics["mood"]): "11"}, htmx=True)
    assert response.status_code == 422
    assert "<html" not in response.content.decode()
    assert b"Select a valid choice" in response.content


def test_users_without_metrics_can_still_write_a_note(checkin, owner):
    Metric.objects.filter(user=owner).delete()
    assert checkin(note="just words").status_code == 302
    assert Entry.objects.get(user=owner).ratings.count() == 0


def test_another_users_entries_never_show_on_today(owner_client, other_user):
    from tests.factories import make_entry

    make_entry(other_user, note="their secret")
    assert b"their secret" not in owner_client.get("/").content


def test_a_new_account_starts_with_the_default_metrics():
    user = make_user("fresh")
    assert list(Metric.objects.filter(user=user).values_list("key", flat=True)) == [
        "mood",
        "anxiety",
        "energy",
        "focus",
        "sleep",
    ]


def test_a_refused_form_keeps_a_rarely_used_tag_ticked(checkin, owner, metrics):
    tags = [Tag.objects.create(user=owner, name=f"tag{i:02d}") for i in range(20)]
    rare = tags[-1]
    response = checkin({rating(metrics["mood"]): "11"}, tags=[rare.pk])
    html = response.content.decode()
    assert response.status_code == 422
    assert f'<input type="checkbox" name="tags" value="{rare.pk}" checked>' in html


def test_an_offline_drafts_absolute_moment_is_kept(checkin, owner):
    written = dt.datetime(2026, 3, 2, 2, 30, tzinfo=dt.UTC)  # 03:30 in Berlin
    response = checkin(moment="2026-03-01T18:30:00-08:00", note="from LA")
    assert response.status_code in (200, 302)
    entry = Entry.objects.get(user=owner)
    assert entry.occurred_at == written
    assert entry.day == dt.date(2026, 3, 1)  # before Berlin's 04:00 day start


@pytest.mark.parametrize(
    ("moment", "message"),
    [
        ("2999-01-01T00:00:00+00:00", "cannot be in the future"),
        ("1960-01-01T00:00:00+00:00", "before 1970"),
        ("2026-01-01T12:00:00+23:00", "offset"),
    ],
)
def test_an_offline_moment_outside_the_limits_is_refused(
    checkin, owner, moment, message
):
    assert_refused(checkin(moment=moment, note="x"), message, owner)


def test_today_offers_crisis_resources_when_mood_falls_sharply(
    owner_client, owner, settings
):
    from tests.factories import make_entry

    settings.CRISIS_RESOURCES = "Call the Samaritans on 116 123."
    settings.CRISIS_RESOURCES_URL = "tel:116123"
    today = owner.profile.local_day()
    for offset in range(7, 20):
        make_entry(owner, day=today - dt.timedelta(days=offset), mood=7)
    for offset in range(2):
        make_entry(owner, day=today - dt.timedelta(days=offset), mood=5)
    assert "Samaritans" not in owner_client.get("/").content.decode()  # 2 days
    make_entry(owner, day=today - dt.timedelta(days=2), mood=4)
    html = owner_client.get("/").content.decode()
    assert "Your mood ratings have dropped a lot this week." in html
    assert "Call the Samaritans on 116 123." in html and 'href="tel:116123"' in html
    assert "This note comes from your own ratings on this server" in html


def test_the_check_in_that_tips_the_week_brings_crisis_resources_at_once(
    checkin, owner, metrics
):
    """Saved through htmx, the check-in is swapped in again: the note is in
    it, not only on Today's next visit."""
    today = owner.profile.local_day()
    for offset in range(7, 20):
        make_entry(owner, day=today - dt.timedelta(days=offset), mood=7)
    for offset in (1, 2):
        make_entry(owner, day=today - dt.timedelta(days=offset), mood=5)
    lead = "Your mood ratings have dropped a lot this week."
    calm = checkin(htmx=True, **{f"rating_{metrics['mood'].pk}": "7"})
    assert calm.status_code == 200 and lead not in calm.content.decode()
    assert calm["HX-Reswap"] == "outerHTML show:#saved:top"
    low = checkin(htmx=True, **{f"rating_{metrics['mood'].pk}": "2"})
    html = low.content.decode()
    assert low.status_code == 200 and html.index(lead) > html.index('id="checkin"')
    # The note stands above the form: the page shows its top, not the saved
    # line below the form (tests/e2e/test_today_on_a_phone.py).
    assert low["HX-Reswap"] == "outerHTML show:window:top"


def test_without_javascript_the_check_in_that_tips_the_week_opens_today_at_the_top(
    checkin, owner, metrics
):
    today = owner.profile.local_day()
    for offset in range(7, 20):
        make_entry(owner, day=today - dt.timedelta(days=offset), mood=7)
    for offset in (1, 2):
        make_entry(owner, day=today - dt.timedelta(days=offset), mood=5)
    calm = checkin(**{f"rating_{metrics['mood'].pk}": "7"})
    assert calm.status_code == 302 and calm["Location"].endswith("#saved")
    low = checkin(**{f"rating_{metrics['mood'].pk}": "2"})
    entry = Entry.objects.filter(user=owner).latest("created_at")
    assert low.status_code == 302 and low["Location"] == f"/?saved={entry.pk}"


def test_a_hidden_mood_metric_sets_off_no_crisis_note(owner_client, owner, metrics):
    today = owner.profile.local_day()
    for offset in range(20):
        mood = 2 if offset < 7 else 7
        make_entry(owner, day=today - dt.timedelta(days=offset), mood=mood)
    assert "dropped a lot" in owner_client.get("/").content.decode()
    Metric.objects.filter(pk=metrics["mood"].pk).update(hidden=True)
    assert "dropped a lot" not in owner_client.get("/").content.decode()


def test_a_steady_mood_shows_no_crisis_note(owner_client, owner):
    from tests.factories import make_entry

    today = owner.profile.local_day()
    for offset in range(20):
        make_entry(owner, day=today - dt.timedelta(days=offset), mood=6 - offset % 2)
    assert "dropped a lot" not in owner_client.get("/").content.decode()


def _section(html: str, name: str) -> str:
    """The opening tag of one of the check-in's sections."""
    start = html.index(f'data-section="{name}"')
    return html[html.rindex("<details", 0, start) : html.index(">", start) + 1]


def test_todays_sections_start_closed_and_are_remembered(owner_client, metrics):
    html = owner_client.get("/").content.decode()
    for name in ("note", "tags", "prompt", "time"):
        tag = _section(html, name)
        assert " open" not in tag and "data-remember" in tag, tag


def test_a_refused_check_in_opens_the_sections_that_hold_its_values(checkin, owner):
    response = checkin(note="é" * 50_001, new_tags="walk", date="1969-12-31")
    html = response.content.decode()
    assert response.status_code == 422
    for name in ("note", "tags", "time"):
        assert " open" in _section(html, name), name
    assert " open" not in _section(html, "prompt")


def test_editing_an_entry_shows_its_note_and_tags_open(owner_client, owner):
    from tests.factories import make_entry

    entry = make_entry(owner, note="kept", tags=["walk"])
    html = owner_client.get(f"/entries/{entry.pk}/edit/").content.decode()
    for name in ("note", "tags", "time"):
        tag = _section(html, name)
        assert " open" in tag and "data-remember" not in tag, (name, tag)


def test_a_scale_is_a_row_of_chips_checked_as_radio_select_would(owner):
    from django.template import engines

    from journal.forms import EntryForm, rating_field

    metric = make_metric(owner, "Calm", scale_min=1, scale_max=3)
    name = f"rating_{metric.pk}"

    def chips(form) -> str:
        fields = engines["jinja2"].get_template("journal/entry_fields.jinja")
        html = fields.render({"form": form, "tag_names": []})
        return re.search(r'<div class="scale">.*?</div>', html, re.DOTALL)[0]

    skip = (
        '<span aria-hidden="true">–</span>'
        '<span class="visually-hidden">No rating</span>'
    )
    unbound = EntryForm(profile=owner.profile, metrics=[metric])
    assert chips(unbound) == (
        '<div class="scale">\n'
        f'  <label class="chip chip-skip"><input type="radio" name="{name}" value=""'
        f" checked>{skip}</label>\n"
        + "\n".join(
            f'  <label class="chip"><input type="radio" name="{name}" value="{v}">'
            f"<span>{v}</span></label>"
            for v in (1, 2, 3)
        )
        + "\n  </div>"
    )
    sent = EntryForm({name: "2"}, profile=owner.profile, metrics=[metric])
    html = chips(sent)
    assert 'value="2" checked>' in html
    assert html.count(" checked") == 1
    # A stored rating outside the scale is offered as it is, checked.
    kept = EntryForm(profile=owner.profile, metrics=[metric], initial={name: 7})
    kept.fields[name] = rating_field(metric, 7)
    html = chips(kept)
    assert 'value="7" checked><span>7 (kept; outside the scale)</span>' in html
    assert html.count(" checked") == 1


def test_a_metrics_own_words_beside_its_chips_are_escaped(owner_client, owner):
    """The chips write the scale's numbers unescaped; the metric's name and its
    ends' labels, the person's words, around them are escaped."""
    make_metric(
        owner,
        '<b>Calm</b> & "still"',
        scale_min=1,
        scale_max=3,
        low_label="<i>tense</i>",
        high_label="at ease & <u>open</u>",
    )
    html = owner_client.get("/").content.decode()
    assert "<legend>&lt;b&gt;Calm&lt;/b&gt; &amp; &#34;still&#34;</legend>" in html
    assert (
        "1 &lt;i&gt;tense&lt;/i&gt; · 3 at ease &amp; &lt;u&gt;open&lt;/u&gt;" in html
    )
    assert "<b>Calm</b>" not in html and "<i>tense</i>" not in html
    assert "<u>open</u>" not in html


def test_a_blank_form_offers_the_tags_given_and_an_edit_every_own_tag(
    owner, other_user
):
    from journal.forms import EntryForm

    mine = [Tag.objects.create(user=owner, name=name) for name in ("rain", "walk")]
    Tag.objects.create(user=other_user, name="theirs")
    blank = EntryForm(profile=owner.profile, metrics=[])
    assert list(blank.fields["tags"].widget.choices) == []
    blank.offer_tags(mine[1:])
    assert list(blank.fields["tags"].widget.choices) == [(mine[1].pk, "walk")]
    edit = EntryForm(profile=owner.profile, metrics=[], entry=make_entry(owner))
    offered = {str(label) for _, label in edit.fields["tags"].widget.choices}
    assert offered == {"rain", "walk"}
