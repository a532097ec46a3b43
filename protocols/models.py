from __future__ import annotations

import secrets
from decimal import Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models.functions import Lower
from django.utils.functional import cached_property

from protocols import schedule

MAX_AMOUNT = Decimal("100000")


SUBSTANCE_NAME_TAKEN = "You already have a substance with this name."


class Substance(models.Model):
    class Kind(models.TextChoices):
        # The kind is what tolerance warnings compare, whatever the name.
        PSILOCYBIN = "psilocybin", "Psilocybin"
        LSD = "lsd", "LSD"
        OTHER = "other", "Other"

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="substances"
    )
    name = models.CharField(max_length=60)
    kind = models.CharField(max_length=16, choices=Kind.choices, default=Kind.OTHER)
    unit = models.CharField(max_length=12, default="mg")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["id"]
        constraints = [
            models.UniqueConstraint(
                "user", Lower("name"), name="substance_name_unique_per_user"
            )
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.unit})"


class Protocol(models.Model):
    class Kind(models.TextChoices):
        FADIMAN = schedule.FADIMAN, "Fadiman: one day on, two off"
        STAMETS = schedule.STAMETS, "Stamets: four days on, three off"
        EVERY_OTHER_DAY = schedule.EVERY_OTHER_DAY, "Every other day"
        WEEKDAYS = schedule.WEEKDAYS, "Fixed weekdays"
        CUSTOM = schedule.CUSTOM, "Custom pattern"
        INTUITIVE = schedule.INTUITIVE, "Intuitive: no planned days"

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="protocols"
    )
    name = models.CharField(max_length=80)
    substance = models.ForeignKey(
        Substance, on_delete=models.RESTRICT, related_name="protocols"
    )
    amount = models.DecimalField(
        max_digits=10,
        decimal_places=2,
        validators=[MinValueValidator(Decimal("0.01")), MaxValueValidator(MAX_AMOUNT)],
    )
    unit = models.CharField(max_length=12)
    kind = models.CharField(max_length=20, choices=Kind.choices)
    # Monday = 0, as a comma-separated list: "0,3".
    weekdays = models.CharField(max_length=20, blank=True)
    # Custom kind: the repeating on/off days, "1,0,0,1,0,0,0".
    pattern = models.CharField(max_length=200, blank=True)
    start_date = models.DateField()
    end_date = models.DateField(null=True, blank=True)
    on_weeks = models.PositiveSmallIntegerField(
        null=True,
        blank=True,
        validators=[MinValueValidator(1), MaxValueValidator(52)],
        help_text="Weeks of dosing before a break. Leave empty for no breaks.",
    )
    break_weeks = models.PositiveSmallIntegerField(
        default=0, validators=[MaxValueValidator(52)]
    )
    active = models.BooleanField(default=True)
    notes = models.TextField(blank=True, max_length=5000)
    # Set by the new protocol's form, so that a form sent twice (a double
    # tap, a resend) starts one protocol.
    client_token = models.UUIDField(null=True, blank=True, editable=False)
    # The protocol this one follows (the one it ended when it was saved), and
    # that one's last day before (None: it had none), so that taking this one
    # back before it begins puts that one back as it was
    # (services.protocol_cancel).
    follows = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        editable=False,
    )
    follows_last_day = models.DateField(null=True, blank=True, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    # So that an edit never overwrites unseen a save made elsewhere since its
    # page was opened, its ending among them (accounts.edits).
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-active", "-start_date", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["user"],
                condition=models.Q(active=True),
                name="one_active_protocol_per_user",
            ),
            models.UniqueConstraint(
                fields=["user", "client_token"], name="protocol_client_token_unique"
            ),
            models.CheckConstraint(
                condition=models.Q(end_date__isnull=True)
                | models.Q(end_date__gte=models.F("start_date")),
                name="protocol_ends_after_it_starts",
            ),
            models.CheckConstraint(
                condition=models.Q(amount__gt=0), name="protocol_amount_positive"
            ),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def plan(self) -> schedule.Plan:
        return schedule.Plan(
            kind=self.kind,
            start=self.start_date,
            end=self.end_date,
            on_weeks=self.on_weeks,
            break_weeks=self.break_weeks,
            weekdays=frozenset(int(d) for d in self.weekdays.split(",") if d),
            pattern=tuple(int(p) for p in self.pattern.split(",") if p),
        )


