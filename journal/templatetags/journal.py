from __future__ import annotations

from django import template

from journal.markdown import render_note

register = template.Library()


@register.filter
def markdown(text: str):
    return render_note(text)


@register.filter
def shade(fraction: float | None) -> str:
    """The colour class (0–4) for a value's place on its scale, best = 4."""
    if fraction is None:
        return "none"
    return str(min(4, max(0, int(fraction * 5))))
