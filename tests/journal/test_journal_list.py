from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal

import pytest

from journal import queries
from journal.models import Metric, Rating
from protocols import queries as protocols_queries
from tests.factories import make_dose, make_entry

pytestmark = pytest.mark.django_db

DAY = dt.date(2026, 5, 20)


def days_in(html: str) -> list[str]:
    return [
        part.split('"')[0]
        for part in html.split('<section class="day card" aria-labelledby="day-')[1:]
    ]


def test_the_empty_journal_says_so(owner_client):
    assert b"Nothing written yet" in owner_client.get("/journal/").content


def test_entries_are_grouped_by_day_newest_first_with_day_means(owner_client, owner):
    make_entry(owner, day=DAY, mood=4, note="first")
    make_entry(owner, day=DAY, mood=7, note="second")
    make_entry(owner, day=DAY - dt.timedelta(days=3), mood=2, note="oldest-entry")
    html = owner_client.get("/journal/").content.decode()
    assert days_in(html) == ["2026-05-20", "2026-05-17"]
    assert "Mood <strong>5.5</strong>" in html
    assert html.index("oldest-entry") > html.index("second")
    assert 'class="dose-markers" data-day="2026-05-20"' in html


def test_day_means_follow_the_order_of_the_metrics_hidden_ones_too(owner_client, owner):
    metrics = list(Metric.objects.filter(user=owner))
    first, second, third = metrics[0], metrics[1], metrics[2]
    # Positions against the ids: the third metric first, then the first.
    for position, metric in enumerate([third, first, second, *metrics[3:]]):
        Metric.objects.filter(pk=metric.pk).update(position=position)
    Metric.objects.filter(pk=first.pk).update(hidden=True)
    one = make_entry(owner, day=DAY, mood=None, note="one")
    Rating.objects.create(entry=one, metric=second, value=3)
    other = make_entry(owner, day=DAY, mood=None, note="other")
    Rating.objects.create(entry=other, metric=first, value=4)
    Rating.objects.create(entry=other, metric=third, value=5)
    html = owner_client.get("/journal/").content.decode()
    means = re.findall(r"<li>([^<]+) <strong>([^<]+)</strong></li>", html)
    assert means == [(third.name, "5"), (first.name, "4"), (second.name, "3")]


def test_entry_cards_read_ratings_and_tags_together_each_entry_its_own(
    owner, other_user, metrics, django_assert_num_queries
):
    mood, anxiety, sleep = metrics["mood"], metrics["anxiety"], metrics["sleep"]
    # Sleep first: positions against the ids.
    order = [sleep, *(m for m in metrics.values() if m != sleep)]
    for position, metric in enumerate(order):
        Metric.objects.filter(pk=metric.pk).update(position=position)
    rated = make_entry(owner, day=DAY, mood=7, tags=["work", "alpha", "walk"])
    Rating.objects.create(entry=rated, metric=sleep, value=3)
    Rating.objects.create(entry=rated, metric=anxiety, value=2)
    tagged = make_entry(owner, day=DAY, mood=None, tags=["walk"])
    bare = make_entry(owner, day=DAY, mood=None)
    # Another day's and another person's entries, whose parts are not these.
    make_entry(owner, day=DAY - dt.timedelta(days=1), mood=2, tags=["yesterday"])
    make_entry(other_user, day=DAY, mood=9, tags=["theirs"])
    with django_assert_num_queries(2):  # the entries, then their parts
        cards = {card.entry.pk: card for card in queries.day_entries(owner, DAY)}
    assert set(cards) == {rated.pk, tagged.pk, bare.pk}
    assert cards[rated.pk].ratings == [
        (sleep.name, 3), (mood.name, 7), (anxiety.name, 2)
    ]  # fmt: skip
    assert cards[rated.pk].values == {sleep.pk: 3, mood.pk: 7, anxiety.pk: 2}
    assert cards[rated.pk].tags == [
        ("alpha", "alpha"),
        ("walk", "walk"),
        ("work", "work"),
    ]
    assert (cards[tagged.pk].ratings, cards[tagged.pk].tags) == ([], [("walk", "walk")])
    assert (cards[bare.pk].ratings, cards[bare.pk].tags) == ([], [])
    # A journal page's read of the same day gives the same cards.
    (group,) = [g for g in queries.journal_page(owner).days if g.day == DAY]
    assert {card.entry.pk: card for card in group.entries} == cards


