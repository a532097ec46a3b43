from __future__ import annotations

from django import template

from accounts import moments

register = template.Library()

# A tag, not an include: the journal lists it twice for every entry.
register.simple_tag(moments.journal_moment, name="journal_moment")
register.filter("weekday_day", moments.weekday_day)