class DoseLog(models.Model):
    """A dose actually taken, or a planned one marked as skipped."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="doses"
    )
    taken_at = models.DateTimeField()
    # The journal day of taken_at (user's time zone and day-start hour).
    day = models.DateField()
    substance = models.ForeignKey(
        Substance, on_delete=models.RESTRICT, related_name="doses"
    )
    amount = models.DecimalField(
        max_digits=10,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(Decimal("0.01")), MaxValueValidator(MAX_AMOUNT)],
    )
    unit = models.CharField(max_length=12)
    protocol = models.ForeignKey(
        Protocol,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="doses",
    )
    skipped = models.BooleanField(default=False)
    # A capsule of a blinded experiment: active or placebo, and so its
    # amount, unknown here (the experiment knows, once unblinded).
    blinded = models.BooleanField(default=False)
    # "Did you feel the dose?" 0 not at all … 3 clearly; None: not asked.
    felt = models.PositiveSmallIntegerField(
        null=True, blank=True, validators=[MaxValueValidator(3)]
    )
    notes = models.TextField(blank=True, max_length=5000)
    client_token = models.UUIDField(null=True, blank=True, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    # So that an edit never overwrites unseen a save made elsewhere since its
    # page was opened (accounts.edits).
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-taken_at", "-id"]
        indexes = [models.Index(fields=["user", "day"])]
        constraints = [
            models.UniqueConstraint(
                fields=["user", "client_token"], name="dose_client_token_unique"
            ),
            models.CheckConstraint(
                condition=models.Q(skipped=True)
                | models.Q(blinded=True)
                | models.Q(amount__gt=0),
                name="dose_taken_has_amount",
            ),
        ]

    def __str__(self) -> str:
        kind = "Skipped" if self.skipped else "Capsule" if self.blinded else "Dose"
        return f"{kind} on {self.day}"

    @property
    def felt_words(self) -> str:
        """How the dose felt, in words: "noticeably"; "" when not asked."""
        return FELT_LABELS.get(self.felt, "")

    @cached_property
    def effect_list(self) -> list[DoseEffect]:
        """The effects noted for the dose, by name. The pages that show them
        set this list when they read the doses (protocols.queries); a dose
        read otherwise reads its effects here, a query more, rather than show
        none."""
        return list(self.effects.all())


class SafetyScreen(models.Model):
    """The answers to the screening questions, given once before the first protocol."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="safety_screen"
    )
    answers = models.JSONField(default=dict)
    completed_at = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return f"Safety screen of user {self.user_id}"


def new_feed_token() -> str:
    return secrets.token_urlsafe(32)


class CalendarFeed(models.Model):
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="calendar_feed"
    )
    token = models.CharField(max_length=64, unique=True, default=new_feed_token)
    # Off by default: event titles say only "Planned day".
    show_details = models.BooleanField(default=False)
    # An alarm at this local time on each planned day; none when empty.
    alarm_time = models.TimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return f"Calendar feed of user {self.user_id}"


# The effects asked about on a dose day; a person may add their own.
COMMON_EFFECTS = (
    "headache", "nausea", "jitteriness", "trouble sleeping", "anxiety", "fatigue",
)  # fmt: skip
FELT_LABELS = {0: "not at all", 1: "a little", 2: "noticeably", 3: "clearly"}


class DoseEffect(models.Model):
    """An effect noticed after a dose, with how strong it was."""

    class Intensity(models.IntegerChoices):
        MILD = 1, "mild"
        MODERATE = 2, "moderate"
        STRONG = 3, "strong"

    dose = models.ForeignKey(DoseLog, on_delete=models.CASCADE, related_name="effects")
    name = models.CharField(max_length=40)
    intensity = models.PositiveSmallIntegerField(choices=Intensity.choices)

    class Meta:
        ordering = ["dose", "name"]
        constraints = [
            models.UniqueConstraint(
                "dose", Lower("name"), name="dose_effect_once_per_dose"
            ),
            models.CheckConstraint(
                condition=models.Q(intensity__gte=1, intensity__lte=3),
                name="dose_effect_intensity_1_3",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.get_intensity_display()})"
