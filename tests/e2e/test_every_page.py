"""Every page, in a real browser: same-origin requests only, no CSP violation,
no console error, and no serious or critical accessibility violation, at
phone and desktop size, in the light and the dark colour scheme (in the dark
one, which changes colours alone, axe's colour rules).

The pages come from the route walker (every GET route of our apps that
answers with HTML for a user with a year of data) plus the account pages
django-allauth serves. axe-core is injected as an init script, which the
page's Content-Security-Policy does not govern, so the check itself never
loosens the policy it runs under.
"""

from __future__ import annotations

import itertools
import math
import random
from pathlib import Path

import pytest
from django.test import Client

from portability.demo import seed_account
from protocols.models import SafetyScreen
from tests.conftest import missing_tool
from tests.e2e.conftest import DESKTOP, PHONE, PageWatch, screenshot
from tests.walker import OBJECT_TYPES, PUBLIC_ROUTES, our_routes

pytestmark = [
    pytest.mark.browser,
    pytest.mark.longest,
    pytest.mark.django_db(transaction=True),
]

AXE = Path(__file__).parent / "axe" / "node_modules" / "axe-core" / "axe.min.js"

ANONYMOUS_PAGES = [
    "/accounts/login/",
    "/accounts/signup/",
    "/accounts/password/reset/",
    "/accounts/password/reset/done/",
    "/offline/",
]
ACCOUNT_PAGES = [
    "/accounts/email/",
    "/accounts/password/change/",
    "/accounts/reauthenticate/",
    "/accounts/2fa/",
    "/accounts/2fa/totp/activate/",
    "/accounts/sessions/",
]

# Rules a page must pass. axe's own impact levels; "moderate" and "minor"
# findings are printed, not failed.
FAILING_IMPACTS = {"serious", "critical"}

# One round trip a page and scheme: wait until no htmx request is under way
# (networkidle would wait half a second of quiet on every page), then axe's
# violations (every rule, or only those given), the unlabelled controls, and
# the page's width against the window's, the selects whose chosen option does
# not fit in them, the labels and table headings narrower than a word of
# theirs, and which colour scheme the page is in.
CHECKS = """async (rules) => {
  while (document.querySelector('.htmx-request')) {
    await new Promise(resolve => setTimeout(resolve, 20));
  }
  const options = {resultTypes: ['violations']};
  if (rules) options.runOnly = {type: 'rule', values: rules};
  const result = await axe.run(document, options);
  return {
    violations: result.violations.map(v => ({id: v.id, impact: v.impact,
      nodes: v.nodes.map(n => n.target.join(' ')).slice(0, 3)})),
    unlabelled: [...document.querySelectorAll('input:not([type=hidden])'
        + ':not([type=submit]):not([type=button]), select, textarea')]
      .filter(el => !(el.labels && el.labels.length)
          && !el.getAttribute('aria-label')
          && !el.getAttribute('aria-labelledby'))
      .map(el => el.outerHTML.slice(0, 160)),
    width: [document.documentElement.scrollWidth, innerWidth],
    clipped: [...document.querySelectorAll('select')].filter(el => {
      const chosen = el.options[el.selectedIndex];
      if (!chosen || !el.offsetParent) return false;
      const style = getComputedStyle(el);
      const pen = document.createElement('canvas').getContext('2d');
      pen.font = `${style.fontWeight} ${style.fontSize} ${style.fontFamily}`;
      // Chromium draws a select's own arrow inside its padding box: about
      // 20 px that its text cannot use.
      const arrow = style.appearance === 'none' ? 0 : 20;
      const room = el.clientWidth - parseFloat(style.paddingLeft)
        - parseFloat(style.paddingRight) - arrow;
      return pen.measureText(chosen.text).width > room;
    }).map(el => `${el.name}: ${el.options[el.selectedIndex].text}`),
    squeezed: [...document.querySelectorAll('label, th')].filter(el => {
      // Not shown (in a closed section) or visually hidden: read, not seen.
      const box = el.getBoundingClientRect();
      if (!el.checkVisibility() || box.width <= 1) return false;
      const style = getComputedStyle(el);
      const pen = document.createElement('canvas').getContext('2d');
      pen.font = `${style.fontWeight} ${style.fontSize} ${style.fontFamily}`;
      // The words shown: not those of a visually hidden part ("No rating"
      // after the chip's dash).
      const shown = [];
      const walker = document.createTreeWalker(el, NodeFilter.SHOW_TEXT);
      while (walker.nextNode()) {
        const node = walker.currentNode;
        if (node.parentElement.getBoundingClientRect().width > 1) shown.push(node.data);
      }
      const widest = Math.max(0, ...shown.join(' ').split(/\\s+/)
        .map(word => pen.measureText(word).width));
      const room = box.width - parseFloat(style.paddingLeft)
        - parseFloat(style.paddingRight) - parseFloat(style.borderLeftWidth)
        - parseFloat(style.borderRightWidth);
      return widest > room + 1;
    }).map(el => `${el.textContent.trim().slice(0, 60)}`
      + ` (${Math.round(el.getBoundingClientRect().width)} px wide)`),
    dark: matchMedia('(prefers-color-scheme: dark)').matches,
  };
}"""

