from __future__ import annotations

from django.http import HttpRequest
from django.utils.functional import SimpleLazyObject

from accounts.adapter import registration_open


def registration(request: HttpRequest) -> dict:
    # Lazy: only pages that show a sign-up link pay for the query.
    return {"registration_open": SimpleLazyObject(registration_open)}