def test_an_entry_saved_between_the_days_two_reads_is_left_out(owner):
    """Today reads the day's entries, then their parts, each as it is then:
    parts of an entry the first read did not see have no card to go in."""
    seen = make_entry(owner, day=DAY, mood=4, tags=["walk"])
    later = make_entry(owner, day=DAY, mood=8, tags=["late"])
    parts = list(queries._days_card_parts(owner.pk, [DAY]))
    assert {row[0] for row in parts} == {seen.pk, later.pk}
    cards, _ = queries._cards([seen], parts)
    assert [(card.entry.pk, card.tags) for card in cards] == [
        (seen.pk, [("walk", "walk")])
    ]
    assert cards[0].ratings == [("Mood", 4)]


def test_load_more_pages_by_day_with_a_link_that_works_without_js(owner_client, owner):
    for offset in range(15):
        make_entry(owner, day=DAY - dt.timedelta(days=offset), note=f"day {offset}")
    first = owner_client.get("/journal/").content.decode()
    assert len(days_in(first)) == 10
    assert 'href="?before=2026-05-11"' in first
    assert 'hx-get="?before=2026-05-11"' in first

    more = owner_client.get(
        "/journal/?before=2026-05-11", headers={"HX-Request": "true"}
    )
    html = more.content.decode()
    assert "<html" not in html
    assert days_in(html) == [
        (DAY - dt.timedelta(days=offset)).isoformat() for offset in range(10, 15)
    ]
    assert "Load more" not in html

    plain = owner_client.get("/journal/?before=2026-05-11").content.decode()
    assert "<html" in plain and len(days_in(plain)) == 5


@pytest.mark.parametrize("days", [1, queries.DAYS_PER_PAGE, queries.DAYS_PER_PAGE + 1])
def test_a_page_holds_every_entry_of_its_days_and_no_more(owner, other_user, days):
    """The first page and each "load more" page read their days and those
    days' entries together: the day past the page is only a sign of more."""
    for offset in range(days):
        day = DAY - dt.timedelta(days=2 * offset)  # days with gaps between
        make_entry(owner, day=day, note=f"{day} a", at=dt.time(9))
        make_entry(owner, day=day, note=f"{day} b", at=dt.time(18))
        make_entry(other_user, day=day + dt.timedelta(days=1), note="another's")
    for before in (None, DAY + dt.timedelta(days=1)):
        page = queries.journal_page(owner, before=before)
        shown = min(days, queries.DAYS_PER_PAGE)
        expected = [DAY - dt.timedelta(days=2 * offset) for offset in range(shown)]
        assert [group.day for group in page.days] == expected
        assert [[card.entry.note for card in group.entries] for group in page.days] == [
            [f"{day} b", f"{day} a"] for day in expected
        ]
        more = days > queries.DAYS_PER_PAGE
        assert page.next_before == (expected[-1] if more else None)
    last = queries.journal_page(owner, before=DAY - dt.timedelta(days=2 * (days - 1)))
    assert last.days == [] and last.next_before is None


def test_filter_by_tag(owner_client, owner):
    make_entry(owner, day=DAY, note="with tag", tags=["Walk"])
    make_entry(owner, day=DAY, note="without tag")
    html = owner_client.get("/journal/?tag=walk").content.decode()
    assert "with tag" in html and "without tag" not in html


def test_filter_by_date_range(owner_client, owner):
    for offset in range(5):
        make_entry(owner, day=DAY - dt.timedelta(days=offset), note=f"n{offset}")
    html = owner_client.get(
        "/journal/?start=2026-05-17&end=2026-05-18"
    ).content.decode()
    assert days_in(html) == ["2026-05-18", "2026-05-17"]


def test_a_backwards_range_is_explained_not_crashed(owner_client, owner):
    make_entry(owner, day=DAY, note="still listed")
    response = owner_client.get("/journal/?start=2026-05-20&end=2026-05-01")
    assert response.status_code == 200
    assert b"The end date is before the start date" in response.content
    assert b"still listed" in response.content


@pytest.mark.parametrize(
    "query",
    ["start=yesterday", "before=not-a-date", "q=" + "x" * 300, "tag=" + "t" * 90],
)
def test_malformed_filters_never_crash(owner_client, owner, query):
    make_entry(owner, day=DAY, note="listed")
    response = owner_client.get("/journal/?" + query)
    assert response.status_code == 200


