"""Template context every page may need."""

from __future__ import annotations

from django.conf import settings
from django.http import HttpRequest


def crisis_resources(request: HttpRequest) -> dict:
    """Where to find help now: the instance's own text and link (README)."""
    return {
        "crisis_resources": {
            "text": settings.CRISIS_RESOURCES,
            "url": settings.CRISIS_RESOURCES_URL,
        }
    }
