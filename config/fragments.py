"""Parts of pages cached per user, under the user's data version.

A cached part is looked up by the user, their data version (`accounts.changes`),
their time zone, day-start hour, week start and journal day, the part's name and
whatever else decides its content (a page's query). Any write by the user moves
the version on, so a part is never shown older than the data it was read from.

Parts live in the `pages` cache: memory of the server process, never a file or
the database, dropped when the process ends and after `PAGE_CACHE_SECONDS`.

A part that holds a form is rendered with markers where the CSRF token and the
check-in's idempotency token go; `fill` puts this request's token and a new
idempotency token in each place, so no two responses share a form token.
"""

from __future__ import annotations

import hashlib
import secrets
import uuid
from collections.abc import Callable, Iterable
from typing import TypeVar

from django.core.cache import caches
from django.http import HttpRequest
from django.middleware.csrf import get_token
from django.template.loader import render_to_string
from django.utils.safestring import SafeString, mark_safe

from accounts.changes import version

T = TypeVar("T")

# Random per process: no text a user writes can hold them on purpose.
CSRF_MARK = f"csrf-{secrets.token_hex(16)}"
FORM_TOKEN_MARK = f"{uuid.uuid4()}"


def cached(
    request: HttpRequest, name: str, parts: Iterable, build: Callable[[], T]
) -> T:
    """`build()`'s result for this user and their data as it is now."""
    profile = request.profile
    described = "\x1f".join(
        str(part)
        for part in (
            name,
            profile.timezone,
            profile.day_start_hour,
            profile.week_start,
            profile.local_day().isoformat(),
            *parts,
        )
    )
    digest = hashlib.sha256(described.encode()).hexdigest()[:32]
    key = f"part:{request.user.pk}:{version(request.user.pk)}:{digest}"
    cache = caches["pages"]
    value = cache.get(key)
    if value is None:
        value = build()
        cache.set(key, value)
    return value


def render(request: HttpRequest, template_name: str, context: dict) -> str:
    """A template rendered for caching: markers in place of the CSRF token."""
    return render_to_string(
        template_name, {**context, "csrf_token": CSRF_MARK}, request=request
    )


def fill(request: HttpRequest, html: str) -> SafeString:
    """A cached part made ready to send: this request's tokens in their places."""
    if CSRF_MARK in html:
        html = html.replace(CSRF_MARK, get_token(request))
    if FORM_TOKEN_MARK in html:
        pieces = html.split(FORM_TOKEN_MARK)
        html = pieces[0] + "".join(str(uuid.uuid4()) + p for p in pieces[1:])
    return mark_safe(html)  # noqa: S308 - rendered by our templates, escaped there
