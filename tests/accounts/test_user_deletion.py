"""Deleting a user removes every row they own, in every app."""

from __future__ import annotations

import pytest
from django.apps import apps
from django.core.management import call_command

from accounts.models import User

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
