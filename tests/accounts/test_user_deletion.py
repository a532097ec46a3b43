"""Deleting a user removes every row they own, in every app."""

from __future__ import annotations

import pytest
from django.apps import apps
from django.core.management import call_command
from django.db import connection
from django.utils import timezone

from accounts.models import User
from accounts.services import account_delete
from journal.models import Entry, Rating
from portability.export import export_document
from tests.conftest import make_user
from tests.factories import make_entry, mood_metric

OUR_APPS = ("accounts", "journal", "protocols", "insights", "experiments", "reminders")
# The instance's own rows, no one's in particular.
INSTANCE_MODELS = {"reminders.VapidKey"}


# How each of our models leads to its owner. A new model must be added here,
# or the completeness check below fails.
OWNER_PATHS = {
    "accounts.Profile": "user",
    "accounts.AuditEvent": "user",
    "accounts.PendingUpload": "user",
    "journal.Metric": "user",
    "journal.Tag": "user",
    "journal.Entry": "user",
    "journal.Rating": "entry__user",
    "journal.DayTotal": "user",
    "journal.TagDay": "user",
    "journal.Prompt": "owner",
    "journal.PromptSwitchedOff": "user",
    "journal.PromptShown": "user",
    "journal.WeeklyReview": "user",
    "journal.QuestionnaireResponse": "user",
    "protocols.Substance": "user",
    "protocols.Protocol": "user",
    "protocols.DoseLog": "user",
    "protocols.DoseEffect": "dose__user",
    "protocols.SafetyScreen": "user",
    "protocols.CalendarFeed": "user",
    "experiments.Experiment": "user",
    "experiments.Envelope": "experiment__user",
    "experiments.Guess": "experiment__user",
    "reminders.ReminderSettings": "user",
    "reminders.PushDevice": "user",
    "reminders.Delivery": "user",
}


def rows_of(user_id: int) -> dict[str, int]:
    counts = {}
    for label, path in OWNER_PATHS.items():
        model = apps.get_model(label)
        counts[label] = model.objects.filter(**{path: user_id}).count()
    tags = apps.get_model("journal.Entry").tags.through
    counts["journal.Entry_tags"] = tags.objects.filter(entry__user=user_id).count()
    return counts


def test_every_model_of_ours_is_walked():
    ours = {
        m._meta.label
        for m in apps.get_models()
        if m._meta.app_label in OUR_APPS and m is not User
    }
    assert ours == set(OWNER_PATHS) | INSTANCE_MODELS


@pytest.mark.django_db
def test_deleting_a_user_with_a_full_history_leaves_nothing(other_user):
    call_command("seed_demo", "--user", "demo", "--years", "1")
    user = User.objects.get(username="demo")
    user_id = user.pk  # delete() clears user.pk
    before = rows_of(user_id)
    assert before["protocols.DoseLog"] > 0 and before["journal.Entry"] > 0
    assert before["experiments.Guess"] > 0
    assert before["reminders.ReminderSettings"] == 1
    assert before["reminders.Delivery"] > 0
    others = rows_of(other_user.pk)

    user.delete()

    assert {k: v for k, v in rows_of(user_id).items() if v} == {}
    assert rows_of(other_user.pk) == others


@pytest.mark.slow
@pytest.mark.django_db
@pytest.mark.skipif(
    connection.vendor != "postgresql", reason="PostgreSQL's limit on parameters"
)
def test_an_account_of_more_entries_than_a_statement_holds_exports_and_deletes(
    owner,
):
    """With its parameters sent apart, a statement holds at most 65,535
    (config/postgresql). Exporting more entries than that reads them in
    batches, each with its ratings and tags; deleting them deletes their
    ratings in several statements."""
    limit = connection.features.max_query_params
    assert limit == 2**16 - 1
    moment = timezone.now()
    Entry.objects.bulk_create(
        Entry(user=owner, day=moment.date(), occurred_at=moment)
        for _ in range(limit + 10)
    )
    mood = mood_metric(owner)
    Rating.objects.bulk_create(
        Rating(entry_id=pk, metric=mood, value=5)
        for pk in Entry.objects.filter(user=owner).values_list("pk", flat=True)[:20]
    )
    kept = make_user("kept")
    make_entry(kept, note="someone else's")
    exported = export_document(owner)["entries"]
    assert len(exported) == limit + 10
    assert sum(bool(e["ratings"]) for e in exported) == 20
    account_delete(user=owner)
    assert not Entry.objects.filter(user_id=owner.pk).exists()
    assert not Rating.objects.filter(metric=mood).exists()
    assert Entry.objects.get(user=kept).note == "someone else's"
