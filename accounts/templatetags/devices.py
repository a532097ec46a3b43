from __future__ import annotations

from django import template

from accounts import devices

register = template.Library()

register.filter("device", devices.describe)
register.filter("last_seen", devices.last_seen)
register.filter("this_device_first", devices.this_device_first)