SCHEMES = ("light", "dark")
SIZES = {"phone": PHONE, "desktop": DESKTOP}
# Each page is audited in these four ways, each one change from the one before,
# in this order or the reverse, starting as the page before it ended: the
# window keeps its size and scheme from page to page, and resizing a page or
# changing its scheme costs a new style and layout (and Plotly redraws its
# charts on a resize) that a page about to be left need not pay.
STATES = [
    ("phone", "light"),
    ("phone", "dark"),
    ("desktop", "dark"),
    ("desktop", "light"),
]
# The dark scheme changes colours and nothing else (the stylesheet's dark
# block sets colour properties only: tests/test_dark_scheme.py), so in it only
# the rules about colour can find anything the light scheme's run did not;
# all of axe's rules run in the light scheme, at both sizes.
COLOUR_RULES = ["color-contrast", "link-in-text-block"]
RULES = {"light": None, "dark": COLOUR_RULES}
# The pages in two halves, so that parallel test workers share them out.
PARTS = 2


@pytest.fixture(scope="module")
def axe_source() -> str:
    if not AXE.exists():
        missing_tool(
            f"axe-core is not installed at {AXE}: 'make test' installs it "
            "with npm (tests/e2e/axe/package.json)."
        )
    return AXE.read_text(encoding="utf-8")


def app_pages(user, part: int) -> list[str]:
    """Every GET route of this part's share of our apps' routes that shows
    this user an HTML page."""
    client = Client()
    client.force_login(user)
    pages = []
    for route in our_routes()[part::PARTS]:
        if route.name in PUBLIC_ROUTES:
            continue
        values = {}
        for kwarg in route.object_kwargs:
            kind = OBJECT_TYPES[kwarg]
            values[kwarg] = kind.url_value(kind.create(user))
        url = route.url(values)
        response = client.get(url)
        if response.status_code == 200 and response["Content-Type"].startswith(
            "text/html"
        ):
            pages.append(url)
    return pages


