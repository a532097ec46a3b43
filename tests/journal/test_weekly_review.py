from __future__ import annotations

import datetime as dt
import re
from html import unescape

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from journal.models import WeeklyReview
from journal.weekly import summarise, week_start_of
from tests.factories import make_dose, make_entry, make_protocol
from tests.markup import input_value, new_tab_links, start_tags

pytestmark = pytest.mark.django_db

MONDAY = dt.date(2026, 6, 8)


def test_week_start_follows_the_setting():
    assert week_start_of(dt.date(2026, 6, 11), 0) == MONDAY
    assert week_start_of(dt.date(2026, 6, 11), 6) == dt.date(2026, 6, 7)
    assert week_start_of(MONDAY, 0) == MONDAY


def test_the_summary_compares_weeks_and_counts_doses(owner):
    make_entry(owner, day=MONDAY, mood=8)
    make_entry(owner, day=MONDAY + dt.timedelta(days=1), mood=6)
    make_entry(owner, day=MONDAY - dt.timedelta(days=3), mood=4)
    make_protocol(owner, kind="every_other_day", start_date=MONDAY)  # 8, 10, 12, 14
    make_dose(owner, day=MONDAY)
    make_dose(owner, day=MONDAY + dt.timedelta(days=2), skipped=True)
    make_dose(owner, day=MONDAY + dt.timedelta(days=3))  # not planned
    summary = summarise(owner, MONDAY, today=MONDAY + dt.timedelta(days=6))
    mood = next(row for row in summary.metrics if row.metric.key == "mood")
    assert (mood.this_week, mood.last_week, mood.change) == (7, 4, 3)
    assert mood.better is None  # two days against one: too few to call it
    assert (summary.planned, summary.planned_taken, summary.taken, summary.skipped) == (
        4,
        1,
        2,
        1,
    )
    assert summary.planned_ahead == 0


def test_planned_days_still_ahead_are_not_missed(owner_client, owner):
    make_protocol(owner, kind="every_other_day", start_date=MONDAY)  # 8, 10, 12, 14
    make_dose(owner, day=MONDAY)
    summary = summarise(owner, MONDAY, today=MONDAY + dt.timedelta(days=2))
    assert (summary.planned, summary.planned_taken, summary.planned_ahead) == (2, 1, 2)


def week_of(owner, metric, this_week, last_week):
    for offset, value in enumerate(this_week):
        entry = make_entry(owner, day=MONDAY + dt.timedelta(days=offset), mood=None)
        entry.ratings.create(metric=metric, value=value)
    for offset, value in enumerate(last_week):
        entry = make_entry(owner, day=MONDAY - dt.timedelta(days=offset + 1), mood=None)
        entry.ratings.create(metric=metric, value=value)
    rows = summarise(owner, MONDAY, today=MONDAY + dt.timedelta(days=6)).metrics
    return next(r for r in rows if r.metric == metric)


def test_a_change_within_the_ups_and_downs_is_not_called_better(owner, metrics):
    row = week_of(owner, metrics["mood"], [6, 7, 5, 6, 7], [6, 6, 5, 7, 6])
    assert row.change == pytest.approx(0.2)
    assert (row.clear, row.better) == (False, None)
    tiny = week_of(owner, metrics["energy"], [5, 6, 5, 5], [6, 5, 6, 5, 5])
    assert tiny.change < 0 and tiny.better is None


def test_a_clear_change_is_called_better_or_worse(owner, metrics):
    up = week_of(owner, metrics["mood"], [8, 8, 9, 8, 9], [4, 5, 4, 5, 4])
    assert up.clear and up.better is True
    calmer = week_of(owner, metrics["anxiety"], [2, 2, 3, 2, 2], [7, 6, 7, 7, 6])
    assert calmer.change < 0 and calmer.better is True
    tired = week_of(owner, metrics["energy"], [3, 2, 3, 3, 2], [7, 8, 7, 8, 7])
    assert tired.better is False


