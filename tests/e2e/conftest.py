"""Real-browser fixtures: Playwright driving Debian's Chromium.

Never downloads a browser. On a laptop without /usr/bin/chromium these tests
skip with a message; in CI (CI=true) a missing browser fails the run.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from tests.conftest import missing_tool

# Playwright's sync API runs an event loop in this thread; the test code's own
# database calls are still plain synchronous ones.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM = Path(os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium"))
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-quic",
    "--no-first-run",
    # The app is one origin, so isolating sites in their own processes
    # guards nothing here. No --disable-features: Chromium honours only the
    # last one given, so ours would replace Playwright's own list (features it
    # turns off for testing: paint holding, beforeunload checks, HTTPS
    # upgrades, requests to a search engine at start; MediaRouter and
    # OptimizationHints among them).
    "--disable-site-isolation-trials",
]
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts" / "screenshots"

PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1280, "height": 800}
# The page's background in each colour scheme (the stylesheet's --bg).
BACKGROUNDS = {"light": "rgb(247, 247, 245)", "dark": "rgb(18, 20, 23)"}


@pytest.fixture(scope="session")
def browser():
    if not CHROMIUM.exists():
        message = (
            f"No Chromium at {CHROMIUM}: install it with "
            "'apt-get install -y chromium' to run the browser tests."
        )
        missing_tool(message)
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS
        )
        yield browser
        browser.close()


@pytest.fixture(autouse=True)
def _builtin_prompts(transactional_db):
    # Browser tests flush the database between tests, which removes the rows
    # the data migrations loaded.
    from journal.builtin_prompts import sync_builtin_prompts
    from journal.models import Prompt

    sync_builtin_prompts(Prompt)


class PageWatch:
    """Everything a page did that it should not: errors, CSP violations and
    requests to any origin but the app's own."""

    def __init__(self, page, origin: str):
        self.origin = origin
        self.console_errors: list[str] = []
        self.foreign_requests: list[str] = []
        page.on(
            "console",
            lambda msg: msg.type == "error" and self.console_errors.append(msg.text),
        )
        page.on("pageerror", lambda error: self.console_errors.append(str(error)))
        page.on("request", self._on_request)
        page.add_init_script(
            "window.__cspViolations = [];"
            "document.addEventListener('securitypolicyviolation', e =>"
            " window.__cspViolations.push(e.violatedDirective + ' ' + e.blockedURI));"
        )
        self.page = page

    def _on_request(self, request) -> None:
        url = request.url
        if not (url.startswith(self.origin + "/") or url.startswith("data:")):
            self.foreign_requests.append(url)

    def csp_violations(self) -> list[str]:
        return self.page.evaluate("window.__cspViolations")

    def assert_clean(self) -> None:
        assert self.console_errors == []
        assert self.foreign_requests == []
        assert self.csp_violations() == []


@pytest.fixture
def phone_page(browser, live_server):
    context = browser.new_context(
        viewport=PHONE,
        device_scale_factor=2,
        is_mobile=True,
        has_touch=True,
        timezone_id="Pacific/Auckland",
    )
    page = context.new_page()
    page.set_default_timeout(10_000)
    watch = PageWatch(page, live_server.url)
    yield page, watch
    context.close()


@pytest.fixture
def desktop_dark_page(browser, live_server):
    context = browser.new_context(viewport=DESKTOP, color_scheme="dark")
    page = context.new_page()
    page.set_default_timeout(10_000)
    watch = PageWatch(page, live_server.url)
    yield page, watch
    context.close()


def screenshot(page, name: str) -> Path:
    from playwright.sync_api import Error as PlaywrightError

    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    path = ARTIFACTS / f"{name}.png"
    # One image pixel a CSS pixel: at a phone's device scale factor of 2 the
    # full-size image took three times as long to take and encode.
    try:
        page.screenshot(path=str(path), full_page=True, scale="css")
    except PlaywrightError as error:
        # Headless Chromium's compositor now and then has no frame to give
        # ("Unable to capture screenshot"; seen once in CI on a page that
        # had rendered and passed its checks): the picture is a record, not
        # a check, so it is asked for once more after the next frame.
        if "Unable to capture screenshot" not in str(error):
            raise
        page.wait_for_timeout(250)
        page.screenshot(path=str(path), full_page=True, scale="css")
    print(f"screenshot: {path}")
    return path


def open_section(page, name: str) -> None:
    """Open one of the check-in's sections (note, tags, prompt, time) as a
    person does, by tapping its heading; an open one stays open."""
    section = page.locator(f"details[data-section='{name}']")
    if not section.evaluate("details => details.open"):
        section.locator("summary").click()
