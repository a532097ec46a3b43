from __future__ import annotations

from django import template
from django.template import engines
from django.utils.safestring import SafeString, mark_safe

from config.reverse import rendering_for

register = template.Library()


@register.simple_tag(takes_context=True)
def include_jinja(context, name: str, **values) -> SafeString:
    """Render a Jinja2 fragment (accounts.jinja) with only the values given."""
    request = context.get("request")
    with rendering_for(request):
        html = engines["jinja2"].get_template(name).render(values, request)
    return mark_safe(html)  # noqa: S308 - Jinja2 escaped every value it inserted
