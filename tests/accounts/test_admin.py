from __future__ import annotations

import pytest
from django.contrib import admin

from accounts.models import Profile, User

# The only models of ours the instance admin may see. Anything holding what a
# user wrote or took (journal, protocols) must never be registered.
ALLOWED = {User}


def test_no_journal_or_dosing_model_is_registered_in_the_admin():
    ours = {
        model
        for model in admin.site._registry
        if model._meta.app_label in {"accounts", "journal", "protocols", "insights"}
    }
    assert ours == ALLOWED


@pytest.mark.django_db
def test_the_admin_login_goes_through_the_app_login(anon_client):
    response = anon_client.get("/admin/login/?next=/admin/")
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")


@pytest.mark.django_db
def test_regular_users_cannot_use_the_admin(owner_client):
    response = owner_client.get("/admin/")
    assert response.status_code == 302
    assert owner_client.get("/admin/accounts/user/").status_code == 302


@pytest.mark.django_db
def test_the_instance_admin_manages_accounts(owner_client, owner, other_user):
    owner.is_staff = owner.is_superuser = True
    owner.save()
    response = owner_client.get(f"/admin/accounts/user/{other_user.pk}/change/")
    assert response.status_code == 200
    assert b"Europe/Berlin" in response.content
    assert Profile.objects.count() == 2


@pytest.mark.django_db
def test_the_admin_can_remove_but_never_read_an_authenticator(owner_client, owner):
    from allauth.mfa.models import Authenticator

    owner.is_staff = owner.is_superuser = True
    owner.save()
    secret = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"
    victim = User.objects.create_user("victim", password="x" * 12)
    authenticator = Authenticator.objects.create(
        user=victim, type="totp", data={"secret": secret}
    )
    page = owner_client.get(f"/admin/mfa/authenticator/{authenticator.pk}/change/")
    assert page.status_code == 200
    assert secret.encode() not in page.content
    owner_client.post(
        f"/admin/mfa/authenticator/{authenticator.pk}/delete/", {"post": "yes"}
    )
    assert not Authenticator.objects.filter(pk=authenticator.pk).exists()
