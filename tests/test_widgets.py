"""The form renderer writes plain inputs and text areas itself
(config.widgets.FormRenderer): the same markup as Django's templates."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django import forms
from django.forms.renderers import Jinja2, get_default_renderer
from jinja2 import ChoiceLoader, DictLoader
from markupsafe import Markup

from config.widgets import FormRenderer

WIDGETS = [
    forms.TextInput(),
    forms.NumberInput(),
    forms.EmailInput(),
    forms.URLInput(),
    forms.PasswordInput(render_value=True),
    forms.HiddenInput(),
    forms.DateInput(format="%Y-%m-%d", attrs={"type": "date"}),
    forms.TimeInput(format="%H:%M", attrs={"type": "time"}),
    forms.DateTimeInput(),
    forms.SearchInput(),
    forms.TelInput(),
    forms.ColorInput(),
    forms.CheckboxInput(),
    forms.FileInput(),
    forms.Textarea(attrs={"rows": 3}),
]
VALUES = [
    None,
    "",
    "plain",
    "a<b> & \"c\" 'd'",
    "  two\nlines  ",
    Markup("<b>already safe</b>"),
    0,
    5,
    Decimal("0.50"),
    dt.date(2026, 12, 4),
    dt.time(7, 5),
    True,
    False,
]
ATTRS = [
    {},
    {"id": "id_x", "required": True, "disabled": False},
    {"maxlength": 40, "data-x": "\"q\" <'&'>", "aria-describedby": "id_x_help"},
]


def test_the_renderer_writes_the_plain_widgets():
    fast = get_default_renderer().fast
    for name in ("input", "text", "hidden", "date", "time", "number", "textarea"):
        assert f"django/forms/widgets/{name}.html" in fast
    assert "django/forms/widgets/select.html" not in fast


@pytest.mark.parametrize("widget", WIDGETS, ids=lambda w: type(w).__name__)
def test_each_written_widget_matches_its_template(widget):
    renderer = get_default_renderer()
    assert widget.template_name in renderer.fast
    for value in VALUES:
        for attrs in ATTRS:
            context = widget.get_context('field-"1"<', value, attrs)
            written = renderer.render(widget.template_name, context)
            templated = Jinja2.render(renderer, widget.template_name, context)
            assert written == templated, (value, attrs)


def test_a_template_that_reads_otherwise_is_rendered_from_itself():
    renderer = FormRenderer()
    env = renderer.engine.env
    env.loader = ChoiceLoader(
        [DictLoader({"django/forms/widgets/input.html": "<input custom>"}), env.loader]
    )
    assert "django/forms/widgets/text.html" not in renderer.fast
    assert "django/forms/widgets/textarea.html" in renderer.fast
    html = forms.TextInput().render("q", "x", renderer=renderer)
    assert html == "<input custom>"


def test_whole_forms_render_as_from_the_templates():
    class Form(forms.Form):
        note = forms.CharField(
            widget=forms.Textarea, help_text="Markdown", required=False
        )
        when = forms.DateField(widget=forms.DateInput(attrs={"type": "date"}))
        count = forms.IntegerField(min_value=0)
        agree = forms.BooleanField()
        secret = forms.CharField(widget=forms.HiddenInput, initial="x&y")

    data = {"note": "<script>", "when": "not a date", "count": "-1", "agree": "on"}
    for form_data in (None, data):
        written = Form(form_data)
        templated = Form(form_data, renderer=Jinja2())
        assert str(written) == str(templated)
    assert "&lt;script&gt;" in str(Form(data)["note"])
