"""The session store (accounts.sessions): Django's sessions in the database,
read through a prepared query, finding exactly what Django's own store finds."""

from __future__ import annotations

import datetime as dt

import pytest
from django.conf import settings
from django.contrib.sessions.backends.db import SessionStore as DjangoStore
from django.contrib.sessions.models import Session
from django.utils import timezone

from accounts.sessions import SessionStore, _by_key

pytestmark = pytest.mark.django_db


def saved(data: dict, *, expires_in: dt.timedelta | None = None) -> str:
    store = SessionStore()
    store.update(data)
    store.create()
    if expires_in is not None:
        Session.objects.filter(session_key=store.session_key).update(
            expire_date=timezone.now() + expires_in
        )
    return store.session_key


def test_the_app_keeps_its_sessions_in_this_store():
    assert settings.SESSION_ENGINE == "accounts.sessions"


def test_it_finds_what_djangos_store_finds(django_assert_num_queries):
    keys = {
        "live": saved({"a": 1, "word": "ünïcode"}),
        "expired": saved({"b": 2}, expires_in=-dt.timedelta(seconds=1)),
        "unknown": "x" * 32,
        "bad characters": "'; DROP TABLE django_session; --",
    }
    for name, key in keys.items():
        ours, django = SessionStore(key), DjangoStore(key)
        with django_assert_num_queries(1):
            ours_data = ours.load()
        assert ours_data == django.load(), name
        assert ours.session_key == django.session_key, name
    assert SessionStore(keys["live"]).load() == {"a": 1, "word": "ünïcode"}
    assert SessionStore(keys["expired"]).load() == {}


def test_a_session_that_expired_signs_the_person_out(owner_client):
    assert owner_client.get("/").status_code == 200
    Session.objects.update(expire_date=timezone.now() - dt.timedelta(seconds=1))
    response = owner_client.get("/")
    assert response.status_code == 302
    assert response["Location"] == "/accounts/login/?next=/"


def test_the_read_is_prepared_once_and_not_built_each_time(monkeypatch):
    assert _by_key.read("k" * 32) is not None
    key = saved({"a": 1})
    SessionStore("x" * 32).load()  # the first read compiles the shape
    from django.db.models.sql.compiler import SQLCompiler

    def refuse(self, *args, **kwargs):
        raise AssertionError("the session's query was compiled again")

    monkeypatch.setattr(SQLCompiler, "as_sql", refuse)
    assert SessionStore(key).load() == {"a": 1}


def test_a_short_key_is_never_looked_up(django_assert_num_queries):
    with django_assert_num_queries(0):
        assert SessionStore("short").load() == {}
