from __future__ import annotations

from pathlib import Path

import django.forms
from django import forms
from django.forms.boundfield import BoundField
from django.forms.renderers import DjangoTemplates, Jinja2
from django.forms.utils import ErrorList, flatatt
from django.template import TemplateDoesNotExist
from django.utils.functional import cached_property
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString


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


# Django's templates for these <input> widgets each only include input.html,
# which includes attrs.html: three templates, each with its own context, for
# one element. They are rendered with input.html itself, and config/jinja2
# holds input.html and textarea.html with the attributes written in place
# (by the macros of templates/includes/widgets.jinja): the same markup
# (tests/test_widgets.py compares them) from one template instead of two or
# three: about 8 % of the instructions of Today's check-in fields.
FLAT = Path(__file__).resolve().parent / "jinja2"
MACROS = Path(__file__).resolve().parent.parent / "templates"
INPUT = "django/forms/widgets/input.html"
TEXTAREA = "django/forms/widgets/textarea.html"
INPUTS = {
    f"django/forms/widgets/{kind}.html"
    for kind in (
        "color", "date", "datetime", "email", "hidden", "number",
        "password", "search", "tel", "text", "time", "url",
    )
}  # fmt: skip


class FieldWithErrors(BoundField):
    """A form field as Django binds it, whose errors, when it has none, are
    one empty list made once rather than a new one each time a template asks
    (forty times for Today's check-in form). Errors added later are read from
    the form as before."""

    @property
    def errors(self) -> ErrorList:
        errors = self.form.errors.get(self.name)
        return self._no_errors if errors is None else errors

    @cached_property
    def _no_errors(self) -> ErrorList:
        return self.form.error_class(renderer=self.form.renderer)

    def flat_widget(self) -> dict | None:
        """What as_widget() gives the template of an <input> or <textarea>
        widget (its "widget" context), for the widget() macro to write
        without the renderer: rendering a template of its own, with its own
        context, was two thirds of each widget's time, and Today shows eight.
        None for any other widget, and where as_widget() would do more than
        this (a localized field), so that the macro falls back to it."""
        widget = self.field.widget
        name = widget.template_name
        if (
            (name not in INPUTS and name not in (INPUT, TEXTAREA))
            or self.field.localize
            or type(widget).render is not forms.Widget.render
        ):
            return None
        attrs = self.build_widget_attrs({}, widget)
        if self.auto_id and "id" not in widget.attrs:
            attrs.setdefault("id", self.auto_id)
        return widget.get_context(self.html_name, self.value(), attrs)["widget"]


class FormRenderer(Jinja2):
    """Form widgets rendered by Django's own Jinja2 copies of its widget
    templates: the same markup in about half the time of the template
    language (Today renders a dozen widgets on every visit). The admin's
    widgets, which exist only as Django templates, come from those."""

    bound_field_class = FieldWithErrors

    def get_template(self, template_name):
        if template_name in INPUTS:
            template_name = INPUT
        try:
            return super().get_template(template_name)
        except TemplateDoesNotExist:
            return self.django.get_template(template_name)

    @cached_property
    def engine(self):
        return self.backend(
            {
                "APP_DIRS": True,
                # The flat templates import their macros from the site's
                # templates; then Django's own, where its Jinja2 renderer looks.
                "DIRS": [
                    FLAT,
                    MACROS,
                    Path(django.forms.__file__).parent / self.backend.app_dirname,
                ],
                "NAME": "djangoforms",
                "OPTIONS": {},
            }
        )

    @cached_property
    def django(self) -> DjangoTemplates:
        return DjangoTemplates()
