"""The form renderer's flat widget templates (config/widgets.py) give the
markup of Django's own Jinja2 widget templates, attribute for attribute."""

from __future__ import annotations

import datetime as dt

import pytest
from django import forms
from django.forms.renderers import Jinja2

from config.widgets import INPUTS, FormRenderer

WIDGETS = [
    forms.TextInput(attrs={"list": "tag-suggestions", "autocomplete": "off"}),
    forms.HiddenInput,
    forms.NumberInput(attrs={"inputmode": "numeric"}),
    forms.EmailInput,
    forms.URLInput,
    forms.PasswordInput(render_value=True),
    forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    forms.TimeInput(attrs={"type": "time"}, format="%H:%M"),
    forms.DateTimeInput,
    forms.Textarea(attrs={"rows": 3, "data-warn-unsaved": ""}),
]
VALUES = [None, "", "plain", "<b>\"quoted\" & 'single'</b>", 42, dt.date(2026, 3, 1)]
ATTRS = [
    {},
    {"required": True, "disabled": False, "id": "id_x", "maxlength": "400"},
    {"aria-describedby": 'x_helptext" onfocus="alert(1)', "class": "<wide>"},
]


@pytest.mark.parametrize(
    "widget", WIDGETS, ids=lambda w: getattr(w, "__name__", type(w).__name__)
)
def test_the_flat_templates_give_djangos_markup(widget):
    widget = widget() if isinstance(widget, type) else widget
    ours, django = FormRenderer(), Jinja2()
    for value in VALUES:
        for attrs in ATTRS:
            if isinstance(widget, (forms.DateInput, forms.TimeInput)) and isinstance(
                value, int
            ):
                continue
            expected = widget.render("field", value, attrs, renderer=django)
            assert widget.render("field", value, attrs, renderer=ours) == expected


def test_every_input_template_taken_as_input_html_only_includes_it():
    """Rendering these with input.html is only right while Django's own
    template for each is nothing but that include."""
    renderer = Jinja2()
    for name in INPUTS:
        source = renderer.engine.env.loader.get_source(renderer.engine.env, name)[0]
        assert source.strip() == '{% include "django/forms/widgets/input.html" %}'


def test_other_widgets_still_render_from_djangos_templates():
    field = forms.ChoiceField(choices=[("a", "A"), ("b", "<B>")])
    attrs = {"id": "id_pick"}
    html = field.widget.render("pick", "b", attrs, renderer=FormRenderer())
    assert html == field.widget.render("pick", "b", attrs, renderer=Jinja2())
    assert '<option value="b" selected>&lt;B&gt;</option>' in html


class NoteForm(forms.Form):
    note = forms.CharField(max_length=5)
    day = forms.DateField(required=False)


def test_a_field_without_errors_has_one_empty_list_and_later_errors_show():
    form = NoteForm({"note": "toolong", "day": ""})
    day = form["day"]
    assert type(day).__name__ == "FieldWithErrors"  # from the form renderer
    assert day.errors == [] and day.errors is day.errors
    assert form["note"].errors == [
        "Ensure this value has at most 5 characters (it has 7)."
    ]
    form.add_error("day", "Not that day.")
    assert day.errors == ["Not that day."]
    assert 'class="errorlist"' in str(day.errors)


def test_an_unbound_forms_fields_have_no_errors():
    form = NoteForm()
    assert form["note"].errors == [] and not form.errors
