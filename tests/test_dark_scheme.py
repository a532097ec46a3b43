"""The dark colour scheme changes colours and nothing else, which is what lets
the every-page audit (tests/e2e/test_every_page.py) run only axe's colour
rules in it, and the phone check-in's flows (tests/e2e/test_today_on_a_phone.py)
run in the light scheme alone with screenshots in both: every dark-scheme
block of the stylesheet sets colour properties on :root, and no script or
template of ours asks for the scheme."""

from __future__ import annotations

from pathlib import Path

import tinycss2
import tinycss2.color4

ROOT = Path(__file__).resolve().parents[1]
STYLESHEET = ROOT / "static" / "css" / "app.css"


def test_the_dark_scheme_changes_colours_only():
    rules = tinycss2.parse_stylesheet(
        STYLESHEET.read_text(encoding="utf-8"), skip_comments=True, skip_whitespace=True
    )
    dark = [
        rule
        for rule in rules
        if rule.type == "at-rule"
        and "prefers-color-scheme" in tinycss2.serialize(rule.prelude)
    ]
    assert dark, "the stylesheet has no dark scheme"
    declared = 0
    for block in dark:
        assert (
            tinycss2.serialize(block.prelude).strip() == "(prefers-color-scheme: dark)"
        )
        for rule in tinycss2.parse_rule_list(
            block.content, skip_comments=True, skip_whitespace=True
        ):
            assert tinycss2.serialize(rule.prelude).strip() == ":root", rule
            for declaration in tinycss2.parse_blocks_contents(
                rule.content, skip_comments=True, skip_whitespace=True
            ):
                assert declaration.type == "declaration", declaration
                assert declaration.name.startswith("--"), declaration.name
                value = tinycss2.serialize(declaration.value).strip()
                assert tinycss2.color4.parse_color(value), (declaration.name, value)
                declared += 1
    assert declared
    # Our scripts (the bundled plotly.js too) and templates, of both engines.
    ours = [*(ROOT / "static").glob("**/*.js")]
    for folder in [ROOT / "templates", *ROOT.glob("*/templates")]:
        ours += [*folder.glob("**/*.html"), *folder.glob("**/*.jinja")]
    assert any(path.suffix == ".jinja" for path in ours)
    asking = [
        p for p in ours if "prefers-color-scheme" in p.read_text(encoding="utf-8")
    ]
    assert not asking
