"""The shell every page shares (base.html with its Jinja2 parts): the head's
assets, the navigation with the current section marked, and the CSRF token
htmx sends, which is the page's own."""

from __future__ import annotations

import re

import pytest

pytestmark = pytest.mark.django_db

NAV = re.compile(r'<nav class="site-nav".*?</nav>', re.S)


def current_links(html: str) -> list[str]:
    """The navigation's links marked as the current page."""
    nav = NAV.search(html)
    assert nav is not None, "no navigation"
    return re.findall(r'<a href="([^"]*)" aria-current="page">', nav.group())


@pytest.mark.parametrize(
    ("path", "current"),
    [
        ("/", "/"),
        ("/journal/", "/journal/"),
        ("/journal/?q=walk", "/journal/"),
        ("/journal/month/", "/journal/"),
        ("/protocol/", "/protocol/"),
        ("/protocol/calendar/", "/protocol/"),
        ("/insights/", "/insights/"),
        ("/settings/", "/settings/"),
    ],
)
def test_the_navigation_marks_the_section_of_the_page(owner_client, path, current):
    response = owner_client.get(path)
    assert response.status_code == 200
    assert current_links(response.content.decode()) == [current]


def test_a_page_outside_the_sections_marks_none(owner_client):
    html = owner_client.get("/no-such-page/").content.decode()
    assert current_links(html) == []


def test_the_head_holds_the_app_s_own_assets_and_htmx(owner_client):
    html = owner_client.get("/").content.decode()
    head = html.split("</head>", 1)[0]
    for asset in (
        'rel="stylesheet" href="/static/css/app.',
        'rel="manifest" href="/static/manifest.',
        '<script src="/static/js/app.',
        '<script src="/static/django_htmx/htmx-2.min.',
    ):
        assert asset in head
    assert "<title>Today · Titrate</title>" in head
    assert html.startswith("<!DOCTYPE html>\n")


def test_htmx_sends_the_page_s_own_csrf_token(owner_client, owner):
    html = owner_client.get("/").content.decode()
    sent = re.search(r'hx-headers=\'\{"X-CSRFToken": "([^"]+)"\}\'', html).group(1)
    forms = set(re.findall(r'name="csrfmiddlewaretoken" value="([^"]+)"', html))
    # One token, masked once, in the body's headers and in every form.
    assert forms == {sent}
    assert f'data-user="{owner.pk}"' in html


def test_a_signed_out_visitor_gets_the_shell_without_navigation(anon_client):
    html = anon_client.get("/accounts/login/").content.decode()
    assert NAV.search(html) is None and "data-user" not in html
    assert '<a class="brand" href="/accounts/login/">' in html
    assert "X-CSRFToken" in html


def test_the_offline_page_has_the_head_without_htmx(anon_client):
    html = anon_client.get("/offline/").content.decode()
    assert 'rel="stylesheet" href="/static/css/app.' in html
    assert '<script src="/static/js/app.' in html
    assert "htmx" not in html.split("</head>", 1)[0].replace("htmx-config", "")
