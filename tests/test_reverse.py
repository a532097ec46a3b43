"""config.reverse: the same URLs as Django's reverse(), sooner."""

from __future__ import annotations

import pytest
from django.template import Context, RequestContext, Template, engines
from django.urls import (
    NoReverseMatch,
    URLPattern,
    URLResolver,
    get_resolver,
    reverse,
    set_script_prefix,
)
from hypothesis import given
from hypothesis import strategies as st

from config.reverse import MARKER, fast_reverse


def named_patterns(resolver=None, namespace=""):
    """Every named route as (name, number of arguments it takes)."""
    resolver = resolver or get_resolver()
    for entry in resolver.url_patterns:
        if isinstance(entry, URLResolver):
            inner = f"{namespace}{entry.namespace}:" if entry.namespace else namespace
            yield from named_patterns(entry, inner)
        elif isinstance(entry, URLPattern) and entry.name:
            yield f"{namespace}{entry.name}", len(entry.pattern.regex.groupindex)


ROUTES = sorted(set(named_patterns()))


def test_the_routes_are_found():
    names = dict(ROUTES)
    assert names["journal:entry_edit"] == 1
    assert names["journal:week_of"] == 3
    assert names["journal:today"] == 0


@given(st.lists(st.integers(min_value=0, max_value=10**12), min_size=3, max_size=3))
def test_every_route_reverses_as_django_does(numbers):
    for name, count in ROUTES:
        args = numbers[:count]
        try:
            expected = reverse(name, args=args)
        except NoReverseMatch:
            with pytest.raises(NoReverseMatch):
                fast_reverse(name, args)
        else:
            assert fast_reverse(name, args) == expected, name


@pytest.mark.parametrize(
    "args",
    [
        (-1,),  # no int converter takes it: reverse() refuses it
        (True,),  # a bool is no number here
        ("12",),  # text goes through reverse() as it is
        (MARKER,),  # the marker itself is still put in
    ],
)
def test_what_is_not_a_plain_number_goes_through_reverse(args):
    try:
        expected = reverse("journal:entry_edit", args=args)
    except NoReverseMatch:
        with pytest.raises(NoReverseMatch):
            fast_reverse("journal:entry_edit", args)
    else:
        assert fast_reverse("journal:entry_edit", args) == expected


def test_a_text_argument_is_quoted_as_django_quotes_it():
    assert fast_reverse("insights:csv", ["mood & sleep"]) == reverse(
        "insights:csv", args=["mood & sleep"]
    )


def test_a_script_prefix_is_kept_apart():
    plain = fast_reverse("journal:entry_edit", [7])
    set_script_prefix("/titrate/")
    try:
        assert fast_reverse("journal:entry_edit", [7]) == "/titrate" + plain
    finally:
        set_script_prefix("/")
    assert fast_reverse("journal:entry_edit", [7]) == plain


def test_the_url_tag_gives_what_reverse_gives():
    template = Template(
        "{% url 'journal:entry_edit' pk %}|{% url 'journal:week_of' 2026 12 3 %}"
        "|{% url name %}|{% url 'insights:csv' chart=chart %}"
        "|{% url 'journal:entry_edit' pk as link %}{{ link }}"
        "|{% url 'nowhere' as missing %}{{ missing }}"
    )
    rendered = template.render(
        Context({"pk": 42, "name": "journal:today", "chart": "a&b"})
    )
    assert rendered.split("|") == [
        reverse("journal:entry_edit", args=[42]),
        reverse("journal:week_of", args=[2026, 12, 3]),
        reverse("journal:today"),
        reverse("insights:csv", kwargs={"chart": "a&b"}).replace("&", "&amp;"),
        reverse("journal:entry_edit", args=[42]),
        "",
    ]


def test_an_unknown_name_fails_as_before():
    with pytest.raises(NoReverseMatch):
        Template("{% url 'nowhere' 3 %}").render(Context())


def test_another_urlconf_is_kept_apart(settings):
    default = settings.ROOT_URLCONF
    settings.ROOT_URLCONF = "tests.walker_selftest_urls"
    assert fast_reverse("scoped", [3]) == "/scoped/3/"
    settings.ROOT_URLCONF = default
    with pytest.raises(NoReverseMatch):
        fast_reverse("scoped", [3])


def test_each_request_reverses_under_its_own_script_prefix(rf):
    template = Template("{% url 'journal:entry_edit' 7 %}")
    jinja = engines["jinja2"].from_string("{{ url('journal:entry_edit', 7) }}")
    plain = reverse("journal:entry_edit", args=[7])
    for prefix in ("/titrate/", "/other/", "/"):
        set_script_prefix(prefix)
        try:
            request = rf.get("/")
            expected = prefix.rstrip("/") + plain
            assert template.render(RequestContext(request)) == expected
            assert jinja.render(request=request) == expected
            # Read once for the request: later renders for it agree.
            assert template.render(RequestContext(request)) == expected
        finally:
            set_script_prefix("/")
