"""The Jinja2 environment of the page fragments (accounts.jinja): its globals
reach every template, imported macros included, and a template's own globals
stay its own."""

from __future__ import annotations

from django.template import engines
from markupsafe import Markup

from tests.markup import start_tags


def test_templates_and_the_macros_they_import_see_the_environments_globals():
    env = engines["jinja2"].env
    template = env.from_string(
        '{% from "includes/widgets.jinja" import widget %}'
        "{{ static('css/app.css') is string }} {{ url('journal:today') }} "
        "{{ widget is callable }}"
    )
    assert template.render() == "True / True"


def test_a_templates_own_globals_overlay_the_environments_without_changing_them():
    env = engines["jinja2"].env
    template = env.from_string(
        "{{ url }} {{ answer }}", globals={"url": "mine", "answer": 42}
    )
    assert template.render() == "mine 42"
    assert env.from_string("{{ answer is defined }}").render() == "False"
    assert env.globals["url"] is not None and env.globals["url"] != "mine"
    assert "answer" not in env.globals


def test_single_quoted_text_reads_back_whole_from_its_attribute_and_stays_in_it():
    """What a browser reads from an attribute written with single_quoted is
    the text itself, whatever quotes, ampersands, entities or markup it holds,
    and nothing of it becomes an attribute or an element of its own."""
    text = (
        '{"name": "Sam\'s \\"mood\\"", "note": "&amp; &lt; <b> </div>"}'
        "' onclick='alert(1)' x='"
    )
    html = (
        engines["jinja2"]
        .env.from_string("<div data-figure='{{ text|single_quoted }}'></div><p>")
        .render(text=text)
    )
    assert start_tags(html) == [("div", [("data-figure", text)]), ("p", [])]
    assert '"' in html  # double quotes are written as they are
    # Markup is text there too, escaped once.
    html = (
        engines["jinja2"]
        .env.from_string("<div title='{{ text|single_quoted }}'>")
        .render(text=Markup("<b>Sam's &amp;</b>"))
    )
    assert start_tags(html) == [("div", [("title", "<b>Sam's &amp;</b>")])]
