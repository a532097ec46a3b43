"""A name as a person sees it."""

from __future__ import annotations

import unicodedata

# Control and format characters: zero-width spaces and joiners, direction
# marks and overrides, a byte order mark. None of them shows.
INVISIBLE_CATEGORIES = frozenset({"Cc", "Cf"})

NO_VISIBLE_NAME = "Write a name: this one has only invisible characters."


def visible(text: str) -> str:
    """The text without the whitespace and invisible characters at its ends:
    a tag pasted with a zero-width space after it is the tag, the same one
    as typed, and a name of invisible characters alone is no name. Inside a
    name they stay (a joiner holds an emoji of several together)."""
    start, end = 0, len(text)
    while start < end and _invisible(text[start]):
        start += 1
    while end > start and _invisible(text[end - 1]):
        end -= 1
    return text[start:end]


def _invisible(character: str) -> bool:
    return (
        character.isspace() or unicodedata.category(character) in INVISIBLE_CATEGORIES
    )
