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


class EveryKindForm(forms.Form):
    """A field of each kind the widget() macro writes itself, and some it
    leaves to the renderer, with what changes their attributes."""

    text = forms.CharField(
        max_length=40,
        help_text="Some <help>",
        widget=forms.TextInput(attrs={"list": "x", "autocomplete": "off"}),
    )
    hidden = forms.UUIDField(required=False, widget=forms.HiddenInput)
    number = forms.IntegerField(min_value=0, max_value=10, required=False)
    email = forms.EmailField(required=False, disabled=True)
    password = forms.CharField(widget=forms.PasswordInput)
    shown_password = forms.CharField(widget=forms.PasswordInput(render_value=True))
    day = forms.DateField(
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )
    moment = forms.DateTimeField(required=False)
    own_id = forms.CharField(required=False, widget=forms.TextInput({"id": "mine"}))
    described = forms.CharField(
        required=False,
        help_text="Help",
        widget=forms.TextInput({"aria-describedby": "elsewhere"}),
    )
    localized = forms.DecimalField(required=False, localize=True)
    note = forms.CharField(
        required=False, widget=forms.Textarea(attrs={"rows": 3, "data-x": ""})
    )
    pick = forms.ChoiceField(choices=[("a", "A"), ("b", "<B>")], required=False)
    tick = forms.BooleanField(required=False)


MACRO = '{% from "includes/widgets.jinja" import widget %}{{ widget(field) }}'


@pytest.mark.parametrize(
    "form",
    [
        EveryKindForm(),
        EveryKindForm(
            initial={"text": "<b>'a'</b> & \"b\"", "day": dt.date(2026, 3, 1)}
        ),
        EveryKindForm(auto_id=False),
        EveryKindForm(
            {
                "text": "x" * 41,
                "number": "eleven",
                "password": "secret",
                "shown_password": "shown",
                "day": "2026-02-30",
                "moment": "2026-03-01 10:00",
                "note": "line\n<script>",
                "localized": "1.5",
                "pick": "b",
                "tick": "on",
            }
        ),
    ],
    ids=["unbound", "initial", "no ids", "sent with errors"],
)
def test_the_widget_macro_writes_what_django_renders(form):
    from django.template import engines

    macro = engines["jinja2"].from_string(MACRO)
    written = 0
    for field in form:
        assert macro.render({"field": field}) == str(field), field.name
        written += field.flat_widget() is not None
    # The macro wrote the inputs and the textarea itself; a localized field,
    # a select and a checkbox went to Django's renderer.
    assert written == len(form.fields) - 3