def test_search_finds_words_in_notes(owner_client, owner):
    make_entry(owner, day=DAY, note="Walked by the river in the morning")
    make_entry(owner, day=DAY, note="Stayed inside")
    html = owner_client.get("/journal/?q=river").content.decode()
    assert "Walked by the river" in html and "Stayed inside" not in html
    assert 'type="search"' in html


@pytest.mark.parametrize("kept", [0, 128])
def test_every_way_of_searching_finds_the_same_past_the_kept_shapes(
    owner_client, owner, monkeypatch, kept
):
    """Searches prepared once per way of asking, and past the shapes kept,
    built each time: the same days either way."""
    monkeypatch.setattr(queries, "MAX_SEARCH_SHAPES", kept)
    monkeypatch.setattr(queries, "_search_reads", {})
    make_entry(owner, day=DAY, note="river walk", tags=["calm"])
    make_entry(owner, day=DAY - dt.timedelta(days=1), note="river swim")
    make_entry(owner, day=DAY - dt.timedelta(days=2), note="desk day", tags=["work"])
    asked = {
        "q=river": {"river walk", "river swim"},
        "q=river+-walk": {"river swim"},
        "q=desk+or+swim": {"river swim", "desk day"},
        "q=calm&tag=calm": {"river walk"},
        f"q=river&end={DAY - dt.timedelta(days=1)}": {"river swim"},
        f"q=river&before={DAY}": {"river swim"},
        "tag=work": {"desk day"},
        "q=!!": set(),
    }
    notes = {"river walk", "river swim", "desk day"}
    for query, expected in asked.items():
        html = owner_client.get(f"/journal/?{query}").content.decode()
        assert {note for note in notes if note in html} == expected, query
    assert len(queries._search_reads) == min(kept, len(asked))


def test_search_finds_words_in_prompt_answers(owner_client, owner):
    entry = make_entry(owner, day=DAY, note="")
    entry.prompt_text = "What did you notice?"
    entry.prompt_answer = "Colours looked brighter"
    entry.save()
    html = owner_client.get("/journal/?q=brighter").content.decode()
    assert "Colours looked brighter" in html


def test_search_with_no_match_says_so(owner_client, owner):
    make_entry(owner, day=DAY, note="something")
    assert b"No entries match" in owner_client.get("/journal/?q=zebra").content


def test_search_never_shows_another_users_entries(owner_client, owner, other_user):
    make_entry(other_user, day=DAY, note="river of theirs")
    make_entry(owner, day=DAY, note="river of mine")
    html = owner_client.get("/journal/?q=river").content.decode()
    assert "river of mine" in html and "river of theirs" not in html


def test_a_search_shows_the_doses_of_its_days_and_reads_no_others(
    owner_client, owner, other_user, django_assert_num_queries
):
    """A search's days lie apart: their doses are read by day, not over the
    weeks between them, and are the person's own."""
    first, last = DAY - dt.timedelta(days=20), DAY
    between = DAY - dt.timedelta(days=10)
    for day in (first, last):
        make_entry(owner, day=day, note=f"river on {day}")
        make_dose(owner, day=day, amount=Decimal(day.day))
    make_entry(owner, day=between, note="desk day")
    make_dose(owner, day=between, amount=Decimal("77"))
    make_dose(other_user, day=last, amount=Decimal("88"))
    html = owner_client.get("/journal/?q=river").content.decode()
    assert days_in(html) == [last.isoformat(), first.isoformat()]
    marker = r'data-day="([^"]+)">\s*<span class="dose-marker">([^<]+)<'
    markers = re.findall(marker, html)
    assert [(day, text.split()[-2]) for day, text in markers] == [
        (last.isoformat(), str(last.day)),
        (first.isoformat(), str(first.day)),
    ]
    doses = protocols_queries.doses_on(owner, [last, first])
    assert {day: [d.amount for d in ds] for day, ds in doses.items()} == {
        last: [Decimal(last.day)],
        first: [Decimal(first.day)],
    }
    with django_assert_num_queries(1):
        assert protocols_queries.doses_on(owner, [between + dt.timedelta(days=1)]) == {}
    with django_assert_num_queries(0):  # no days: nothing to read
        assert protocols_queries.doses_on(owner, []) == {}
        assert protocols_queries.doses_on_read(owner, []) is None


