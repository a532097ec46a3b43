"""The planned-days feed as iCalendar (RFC 5545), written with the `icalendar`
library: all-day events, escaping and line folding as the RFC asks."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import icalendar


@dataclass(frozen=True)
class Event:
    uid: str
    day: dt.date
    summary: str
    description: str = ""


def calendar(
    events: list[Event],
    *,
    name: str,
    stamp: dt.datetime,
    alarm: dt.time | None = None,
) -> str:
    """`alarm`: a reminder at that time of each event's day (the calendar app
    shows it in the day's own time zone, as all-day events have none)."""
    feed = icalendar.Calendar()
    feed.add("prodid", "-//Titrate//Planned days//EN")
    feed.add("version", "2.0")
    feed.add("calscale", "GREGORIAN")
    feed.add("method", "PUBLISH")
    feed.add("x-wr-calname", name)
    stamp = stamp.astimezone(dt.UTC)
    for event in events:
        item = icalendar.Event()
        item.add("uid", event.uid)
        item.add("dtstamp", stamp)
        item.add("dtstart", event.day)
        item.add("dtend", event.day + dt.timedelta(days=1))
        item.add("summary", event.summary)
        item.add("transp", "TRANSPARENT")
        if event.description:
            item.add("description", event.description)
        if alarm is not None:
            reminder = icalendar.Alarm()
            reminder.add("action", "DISPLAY")
            reminder.add("description", "Planned day")
            reminder.add(
                "trigger",
                dt.timedelta(hours=alarm.hour, minutes=alarm.minute),
                parameters={"RELATED": "START"},
            )
            item.add_component(reminder)
        feed.add_component(item)
    return feed.to_ical().decode("utf-8")
