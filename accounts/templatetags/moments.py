from __future__ import annotations

import datetime as dt

from django import template
from django.utils import dateformat, timezone

register = template.Library()


@register.simple_tag
def journal_moment(day: dt.date, moment: dt.datetime, long: bool = False) -> str:
    """A moment under its journal day (the day-start hour applied): "Tue 3 Mar,
    01:30 (the next morning)" when the clock time is after midnight but still
    belongs to the evening before. One tag, not an include: the journal lists
    it twice for every entry."""
    local = timezone.localtime(moment) if timezone.is_aware(moment) else moment
    text = dateformat.format(day, "l, j F Y" if long else "D j M")
    text += ", " + dateformat.time_format(local, "H:i")
    if local.date() != day:
        text += " (the next morning)"
    return text
