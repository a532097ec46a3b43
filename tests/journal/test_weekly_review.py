from __future__ import annotations

import datetime as dt
import re

import pytest

from journal.models import WeeklyReview
from journal.weekly import summarise, week_start_of
from tests.factories import make_dose, make_entry, make_protocol

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
    summary = summarise(owner, MONDAY)
    mood = next(row for row in summary.metrics if row.metric.key == "mood")
    assert (mood.this_week, mood.last_week, mood.change, mood.better) == (7, 4, 3, True)
    assert (summary.planned, summary.planned_taken, summary.taken, summary.skipped) == (
        4,
        1,
        2,
        1,
    )


def test_lower_is_better_metrics_read_a_fall_as_better(owner, metrics):
    for day, value in ((MONDAY, 2), (MONDAY - dt.timedelta(days=2), 6)):
        entry = make_entry(owner, day=day, mood=None)
        entry.ratings.create(metric=metrics["anxiety"], value=value)
    row = next(r for r in summarise(owner, MONDAY).metrics if r.metric.key == "anxiety")
    assert row.change == -4 and row.better is True


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
        "/journal/week/2026/6/8/", {"first_answer": "Calmer", "second_answer": ""}
    )
    assert WeeklyReview.objects.get(user=owner).first_answer == "Calmer"
    assert b"Calmer" in owner_client.get("/journal/reviews/").content


def test_a_day_inside_a_week_goes_to_its_start(owner_client):
    response = owner_client.get("/journal/week/2026/6/10/")
    assert response.status_code == 302
    assert response["Location"] == "/journal/week/2026/6/8/"


@pytest.mark.parametrize(
    "path", ["/journal/week/2026/2/30/", "/journal/week/2999/1/5/"]
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