@pytest.mark.slow
def test_weeks_with_no_change_are_rarely_called_better_or_worse():
    import math

    import numpy as np

    from journal.models import Metric
    from journal.weekly import MetricWeek

    rng = np.random.default_rng(7)
    metric = Metric(name="Mood", scale_min=1, scale_max=10)
    called = tried = 0
    for _ in range(4000):
        noise, carried = np.zeros(14), 0.0
        for day in range(14):  # lag-1 correlation 0.7, unit variance
            carried = 0.7 * carried + rng.normal() * math.sqrt(1 - 0.7**2)
            noise[day] = carried
        ratings = np.clip(np.round(6 + 1.5 * noise), 1, 10)
        kept = rng.random(14) > 0.15  # a few days without a check-in
        row = MetricWeek(
            metric,
            this_days=list(ratings[7:][kept[7:]]),
            last_days=list(ratings[:7][kept[:7]]),
        )
        tried += 1
        called += row.better is not None
    assert called / tried <= 0.06


def test_the_page_marks_only_clear_changes(owner_client, owner, metrics):
    week_of(owner, metrics["mood"], [8, 8, 9, 8, 9], [4, 5, 4, 5, 4])
    week_of(owner, metrics["focus"], [6, 7, 5, 6, 7], [6, 6, 5, 7, 6])
    html = owner_client.get("/journal/week/2026/6/8/").content.decode()
    assert html.count("(better)") == 1 and "(worse)" not in html
    assert "at least 3 rated days in each week" in html


def test_the_review_page_shows_the_weeks_answers_and_two_prompts(owner_client, owner):
    entry = make_entry(owner, day=MONDAY, note="")
    entry.prompt_text, entry.prompt_answer = "What stood out?", "The morning light"
    entry.save()
    html = owner_client.get("/journal/week/2026/6/8/").content.decode()
    assert "The morning light" in html
    assert html.count("<textarea") == 2
    again = owner_client.get("/journal/week/2026/6/8/").content.decode()
    labels = re.findall(r'<label for="id_\w+_answer">(.*?)</label>', html)
    assert len(labels) == 2 and labels[0] != labels[1]
    assert re.findall(r'<label for="id_\w+_answer">(.*?)</label>', again) == labels


def test_a_saved_review_shows_the_prompts_it_answered_read_once(owner_client, owner):
    WeeklyReview.objects.create(
        user=owner,
        week_start=MONDAY,
        first_prompt_text="Asked first?",
        first_answer="Yes",
        second_prompt_text="Asked second?",
    )
    with CaptureQueriesContext(connection) as queries:
        html = owner_client.get("/journal/week/2026/6/8/").content.decode()
    labels = re.findall(r'<label for="id_\w+_answer">(.*?)</label>', html)
    assert labels == ["Asked first?", "Asked second?"]
    reads = [q for q in queries if 'FROM "journal_weeklyreview"' in q["sql"]]
    assert len(reads) == 1


def test_saving_a_review_and_listing_it(owner_client, owner):
    response = owner_client.post(
        "/journal/week/2026/6/8/",
        {"first_answer": "Calm", "second_answer": "Sleep more"},
    )
    assert response.status_code == 302
    review = WeeklyReview.objects.get(user=owner)
    assert (review.week_start, review.first_answer) == (MONDAY, "Calm")
    assert review.first_prompt_text != review.second_prompt_text
    owner_client.post(
        "/journal/week/2026/6/8/",
        {
            "first_answer": "Calmer",
            "second_answer": "",
            "seen": seen_on_page(owner_client),
        },
    )
    assert WeeklyReview.objects.get(user=owner).first_answer == "Calmer"
    assert b"Calmer" in owner_client.get("/journal/reviews/").content


def seen_on_page(client, path="/journal/week/2026/6/8/") -> str:
    """When the page says the week's review was last saved, as sent back."""
    return input_value(client.get(path).content.decode(), "seen")


def test_a_review_saved_in_another_tab_is_not_overwritten(owner_client, owner):
    path = "/journal/week/2026/6/8/"
    # Two tabs open on the week before it has a review.
    first_tab, second_tab = seen_on_page(owner_client), seen_on_page(owner_client)
    assert first_tab == second_tab == ""
    saved = owner_client.post(
        path, {"first_answer": "Calm", "second_answer": "", "seen": first_tab}
    )
    assert saved.status_code == 302
    refused = owner_client.post(
        path, {"first_answer": "Restless", "second_answer": "", "seen": second_tab}
    )
    assert refused.status_code == 409
    html = unescape(refused.content.decode())
    assert "This review was saved elsewhere (another tab or device)" in html
    assert "Restless</textarea>" in html  # what was typed is still there
    assert new_tab_links(html) == [path]  # the saved version, beside it
    assert new_tab_links(owner_client.get(path).content.decode()) == []
    assert WeeklyReview.objects.get(user=owner).first_answer == "Calm"
    # The same holds once it exists: a page older than the last save is refused.
    stale = seen_on_page(owner_client)
    owner_client.post(
        path, {"first_answer": "Calmer", "second_answer": "", "seen": stale}
    )
    again = owner_client.post(
        path, {"first_answer": "Calm again", "second_answer": "", "seen": stale}
    )
    assert again.status_code == 409
    assert WeeklyReview.objects.get(user=owner).first_answer == "Calmer"


