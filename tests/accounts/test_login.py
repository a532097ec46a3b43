from __future__ import annotations

import time

import pytest
from allauth.mfa.models import Authenticator
from allauth.mfa.totp.internal.auth import (
    SECRET_SESSION_KEY,
    format_hotp_value,
    hotp_value,
)
from django.core import mail
from django.urls import reverse

from tests.conftest import PASSWORD

LOGIN = "/accounts/login/"


def sign_in_and_confirm_password(client) -> None:
    # Security settings ask for the password again even right after sign-in.
    client.post(LOGIN, {"login": "owner", "password": PASSWORD})
    response = client.post("/accounts/reauthenticate/", {"password": PASSWORD})
    assert response.status_code == 302


def current_code(secret: str) -> str:
    """The app's code now, from a 30-second step with at least two seconds left,
    so the server checks it in the same step (it accepts no other)."""
    left = 30 - time.time() % 30
    if left < 2:
        time.sleep(left)
    return format_hotp_value(hotp_value(secret, int(time.time()) // 30))


@pytest.mark.django_db
@pytest.mark.parametrize("login", ["owner", "owner@example.test"])
def test_users_sign_in_with_username_or_email(anon_client, owner, login):
    response = anon_client.post(LOGIN, {"login": login, "password": PASSWORD})
    assert response.status_code == 302
    assert response["Location"] == reverse("journal:today")


@pytest.mark.django_db
def test_a_wrong_password_is_refused(anon_client, owner):
    response = anon_client.post(LOGIN, {"login": "owner", "password": "wrong"})
    assert response.status_code == 200
    assert b"not correct" in response.content
    assert anon_client.get("/").status_code == 302


@pytest.mark.django_db
def test_repeated_failures_are_throttled_even_for_the_right_password(
    anon_client, owner
):
    for _ in range(5):
        anon_client.post(LOGIN, {"login": "owner", "password": "wrong"})
    response = anon_client.post(LOGIN, {"login": "owner", "password": PASSWORD})
    assert response.status_code in (200, 429)
    assert b"Too many failed login attempts" in response.content
    assert anon_client.get("/").status_code == 302


@pytest.mark.django_db
def test_sign_out_ends_the_session(owner_client):
    response = owner_client.post("/accounts/logout/")
    assert response.status_code == 302
    assert owner_client.get("/").status_code == 302


@pytest.mark.django_db
def test_password_reset_sends_a_link_by_email(anon_client, owner):
    response = anon_client.post(
        "/accounts/password/reset/", {"email": "owner@example.test"}
    )
    assert response.status_code == 302
    assert len(mail.outbox) == 1
    assert "/accounts/password/reset/key/" in mail.outbox[0].body


@pytest.mark.django_db
def test_password_change(anon_client, owner):
    anon_client.post(LOGIN, {"login": "owner", "password": PASSWORD})
    response = anon_client.post(
        "/accounts/password/change/",
        {
            "oldpassword": PASSWORD,
            "password1": "another long passphrase",
            "password2": "another long passphrase",
        },
    )
    assert response.status_code == 302
    owner.refresh_from_db()
    assert owner.check_password("another long passphrase")


@pytest.mark.django_db
def test_totp_activation_asks_for_the_password_again(anon_client, owner):
    anon_client.post(LOGIN, {"login": "owner", "password": PASSWORD})
    response = anon_client.get("/accounts/2fa/totp/activate/")
    assert response["Location"].startswith("/accounts/reauthenticate/")


@pytest.mark.django_db
def test_totp_two_factor_with_recovery_codes(anon_client, owner):
    sign_in_and_confirm_password(anon_client)
    page = anon_client.get("/accounts/2fa/totp/activate/")
    assert page.status_code == 200
    secret = anon_client.session[SECRET_SESSION_KEY]
    wrong = anon_client.post("/accounts/2fa/totp/activate/", {"code": "000000"})
    assert wrong.status_code == 200
    assert not Authenticator.objects.filter(user=owner).exists()

    anon_client.post("/accounts/2fa/totp/activate/", {"code": current_code(secret)})
    kinds = set(Authenticator.objects.filter(user=owner).values_list("type", flat=True))
    assert kinds == {"totp", "recovery_codes"}

    # Signing in now takes a second step.
    anon_client.post("/accounts/logout/")
    response = anon_client.post(LOGIN, {"login": "owner", "password": PASSWORD})
    assert response["Location"] == "/accounts/2fa/authenticate/"
    assert anon_client.get("/").status_code == 302
    response = anon_client.post(
        "/accounts/2fa/authenticate/", {"code": current_code(secret)}
    )
    assert response.status_code == 302
    assert anon_client.get("/").status_code == 200

    # A recovery code works once in place of the app.
    recovery = Authenticator.objects.get(user=owner, type="recovery_codes")
    code = recovery.wrap().get_unused_codes()[0]
    anon_client.post("/accounts/logout/")
    anon_client.post(LOGIN, {"login": "owner", "password": PASSWORD})
    anon_client.post("/accounts/2fa/authenticate/", {"code": code})
    assert anon_client.get("/").status_code == 200
    recovery.refresh_from_db()
    assert code not in recovery.wrap().get_unused_codes()


@pytest.mark.django_db
def test_the_totp_page_shows_its_qr_code_as_an_inline_image(anon_client, owner):
    sign_in_and_confirm_password(anon_client)
    html = anon_client.get("/accounts/2fa/totp/activate/").content.decode()
    assert 'src="data:image/svg+xml;base64,' in html


@pytest.mark.django_db
def test_two_factor_without_email_set_up_needs_no_verified_address(
    anon_client, owner, settings
):
    from allauth.account.models import EmailAddress

    EmailAddress.objects.update_or_create(
        user=owner,
        email=owner.email or "owner@example.test",
        defaults={"verified": False, "primary": True},
    )
    assert settings.MFA_ALLOW_UNVERIFIED_EMAIL  # no EMAIL_HOST, no open sign-up
    sign_in_and_confirm_password(anon_client)
    assert anon_client.get("/accounts/2fa/totp/activate/").status_code == 200
    # With email set up, the address must be verified first, and the page says so.
    settings.MFA_ALLOW_UNVERIFIED_EMAIL = False
    response = anon_client.get("/accounts/2fa/totp/activate/", follow=True)
    assert b"until you have verified your email address" in response.content
