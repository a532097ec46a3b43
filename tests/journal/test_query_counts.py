"""A page's query count does not grow with the amount of data."""

from __future__ import annotations

import contextlib
import datetime as dt
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from journal import views
from journal.models import Entry, Metric, Rating, Tag
from protocols.models import DoseLog
from tests.factories import make_experiment, make_protocol

pytestmark = pytest.mark.django_db

PAGES = [
    "/",
    "/journal/",
    "/journal/?q=walk",
    "/journal/?tag=walk",
    "/journal/month/",
    "/protocol/",
    "/protocol/calendar/",
]
# Today: 15 on a dose day, with the look-ups of a running experiment
# (experiments app), of a questionnaire that is due, and of the dose's effects.
MAX_QUERIES = 15


def seed(user, count: int) -> None:
    """`count` entries over the days up to today, each with ratings and a tag."""
    metrics = list(Metric.objects.filter(user=user))
    tags = [
        Tag.objects.get_or_create(user=user, name=n)[0]
        for n in ("walk", "work", "rest")
    ]
    now = timezone.now()
    entries = Entry.objects.bulk_create(
        Entry(
            user=user,
            day=user.profile.local_day(now - dt.timedelta(hours=8 * i)),
            occurred_at=now - dt.timedelta(hours=8 * i),
            note=f"walk number {i}",
        )
        for i in range(count)
    )
    Rating.objects.bulk_create(
        Rating(entry=entry, metric=metric, value=1 + (entry.pk + metric.pk) % 10)
        for entry in entries
        for metric in metrics
    )
    protocol = make_protocol(user, start_date=now.date() - dt.timedelta(days=count))
    DoseLog.objects.bulk_create(
        DoseLog(
            user=user,
            taken_at=now - dt.timedelta(days=i),
            day=user.profile.local_day(now - dt.timedelta(days=i)),
            substance=protocol.substance,
            amount=protocol.amount,
            unit=protocol.unit,
            protocol=protocol,
        )
        for i in range(0, count, 3)
    )
    Through = Entry.tags.through
    Through.objects.bulk_create(
        Through(entry_id=entry.pk, tag_id=tags[i % 3].pk)
        for i, entry in enumerate(entries)
    )


def query_counts(client) -> dict[str, int]:
    counts = {}
    for page in PAGES:
        client.get(page)  # first visits may set things up (the calendar feed)
        with CaptureQueriesContext(connection) as queries:
            response = client.get(page)
        assert response.status_code == 200, page
        counts[page] = len(queries)
    return counts


@pytest.mark.slow
def test_query_counts_are_the_same_at_10_and_1000_entries(
    owner_client, owner, other_user, monkeypatch
):
    # One moment for the whole test: a person's day that turned between the
    # seeding and a page (04:00 Berlin) left today without entries or a dose,
    # and two queries fewer, in one CI run.
    moment = timezone.now()
    monkeypatch.setattr(timezone, "now", lambda: moment)
    seed(owner, 10)
    small = query_counts(owner_client)
    seed(owner, 990)
    assert Entry.objects.filter(user=owner).count() == 1000
    large = query_counts(owner_client)
    assert small == large
    assert max(large.values()) <= MAX_QUERIES, large


@pytest.mark.skipif(
    connection.vendor != "postgresql", reason="PostgreSQL's pipeline mode"
)
def test_today_sends_its_reads_that_wait_for_no_other_together(
    owner_client, owner, monkeypatch, sent_queries
):
    moment = timezone.now()
    monkeypatch.setattr(timezone, "now", lambda: moment)
    seed(owner, 10)  # today's entries with tags, doses, a protocol
    owner_client.get("/")
    sent_queries.clear()
    response = owner_client.get("/")
    assert response.status_code == 200
    sent = [inside for inside, _ in sent_queries]
    # The metrics, today's entries and their ratings and tags, the tags with
    # their uses, the mood's last four weeks, the protocol, today's doses and
    # their effects, today's prompt, the questionnaires' last days and the
    # experiment card's running experiment and the envelopes that could be
    # the day's (none: nothing more is read for them).
    assert sent.count(True) == 12
    assert sent.index(True) == 2  # after the session and the user
    assert sent[2:14] == [True] * 12
    tables = [sql.split(" FROM ")[1].split()[0] for _, sql in sent_queries]
    assert '"protocols_doseeffect"' in tables[2:14]
    # Nothing after them: the effects no longer wait for the doses.
    assert len(sent_queries) == 14


@pytest.mark.skipif(
    connection.vendor != "postgresql", reason="PostgreSQL's pipeline mode"
)
def test_todays_experiment_card_finds_its_envelope_among_the_first_reads(
    owner_client, owner, sent_queries
):
    """On a capsule day with the day's envelope opened, the card's envelope
    comes with the first reads; whether the day's guess is made follows."""
    from experiments.models import Envelope

    today = owner.profile.local_day()
    experiment = make_experiment(
        owner, design="dose_days", weekdays=[today.weekday()], start_date=today
    )
    envelope = experiment.envelopes.first()
    Envelope.objects.filter(pk=envelope.pk).update(day=today)
    owner_client.get("/")
    sent_queries.clear()
    html = owner_client.get("/").content.decode()
    assert "Which do you think today" in html
    sent = [inside for inside, _ in sent_queries]
    assert sent[2:14] == [True] * 12
    after = [sql.split(" FROM ")[1].split()[0] for _, sql in sent_queries[14:]]
    # (The others after: the last dose, with no protocol to say it, and the
    # questionnaires of an experiment's first week.)
    assert '"experiments_envelope"' not in after
    assert '"experiments_guess"' in after


