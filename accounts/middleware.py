from __future__ import annotations

import time
from collections.abc import Callable
from urllib.parse import urlsplit

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.views import redirect_to_login
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render, resolve_url
from django.utils import timezone
from django_htmx.http import HttpResponseClientRedirect

from accounts.edits import typed_words
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
SIGNED_IN = "_titrate_signed_in"
# Write the session at most this often just to note activity.
SEEN_RESOLUTION = 60


def note_sign_in(sender, request, user, **kwargs) -> None:
    """Start the absolute lifetime of a sign-in (user_logged_in receiver)."""
    if request is not None and hasattr(request, "session"):
        request.session[SIGNED_IN] = int(time.time())


class SessionIdleMiddleware:
    """End a sign-in after SESSION_IDLE_TIMEOUT seconds without a request,
    and SESSION_COOKIE_AGE seconds after it began, however active.

    Saving the session (as noting activity does) would push its expiry on by
    SESSION_COOKIE_AGE each time, so the absolute limit is kept here, from the
    moment of sign-in.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.user.is_authenticated:
            now = int(time.time())
            seen = request.session.get(LAST_SEEN)
            # Sessions begun before this was recorded start counting now.
            signed_in = request.session.setdefault(SIGNED_IN, now)
            idle = seen is not None and now - seen > settings.SESSION_IDLE_TIMEOUT
            if idle or now - signed_in > settings.SESSION_COOKIE_AGE:
                logout(request)
                messages.info(
                    request,
                    "You were signed out after a while without use."
                    if idle
                    else "Please sign in again: sign-ins last "
                    f"{settings.SESSION_COOKIE_AGE // 86400 or 1} days at most.",
                )
                return redirect_to_login(request.get_full_path())
            if seen is None or now - seen > SEEN_RESOLUTION:
                request.session[LAST_SEEN] = now
        return self.get_response(request)


class SignInEndedMiddleware:
    """A request sent after its sign-in ended (idle, at its age, or signed out
    in another tab) is sent to the sign-in page; what it carried is not lost
    on the way.

    An htmx request is told to go there, and back to its page afterwards
    (HX-Redirect), instead of being redirected: the browser would follow the
    redirect and htmx put the sign-in page inside Today, in place of the
    check-in being written. static/js/app.js keeps a check-in's or dose's
    words on the device first and sends them once signed in again.

    An ordinary form holding a person's words (an entry's edit, the weekly
    review) is answered with those words to copy and a way to sign in (401),
    rather than a redirect after which they are gone."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if response.status_code != 302:
            return response
        login = resolve_url(settings.LOGIN_URL)
        if urlsplit(response["Location"]).path != urlsplit(login).path:
            return response
        htmx = request.headers.get("HX-Request") == "true"
        back = _same_site_path(
            request,
            request.headers.get("HX-Current-URL" if htmx else "Referer", ""),
        )
        if htmx:
            return HttpResponseClientRedirect(redirect_to_login(back)["Location"])
        typed = typed_words(request.POST)
        if request.method != "POST" or not typed:
            return response
        context = {"typed": typed, "sign_in": redirect_to_login(back)["Location"]}
        return render(request, "signed_out.html", context, status=401)


def _same_site_path(request: HttpRequest, address: str) -> str:
    """The path (and query) of an address on this site; "/" for any other."""
    page = urlsplit(address)
    if page.netloc != request.get_host() or not page.path.startswith("/"):
        return "/"
    return page.path + (f"?{page.query}" if page.query else "")
