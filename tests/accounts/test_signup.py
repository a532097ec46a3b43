from __future__ import annotations

import pytest
from django.urls import reverse

from accounts.models import User

SIGNUP = "/accounts/signup/"


def signup_data(username="ada", **extra):
    return {
        "username": username,
        "email": f"{username}@example.test",
        "password1": "a long passphrase 42",
        "password2": "a long passphrase 42",
        "timezone": "America/Chicago",
        **extra,
    }


@pytest.mark.django_db
def test_the_first_user_becomes_the_instance_admin_and_lands_on_today(anon_client):
    response = anon_client.post(SIGNUP, signup_data())
    assert response.status_code == 302
    assert response["Location"] == reverse("journal:today")
    user = User.objects.get(username="ada")
    assert user.is_staff and user.is_superuser
    assert user.profile.timezone == "America/Chicago"
    assert user.profile.day_start_hour == 4
    assert anon_client.get("/").status_code == 200


@pytest.mark.django_db
def test_first_user_mode_closes_sign_up_after_the_first_account(anon_client, owner):
    response = anon_client.get(SIGNUP)
    assert b"Sign up closed" in response.content
    anon_client.post(SIGNUP, signup_data("mallory"))
    assert not User.objects.filter(username="mallory").exists()


@pytest.mark.django_db
def test_open_mode_admits_more_users_without_admin_rights(anon_client, owner, settings):
    settings.REGISTRATION = "open"
    response = anon_client.post(SIGNUP, signup_data("grace"))
    assert response.status_code == 302
    grace = User.objects.get(username="grace")
    assert not grace.is_staff and not grace.is_superuser


@pytest.mark.django_db
def test_closed_mode_admits_no_one(anon_client, settings):
    settings.REGISTRATION = "closed"
    anon_client.post(SIGNUP, signup_data())
    assert not User.objects.exists()


@pytest.mark.django_db
def test_an_unknown_time_zone_is_refused_and_nothing_is_saved(anon_client):
    response = anon_client.post(SIGNUP, signup_data(timezone="Mars/Olympus"))
    assert response.status_code == 200
    assert b"Select a valid choice" in response.content
    assert not User.objects.exists()


@pytest.mark.django_db
def test_a_rejected_form_keeps_what_was_typed(anon_client):
    response = anon_client.post(SIGNUP, signup_data(password2="something else"))
    assert response.status_code == 200
    html = response.content.decode()
    assert 'value="ada"' in html
    assert '<option value="America/Chicago" selected>' in html
    # The browser must not overwrite the zone the person chose.
    assert "data-browser-timezone" not in html
    assert not User.objects.exists()


@pytest.mark.django_db
def test_the_empty_form_asks_the_browser_for_its_time_zone(anon_client):
    html = anon_client.get(SIGNUP).content.decode()
    assert "data-browser-timezone" in html
    assert '<option value="UTC" selected>' in html


@pytest.mark.django_db
def test_a_double_submitted_sign_up_creates_one_account(anon_client, settings):
    settings.REGISTRATION = "open"
    anon_client.post(SIGNUP, signup_data())
    anon_client.logout()
    response = anon_client.post(SIGNUP, signup_data())
    assert response.status_code == 200
    assert User.objects.filter(username="ada").count() == 1


@pytest.mark.django_db
def test_users_made_outside_sign_up_get_a_profile_on_first_visit(anon_client):
    user = User.objects.create_user("cli", password="x" * 12)
    anon_client.force_login(user)
    assert anon_client.get("/").status_code == 200
    assert User.objects.get(pk=user.pk).profile.day_start_hour == 4


@pytest.mark.django_db
def test_the_login_page_offers_sign_up_only_while_it_is_open(anon_client, settings):
    assert b'href="/accounts/signup/"' in anon_client.get("/accounts/login/").content
    settings.REGISTRATION = "closed"
    assert (
        b'href="/accounts/signup/"' not in anon_client.get("/accounts/login/").content
    )


@pytest.mark.django_db
def test_open_sign_up_does_not_reveal_a_registered_email(
    anon_client, owner, settings, mailoutbox
):
    settings.REGISTRATION = "open"
    settings.ACCOUNT_EMAIL_VERIFICATION = "mandatory"
    response = anon_client.post(
        SIGNUP, signup_data("newcomer", email="owner@example.test"), follow=True
    )
    html = response.content.decode().lower()
    assert "already" not in html and "registered" not in html
    assert not User.objects.filter(username="newcomer").exists()
    # The address's owner is told by email instead.
    assert [m.to for m in mailoutbox] == [["owner@example.test"]]


def test_open_registration_confirms_email_addresses_by_default(tmp_path):
    from tests.test_settings import read_settings

    printed = (
        "from django.conf import settings; print(settings.ACCOUNT_EMAIL_VERIFICATION)"
    )
    result = read_settings(printed, tmp_path, REGISTRATION="open")
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["mandatory"]