@pytest.mark.skipif(
    connection.vendor != "postgresql", reason="PostgreSQL's pipeline mode"
)
@pytest.mark.parametrize(
    ("path", "first"),
    [
        ("/journal/", '"journal_entry"'),  # the latest days' entries
        ("/journal/?q=walk", '"journal_entry"'),  # the matches' days
    ],
)
def test_a_journal_page_reads_what_waits_for_its_days_together(
    owner_client, owner, sent_queries, path, first
):
    seed(owner, 10)
    owner_client.get(path)
    sent_queries.clear()
    html = owner_client.get(path).content.decode()
    assert html.count("<article") >= 3 and "dose-marker" in html
    sent = [inside for inside, _ in sent_queries]
    tables = [sql.split(" FROM ")[1].split()[0] for _, sql in sent_queries[2:]]
    # After the session and the user, the days; then, in one round trip, the
    # parts of their entries (ratings and tags), their doses and the tag names
    # (and, for a search, the days' entries first).
    assert tables[0] == first
    together = tables[1:]
    assert sent[3:] == [True] * len(together)
    assert together[-3:] == ['"journal_rating"', '"protocols_doselog"', '"journal_tag"']


@pytest.mark.skipif(
    connection.vendor != "postgresql", reason="PostgreSQL's pipeline mode"
)
@pytest.mark.parametrize(
    ("path", "tables"),
    [
        # The active protocol, the past ones, the latest doses and their
        # effects, the safety answers, the calendar feed, the experiments
        # begun whose weeks may hold the coming fortnight's planned days.
        (
            "/protocol/",
            [
                '"protocols_protocol"',
                '"protocols_protocol"',
                '"protocols_doselog"',
                '"protocols_doseeffect"',
                '"protocols_safetyscreen"',
                '"protocols_calendarfeed"',
                '"experiments_experiment"',
            ],
        ),
        # The month's protocols, its doses and their effects, the experiments
        # begun whose weeks may hold its days.
        (
            "/protocol/calendar/",
            [
                '"protocols_protocol"',
                '"protocols_doselog"',
                '"protocols_doseeffect"',
                '"experiments_experiment"',
            ],
        ),
    ],
)
def test_the_protocol_pages_send_their_reads_together(
    owner_client, owner, sent_queries, path, tables
):
    seed(owner, 10)  # doses, a protocol
    owner_client.get(path)  # the first visit makes the calendar feed
    sent_queries.clear()
    assert owner_client.get(path).status_code == 200
    # After the session and the user, one round trip and nothing after it.
    assert [inside for inside, _ in sent_queries] == [False, False] + [True] * len(
        tables
    )
    assert [sql.split(" FROM ")[1].split()[0] for _, sql in sent_queries[2:]] == (
        tables
    )


def masked(html: bytes) -> str:
    """The page without what differs on every visit: the CSRF token, the
    check-in's token, the script nonce."""
    text = html.decode()
    text = re.sub(r'(csrfmiddlewaretoken" value=|X-CSRFToken": )"[^"]+"', r"\1", text)
    text = re.sub(r'name="token" value="[^"]+"', "", text)
    return re.sub(r'nonce="[^"]+"', "", text)


def test_today_is_the_same_with_its_reads_sent_together_or_one_by_one(
    owner_client, owner, monkeypatch
):
    moment = timezone.now()
    monkeypatch.setattr(timezone, "now", lambda: moment)
    seed(owner, 10)
    together = owner_client.get("/").content
    monkeypatch.setattr(views, "ahead", lambda reads: contextlib.nullcontext())
    one_by_one = owner_client.get("/").content
    # Tag chips, today's entries and the dose: the reads sent together.
    page = masked(together)
    assert page.count('class="chip chip-tag"') == 3 and "<article" in page
    assert "Took " in page
    assert masked(together) == masked(one_by_one)


@pytest.mark.skipif(
    connection.vendor != "postgresql", reason="PostgreSQL's pipeline mode"
)
def test_a_check_in_saved_through_htmx_is_read_back_together(
    checkin, owner, sent_queries
):
    seed(owner, 10)
    sent_queries.clear()
    response = checkin(htmx=True, note="read back", new_tags="kayak")
    assert response.status_code == 200
    sent = [inside for inside, _ in sent_queries]
    # Read after the entry was written: it is among today's entries, its new
    # tag among the chips.
    html = response.content.decode()
    assert "read back" in html and "<span>kayak</span>" in html
    # The metrics, today's entries and their parts, the tags, the mood's last
    # four weeks, the protocol, today's doses and their effects, today's
    # prompt, the questionnaires' last days and the running experiment and its
    # envelopes, in one round trip after the writes.
    first = sent.index(True)
    assert sent.count(True) == 12 and sent[first : first + 12] == [True] * 12