def test_the_same_review_sent_twice_is_saved_without_a_refusal(owner_client, owner):
    data = {"first_answer": "Calm", "second_answer": "Sleep", "seen": ""}
    for _ in range(2):  # a double tap
        response = owner_client.post("/journal/week/2026/6/8/", data)
        assert response.status_code == 302
    review = WeeklyReview.objects.get(user=owner)
    assert (review.first_answer, review.second_answer) == ("Calm", "Sleep")


@pytest.mark.parametrize(
    ("answer", "status"), [("Restless", 409), ("Calm", 302)], ids=["other", "same"]
)
def test_a_review_created_in_another_tab_at_the_same_moment(
    owner_client, owner, monkeypatch, answer, status
):
    # Both tabs looked for the week's review and found none; the other tab's
    # is written first. Its answers are never overwritten: the same answers
    # are the same review (a double tap), others are refused.
    def another_tab_wins():
        WeeklyReview.objects.create(
            user=owner,
            week_start=MONDAY,
            first_prompt_text="What felt different?",
            second_prompt_text="What next?",
            first_answer="Calm",
        )
        return WeeklyReview.objects.none()  # as it looked a moment before

    monkeypatch.setattr(WeeklyReview.objects, "select_for_update", another_tab_wins)
    response = owner_client.post(
        "/journal/week/2026/6/8/",
        {"first_answer": answer, "second_answer": "", "seen": ""},
    )
    assert response.status_code == status
    # (Refused, the service's transaction is undone, and with it the other
    # tab's row, written here inside it; in life that row is its own.)
    answers = WeeklyReview.objects.values_list("first_answer", flat=True)
    assert list(answers) == (["Calm"] if status == 302 else [])
    if status == 409:
        html = unescape(response.content.decode())
        assert "This review was saved elsewhere (another tab or device)" in html
        assert "Restless</textarea>" in html


def test_an_unreadable_last_saved_moment_saves_no_review(owner_client, owner):
    response = owner_client.post(
        "/journal/week/2026/6/8/", {"first_answer": "Calm", "seen": "last week"}
    )
    assert response.status_code == 422
    assert "Part of this form could not be read" in response.content.decode()
    assert not WeeklyReview.objects.exists()


def test_unsaved_answers_are_warned_of_before_leaving(owner_client):
    html = owner_client.get("/journal/week/2026/6/8/").content.decode()
    textareas = [dict(a) for tag, a in start_tags(html) if tag == "textarea"]
    assert len(textareas) == 2
    assert all("data-warn-unsaved" in attrs for attrs in textareas)


def test_a_day_inside_a_week_goes_to_its_start(owner_client):
    response = owner_client.get("/journal/week/2026/6/10/")
    assert response.status_code == 302
    assert response["Location"] == "/journal/week/2026/6/8/"


@pytest.mark.parametrize(
    "path",
    [
        "/journal/week/2026/2/30/",
        "/journal/week/2999/1/5/",
        "/journal/week/1969/12/29/",  # before the first day a journal holds
        "/journal/week/10000/1/3/",
    ],
)
def test_impossible_or_future_weeks_are_not_found(owner_client, path):
    assert owner_client.get(path).status_code == 404


def test_an_oversized_answer_is_refused(owner_client, owner):
    response = owner_client.post(
        "/journal/week/2026/6/8/", {"first_answer": "x" * 100_001}
    )
    assert response.status_code == 422
    assert not WeeklyReview.objects.exists()


def test_another_users_reviews_never_show(owner_client, owner, other_user):
    WeeklyReview.objects.create(
        user=other_user,
        week_start=MONDAY,
        first_prompt_text="a",
        first_answer="their secret",
        second_prompt_text="b",
    )
    assert b"their secret" not in owner_client.get("/journal/reviews/").content
    assert b"their secret" not in owner_client.get("/journal/week/2026/6/8/").content
