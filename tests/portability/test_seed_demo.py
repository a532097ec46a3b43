from __future__ import annotations

import pytest
from django.core.management import CommandError, call_command

from accounts.models import Profile, User


@pytest.mark.django_db
def test_it_creates_the_demo_user_who_can_sign_in(anon_client):
    call_command("seed_demo", "--user", "demo", "--password", "demo", stdout=None)
    user = User.objects.get(username="demo")
    assert Profile.objects.get(user=user).timezone == "Europe/Berlin"
    response = anon_client.post(
        "/accounts/login/", {"login": "demo", "password": "demo"}
    )
    assert response.status_code == 302


@pytest.mark.slow
@pytest.mark.django_db
def test_running_it_again_refreshes_rather_than_duplicates():
    call_command("seed_demo", "--user", "demo", "--password", "one")
    call_command("seed_demo", "--user", "demo", "--password", "two", "--years", "2")
    assert User.objects.filter(username="demo").count() == 1
    assert User.objects.get(username="demo").check_password("two")


@pytest.mark.django_db
@pytest.mark.parametrize(
    "args", [["--years", "0"], ["--years", "21"], ["--timezone", "Mars/Olympus"]]
)
def test_it_refuses_bad_arguments_and_writes_nothing(args):
    with pytest.raises(CommandError):
        call_command("seed_demo", "--user", "demo", *args)
    assert not User.objects.exists()


def journal_snapshot(user) -> list:
    from journal.models import Entry

    return [
        (
            e.day,
            e.occurred_at,
            e.note,
            sorted((r.metric.key, r.value) for r in e.ratings.all()),
            sorted(t.name for t in e.tags.all()),
        )
        for e in Entry.objects.filter(user=user)
        .order_by("occurred_at")
        .prefetch_related("ratings__metric", "tags")
    ]


@pytest.mark.slow
@pytest.mark.django_db
def test_it_fills_a_journal_the_same_way_every_time():
    call_command("seed_demo", "--user", "demo", "--years", "1")
    user = User.objects.get(username="demo")
    first = journal_snapshot(user)
    call_command("seed_demo", "--user", "demo", "--years", "1")
    assert journal_snapshot(user) == first
    days = {row[0] for row in first}
    assert 280 <= len(days) <= 340  # most days of a year have a check-in
    assert user.metrics.count() == 5
    assert user.tags.count() == 12
    assert user.weekly_reviews.count() == 8
    assert user.own_prompts.count() == 1
    assert sum(1 for row in first if row[3]) > 0.9 * len(first)


@pytest.mark.django_db
def test_more_years_mean_more_history():
    call_command("seed_demo", "--user", "demo", "--years", "2")
    user = User.objects.get(username="demo")
    first_day = user.entries.order_by("day").first().day
    assert (user.profile.local_day() - first_day).days >= 700


@pytest.mark.django_db
def test_it_makes_a_protocol_history_with_taken_and_skipped_doses():
    from protocols.models import DoseLog, Protocol

    call_command("seed_demo", "--user", "demo", "--years", "2")
    user = User.objects.get(username="demo")
    protocols = Protocol.objects.filter(user=user)
    assert protocols.filter(active=True).count() == 1
    assert {"fadiman", "stamets"} <= set(protocols.values_list("kind", flat=True))
    doses = DoseLog.objects.filter(user=user)
    assert doses.filter(skipped=False).count() > 100
    assert doses.filter(skipped=True).exists()
    first_dose = doses.order_by("day").first().day
    first_entry = user.entries.order_by("day").first().day
    assert (first_dose - first_entry).days >= 25  # a baseline month first


@pytest.mark.django_db
def test_many_entries_answer_a_prompt_of_their_phase():
    call_command("seed_demo", "--user", "demo", "--years", "1")
    user = User.objects.get(username="demo")
    answered = user.entries.exclude(prompt_answer="").select_related("prompt")
    assert answered.count() > 0.3 * user.entries.count()
    for entry in answered[:50]:
        assert entry.prompt_text == entry.prompt.text


@pytest.mark.django_db
def test_the_demo_has_a_finished_experiment_and_a_running_one(anon_client):
    from experiments.models import Experiment

    call_command("seed_demo", "--user", "demo", "--password", "demo", "--years", "1")
    experiments = Experiment.objects.filter(user__username="demo")
    assert sorted((e.status, e.revealed) for e in experiments) == [
        ("finished", True),
        ("running", False),
    ]
    anon_client.login(username="demo", password="demo")
    finished = experiments.get(status="finished")
    html = anon_client.get(f"/experiments/{finished.pk}/").content.decode()
    assert "Mood on active weeks was" in html
    # Their weeks as a person keeps them: capsules on their dose days so far,
    # none missed, and no protocol dose planned, taken or missed
    # (protocols.held).
    from protocols.queries import calendar_days

    user = finished.user
    today = user.profile.local_day()
    for experiment in experiments:
        last = min(experiment.end_date, today)
        days = calendar_days(user, experiment.start_date, last, today)
        capsule_days = {d for d in experiment.dose_days() if d < today}
        assert {c.day for c in days if c.state == "capsule"} == capsule_days
        others = {c.day: c.state for c in days if c.day not in capsule_days}
        for day, state in others.items():
            # Today's capsule is still to take.
            due = day == today and experiment.is_dose_day(day)
            assert state == ("capsule_due" if due else "held")


@pytest.mark.django_db
def test_the_demo_has_reminders_and_their_recent_history(anon_client):
    call_command("seed_demo", "--user", "demo", "--password", "demo", "--years", "1")
    call_command("seed_demo", "--user", "demo", "--password", "demo", "--years", "1")
    user = User.objects.get(username="demo")
    assert user.reminder_settings.checkin_times == ["21:00"]
    assert user.reminder_settings.dose_day and user.reminder_settings.by_email
    sent = user.deliveries.all()
    assert 2 <= sent.count() <= 3  # a second run replaces, never adds
    assert {d.status for d in sent} == {"sent"}
    anon_client.login(username="demo", password="demo")
    html = anon_client.get("/settings/reminders/").content.decode()
    assert "Recent reminders" in html and "None sent yet." not in html
    assert 'value="21:00"' in html


@pytest.mark.django_db
def test_it_puts_back_deleted_built_in_prompts_instead_of_failing():
    from journal.models import Prompt

    Prompt.objects.filter(owner=None).delete()
    call_command("seed_demo", "--user", "demo", "--years", "1")
    user = User.objects.get(username="demo")
    assert Prompt.objects.filter(owner=None, active=True).exists()
    assert user.entries.exclude(prompt_answer="").exists()
    assert user.weekly_reviews.exists()


@pytest.mark.django_db
def test_it_puts_back_the_weekly_review_prompts_when_only_they_are_deleted():
    from journal.builtin_prompts import sync_builtin_prompts
    from journal.models import Prompt

    # The built-in library, as migrated (a test on a live server before this
    # one, on the same worker, flushes what migrations wrote).
    sync_builtin_prompts(Prompt)
    weekly = Prompt.objects.filter(owner=None, phases__contains=",weekly_review,")
    assert weekly.exists()
    weekly.delete()
    assert Prompt.objects.filter(owner=None).exists()  # only they are gone
    call_command("seed_demo", "--user", "demo", "--years", "1")
    assert weekly.exists()
    assert User.objects.get(username="demo").weekly_reviews.exists()
