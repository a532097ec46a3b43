"""The installable app's server side: the offline page and the service worker."""

from __future__ import annotations

import pytest
from django.conf import settings

pytestmark = pytest.mark.django_db


def test_the_offline_page_is_public_and_holds_nothing_about_anyone(owner_client):
    # The worker fetches it with the signed-in user's cookies and keeps it on
    # the device: it must not carry the user, a CSRF token or any journal.
    response = owner_client.get("/offline/")
    html = response.content.decode()
    assert response.status_code == 200
    assert "You are offline" in html
    assert "csrfmiddlewaretoken" not in html and "X-CSRFToken" not in html
    assert "owner" not in html and "data-user" not in html
    assert 'data-action="/entries/new/"' in html


def test_the_offline_page_answers_anonymous_visitors(anon_client):
    assert anon_client.get("/offline/").status_code == 200
    assert anon_client.post("/offline/").status_code == 405


def test_the_service_worker_is_served_from_the_root_and_never_cached(anon_client):
    response = anon_client.get("/sw.js")
    body = response.content.decode()
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/javascript")
    assert response["Cache-Control"] == "no-cache"
    assert 'const OFFLINE_URL = "/offline/";' in body
    assert f'"{settings.STATIC_URL}css/app.css"' in body.replace("//", "/")
    # Only the shell: pages are never put in a cache.
    assert 'request.mode === "navigate"' in body and "cache.put(request" in body


def test_the_worker_version_follows_the_shell_files(anon_client, settings):
    first = anon_client.get("/sw.js").content.decode()
    settings.STATIC_URL = "/assets/"
    second = anon_client.get("/sw.js").content.decode()
    version = [line for line in first.splitlines() if "SHELL_CACHE =" in line]
    assert version and version[0] not in second


def test_pages_register_the_worker_and_link_the_manifest(owner_client):
    html = owner_client.get("/").content.decode()
    assert 'rel="manifest"' in html and 'rel="apple-touch-icon"' in html
    assert "data-offline-draft" in html and 'id="drafts"' in html


def test_the_old_favicon_address_leads_to_the_icon(client):
    response = client.get("/favicon.ico")
    assert response.status_code == 301
    assert response["Location"].startswith("/static/icons/icon-192")
