"""Small helpers shared by the apps' views."""

from __future__ import annotations

from django.http import HttpRequest


def partial_template(request: HttpRequest, template: str, name: str) -> str:
    """The named fragment for htmx requests, the whole page otherwise (and for
    htmx history restores, which need the whole page)."""
    if request.htmx and not request.htmx.history_restore_request:
        return f"{template}#{name}"
    return template


def post_or_none(request: HttpRequest):
    """Form data for a bound form on POST. Not `request.POST or None`: an empty
    POST must still make a (failing) bound form."""
    return request.POST if request.method == "POST" else None
