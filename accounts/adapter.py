from __future__ import annotations

from allauth.account.adapter import DefaultAccountAdapter
from django.conf import settings
from django.db.models import Q
from django.http import HttpRequest

from accounts.models import User


def registration_open() -> bool:
    if settings.REGISTRATION == "open":
        return True
    if settings.REGISTRATION == "first-user":
        return not User.objects.exists()
    return False


class AccountAdapter(DefaultAccountAdapter):
    def is_open_for_signup(self, request: HttpRequest) -> bool:
        return registration_open()

    def login_attempts_key(self, user: User) -> str:
        return f"user:{user.pk}"

    def _get_login_attempts_cache_key(self, request: HttpRequest, **credentials):
        # allauth keys failed sign-ins by what was typed, so the username and
        # the email of one account would each get their own allowance. Key
        # them by the account instead; unknown logins keep allauth's key.
        login = credentials.get("email") or credentials.get("username") or ""
        user = (
            User.objects.filter(Q(username__iexact=login) | Q(email__iexact=login))
            .only("pk")
            .first()
            if login
            else None
        )
        if user is None:
            return super()._get_login_attempts_cache_key(request, **credentials)
        return self.login_attempts_key(user)
