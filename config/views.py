from __future__ import annotations

import hashlib
import logging

from django.db import DatabaseError, connection
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.templatetags.static import static
from django.urls import reverse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe

logger = logging.getLogger(__name__)


@never_cache
@require_safe
def healthz(request: HttpRequest) -> JsonResponse:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except DatabaseError:
        logger.exception("Health check: the database did not answer")
        return JsonResponse({"status": "error", "database": "error"}, status=503)
    return JsonResponse({"status": "ok", "database": "ok"})


@require_safe
def offline(request: HttpRequest) -> HttpResponse:
    """The page the service worker shows when the network is gone.

    It is cached on the device, so it holds nothing about anyone: no user,
    no CSRF token, no journal text.
    """
    return render(
        request, "pwa/offline.html", {"entry_url": reverse("journal:entry_create")}
    )


@require_safe
def service_worker(request: HttpRequest) -> HttpResponse:
    """The service worker, served from the root so its scope is the whole app."""
    shell = [static(path) for path in SHELL_FILES]
    version = hashlib.sha256("\n".join(shell).encode()).hexdigest()[:12]
    response = render(
        request,
        "pwa/sw.js",
        {"version": version, "shell": shell},
        content_type="text/javascript; charset=utf-8",
    )
    # Browsers check for a new worker on each visit; never from a cache.
    response["Cache-Control"] = "no-cache"
    return response


# The static files the worker keeps for offline use; its version follows them.
SHELL_FILES = (
    "css/app.css",
    "js/app.js",
    "icons/icon.svg",
    "icons/icon-192.png",
    "manifest.webmanifest",
)


@require_safe
def favicon(request: HttpRequest) -> HttpResponse:
    """The app's icon, for whatever asks for /favicon.ico the old way (feed
    readers, bookmarks); pages name it with <link rel="icon">."""
    return redirect(static("icons/icon-192.png"), permanent=True)
