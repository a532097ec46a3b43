from __future__ import annotations

import time
from collections.abc import Callable

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.views import redirect_to_login
from django.http import HttpRequest, HttpResponse
from django.utils import timezone

from accounts.services import profile_for


class UserTimezoneMiddleware:
    """Show every time in the signed-in user's own time zone."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.user.is_authenticated:
            request.profile = profile_for(request.user)
            timezone.activate(request.profile.tzinfo)
        try:
            return self.get_response(request)
        finally:
            timezone.deactivate()


LAST_SEEN = "_titrate_last_seen"
# Write the session at most this often just to note activity.
SEEN_RESOLUTION = 60


class SessionIdleMiddleware:
    """End a sign-in after SESSION_IDLE_TIMEOUT seconds without a request.

    The absolute lifetime is the session cookie's age, fixed at sign-in.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.user.is_authenticated:
            now = int(time.time())
            seen = request.session.get(LAST_SEEN)
            if seen is not None and now - seen > settings.SESSION_IDLE_TIMEOUT:
                logout(request)
                messages.info(request, "You were signed out after a while without use.")
                return redirect_to_login(request.get_full_path())
            if seen is None or now - seen > SEEN_RESOLUTION:
                request.session[LAST_SEEN] = now
        return self.get_response(request)
