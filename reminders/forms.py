from __future__ import annotations

import datetime as dt
import re

from django import forms
from django.conf import settings

from reminders import channels
from reminders.models import MAX_CHECKIN_TIMES, ReminderSettings

# "8:30", "08:30" or "21" (on the hour), on the 24-hour clock.
CLOCK = re.compile(r"(\d{1,2})(?::(\d{2}))?")
CONSOLE = "django.core.mail.backends.console.EmailBackend"


def email_available() -> bool:
    return settings.EMAIL_BACKEND != CONSOLE


def _time_input() -> forms.TimeInput:
    return forms.TimeInput(attrs={"type": "time"}, format="%H:%M")


class ReminderSettingsForm(forms.ModelForm):
    checkin_times = forms.CharField(
        label="Check-in reminders at",
        required=False,
        max_length=60,
        help_text=(
            f"Up to {MAX_CHECKIN_TIMES} times a day, separated by commas, e.g. "
            "“08:30, 21:00”; none is sent once you have checked in that day."
        ),
    )

    class Meta:
        model = ReminderSettings
        fields = [
            "checkin_times",
            "dose_day",
            "questionnaire",
            "morning_time",
            "quiet_start",
            "quiet_end",
            "by_push",
            "by_email",
            "apprise_url",
        ]
        labels = {
            "dose_day": "On the morning of planned days (and of an experiment's "
            "capsule and dose days)",
            "questionnaire": "When a questionnaire is due (once a week at most)",
            "morning_time": "Morning reminders at",
            "quiet_start": "Quiet from",
            "quiet_end": "Quiet until",
            "by_push": "Notifications on my devices (Web Push)",
            "by_email": "Email",
            "apprise_url": "A self-hosted notifier (Apprise URL)",
        }
        help_texts = {
            "quiet_end": "No reminder is sent in quiet hours; leave both empty "
            "for none.",
            "apprise_url": "For ntfy, Gotify, Matrix, Signal and others, e.g. "
            "ntfys://ntfy.example.org/my-topic. It holds your notifier's "
            "token: it is never exported or shown to anyone else.",
        }
        widgets = {
            "morning_time": _time_input(),
            "quiet_start": _time_input(),
            "quiet_end": _time_input(),
            "apprise_url": forms.TextInput(
                attrs={"autocomplete": "off", "spellcheck": "false"}
            ),
        }

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        # The saved times as the field shows them; for a new person the
        # defaults' (none), not the stored list as text ("[]").
        if not self.is_bound:
            self.initial["checkin_times"] = ", ".join(
                at.strftime("%H:%M") for at in self.instance.times
            )
        if not email_available():
            self.fields["by_email"].disabled = True
            self.fields["by_email"].help_text = (
                "This instance sends no email: its administrator has not set "
                "EMAIL_HOST."
            )
        elif not user.email:
            self.fields["by_email"].help_text = "Add an email address first."

    def clean_checkin_times(self) -> list[str]:
        raw = self.cleaned_data["checkin_times"]
        times = []
        for part in (p.strip() for p in raw.replace(";", ",").split(",")):
            if not part:
                continue
            found = CLOCK.fullmatch(part)
            try:
                if not found:
                    raise ValueError(part)
                at = dt.time(int(found[1]), int(found[2] or 0))
            except ValueError:
                raise forms.ValidationError(
                    f"“{part}” is not a time; write it like 08:30."
                ) from None
            times.append(at.strftime("%H:%M"))
        if len(set(times)) != len(times):
            raise forms.ValidationError("A time is listed twice.")
        if len(times) > MAX_CHECKIN_TIMES:
            raise forms.ValidationError(f"At most {MAX_CHECKIN_TIMES} times a day.")
        return sorted(times)

    def clean_by_email(self) -> bool:
        wanted = self.cleaned_data["by_email"]
        if wanted and not self.user.email:
            raise forms.ValidationError(
                "Your account has no email address: add one under Email addresses."
            )
        return wanted

    def clean_apprise_url(self) -> str:
        url = self.cleaned_data["apprise_url"].strip()
        if url and (problem := channels.apprise_problem(url)):
            raise forms.ValidationError(problem)
        return url

    def clean(self):
        cleaned = super().clean()
        start, end = cleaned.get("quiet_start"), cleaned.get("quiet_end")
        if (start is None) != (end is None) and not self.has_error("quiet_start"):
            self.add_error(
                "quiet_end" if end is None else "quiet_start",
                "Give both ends of the quiet hours, or neither.",
            )
        return cleaned


class SubscriptionForm(forms.Form):
    """What a browser's PushSubscription.toJSON() holds."""

    endpoint = forms.URLField(max_length=1000, assume_scheme="https")
    p256dh = forms.CharField(max_length=200)
    auth = forms.CharField(max_length=100)

    def clean_endpoint(self) -> str:
        endpoint = self.cleaned_data["endpoint"]
        if endpoint.split("://", 1)[0] not in settings.PUSH_ENDPOINT_SCHEMES:
            raise forms.ValidationError("A push service's address starts with https.")
        return endpoint
