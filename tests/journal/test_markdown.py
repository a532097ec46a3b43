from __future__ import annotations

import pytest

from journal.markdown import render_note
from tests.markup import start_tags


def elements_of(text: str) -> list[tuple[str, list]]:
    return start_tags(str(render_note(text)))


@pytest.mark.parametrize(
    "text",
    [
        "<script>alert(1)</script>",
        '<img src="x" onerror="alert(1)">',
        "[click](javascript:alert(1))",
        '<a href="https://example.org" onclick="alert(1)">x</a>',
        "<iframe src='https://example.org'></iframe>",
        "<style>body{display:none}</style>",
    ],
)
def test_raw_html_and_scripts_never_survive(text):
    found = elements_of(text)
    assert not {"script", "img", "iframe", "style"} & {tag for tag, _ in found}
    for _, attrs in found:
        for name, value in attrs:
            assert not name.startswith("on")
            assert not (value or "").lower().startswith("javascript:")


def test_images_are_not_loaded_from_anywhere():
    assert "img" not in {tag for tag, _ in elements_of("![p](https://t.example/p.png)")}


def test_formatting_and_links_are_kept():
    html = str(
        render_note("**bold** *it*\n\n- one\n- two\n\n[site](https://example.org)")
    )
    assert "<strong>bold</strong>" in html and "<em>it</em>" in html
    assert "<li>one</li>" in html
    assert 'href="https://example.org"' in html
    assert 'rel="noopener noreferrer nofollow"' in html


def test_line_breaks_are_kept():
    assert "<br>" in str(render_note("one\ntwo"))
