"""Authentication backends that load the signed-in user with their profile.

Every page needs both (accounts.middleware.UserTimezoneMiddleware reads the
profile for the person's time zone and day start): one query instead of two
on every request. They otherwise are Django's and allauth's own."""

from __future__ import annotations

from allauth.account.auth_backends import AuthenticationBackend as AllauthBackend
from django.contrib.auth.backends import ModelBackend as DjangoModelBackend
from django.db.models import QuerySet

from accounts.models import User
from config.prepared import prepared


class WithProfile:
    def get_user(self, user_id):
        try:
            pk = int(user_id)
        except (TypeError, ValueError):
            return None  # not an id this app ever stored in a session
        user = _with_profile.first(pk)
        if user is None:
            return None
        return user if self.user_can_authenticate(user) else None


@prepared
def _with_profile(user_id: int) -> QuerySet[User]:
    """The user with their profile, compiled once (config.prepared): every
    signed-in request asks it, and building the query was most of its time."""
    return User._default_manager.select_related("profile").filter(pk=user_id)[:1]


class ModelBackend(WithProfile, DjangoModelBackend):
    pass


class AuthenticationBackend(WithProfile, AllauthBackend):
    pass
