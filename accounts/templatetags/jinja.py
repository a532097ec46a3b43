from __future__ import annotations

from django import template
from django.template import engines
from django.utils.safestring import SafeString, mark_safe

register = template.Library()


@register.simple_tag(takes_context=True)
def include_jinja(context, name: str, **values) -> SafeString:
    """Render a Jinja2 fragment (accounts.jinja) with only the values given."""
    html = engines["jinja2"].get_template(name).render(values, context.get("request"))
    return mark_safe(html)  # noqa: S308 - Jinja2 escaped every value it inserted
