"""accounts.middleware.SignInEndedMiddleware: a request whose sign-in has
ended goes to the sign-in page without losing what it carried. An htmx
request is sent there as a whole (HX-Redirect), back to its page afterwards,
not given the sign-in page to put inside the page; an ordinary form holding a
person's words gets them back to copy."""

from __future__ import annotations

import time

import pytest

from accounts.middleware import LAST_SEEN

pytestmark = pytest.mark.django_db

HTMX = {"HX-Request": "true", "HX-Current-URL": "http://testserver/journal/?q=walk"}


def test_a_signed_out_htmx_request_goes_to_the_sign_in_page_and_back(anon_client):
    response = anon_client.post("/entries/new/", {"note": "words"}, headers=HTMX)
    assert response.status_code == 200
    assert response["HX-Redirect"] == "/accounts/login/?next=/journal/%3Fq%3Dwalk"
    assert response.content == b""


def test_an_ordinary_request_without_words_is_redirected_as_before(anon_client):
    response = anon_client.post("/entries/new/", {"note": "  ", "date": "2026-06-10"})
    assert response.status_code == 302
    assert response["Location"] == "/accounts/login/?next=/entries/new/"
    assert "HX-Redirect" not in response


def test_a_page_of_another_site_is_not_where_it_comes_back_to(anon_client):
    headers = {**HTMX, "HX-Current-URL": "https://elsewhere.example/phish"}
    response = anon_client.post("/entries/new/", {}, headers=headers)
    assert response["HX-Redirect"] == "/accounts/login/?next=/"


def test_a_sign_in_that_ends_for_idleness_during_an_htmx_request(owner_client):
    owner_client.get("/")
    session = owner_client.session
    session[LAST_SEEN] = int(time.time()) - 4 * 24 * 3600
    session.save()
    response = owner_client.post("/entries/new/", {"note": "words"}, headers=HTMX)
    assert response["HX-Redirect"] == "/accounts/login/?next=/journal/%3Fq%3Dwalk"
    assert owner_client.get("/").status_code == 302  # signed out


def test_a_redirect_elsewhere_is_left_alone(owner_client, metrics):
    mood = metrics["mood"]
    response = owner_client.post(
        f"/settings/metrics/{mood.pk}/visibility/", {"hidden": "true"}, headers=HTMX
    )
    assert (response.status_code, response["Location"]) == (302, "/settings/metrics/")
    assert "HX-Redirect" not in response


def test_an_ordinary_form_with_words_gives_them_back_to_copy(anon_client):
    response = anon_client.post(
        "/entries/5/edit/",
        {"note": "an evening's <em>long</em> note", "prompt_answer": "", "date": "x"},
        headers={"Referer": "http://testserver/entries/5/edit/"},
    )
    assert response.status_code == 401
    html = response.content.decode()
    assert "nothing was saved" in html
    assert "an evening&#x27;s &lt;em&gt;long&lt;/em&gt; note</textarea>" in html
    assert "The prompt&#x27;s answer" not in html  # empty: nothing to give back
    assert 'href="/accounts/login/?next=/entries/5/edit/"' in html


def test_a_form_without_words_is_redirected_as_before(anon_client):
    response = anon_client.post("/settings/metrics/1/visibility/", {"hidden": "true"})
    assert (response.status_code, response["Location"]) == (
        302,
        "/accounts/login/?next=/settings/metrics/1/visibility/",
    )
