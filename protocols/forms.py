from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone

from accounts.edits import SeenField, show_seen
from accounts.models import Profile
from accounts.moments import (
    EARLIEST_DAY,
    as_shown,
    local_moment,
    moment_problem,
    skipped_time,
)
from accounts.text import NO_VISIBLE_NAME, visible
from protocols import safety, schedule
from protocols.models import (
    COMMON_EFFECTS,
    FELT_LABELS,
    MAX_AMOUNT,
    SUBSTANCE_NAME_TAKEN,
    DoseEffect,
    DoseLog,
    Protocol,
    Substance,
)

WEEKDAY_CHOICES = [
    (0, "Monday"), (1, "Tuesday"), (2, "Wednesday"), (3, "Thursday"),
    (4, "Friday"), (5, "Saturday"), (6, "Sunday"),
]  # fmt: skip
PATTERN = re.compile(r"^[01](\s*,\s*[01])*$")
LATEST_YEAR = 2100
CLOCK_SKEW = dt.timedelta(minutes=10)


class SafetyScreenForm(forms.Form):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for question in safety.QUESTIONS:
            self.fields[question.key] = forms.TypedChoiceField(
                label=question.question,
                choices=[("no", "No"), ("yes", "Yes")],
                coerce=lambda answer: answer == "yes",
                widget=forms.RadioSelect,
            )

    def answers(self) -> dict[str, bool]:
        return {q.key: self.cleaned_data[q.key] for q in safety.QUESTIONS}


