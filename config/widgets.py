from __future__ import annotations

from django import forms
from django.forms.renderers import DjangoTemplates, Jinja2
from django.forms.utils import flatatt
from django.template import TemplateDoesNotExist
from django.utils.functional import cached_property
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString
from markupsafe import escape


class LongSelect(forms.Select):
    """A <select> for hundreds of options (time zones).

    Django renders each option through a template, which costs ~50 ms for the
    ~600 time zones; building the markup directly costs under 1 ms.
    """

    def render(self, name, value, attrs=None, renderer=None) -> SafeString:
        final_attrs = self.build_attrs(self.attrs, {**(attrs or {}), "name": name})
        chosen = "" if value is None else str(value)
        options = format_html_join(
            "\n",
            '<option value="{}"{}>{}</option>',
            (
                (key, " selected" if str(key) == chosen else "", label)
                for key, label in self.choices
            ),
        )
        return format_html("<select{}>\n{}\n</select>", flatatt(final_attrs), options)


WIDGETS = "django/forms/widgets/"
# Django's Jinja2 widget templates that the renderer writes itself, as they
# read in the Django this was written against. Any that reads otherwise (a
# newer Django, or a project's own copy) is rendered from its template.
ATTRS = (
    "{% for name, value in widget.attrs.items() %}{% if value is not sameas False %}"
    ' {{ name }}{% if value is not sameas True %}="{{ value }}"{% endif %}'
    "{% endif %}{% endfor %}\n"
)
INPUT = (
    '<input type="{{ widget.type }}" name="{{ widget.name }}"'
    '{% if widget.value != None %} value="{{ widget.value }}"{% endif %}'
    '{% include "django/forms/widgets/attrs.html" %}>\n'
)
INCLUDES_INPUT = '{% include "django/forms/widgets/input.html" %}\n'
TEXTAREA = (
    '<textarea name="{{ widget.name }}"{% include "django/forms/widgets/attrs.html" %}>'
    "\n{% if widget.value %}{{ widget.value }}{% endif %}</textarea>\n"
)


def _attrs(attrs: dict) -> str:
    """attrs.html: each attribute, True as a bare name, False left out."""
    return "".join(
        f" {escape(name)}" if value is True else f' {escape(name)}="{escape(value)}"'
        for name, value in attrs.items()
        if value is not False
    )


def _input(widget: dict) -> str:
    value = widget["value"]
    return (
        f'<input type="{escape(widget["type"])}" name="{escape(widget["name"])}"'
        + ("" if value is None else f' value="{escape(value)}"')
        + f"{_attrs(widget['attrs'])}>"
    )


def _textarea(widget: dict) -> str:
    value = widget["value"]
    return (
        f'<textarea name="{escape(widget["name"])}"{_attrs(widget["attrs"])}>\n'
        f"{escape(value) if value else ''}</textarea>"
    )


class FormRenderer(Jinja2):
    """Form widgets rendered by Django's own Jinja2 copies of its widget
    templates: the same markup in about half the time of the template
    language (Today renders a dozen widgets on every visit). The admin's
    widgets, which exist only as Django templates, come from those.

    The plain inputs and the text area are written here instead, with the
    same escaping (MarkupSafe's, which Jinja2 uses): through their three
    nested templates each took 30 to 50 µs, a third of a millisecond of
    Today's check-in form. Only templates that read exactly as above are
    written so (`fast`); tests/test_widgets.py compares the two ways."""

    def render(self, template_name, context, request=None):
        write = self.fast.get(template_name)
        if write is not None:
            return write(context["widget"])
        return super().render(template_name, context, request)

    @cached_property
    def fast(self) -> dict:
        """The widget templates written here, and how, by their names."""
        env = self.engine.env

        def source(name: str) -> str | None:
            try:
                return env.loader.get_source(env, WIDGETS + name)[0]
            except TemplateDoesNotExist:
                return None

        if env.keep_trailing_newline or not env.autoescape:
            return {}
        if source("attrs.html") != ATTRS:
            return {}
        fast = {}
        if source("input.html") == INPUT:
            fast[WIDGETS + "input.html"] = _input
            for name in env.loader.list_templates():
                if (
                    name.startswith(WIDGETS)
                    and source(name[len(WIDGETS) :]) == INCLUDES_INPUT
                ):
                    fast[name] = _input
        if source("textarea.html") == TEXTAREA:
            fast[WIDGETS + "textarea.html"] = _textarea
        return fast

    def get_template(self, template_name):
        try:
            return super().get_template(template_name)
        except TemplateDoesNotExist:
            return self.django.get_template(template_name)

    @cached_property
    def django(self) -> DjangoTemplates:
        return DjangoTemplates()
