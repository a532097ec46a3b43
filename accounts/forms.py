from __future__ import annotations

from allauth.account.forms import LoginForm as AllauthLoginForm
from allauth.account.forms import SignupForm as AllauthSignupForm
from django import forms
from django.conf import settings
from django.db import transaction
from django.http import HttpRequest

from accounts.models import Profile, User, timezone_names
from accounts.services import account_setup
from config.widgets import LongSelect


def timezone_field(**kwargs) -> forms.ChoiceField:
    kwargs.setdefault("widget", LongSelect())
    return forms.ChoiceField(
        choices=[(name, name.replace("_", " ")) for name in timezone_names()],
        **kwargs,
    )


class LoginForm(AllauthLoginForm):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["login"].label = "Username or email"
        self.fields["login"].widget.attrs["autocomplete"] = "username"
        if "remember" in self.fields:
            # Most people sign in on their own phone: staying signed in is the
            # default; untick it on a shared device.
            self.fields["remember"].initial = True
            self.fields["remember"].label = "Stay signed in on this device"
            self.fields["remember"].help_text = (
                "Untick on a shared computer: the sign-in then ends when the "
                "browser closes."
            )


class SignupForm(AllauthSignupForm):
    timezone = timezone_field(
        label="Time zone",
        help_text="Your days start and end in this zone. Set from your browser.",
        widget=LongSelect(attrs={"data-browser-timezone": ""}),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["timezone"].initial = settings.TIME_ZONE
        if self.is_bound:
            # Keep what the person chose when the form comes back with errors.
            del self.fields["timezone"].widget.attrs["data-browser-timezone"]

    @transaction.atomic
    def save(self, request: HttpRequest) -> User:
        user = super().save(request)
        account_setup(user=user, timezone=self.cleaned_data["timezone"])
        return user


class ProfileForm(forms.ModelForm):
    timezone = timezone_field(
        label="Time zone",
        help_text="Your days start and end in this zone; entries and doses already "
        "written keep their days.",
    )
    day_start_hour = forms.TypedChoiceField(
        label="My day starts at",
        coerce=int,
        choices=[(hour, f"{hour:02d}:00") for hour in range(24)],
        help_text=(
            "A check-in before this hour counts for the previous day; entries "
            "and doses already written keep their days."
        ),
    )

    class Meta:
        model = Profile
        fields = ["timezone", "day_start_hour", "week_start"]
        labels = {"week_start": "Weeks start on"}
