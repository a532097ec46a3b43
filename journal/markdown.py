"""Notes are Markdown, shown as sanitised HTML.

markdown-it runs with raw HTML turned off, and nh3 then keeps only a short
list of harmless tags. Images are not among them: an image would make the
browser fetch from wherever the note points.
"""

from __future__ import annotations

import nh3
from markdown_it import MarkdownIt

_parser = MarkdownIt("commonmark", {"html": False, "breaks": True}).disable("image")

ALLOWED_TAGS = {
    "p", "br", "strong", "em", "code", "pre", "blockquote",
    "ul", "ol", "li", "a", "h1", "h2", "h3", "h4", "h5", "h6", "hr",
}  # fmt: skip
ALLOWED_ATTRIBUTES = {"a": {"href"}, "ol": {"start"}}


def render_note(text: str) -> str:
    """Sanitised HTML for a note. Entries keep it beside the note (they render
    it when saved), so a change to the parser options or the allowed tags needs
    a migration that renders every entry again, as journal 0007 did."""
    return nh3.clean(
        _parser.render(text),
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes={"http", "https", "mailto"},
        link_rel="noopener noreferrer nofollow",
    )
