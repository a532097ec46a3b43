"""Largest Contentful Paint of a page in Chromium as on a phone: a 390×844
screen and the CPU slowed 4× (CDP Emulation.setCPUThrottlingRate), an empty
cache each time. Needs Playwright's Python package and Chromium from Debian."""

from __future__ import annotations

import os
import statistics
from pathlib import Path

CHROMIUM = Path(os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium"))
ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
# The last LCP candidate once the charts are drawn; Chromium reports a new one
# whenever a larger element paints.
LCP = """() => new Promise(resolve => new PerformanceObserver(list => {
    const entries = list.getEntries();
    resolve(entries[entries.length - 1].startTime);
}).observe({type: "largest-contentful-paint", buffered: true}))"""


def largest_contentful_paint(
    base_url: str, session: str, path: str, charts: int, runs: int = 3
) -> float:
    """Median LCP in milliseconds over `runs` fresh loads of `path`, each
    waited on until `charts` plotly charts are drawn."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=str(CHROMIUM), headless=True, args=ARGS
        )
        try:
            values = [
                paint_once(browser, base_url, session, path, charts)
                for _ in range(runs)
            ]
        finally:
            browser.close()
    return statistics.median(values)


def paint_once(browser, base_url: str, session: str, path: str, charts: int) -> float:
    """One load in a fresh context (an empty cache) of a running Chromium."""
    context = browser.new_context(
        viewport={"width": 390, "height": 844},
        device_scale_factor=3,
        is_mobile=True,
        has_touch=True,
    )
    try:
        context.add_cookies([{"name": "sessionid", "value": session, "url": base_url}])
        page = context.new_page()
        cdp = context.new_cdp_session(page)
        cdp.send("Emulation.setCPUThrottlingRate", {"rate": 4})
        page.goto(base_url + path, wait_until="load", timeout=60_000)
        page.wait_for_function(
            f"() => document.querySelectorAll('.js-plotly-plot').length >= {charts}",
            timeout=60_000,
        )
        return page.evaluate(LCP)
    finally:
        context.close()
