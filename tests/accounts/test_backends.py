"""The signed-in user comes with their profile, and sign-ins made before the
backends were renamed stay signed in."""

from __future__ import annotations

from importlib import import_module

import pytest
from django.apps import apps
from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
from django.contrib.sessions.backends.db import SessionStore
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from accounts.models import Profile

pytestmark = pytest.mark.django_db

rename = import_module("accounts.migrations.0008_sessions_use_profile_backends")


def test_a_page_reads_the_user_and_profile_in_one_query(owner_client):
    with CaptureQueriesContext(connection) as queries:
        assert owner_client.get("/settings/").status_code == 200
    user_queries = [q["sql"] for q in queries if '"accounts_user"' in q["sql"]]
    assert len(user_queries) == 1
    assert '"accounts_profile"' in user_queries[0]
    assert not any(q["sql"].startswith('SELECT "accounts_profile"') for q in queries), (
        "the profile was read again"
    )


def test_an_account_without_a_profile_still_signs_in_and_gets_one(owner, owner_client):
    Profile.objects.filter(user=owner).delete()
    assert owner_client.get("/").status_code == 200
    assert Profile.objects.filter(user=owner).exists()


def test_an_inactive_user_is_signed_out(owner, owner_client):
    owner.is_active = False
    owner.save()
    response = owner_client.get("/")
    assert response.status_code == 302 and "/login/" in response["Location"]


@pytest.mark.parametrize("user_id", ["999999", "99999999999"])
def test_a_session_naming_no_user_is_signed_out(owner, user_id):
    session = SessionStore()
    session[SESSION_KEY] = user_id
    session[BACKEND_SESSION_KEY] = "accounts.backends.ModelBackend"
    session[HASH_SESSION_KEY] = owner.get_session_auth_hash()
    session.create()
    client = Client()
    client.cookies["sessionid"] = session.session_key
    response = client.get("/")
    assert response.status_code == 302 and "/login/" in response["Location"]


def test_the_user_and_profile_read_is_compiled_once(owner, other_user):
    from accounts.backends import ModelBackend, _with_profile

    backend = ModelBackend()
    for user in (owner, other_user, owner):
        with CaptureQueriesContext(connection) as queries:
            found = backend.get_user(str(user.pk))
            assert found == user and found.profile.user_id == user.pk
        assert len(queries) == 1
    assert [shape for shape in _with_profile.shapes.values() if shape is not None]


@pytest.mark.parametrize(
    ("old", "new"),
    [
        ("django.contrib.auth.backends.ModelBackend", "accounts.backends.ModelBackend"),
        (
            "allauth.account.auth_backends.AuthenticationBackend",
            "accounts.backends.AuthenticationBackend",
        ),
    ],
)
def test_a_sign_in_from_before_the_rename_stays_signed_in(owner, old, new):
    session = SessionStore()
    session[SESSION_KEY] = str(owner.pk)
    session[BACKEND_SESSION_KEY] = old
    session[HASH_SESSION_KEY] = owner.get_session_auth_hash()
    session["kept"] = "yes"
    session.create()
    untouched = SessionStore()
    untouched["kept"] = "also"
    untouched.create()

    rename.rename(apps, None)

    data = SessionStore(session.session_key).load()
    assert data[BACKEND_SESSION_KEY] == new
    assert data["kept"] == "yes" and data[SESSION_KEY] == str(owner.pk)
    assert SessionStore(untouched.session_key).load() == {"kept": "also"}
    client = Client()
    client.cookies["sessionid"] = session.session_key
    assert client.get("/").status_code == 200

    rename.rename_back(apps, None)
    assert SessionStore(session.session_key).load()[BACKEND_SESSION_KEY] == old
