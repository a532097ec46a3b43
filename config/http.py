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


# A multipart body holds the file plus boundaries, headers and the CSRF token.
MULTIPART_ALLOWANCE = 64 * 1024


def body_too_large(request: HttpRequest, file_limit: int) -> bool:
    """Whether the declared body is larger than a file of `file_limit` bytes
    could make it; read from the header, before any of the body is."""
    try:
        length = int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        return True
    return length > file_limit + MULTIPART_ALLOWANCE
