"""Authentication backends that load the signed-in user with their profile.

Every page needs both (accounts.middleware.UserTimezoneMiddleware reads the
profile for the person's time zone and day start): one query instead of two
on every request. They otherwise are Django's and allauth's own."""

from __future__ import annotations

from allauth.account.auth_backends import AuthenticationBackend as AllauthBackend
from django.contrib.auth.backends import ModelBackend as DjangoModelBackend

from accounts.models import User


class WithProfile:
    def get_user(self, user_id):
        try:
            user = User._default_manager.select_related("profile").get(pk=user_id)
        except User.DoesNotExist:
            return None
        return user if self.user_can_authenticate(user) else None


class ModelBackend(WithProfile, DjangoModelBackend):
    pass


class AuthenticationBackend(WithProfile, AllauthBackend):
    pass
