"""Blinded and randomized self-experiments.

A person's experiment has envelopes: one a week (weekly blocks) or one a dose
day (dose days), half of them active and half placebo. In the blinded designs
each envelope carries a QR code with a random token; which token is active is
known to the server alone until the person unblinds. In the open design the
weeks' order is drawn by the server and shown from the start.
"""

from __future__ import annotations

import datetime as dt
import secrets
from decimal import Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models

from journal.models import Metric
from protocols.models import MAX_AMOUNT, DoseLog, Substance

WEEKS = (4, 6, 8)


def new_token() -> str:
    return secrets.token_urlsafe(16)


class Experiment(models.Model):
    class Design(models.TextChoices):
        WEEKLY = "weekly", "Weekly blocks, blinded"
        DOSE_DAYS = "dose_days", "Dose days, blinded"
        OPEN_WEEKS = "open_weeks", "Open randomized weeks (no placebo)"

    class Status(models.TextChoices):
        PLANNED = "planned", "Planned"
        RUNNING = "running", "Running"
        PAUSED = "paused", "Paused"
        STOPPED = "stopped", "Stopped early"
        FINISHED = "finished", "Finished"

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="experiments"
    )
    substance = models.ForeignKey(
        Substance, on_delete=models.RESTRICT, related_name="experiments"
    )
    amount = models.DecimalField(
        max_digits=10,
        decimal_places=2,
        validators=[MinValueValidator(Decimal("0.01")), MaxValueValidator(MAX_AMOUNT)],
    )
    unit = models.CharField(max_length=12)
    # Declared before the start and never changed after it.
    primary_metric = models.ForeignKey(
        Metric, on_delete=models.RESTRICT, related_name="experiments"
    )
    design = models.CharField(max_length=16, choices=Design.choices)
    weeks = models.PositiveSmallIntegerField(choices=[(w, f"{w} weeks") for w in WEEKS])
    # Monday = 0, as a comma-separated list: "0,3".
    dose_weekdays = models.CharField(max_length=20)
    start_date = models.DateField()
    status = models.CharField(
        max_length=12, choices=Status.choices, default=Status.PLANNED
    )
    # What the design page promised, kept as it was at the start.
    planned_power = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    started_at = models.DateTimeField(null=True, blank=True)
    ended_at = models.DateTimeField(null=True, blank=True)
    stop_reason = models.CharField(max_length=500, blank=True)
    unblinded_at = models.DateTimeField(null=True, blank=True)
    # Set by the new experiment's form, so that a form sent twice (a double
    # tap, a resend) plans one experiment.
    client_token = models.UUIDField(null=True, blank=True, editable=False)

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["user", "client_token"], name="experiment_client_token_unique"
            ),
            models.CheckConstraint(
                condition=models.Q(amount__gt=0), name="experiment_amount_positive"
            ),
            models.CheckConstraint(
                condition=models.Q(weeks__in=WEEKS), name="experiment_weeks_allowed"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.substance.name}, {self.weeks} weeks"

    @property
    def blinded(self) -> bool:
        return self.design != self.Design.OPEN_WEEKS

    @property
    def weekdays(self) -> list[int]:
        return sorted(int(d) for d in self.dose_weekdays.split(",") if d)

    @property
    def end_date(self) -> dt.date:
        """The last day of the planned weeks."""
        return self.start_date + dt.timedelta(days=7 * self.weeks - 1)

    @property
    def is_open(self) -> bool:
        """Still under way: envelopes can be opened and guesses made."""
        return self.status in (self.Status.RUNNING, self.Status.PAUSED)

    def holds_doses_on(self, day: dt.date) -> bool:
        """Whether the experiment's capsules take the place of the protocol's
        planned doses on `day`: it is under way and the day is one of its
        weeks. A protocol's dose offered beside a capsule, or on a day
        between two, would be taken unblinded into the comparison."""
        return self.is_open and self.start_date <= day <= self.end_date

    @property
    def revealed(self) -> bool:
        """May pages show which envelope was which?"""
        return not self.blinded or self.unblinded_at is not None

    def week_of(self, day: dt.date) -> int | None:
        """The experiment week (0-based) a day falls in, or None outside."""
        index = (day - self.start_date).days // 7
        return index if 0 <= index < self.weeks else None

    def is_dose_day(self, day: dt.date) -> bool:
        """A capsule day: one of the dose weekdays within the planned weeks."""
        return day.weekday() in self.weekdays and self.week_of(day) is not None

    def dose_days(self) -> list[dt.date]:
        """Every planned capsule day of the experiment, in order."""
        weekdays = set(self.weekdays)
        return [
            day
            for offset in range(7 * self.weeks)
            if (day := self.start_date + dt.timedelta(days=offset)).weekday()
            in weekdays
        ]


class Envelope(models.Model):
    """One week's or one dose day's capsules, under a QR code."""

    # A weekly block's envelope holds the capsules of the seven days from the
    # day it is opened; no second one opens within them.
    LASTS = dt.timedelta(days=7)

    experiment = models.ForeignKey(
        Experiment, on_delete=models.CASCADE, related_name="envelopes"
    )
    token = models.CharField(max_length=32, unique=True, default=new_token)
    active = models.BooleanField()
    # Open design: the week it belongs to. Blinded designs: None (the person's
    # shuffle decides the order).
    week = models.PositiveSmallIntegerField(null=True, blank=True)
    opened_at = models.DateTimeField(null=True, blank=True)
    # The journal day it was opened on.
    day = models.DateField(null=True, blank=True)
    dose = models.OneToOneField(
        DoseLog,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="envelope",
    )

    class Meta:
        ordering = ["experiment", "day", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["experiment", "week"], name="envelope_week_unique"
            ),
        ]

    def __str__(self) -> str:
        return f"Envelope {self.pk} of experiment {self.experiment_id}"


class Guess(models.Model):
    """ "Which do you think it was?", for a dose day or for a week."""

    class Answer(models.TextChoices):
        ACTIVE = "active", "Active"
        PLACEBO = "placebo", "Placebo"
        UNSURE = "unsure", "Can't tell"

    class Kind(models.TextChoices):
        DAY = "day", "Dose day"
        WEEK = "week", "Week"

    experiment = models.ForeignKey(
        Experiment, on_delete=models.CASCADE, related_name="guesses"
    )
    envelope = models.ForeignKey(
        Envelope, on_delete=models.CASCADE, related_name="guesses"
    )
    kind = models.CharField(max_length=8, choices=Kind.choices)
    day = models.DateField()
    answer = models.CharField(max_length=8, choices=Answer.choices)
    # How sure, 0 (a coin toss) to 100 (certain).
    confidence = models.PositiveSmallIntegerField(
        validators=[MaxValueValidator(100)], default=50
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["day", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["envelope", "kind", "day"], name="guess_once_per_day"
            ),
            models.CheckConstraint(
                condition=models.Q(confidence__lte=100), name="guess_confidence_0_100"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_answer_display()} on {self.day}"
