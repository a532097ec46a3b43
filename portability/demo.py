"""Demo data, used by `manage.py seed_demo` and the benchmark."""

from __future__ import annotations

import random

from allauth.account.models import EmailAddress
from django.core.exceptions import ValidationError

from accounts.models import Profile, User, validate_timezone
from experiments.demo import clear_experiments, seed_experiments
from journal.demo import seed_journal, seed_questionnaires
from protocols.demo import seed_protocols
from reminders.demo import seed_reminders


def seed_account(
    *, username: str, password: str, timezone: str, years: int, rng: random.Random
) -> User:
    """Create the user, or reset an existing one's password and profile.

    Each feature adds its own deterministic data drawn from `rng`, after
    clearing what a previous run made.
    """
    try:
        validate_timezone(timezone)
    except ValidationError as error:
        raise ValueError(error.messages[0]) from None
    user, _ = User.objects.get_or_create(
        username=username, defaults={"email": f"{username}@example.invalid"}
    )
    user.set_password(password)
    user.is_active = True
    user.save()
    EmailAddress.objects.update_or_create(
        user=user, email=user.email, defaults={"primary": True, "verified": True}
    )
    profile, _ = Profile.objects.update_or_create(
        user=user, defaults={"timezone": timezone, "day_start_hour": 4}
    )
    clear_experiments(user=user)  # they hold on to substances and metrics
    dose_days = seed_protocols(user=user, profile=profile, years=years, rng=rng)
    seed_journal(user=user, profile=profile, years=years, rng=rng, dose_days=dose_days)
    seed_questionnaires(user=user, profile=profile, years=years, rng=rng)
    seed_experiments(user=user, profile=profile, rng=rng)
    seed_reminders(user=user, profile=profile)
    return user
