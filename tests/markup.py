"""Markup as a browser's parser reads it, for tests that check what a page
or a fragment says rather than how its text is spelled."""

from __future__ import annotations

from html.parser import HTMLParser


class _StartTags(HTMLParser):
    def __init__(self):
        super().__init__()
        self.found: list[tuple[str, list[tuple[str, str | None]]]] = []

    def handle_starttag(self, tag, attrs):
        self.found.append((tag, attrs))


def start_tags(html: str) -> list[tuple[str, list[tuple[str, str | None]]]]:
    """Each element's tag and attributes, in order, the attributes' values
    with their character references read as a browser reads them."""
    parser = _StartTags()
    parser.feed(html)
    parser.close()
    return parser.found


def input_value(html: str, name: str) -> str:
    """The value of the page's one input named `name`, as a browser sends it
    back (empty when it has none)."""
    [value] = [
        dict(attrs).get("value") or ""
        for tag, attrs in start_tags(html)
        if tag == "input" and dict(attrs).get("name") == name
    ]
    return value


def new_tab_links(html: str) -> list[str]:
    """The addresses the page's links open in a new tab."""
    return [
        dict(attrs)["href"] or ""
        for tag, attrs in start_tags(html)
        if tag == "a" and dict(attrs).get("target") == "_blank"
    ]
