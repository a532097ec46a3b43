from __future__ import annotations

import datetime as dt
import uuid
from decimal import Decimal

from django import forms

from accounts.models import Profile
from accounts.weeks import WEEKDAY_NAMES
from experiments.models import WEEKS, Experiment, Guess
from journal.models import Metric
from protocols import schedule
from protocols.models import MAX_AMOUNT, Protocol, Substance

# How far ahead an experiment may be planned to start.
LATEST_START = dt.timedelta(days=60)


class ExperimentForm(forms.Form):
    token = forms.UUIDField(required=False, widget=forms.HiddenInput)
    substance = forms.ModelChoiceField(
        label="Substance", queryset=Substance.objects.none(), empty_label=None
    )
    amount = forms.DecimalField(
        label="Amount in each active capsule",
        min_value=Decimal("0.01"),
        max_value=MAX_AMOUNT,
        max_digits=10,
        decimal_places=2,
        help_text="The microdose you already take, in the substance's unit.",
        widget=forms.NumberInput(attrs={"step": "0.01", "inputmode": "decimal"}),
    )
    primary_metric = forms.ModelChoiceField(
        label="Primary outcome",
        queryset=None,
        empty_label=None,
        help_text=(
            "The one metric the verdict is about, chosen now, before the start. "
            "The others are shown too, as exploratory."
        ),
    )
    design = forms.ChoiceField(
        label="Design",
        choices=Experiment.Design.choices,
        initial=Experiment.Design.WEEKLY,
        widget=forms.RadioSelect,
    )
    weeks = forms.TypedChoiceField(
        label="Length",
        choices=[(w, f"{w} weeks") for w in WEEKS],
        coerce=int,
        initial=8,
        widget=forms.RadioSelect,
    )
    weekdays = forms.TypedMultipleChoiceField(
        label="Capsule days",
        choices=[],
        coerce=int,
        widget=forms.CheckboxSelectMultiple,
        help_text="The days of the week you take a capsule: one to three.",
    )
    start_date = forms.DateField(
        label="First day",
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )

    def __init__(self, *args, profile: Profile, **kwargs):
        super().__init__(*args, **kwargs)
        self.profile = profile
        user = profile.user
        self.fields["substance"].queryset = Substance.objects.filter(user=user)
        self.fields["primary_metric"].queryset = Metric.objects.filter(
            user=user, hidden=False
        )
        self.fields["weekdays"].choices = list(enumerate(WEEKDAY_NAMES))

    @classmethod
    def initial_for(cls, profile: Profile, protocol: Protocol | None) -> dict:
        today = profile.local_day()
        weekdays = [0, 3]
        initial = {"start_date": today + dt.timedelta(days=(7 - today.weekday()) % 7)}
        if protocol is not None:
            initial["substance"] = protocol.substance_id
            initial["amount"] = protocol.amount
            if protocol.kind == schedule.WEEKDAYS and protocol.weekdays:
                weekdays = sorted(int(d) for d in protocol.weekdays.split(",") if d)
        initial["weekdays"] = weekdays
        initial["token"] = uuid.uuid4()
        return initial

    def clean_weekdays(self) -> list[int]:
        days = sorted(set(self.cleaned_data["weekdays"]))  # each day once
        if not 1 <= len(days) <= 3:
            raise forms.ValidationError("Choose one to three capsule days a week.")
        return days

    def clean_start_date(self) -> dt.date:
        start = self.cleaned_data["start_date"]
        today = self.profile.local_day()
        if start < today:
            raise forms.ValidationError("Choose today or a day ahead.")
        if start > today + LATEST_START:
            raise forms.ValidationError("Choose a day within the next 60 days.")
        return start


class GuessForm(forms.Form):
    answer = forms.ChoiceField(
        label="Which do you think it was?",
        choices=Guess.Answer.choices,
        widget=forms.RadioSelect,
    )
    confidence = forms.IntegerField(
        label="How sure are you?",
        min_value=0,
        max_value=100,
        initial=50,
        help_text="0: a coin toss. 100: certain.",
        widget=forms.NumberInput(attrs={"type": "range", "step": "10"}),
    )
    kind = forms.ChoiceField(choices=Guess.Kind.choices, widget=forms.HiddenInput)


class StopForm(forms.Form):
    reason = forms.CharField(
        label="Why are you stopping? (optional)",
        required=False,
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
