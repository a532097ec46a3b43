"""The Jinja2 environment for the few fragments the template language was too
slow for: the journal's entry cards, which Journal, Search and Today list by
the dozen. Django's templates spent about half of those pages' build time on
them (7 ms of the Journal's ~25 ms on five years of data); the same markup
in Jinja2 with the plain formatting helpers below takes under 2 ms. The
same holds for the other repeated cells: the check-in's fields with their
rating and tag chips, the month view's days, the dosing calendar's days (two
thirds of that page's build time), Insights' data tables, and the shell of
every page (base.html says what it saved). Today's check-in is Jinja2 as a
whole, with its dose card and the parts other apps show in it: around its
fields, its Django templates were still 0.5 million of Today's 18.4 million
instructions a request, and a tenth of a millisecond. URLs come from
config.reverse, as {% url %} does. Everything else stays in Django
templates; a fragment is included from them with {% include_jinja %}
(accounts.templatetags.jinja). Form widgets go through Django's own Jinja2
widget templates (config.widgets.FormRenderer), not this environment.

Autoescaping is on, as in Django templates. The helpers format dates in
English with the standard library, as the rest of Titrate does (its pages
are not translated), without going through Django's translation machinery
for every month name."""

from __future__ import annotations

import datetime as dt
from decimal import ROUND_HALF_UP, Decimal

from django.template.defaultfilters import date, pluralize, urlencode
from django.templatetags.static import static
from django_htmx.jinja import htmx_script
from jinja2 import Environment, pass_context
from markupsafe import Markup

from accounts.moments import clock, journal_moment, weekday_day
from config.reverse import fast_reverse, rendering_where

TENTH = Decimal("0.1")


@pass_context
def url(context, name: str, *args) -> str:
    request = context.get("request")
    return fast_reverse(name, args, where=rendering_where(request))


def long_day(day: dt.date) -> str:
    """Monday, 3 March 2026"""
    return f"{day:%A}, {day.day} {day:%B %Y}"


def one_decimal(value: float) -> str:
    """A mean to one decimal, rounded half up, without a trailing ".0": 6.3, 7."""
    text = str(Decimal(repr(value)).quantize(TENTH, ROUND_HALF_UP))
    return text.removesuffix(".0")


def single_quoted(text: str) -> Markup:
    """Text for an attribute value written in single quotes, as Insights'
    figures are (JSON: every name and string in double quotes). There only
    "&" and "'" must be escaped ("<" is too, as autoescaping does), so a
    double quote stays one character rather than five ("&#34;"): five years'
    figures were 112 KB in double quotes and 77 in single, of a page of 136
    before it is compressed. Markup is escaped as text too: an attribute's
    value is text, and Markup's own replace() would escape its arguments."""
    escaped = str(text).replace("&", "&amp;").replace("'", "&#39;")
    escaped = escaped.replace("<", "&lt;")
    return Markup(escaped)  # noqa: S704 - escaped above, for single quotes


def amount(value: Decimal) -> str:
    """A dose amount without trailing zeros or an exponent: 0.15, 100."""
    return f"{value.normalize():f}"


class FragmentEnvironment(Environment):
    """Jinja2's environment, whose templates see its globals through a dict
    of their own rather than a ChainMap over the environment's. Every render
    copies a template's globals into its context, and every {% from ... import
    %} compares their keys with the imported template's: through a ChainMap's
    Python methods that was about 10 µs each (Today renders five fragments and
    imports three times), through a dict under 1 µs (C). The ChainMap would
    show a template globals added to the environment after it was loaded,
    which Jinja2 advises against and environment() below never does: it sets
    every global before any template is loaded."""

    def make_globals(self, d: dict | None) -> dict:
        return {**self.globals, **(d or {})}


def environment(**options) -> Environment:
    options.pop("autoescape", None)
    env = FragmentEnvironment(autoescape=True, **options)
    env.globals.update(
        url=url, static=static, htmx_script=htmx_script, journal_moment=journal_moment
    )
    env.filters.update(
        long_day=long_day,
        weekday_day=weekday_day,
        clock=clock,
        # Django's own, where a fragment writes what a Django template wrote.
        date=date,
        pluralize=pluralize,
        one_decimal=one_decimal,
        amount=amount,
        single_quoted=single_quoted,
        urlencode=urlencode,
    )
    return env
