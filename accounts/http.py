"""The request Titrate's views receive once a person is signed in."""

from __future__ import annotations

from django.http import HttpRequest
from django_htmx.middleware import HtmxDetails

from accounts.models import Profile, User


class SignedInRequest(HttpRequest):
    """A request after the middleware, for a signed-in person: `user` is a
    `User`, `profile` their Profile (accounts.middleware), `htmx` what
    django-htmx read from the headers. Views behind `login_required` take it;
    it declares, and adds nothing at run time."""

    user: User
    profile: Profile
    htmx: HtmxDetails
