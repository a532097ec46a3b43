from __future__ import annotations

import datetime as dt
from importlib import import_module

from django.conf import settings
from django.contrib.sessions.models import Session
from django.db import transaction
from django.utils import timezone

from accounts.models import PendingUpload, Profile, User
from accounts.signals import account_created


def profile_for(user: User) -> Profile:
    """The user's profile. Accounts made outside sign-up (createsuperuser, the
    admin) are set up on first use."""
    try:
        return user.profile
    except Profile.DoesNotExist:
        with transaction.atomic():
            profile, created = Profile.objects.get_or_create(user=user)
            if created:
                account_created.send(sender=Profile, user=user)
        return profile


def profile_update(
    *, user: User, timezone: str, day_start_hour: int, week_start: int = 0
) -> Profile:
    profile = profile_for(user)
    profile.timezone = timezone
    profile.day_start_hour = day_start_hour
    profile.week_start = week_start
    profile.full_clean()
    profile.save(update_fields=["timezone", "day_start_hour", "week_start"])
    return profile


@transaction.atomic
def account_setup(*, user: User, timezone: str) -> Profile:
    """Finish a new account: its profile, and admin rights for an instance's first user.

    The first account of an instance becomes its administrator, so a fresh
    install never needs `createsuperuser`.
    """
    first = not User.objects.exclude(pk=user.pk).exists()
    if first and not user.is_superuser:
        user.is_staff = True
        user.is_superuser = True
        user.save(update_fields=["is_staff", "is_superuser"])
    profile, _ = Profile.objects.update_or_create(
        user=user, defaults={"timezone": timezone}
    )
    profile.full_clean()
    account_created.send(sender=Profile, user=user)
    return profile


PENDING_UPLOAD_LIFETIME = dt.timedelta(days=1)


def sessions_end_all(*, user: User) -> int:
    """End every sign-in of a user, on every device; returns how many.

    Sessions are looked through one by one: their user id is inside the
    encoded data, and the list of sign-ins allauth keeps may miss some.
    """
    store = import_module(settings.SESSION_ENGINE).SessionStore
    ended = 0
    for session in Session.objects.filter(expire_date__gt=timezone.now()).iterator():
        if session.get_decoded().get("_auth_user_id") == str(user.pk):
            store(session.session_key).delete()
            ended += 1
    return ended


@transaction.atomic
def account_delete(*, user: User) -> None:
    """Delete an account and everything in it, and sign it out everywhere."""
    sessions_end_all(user=user)
    user.delete()


def expired_purge() -> dict[str, int]:
    """Remove what has outlived its use: expired sessions, stale uploads."""
    sessions, _ = Session.objects.filter(expire_date__lte=timezone.now()).delete()
    uploads, _ = PendingUpload.objects.filter(
        created_at__lt=timezone.now() - PENDING_UPLOAD_LIFETIME
    ).delete()
    return {"sessions": sessions, "uploads": uploads}
