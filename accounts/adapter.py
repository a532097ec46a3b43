from __future__ import annotations

from allauth.account.adapter import DefaultAccountAdapter
from django.conf import settings
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
