from __future__ import annotations

from django import template

from protocols.models import FELT_LABELS

register = template.Library()


@register.filter
def felt_words(felt: int | None) -> str:
    """2 → "noticeably"."""
    return FELT_LABELS.get(felt, "")