def audit(page, watch: PageWatch, url: str, states: list) -> list[str]:
    """Problems on one page, at each size in each scheme, in the order of
    `states` (the window in the first of them already); empty when it is
    clean. The page loads once: sizes are CSS media queries and Plotly's own
    resizing, the dark scheme is CSS alone."""
    response = page.goto(url)  # waits for the load event
    problems = []
    if response is None or response.status >= 400:
        problems.append(f"{url}: HTTP {response and response.status}")
    now = states[0]
    for size, scheme in states:
        if size != now[0]:
            page.set_viewport_size(SIZES[size])
        if scheme != now[1]:
            page.emulate_media(color_scheme=scheme)
        now = (size, scheme)
        found = page.evaluate(CHECKS, RULES[scheme])
        where = f"{url} ({size}, {scheme})"
        seen = (found["width"][1], found["dark"])
        if seen != (SIZES[size]["width"], scheme == "dark"):
            problems.append(f"{where}: audited at {seen} (window width, dark)")
        problems += _problems(where, found)
    problems += [f"{url}: CSP {v}" for v in watch.csp_violations()]
    problems += [f"{url}: request to {u}" for u in watch.foreign_requests]
    problems += [f"{url}: console {e}" for e in watch.console_errors]
    watch.foreign_requests.clear()
    watch.console_errors.clear()
    return problems


def _problems(where: str, found: dict) -> list[str]:
    problems = []
    for violation in found["violations"]:
        rule, nodes = violation["id"], violation["nodes"]
        line = f"{where}: {violation['impact']} {rule} {nodes}"
        if violation["impact"] in FAILING_IMPACTS:
            problems.append(line)
        else:
            print("axe (not failing):", line)
    problems += [f"{where}: unlabelled {html}" for html in found["unlabelled"]]
    # Nothing scrolls sideways: wide content (a year of days) scrolls in its
    # own region, never the page.
    width, window = found["width"]
    if width > window:
        problems.append(f"{where}: {width} px wide in a {window} px window")
    # A select shows its chosen option whole ("Psilocybin mushrooms (dried)
    # (mg)" cut to "Psilocybin mu" hid the unit an amount is written in).
    problems += [f"{where}: select cut short, {clip}" for clip in found["clipped"]]
    # A label or a table's heading is never narrower than its longest word (a
    # checkbox's help beside it once squeezed "Email" to a letter or two a
    # line; the weekly review's table broke "Anxiety").
    problems += [f"{where}: squeezed, {text}" for text in found["squeezed"]]
    return problems


def new_page(browser, live_server, axe_source: str, **context_options):
    context = browser.new_context(**context_options)
    context.add_init_script(script=axe_source)
    page = context.new_page()
    page.set_default_timeout(15_000)
    return context, page, PageWatch(page, live_server.url)


@pytest.mark.parametrize("part", range(PARTS))
def test_every_page_is_same_origin_policy_clean_and_accessible(
    browser, live_server, axe_source, part
):
    user = seed_account(
        username="ada",
        password="a long passphrase 42",
        timezone="Europe/Berlin",
        years=1,
        rng=random.Random("every-page"),
    )
    SafetyScreen.objects.get_or_create(user=user, defaults={"answers": {}})
    pages = app_pages(user, part)
    # The walker found the app's pages (25 or more in all).
    assert len(pages) >= math.ceil(25 / PARTS), pages

    context, page, watch = new_page(
        browser,
        live_server,
        axe_source,
        viewport=SIZES[STATES[0][0]],
        color_scheme=STATES[0][1],
    )
    problems = []
    # Forwards, backwards, forwards...: each page starts as the last ended.
    orders = itertools.cycle([STATES, STATES[::-1]])
    for url in ANONYMOUS_PAGES[part::PARTS]:
        problems += audit(page, watch, live_server.url + url, next(orders))

    page.goto(live_server.url + "/accounts/login/")
    page.fill("#id_login", "ada")
    page.fill("#id_password", "a long passphrase 42")
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(live_server.url + "/")
    for url in pages + ACCOUNT_PAGES[part::PARTS]:
        problems += audit(page, watch, live_server.url + url, next(orders))
    for size, viewport in SIZES.items():
        page.set_viewport_size(viewport)
        for scheme in SCHEMES:
            page.emulate_media(color_scheme=scheme)
            screenshot(page, f"last-page-{part}-{size}-{scheme}")
    context.close()
    assert not problems, "\n".join(problems)
