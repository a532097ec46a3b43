from __future__ import annotations

import time

import pytest
from allauth.usersessions.models import UserSession
from django.test import Client

from accounts.middleware import LAST_SEEN
from accounts.models import AuditEvent
from tests.conftest import PASSWORD

pytestmark = pytest.mark.django_db
LOGIN = "/accounts/login/"


def kinds(user) -> list[str]:
    return list(AuditEvent.objects.filter(user=user).values_list("kind", flat=True))


def test_sign_ins_and_failures_are_recorded_and_shown(anon_client, owner):
    anon_client.post(LOGIN, {"login": "owner", "password": "wrong"})
    anon_client.post(LOGIN, {"login": "owner", "password": PASSWORD})
    assert kinds(owner) == ["login", "login_failed"]
    html = anon_client.get("/settings/activity/").content.decode()
    assert "Failed sign-in" in html and "Signed in" in html


def test_other_users_activity_is_never_shown(anon_client, owner, other_user):
    Client().post(LOGIN, {"login": "intruder", "password": PASSWORD})
    anon_client.post(LOGIN, {"login": "owner", "password": PASSWORD})
    assert kinds(other_user) == ["login"]
    html = anon_client.get("/settings/activity/").content.decode()
    assert html.count("Signed in</td>") == 1


def test_a_password_change_is_recorded(anon_client, owner):
    anon_client.post(LOGIN, {"login": "owner", "password": PASSWORD})
    anon_client.post("/accounts/reauthenticate/", {"password": PASSWORD})
    anon_client.post(
        "/accounts/password/change/",
        {
            "oldpassword": PASSWORD,
            "password1": "a new long phrase",
            "password2": "a new long phrase",
        },
    )
    assert "password_changed" in kinds(owner)


def test_changing_email_asks_for_the_password_again(anon_client, owner):
    from allauth.account.models import EmailAddress

    anon_client.post(LOGIN, {"login": "owner", "password": PASSWORD})
    response = anon_client.post(
        "/accounts/email/", {"action_add": "", "email": "new@example.test"}
    )
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/reauthenticate/")
    assert not EmailAddress.objects.filter(email="new@example.test").exists()


def test_an_idle_session_ends(owner_client, owner):
    assert owner_client.get("/").status_code == 200
    session = owner_client.session
    session[LAST_SEEN] = int(time.time()) - 4 * 24 * 3600
    session.save()
    response = owner_client.get("/journal/")
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/?next=/journal/")
    assert owner_client.get("/").status_code == 302


def test_an_active_session_stays(owner_client):
    owner_client.get("/")
    session = owner_client.session
    session[LAST_SEEN] = int(time.time()) - 3600
    session.save()
    assert owner_client.get("/journal/").status_code == 200


def test_users_see_their_sessions_and_end_the_others(owner):
    phone, laptop = Client(), Client()
    for client in (phone, laptop):
        client.post(LOGIN, {"login": "owner", "password": PASSWORD})
    assert UserSession.objects.filter(user=owner).count() == 2
    page = laptop.get("/accounts/sessions/")
    assert page.status_code == 200
    laptop.post("/accounts/sessions/", {"action": "logout"})
    assert laptop.get("/").status_code == 200
    assert phone.get("/").status_code == 302


FIREFOX_ANDROID = "Mozilla/5.0 (Android 14; Mobile; rv:128.0) Gecko/128.0 Firefox/128.0"
SAFARI_IPHONE = (
    "Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 "
    "(KHTML, like Gecko) Version/17.5 Mobile/15E148 Safari/604.1"
)


def test_the_sessions_page_names_devices_in_words(owner):
    phone = Client(HTTP_USER_AGENT=FIREFOX_ANDROID)
    laptop = Client(HTTP_USER_AGENT=SAFARI_IPHONE)
    for client in (phone, laptop):
        client.post(LOGIN, {"login": "owner", "password": PASSWORD})
        client.get("/")  # a request notes when the sign-in was last used
    html = laptop.get("/accounts/sessions/").content.decode()
    assert "<strong>Firefox Mobile on Android</strong>" in html
    # This device first, however many sign-ins came before it.
    assert html.index("Mobile Safari on iOS") < html.index("Firefox Mobile on Android")
    assert (
        '<strong>Mobile Safari on iOS</strong> <span class="badge">this device' in html
    )
    assert html.count("Last seen just now") == 2
    assert "Gecko/128.0" not in html  # no raw user-agent string
    assert 'href="/settings/"' in html


def test_an_empty_or_odd_user_agent_still_reads_as_words():
    from accounts.devices import describe

    assert describe("") == "An unknown browser"
    assert describe("curl/8.0") == "curl"


@pytest.mark.parametrize(
    "path",
    ["/accounts/email/", "/accounts/password/change/", "/accounts/2fa/"],
)
def test_account_pages_lead_back_to_settings(owner_client, path):
    html = owner_client.get(path).content.decode()
    assert '<p class="back-link"><a href="/settings/">‹ Settings</a></p>' in html


def test_a_sign_in_used_hours_ago_says_so(owner):
    import time

    from django.contrib.sessions.backends.db import SessionStore

    from accounts.devices import last_seen
    from accounts.middleware import LAST_SEEN

    store = SessionStore()
    store[LAST_SEEN] = int(time.time()) - 2 * 3600 - 30
    store.create()
    assert last_seen(store.session_key) == "2\xa0hours ago"
    assert last_seen("no-such-session") == ""


@pytest.mark.parametrize(
    ("path", "heading"),
    [
        ("/accounts/email/", "Email addresses"),
        ("/accounts/password/change/", "Change password"),
        ("/accounts/2fa/", "Two-factor authentication"),
        ("/accounts/sessions/", "Where you are signed in"),
    ],
)
def test_account_pages_speak_in_sentence_case(owner_client, path, heading):
    import re

    html = owner_client.get(path).content.decode()
    assert re.findall(r"<h1[^>]*>\s*([^<]+?)\s*<", html) == [heading]
    # No Title Case in headings, buttons or labels (allauth's own wording).
    texts = re.findall(r"<(?:h[1-3]|button|label|legend|a)[^>]*>([^<]+)<", html)
    title_case = [
        t.strip()
        for t in texts
        if re.search(r"\s(?!IP\b|TOTP\b)[A-Z][a-z]", t.strip())
        and not t.strip().startswith("‹")
    ]
    assert title_case == []


def test_the_compiled_catalog_matches_its_source():
    import gettext
    import re
    from pathlib import Path

    from django.conf import settings

    folder = Path(settings.LOCALE_PATHS[0]) / "en" / "LC_MESSAGES"
    source = (folder / "django.po").read_text()
    pairs = re.findall(r'^msgid "(.+)"\nmsgstr "(.*)"$', source, re.MULTILINE)
    with (folder / "django.mo").open("rb") as compiled:
        catalog = gettext.GNUTranslations(compiled)
    # Entries with a context are looked up with it; the rest plainly.
    plain = [
        (msgid, text)
        for msgid, text in pairs
        if "msgctxt" not in source.split(f'msgid "{msgid}"')[0].splitlines()[-1]
    ]
    assert len(plain) > 40
    assert [(i, catalog.gettext(i)) for i, _ in plain] == plain