def test_a_search_of_an_empty_journal_finds_nothing_of_anyone_elses(
    owner_client, other_user
):
    make_entry(other_user, day=DAY, note="river of theirs", tags=["river"])
    html = owner_client.get("/journal/?q=river").content.decode()
    assert "No entries match" in html
    assert "river of theirs" not in html


def test_a_search_prepared_for_one_person_finds_each_persons_own(
    owner_client, owner, other_client, other_user, monkeypatch
):
    """A search's query is prepared once, with the person in it three times
    (their entries, their tags, their entries by their words); asked in
    turn by two people, past the point where the database keeps its plan,
    each finds their own entries by their words and by their tags."""
    monkeypatch.setattr(queries, "_search_reads", {})
    before = DAY - dt.timedelta(days=1)
    make_entry(owner, day=DAY, note="river of mine")
    make_entry(owner, day=before, note="mine", tags=["river"])
    make_entry(other_user, day=DAY, note="river of theirs")
    make_entry(other_user, day=before, note="theirs", tags=["river"])
    ours = {"river of mine", "mine"}
    theirs = {"river of theirs", "theirs"}
    for _ in range(6):
        for client, own in ((owner_client, ours), (other_client, theirs)):
            html = client.get("/journal/?q=river").content.decode()
            shown = {n for n in ours | theirs if f"<p>{n}</p>" in html}
            assert shown == own
    assert len(queries._search_reads) == 1


def test_other_users_entries_are_never_listed(owner_client, owner, other_user):
    make_entry(other_user, day=DAY, note="their private note", tags=["shared-name"])
    make_entry(owner, day=DAY, note="my note", tags=["shared-name"])
    for url in ["/journal/", "/journal/?tag=shared-name", f"/journal/?start={DAY}"]:
        html = owner_client.get(url).content.decode()
        assert "their private note" not in html


def test_notes_are_rendered_as_safe_markdown(owner_client, owner):
    make_entry(owner, day=DAY, note="**bold** <script>alert(1)</script>")
    html = owner_client.get("/journal/").content.decode()
    assert "<strong>bold</strong>" in html
    assert "<script>alert(1)</script>" not in html
    assert "&lt;script&gt;" in html


def test_names_on_entry_cards_are_escaped(owner_client, owner, metrics):
    metrics["mood"].name = "<i>Mood</i>"
    metrics["mood"].save()
    make_entry(owner, note="n", tags=["<b>bold</b> & co"])
    for url in ("/", "/journal/"):
        html = owner_client.get(url).content.decode()
        assert "&lt;b&gt;bold&lt;/b&gt; &amp; co</a>" in html
        assert "?tag=%3Cb%3Ebold%3C/b%3E%20%26%20co" in html
        assert '<span class="rating-name">&lt;i&gt;Mood&lt;/i&gt;</span>' in html
        assert "<b>bold</b>" not in html


def test_a_searched_day_shows_the_mean_of_all_its_entries(owner_client, owner):
    make_entry(owner, day=DAY, mood=4, note="a long walk")
    make_entry(owner, day=DAY, mood=8, note="reading")
    html = owner_client.get("/journal/?q=walk").content.decode()
    assert "a long walk" in html and "reading" not in html
    assert "Mood <strong>6</strong>" in html


def _walks(owner, day: dt.date, count: int) -> None:
    for i in range(count):
        make_entry(owner, day=day, note=f"walk {i}", at=dt.time(8, i))


@pytest.mark.parametrize(
    ("per_day", "expected_shown", "more"),
    [
        # Three busy days: every match of the two shown days, and a third
        # day follows.
        ((10, 10, 10), 20, True),
        # Two days of many matches each, and no day after them.
        ((15, 15), 30, False),
        # Exactly a page's worth of days.
        ((12, 12), 24, False),
    ],
)
def test_a_search_page_shows_every_match_of_its_days(
    owner, per_day, expected_shown, more
):
    for offset, count in enumerate(per_day):
        _walks(owner, DAY - dt.timedelta(days=offset), count)
    make_entry(owner, day=DAY, note="reading")  # on a shown day, not a match
    page = queries.journal_page(owner, text="walk", days_per_page=2)
    assert [group.day for group in page.days] == [DAY, DAY - dt.timedelta(days=1)]
    shown = [card.entry.note for group in page.days for card in group.entries]
    assert len(shown) == expected_shown
    assert all(note.startswith("walk") for note in shown)
    assert page.next_before == (DAY - dt.timedelta(days=1) if more else None)
