from __future__ import annotations

import re

import pytest


def csp_directives(response) -> dict[str, list[str]]:
    policy = response["Content-Security-Policy"]
    directives = {}
    for part in policy.split(";"):
        name, *values = part.split()
        directives[name] = values
    return directives


@pytest.mark.django_db
@pytest.mark.parametrize("path", ["/accounts/login/", "/accounts/signup/"])
def test_public_pages_send_a_strict_policy(anon_client, path):
    response = anon_client.get(path)
    assert response.status_code == 200
    csp = csp_directives(response)
    assert csp["default-src"] == ["'self'"]
    assert csp["script-src"] == ["'self'"]
    assert csp["object-src"] == ["'none'"]
    assert csp["frame-ancestors"] == ["'none'"]
    for values in csp.values():
        assert "'unsafe-inline'" not in values
        assert "'unsafe-eval'" not in values
    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "same-origin"
    assert response["Cross-Origin-Opener-Policy"] == "same-origin"
    assert "camera=()" in response["Permissions-Policy"]


@pytest.mark.django_db
def test_signed_in_pages_send_the_policy_too(owner_client):
    response = owner_client.get("/")
    assert "script-src" in csp_directives(response)


@pytest.mark.django_db
def test_pages_have_no_inline_scripts_or_styles(owner_client):
    html = owner_client.get("/").content.decode()
    assert "<style" not in html
    assert " style=" not in html
    for chunk in html.split("<script")[1:]:
        tag = chunk.split(">", 1)[0]
        assert "src=" in tag, f"inline script: <script{tag}>"


@pytest.mark.django_db
@pytest.mark.parametrize("path", ["/", "/settings/", "/journal/"])
def test_every_link_and_asset_stays_on_this_site(owner_client, path):
    html = owner_client.get(path).content.decode()
    addresses = re.findall(r'(?:src|href|action)="([^"]*)"', html)
    assert addresses
    for address in addresses:
        assert address.startswith(("/", "#")), address
        assert not address.startswith("//"), address


@pytest.mark.django_db
@pytest.mark.parametrize("path", ["/", "/settings/", "/journal/"])
def test_signed_in_pages_are_never_cached(owner_client, path):
    cache_control = owner_client.get(path)["Cache-Control"]
    assert "no-store" in cache_control
    assert "private" in cache_control


@pytest.mark.django_db
def test_unknown_pages_get_our_own_404_page(owner_client):
    response = owner_client.get("/no-such-page/")
    assert response.status_code == 404
    assert b"Not found" in response.content
