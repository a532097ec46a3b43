"""The instance admin manages accounts, never their contents.

Journal, protocol and dose models are deliberately not registered here: an
instance admin can reset a password or deactivate an account but cannot read
what anyone wrote (tests/accounts/test_admin.py checks the registry).
"""

from allauth.mfa.models import Authenticator
from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin

from accounts.models import Profile, User


class ProfileInline(admin.StackedInline):
    model = Profile
    can_delete = False
    fields = ["timezone", "day_start_hour"]


@admin.register(User)
class UserAdmin(DjangoUserAdmin):
    inlines = [ProfileInline]
    list_display = ["username", "email", "is_active", "is_staff", "date_joined"]


# allauth's own admin shows an authenticator's data, which holds the TOTP
# secret and recovery-code seed. The admin may remove a lost authenticator (so
# its owner can sign in with the password and set up a new one), never read it.
admin.site.unregister(Authenticator)


@admin.register(Authenticator)
class AuthenticatorAdmin(admin.ModelAdmin):
    list_display = ["user", "type", "created_at", "last_used_at"]
    list_filter = ["type"]
    fields = ["user", "type", "created_at", "last_used_at"]
    readonly_fields = fields

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False
