"""Where a person is signed in, in words: "Firefox Mobile on Android", and
when that sign-in was last used."""

from __future__ import annotations

import datetime as dt
import time
from collections.abc import Iterable
from importlib import import_module

from django.conf import settings
from django.contrib.humanize.templatetags.humanize import naturaltime
from ua_parser import parse

from accounts.middleware import LAST_SEEN, SEEN_RESOLUTION


def describe(user_agent: str) -> str:
    """The browser and system a user-agent string names, or a plain fallback."""
    found = parse(user_agent or "")
    browser = found.user_agent.family if found.user_agent else ""
    system = found.os.family if found.os else ""
    if browser == "Other":
        browser = ""
    if system == "Other":
        system = ""
    if browser and system:
        return f"{browser} on {system}"
    return browser or system or "An unknown browser"


def last_seen(session_key: str) -> str:
    """When a sign-in last made a request, in words ("2 hours ago"), or "".

    Activity is noted at most once a SEEN_RESOLUTION, so anything more recent
    than that reads "just now" rather than a count of seconds it cannot know.
    """
    store = import_module(settings.SESSION_ENGINE).SessionStore(session_key)
    seen = store.get(LAST_SEEN)
    if not seen:
        return ""
    if time.time() - seen < 2 * SEEN_RESOLUTION:
        return "just now"
    return naturaltime(dt.datetime.fromtimestamp(seen, tz=dt.UTC))


def this_device_first(sessions: Iterable) -> list:
    """The sign-ins as listed (oldest first), the one of this device first:
    it was last of a long list, below the fold on a phone."""
    return sorted(sessions, key=lambda session: not session.is_current())
