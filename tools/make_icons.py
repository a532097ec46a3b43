"""Render the PNG app icons from static/icons/icon.svg with Debian's Chromium.

Usage: .venv/bin/python tools/make_icons.py

Writes icon-192.png and icon-512.png (the SVG as it is), icon-maskable-512.png
(the glyph inside the safe zone of a full-bleed square, for launchers that
crop icons to circles) and apple-touch-icon.png (180 px, full-bleed).
"""

from __future__ import annotations

from pathlib import Path

from playwright.sync_api import sync_playwright

ICONS = Path(__file__).resolve().parent.parent / "static" / "icons"
BLUE = "#3b5bdb"


def page_html(svg: str, size: int, padding: float, background: str) -> str:
    inner = round(size * (1 - 2 * padding))
    return (
        "<!DOCTYPE html><html><body style='margin:0'>"
        f"<div style='width:{size}px;height:{size}px;background:{background};"
        "display:flex;align-items:center;justify-content:center'>"
        f"<div style='width:{inner}px;height:{inner}px'>{svg}</div></div></body></html>"
    )


def main() -> None:
    svg = (
        (ICONS / "icon.svg")
        .read_text()
        .replace("<svg ", "<svg width='100%' height='100%' ", 1)
    )
    targets = [
        ("icon-192.png", 192, 0.0, "transparent"),
        ("icon-512.png", 512, 0.0, "transparent"),
        ("icon-maskable-512.png", 512, 0.1, BLUE),
        ("apple-touch-icon.png", 180, 0.0, BLUE),
    ]
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path="/usr/bin/chromium",
            args=["--no-sandbox", "--disable-gpu"],
        )
        for name, size, padding, background in targets:
            page = browser.new_page(viewport={"width": size, "height": size})
            page.set_content(page_html(svg, size, padding, background))
            page.screenshot(path=str(ICONS / name), omit_background=True)
            page.close()
            print(f"wrote {ICONS / name}")
        browser.close()


if __name__ == "__main__":
    main()