class ProtocolForm(forms.ModelForm):
    token = forms.UUIDField(required=False, widget=forms.HiddenInput)
    weekdays = forms.TypedMultipleChoiceField(
        label="Weekdays",
        choices=WEEKDAY_CHOICES,
        coerce=int,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text="For fixed weekdays.",
    )
    pattern = forms.CharField(
        label="Custom pattern",
        required=False,
        max_length=200,
        help_text="For a custom pattern: 1 for a dose day, 0 for a day without, "
        "repeating. For example 1,0,0,1,0,0,0.",
    )
    # An edit's: when the protocol was last saved as the page showed it
    # (accounts.edits).
    seen = SeenField()

    class Meta:
        model = Protocol
        fields = [
            "name",
            "substance",
            "amount",
            "kind",
            "weekdays",
            "pattern",
            "start_date",
            "end_date",
            "on_weeks",
            "break_weeks",
            "notes",
        ]
        labels = {
            "amount": "Planned amount",
            "kind": "Schedule",
            "on_weeks": "Weeks on",
            "break_weeks": "Weeks of break",
        }
        help_texts = {
            "on_weeks": "Weeks of dosing before each break; leave empty to run "
            "without breaks.",
            "break_weeks": "Weeks without doses after each on-phase.",
        }
        widgets = {
            "kind": forms.RadioSelect,
            "start_date": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "end_date": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "amount": forms.NumberInput(attrs={"step": "0.01", "inputmode": "decimal"}),
            "notes": forms.Textarea(attrs={"rows": 2}),
        }

    def __init__(self, *args, user, today: dt.date | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.today = today  # the person's, for an edit
        self.fields["substance"].queryset = Substance.objects.filter(user=user)
        self.fields["substance"].empty_label = None
        self.fields["kind"].choices = Protocol.Kind.choices
        if self.instance.pk:
            self.initial["weekdays"] = [
                int(d) for d in self.instance.weekdays.split(",") if d
            ]
        show_seen(self)

    def clean_pattern(self) -> str:
        text = self.cleaned_data["pattern"].strip()
        if not text:
            return ""
        if not PATTERN.match(text):
            raise ValidationError("Use only 1 and 0, separated by commas.")
        return ",".join(part.strip() for part in text.split(","))

    def clean(self):
        cleaned = super().clean()
        kind = cleaned.get("kind")
        if kind == schedule.CUSTOM and "1" not in cleaned.get("pattern", "").split(","):
            self.add_error("pattern", "Enter a pattern with at least one dose day (1).")
        if kind == schedule.WEEKDAYS and not cleaned.get("weekdays"):
            self.add_error("weekdays", "Choose at least one weekday.")
        start, end = cleaned.get("start_date"), cleaned.get("end_date")
        if start and start.year > LATEST_YEAR:
            self.add_error("start_date", f"Choose a date before {LATEST_YEAR}.")
        if start and end and end < start:
            self.add_error("end_date", "The end date is before the start date.")
        elif "end_date" in cleaned and self._ended_as_shown():
            self._clean_last_day(end)
        on, off = cleaned.get("on_weeks"), cleaned.get("break_weeks")
        if off and not on:
            self.add_error("on_weeks", "Say how many weeks on come before a break.")
        return cleaned

    def _ended_as_shown(self) -> bool:
        """Whether this edits an ended protocol that its page showed ended: a
        page opened before it ended elsewhere is refused as saved elsewhere
        (protocols.services.protocol_update)."""
        seen = self.cleaned_data.get("seen")
        ended = self.instance.pk is not None and not self.instance.active
        return ended and seen in (None, self.instance.updated_at)

    def _clean_last_day(self, end: dt.date | None) -> None:
        """An ended protocol keeps a last day: emptied, or moved past both the
        day it has and today, its plan would run on in the calendar after it
        ended."""
        days = [day for day in (self.instance.end_date, self.today) if day]
        if end is None:
            self.add_error("end_date", "This protocol has ended: enter its last day.")
        elif days and end > max(days):
            self.add_error(
                "end_date",
                f"This protocol has ended: its last day can be {max(days):%-d %b %Y} "
                "at the latest.",
            )

    def protocol_fields(self) -> dict:
        data = dict(self.cleaned_data)
        data.pop("token", None)  # the new protocol's, given to the service apart
        data.pop("seen", None)  # an edit's, given to the service apart
        data["weekdays"] = ",".join(str(d) for d in sorted(set(data["weekdays"])))
        data["unit"] = data["substance"].unit
        if data["kind"] != schedule.CUSTOM:
            data["pattern"] = ""
        if data["kind"] != schedule.WEEKDAYS:
            data["weekdays"] = ""
        data["break_weeks"] = data.get("break_weeks") or 0
        return data


class DoseForm(forms.Form):
    token = forms.UUIDField(required=False, widget=forms.HiddenInput)
    substance = forms.ModelChoiceField(
        label="Substance", queryset=Substance.objects.none(), empty_label=None
    )
    amount = forms.DecimalField(
        label="Amount",
        required=False,
        min_value=Decimal("0.01"),
        max_value=MAX_AMOUNT,
        max_digits=10,
        decimal_places=2,
        widget=forms.NumberInput(attrs={"step": "0.01", "inputmode": "decimal"}),
    )
    protocol = forms.ModelChoiceField(
        label="Protocol",
        queryset=Protocol.objects.none(),
        required=False,
        empty_label="None",
    )
    date = forms.DateField(
        label="Date", widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    )
    time = forms.TimeField(
        label="Time", widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M")
    )
    skipped = forms.BooleanField(
        label="Skipped: a planned dose I did not take", required=False
    )
    notes = forms.CharField(
        label="Notes",
        required=False,
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )

    # An edit's: when the dose was last saved as the page showed it
    # (accounts.edits).
    seen = SeenField()

    def __init__(self, *args, profile: Profile, dose: DoseLog | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.profile = profile
        self.dose = dose  # the one edited, if any
        user = profile.user
        self.fields["substance"].queryset = Substance.objects.filter(user=user)
        self.fields["protocol"].queryset = Protocol.objects.filter(user=user)

    @classmethod
    def initial_for(cls, dose: DoseLog, profile: Profile) -> dict:
        day, time = as_shown(dose.taken_at, profile.tzinfo)
        return {
            "substance": dose.substance_id,
            "amount": dose.amount,
            "protocol": dose.protocol_id,
            "date": day,
            "time": time,
            "skipped": dose.skipped,
            "notes": dose.notes,
            "seen": dose.updated_at.isoformat(),
        }

    def clean(self):
        cleaned = super().clean()
        day, time = cleaned.get("date"), cleaned.get("time")
        if day and time:
            tz = self.profile.tzinfo
            moment = local_moment(day, time, tz)
            if moment is None:
                self.add_error("time", skipped_time(day, time, tz))
            elif moment > timezone.now() + CLOCK_SKEW:
                self.add_error("date", "A dose cannot be logged in the future.")
            elif day < EARLIEST_DAY:
                self.add_error("date", "Choose a date after 1970.")
            elif self.dose and (day, time) == as_shown(self.dose.taken_at, tz):
                # Its moment as it was, to the second: an edit that leaves the
                # date and time as the page showed them moves nothing.
                cleaned["taken_at"] = self.dose.taken_at
            else:
                cleaned["taken_at"] = moment
        missing = not cleaned.get("skipped") and not cleaned.get("amount")
        if missing and "amount" not in self.errors:
            self.add_error("amount", "Enter the amount taken (or mark it skipped).")
        return cleaned

    def dose_fields(self) -> dict:
        data = self.cleaned_data
        return {
            "taken_at": data["taken_at"],
            "substance": data["substance"],
            "amount": None if data["skipped"] else data["amount"],
            "protocol": data["protocol"],
            "skipped": data["skipped"],
            "notes": data["notes"],
        }


class PlannedDoseForm(forms.Form):
    """Today's one tap: "Took it" or "Skipped it" for the planned dose.

    A tap made offline is sent later with the moment it was made (an
    absolute ISO 8601 time, as offline check-ins are), so it is filed under
    the day it happened, not the day the connection came back.
    """

    action = forms.ChoiceField(choices=[("take", "Took it"), ("skip", "Skipped it")])
    moment = forms.DateTimeField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args, profile: Profile, **kwargs):
        super().__init__(*args, **kwargs)
        self.profile = profile

    def clean_moment(self) -> dt.datetime:
        moment = self.cleaned_data.get("moment")
        if moment is None:
            return timezone.now()
        if moment > timezone.now() + CLOCK_SKEW:
            raise ValidationError("A dose cannot be logged in the future.")
        problem = moment_problem(moment, self.profile.tzinfo)
        if problem:
            raise ValidationError(f"This dose cannot be logged: {problem}.")
        return moment


class FeedAlarmForm(forms.Form):
    alarm_time = forms.TimeField(
        label="Alarm on planned days at",
        required=False,
        widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M"),
        help_text=(
            "Your calendar app reminds you at this time of each planned day; "
            "leave it empty for none."
        ),
        error_messages={"invalid": "This is not a time; write it like 08:00."},
    )


class SubstanceForm(forms.ModelForm):
    class Meta:
        model = Substance
        fields = ["name", "kind", "unit"]
        help_texts = {
            "kind": "Used for tolerance warnings between LSD and psilocybin.",
            "unit": "For example mg, µg or g.",
        }

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user

    def clean_name(self) -> str:
        name = visible(self.cleaned_data["name"])
        if not name:
            raise ValidationError(NO_VISIBLE_NAME)
        if Substance.objects.filter(user=self.user, name__iexact=name).exists():
            raise ValidationError(SUBSTANCE_NAME_TAKEN)
        return name


INTENSITIES = [("", "no")] + [
    (str(v), label) for v, label in DoseEffect.Intensity.choices
]


class DoseEffectsForm(forms.Form):
    """ "Did you feel the dose?" and the common effects, each with how strong;
    one of the person's own besides. Everything is optional."""

    felt = forms.TypedChoiceField(
        label="Did you feel the dose?",
        choices=[("", "Not answered")]
        + [(str(v), f"{v}: {t}") for v, t in FELT_LABELS.items()],
        coerce=int,
        empty_value=None,
        required=False,
        widget=forms.RadioSelect,
    )
    other = forms.CharField(label="Another effect", max_length=40, required=False)
    other_intensity = forms.TypedChoiceField(
        label="How strong",
        choices=INTENSITIES,
        coerce=int,
        empty_value=None,
        required=False,
    )

    def __init__(self, *args, dose: DoseLog, **kwargs):
        known = {e.name.casefold(): e for e in dose.effects.all()}
        # The person's own effects already recorded: each keeps its own field.
        self.own = [e.name for key, e in known.items() if key not in COMMON_EFFECTS]
        initial = {"felt": dose.felt}
        names = list(COMMON_EFFECTS) + self.own
        for index, name in enumerate(names):
            effect = known.get(name.casefold())
            initial[f"effect_{index}"] = effect.intensity if effect else None
        super().__init__(*args, initial=initial, **kwargs)
        self.names = names
        for index, name in enumerate(names):
            self.fields[f"effect_{index}"] = forms.TypedChoiceField(
                label=name[:1].upper() + name[1:],
                choices=INTENSITIES,
                coerce=int,
                empty_value=None,
                required=False,
            )

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("other") and not cleaned.get("other_intensity"):
            self.add_error("other_intensity", "Choose how strong it was.")
        if cleaned.get("other_intensity") and not cleaned.get("other"):
            self.add_error("other", "Name the effect, or choose no.")
        return cleaned

    def effects(self) -> dict[str, int]:
        data = self.cleaned_data
        chosen = {
            name: data[f"effect_{i}"]
            for i, name in enumerate(self.names)
            if data.get(f"effect_{i}")
        }
        if data.get("other") and data.get("other_intensity"):
            chosen.setdefault(data["other"].strip(), data["other_intensity"])
        return chosen
