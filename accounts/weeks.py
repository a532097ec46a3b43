"""Weeks as a person's profile starts them (Monday, Saturday or Sunday)."""

from __future__ import annotations

WEEKDAY_NAMES = [
    "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"
]  # fmt: skip


def weekday_names(first_weekday: int) -> list[str]:
    """The days' names in the order of a week starting on `first_weekday`
    (Monday = 0)."""
    return WEEKDAY_NAMES[first_weekday:] + WEEKDAY_NAMES[:first_weekday]
