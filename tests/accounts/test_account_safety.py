"""Accounts and sessions: every password or code check throttled, absolute
sign-in lifetimes, one rate-limit bucket per account, nothing left behind."""

from __future__ import annotations

import time

import pytest
from allauth.mfa.models import Authenticator
from django.contrib.sessions.models import Session
from django.core.management import call_command
from django.test import Client, override_settings

from accounts.middleware import SIGNED_IN
from accounts.models import AuditEvent, PendingUpload, User
from tests.conftest import PASSWORD

pytestmark = pytest.mark.django_db
LOGIN = "/accounts/login/"
DELETE = "/settings/delete-account/"


def sign_in(login: str = "owner") -> Client:
    client = Client()
    response = client.post(LOGIN, {"login": login, "password": PASSWORD})
    assert response.status_code == 302
    return client


def sessions_of(user) -> int:
    return sum(
        s.get_decoded().get("_auth_user_id") == str(user.pk)
        for s in Session.objects.all()
    )


def test_deleting_the_account_ends_every_session_and_pending_upload(owner):
    phone, laptop = sign_in(), sign_in()
    PendingUpload.objects.create(user=owner, content="waiting")
    assert sessions_of(owner) == 2
    response = laptop.post(DELETE, {"password": PASSWORD, "confirm": "on"})
    assert response.status_code == 302
    assert sessions_of(owner) == 0
    assert not PendingUpload.objects.exists()
    assert phone.get("/").status_code == 302


def test_expired_sessions_and_stale_uploads_are_purged(owner):
    sign_in()
    Session.objects.update(expire_date="2000-01-01T00:00:00Z")
    PendingUpload.objects.create(user=owner, content="old")
    PendingUpload.objects.update(created_at="2000-01-01T00:00:00Z")
    fresh = PendingUpload.objects.create(user=owner, content="new")
    call_command("purge_expired")
    assert not Session.objects.exists()
    assert list(PendingUpload.objects.all()) == [fresh]


def test_wrong_passwords_on_the_delete_form_are_throttled_and_audited(owner):
    client = sign_in()
    statuses = [
        client.post(DELETE, {"password": "wrong", "confirm": "on"}) for _ in range(6)
    ]
    assert all(r.status_code == 422 for r in statuses)
    assert b"Too many failed login attempts" in statuses[-1].content
    # Even the right password is refused while the limit holds.
    response = client.post(DELETE, {"password": PASSWORD, "confirm": "on"})
    assert response.status_code == 422
    assert User.objects.filter(pk=owner.pk).exists()
    failures = AuditEvent.objects.filter(user=owner, kind="login_failed").count()
    assert failures >= 5


def test_a_right_password_with_a_wrong_code_gets_the_same_answer(owner):
    Authenticator.objects.create(
        user=owner, type="totp", data={"secret": "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"}
    )
    client = Client()
    client.force_login(owner)
    right = client.post(
        DELETE, {"password": PASSWORD, "confirm": "on", "code": "000000"}
    )
    wrong = client.post(DELETE, {"password": "nope", "confirm": "on", "code": "000000"})
    assert right.status_code == wrong.status_code == 422
    message = b"That password or code is not right."
    assert message in right.content and message in wrong.content
    assert AuditEvent.objects.filter(user=owner, kind="login_failed").count() == 2


def test_a_sign_in_ends_after_its_absolute_lifetime_however_active(owner):
    client = sign_in()
    session = client.session
    assert abs(session[SIGNED_IN] - time.time()) < 60
    session[SIGNED_IN] = int(time.time()) - 29 * 24 * 3600  # daily use for 29 days
    session.save()
    assert client.get("/journal/").status_code == 200
    session = client.session
    session[SIGNED_IN] = int(time.time()) - 31 * 24 * 3600
    session.save()
    response = client.get("/journal/")
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")


def test_staying_signed_in_is_the_default_and_can_be_unticked(anon_client, owner):
    page = anon_client.get(LOGIN).content.decode()
    box = page.split('name="remember"')[1].split(">")[0]
    assert "checked" in box and "Stay signed in on this device" in page
    kept = Client()
    kept.post(LOGIN, {"login": "owner", "password": PASSWORD, "remember": "on"})
    assert kept.session.get_expire_at_browser_close() is False
    assert kept.session.get_expiry_age() == 30 * 24 * 3600
    shared = Client()
    shared.post(LOGIN, {"login": "owner", "password": PASSWORD})
    assert shared.session.get_expire_at_browser_close() is True


def test_an_active_recent_sign_in_stays(owner):
    client = sign_in()
    for _ in range(3):
        assert client.get("/journal/").status_code == 200


@override_settings(ACCOUNT_LOGIN_ATTEMPTS_LIMIT=3)
def test_username_and_email_share_one_failed_sign_in_allowance(owner):
    client = Client()
    for login in ("owner", "owner@example.test", "OWNER"):
        client.post(LOGIN, {"login": login, "password": "wrong"})
    response = client.post(LOGIN, {"login": "owner@example.test", "password": PASSWORD})
    assert response.status_code == 200
    assert b"Too many failed login attempts" in response.content


def test_a_deactivated_accounts_feed_is_not_found(anon_client, owner):
    from protocols.services import feed_for

    token = feed_for(owner).token
    assert anon_client.get(f"/protocol/feed/{token}.ics").status_code == 200
    User.objects.filter(pk=owner.pk).update(is_active=False)
    assert anon_client.get(f"/protocol/feed/{token}.ics").status_code == 404


def test_a_nul_in_the_feed_token_is_not_found(anon_client):
    assert anon_client.get("/protocol/feed/%00.ics").status_code == 404
