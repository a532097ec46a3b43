from __future__ import annotations

from collections.abc import Callable

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models.functions import Lower
from django.utils.safestring import SafeString, mark_safe

from journal.markdown import render_note
from protocols.phases import PromptPhase

NOTE_MAX_BYTES = 100_000
METRIC_NAME_TAKEN = "You already have a metric with this name."


class Metric(models.Model):
    """Anything a user rates: the five defaults and their own."""

    class Key(models.TextChoices):
        # The built-in metrics keep a key so that charts and the month view can
        # find mood after the user renames it.
        MOOD = "mood", "Mood"
        ANXIETY = "anxiety", "Anxiety"
        ENERGY = "energy", "Energy"
        FOCUS = "focus", "Focus"
        SLEEP = "sleep", "Sleep quality"

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="metrics"
    )
    key = models.CharField(max_length=16, choices=Key.choices, blank=True)
    name = models.CharField(max_length=40)
    scale_min = models.PositiveSmallIntegerField(
        default=1, validators=[MaxValueValidator(99)]
    )
    scale_max = models.PositiveSmallIntegerField(
        default=10, validators=[MinValueValidator(1), MaxValueValidator(100)]
    )
    low_label = models.CharField(max_length=30, blank=True)
    high_label = models.CharField(max_length=30, blank=True)
    lower_is_better = models.BooleanField(default=False)
    position = models.PositiveIntegerField(default=0)
    hidden = models.BooleanField(default=False)
    created_at = models.DateTimeField(auto_now_add=True)
    # So that an edit never overwrites unseen a save made elsewhere since its
    # page was opened (accounts.edits). Moving or hiding it is no such save.
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["position", "id"]
        constraints = [
            models.UniqueConstraint(
                "user", Lower("name"), name="metric_name_unique_per_user"
            ),
            models.UniqueConstraint(
                fields=["user", "key"],
                condition=~models.Q(key=""),
                name="metric_key_unique_per_user",
            ),
            models.CheckConstraint(
                condition=models.Q(scale_min__lt=models.F("scale_max"))
                & models.Q(scale_max__lte=100),
                name="metric_scale_within_0_100",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def values(self) -> range:
        return range(self.scale_min, self.scale_max + 1)

    @property
    def uses_buttons(self) -> bool:
        """Small scales are a row of tap targets; larger ones a number box."""
        return self.scale_max - self.scale_min <= 10

    def fraction(self, value: float) -> float:
        """Where a value sits on the scale, 0 = worst and 1 = best."""
        share = (value - self.scale_min) / (self.scale_max - self.scale_min)
        return 1 - share if self.lower_is_better else share


class Tag(models.Model):
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="tags"
    )
    name = models.CharField(max_length=40)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = [Lower("name")]
        constraints = [
            models.UniqueConstraint(
                "user", Lower("name"), name="tag_name_unique_per_user"
            )
        ]

    def __str__(self) -> str:
        return self.name


class Prompt(models.Model):
    """A reflection prompt: built in (no owner; loaded by migrations) or own."""

    class Kind(models.TextChoices):
        JOURNALING = "journaling", "Journaling"
        MINDFULNESS = "mindfulness", "Mindfulness"
        REFLECTION = "reflection", "Reflection"
        GRATITUDE = "gratitude", "Gratitude"
        BODY = "body", "Body check-in"

    Phase = PromptPhase

    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="own_prompts",
    )
    # Built-in prompts keep a stable key so later versions can update them.
    key = models.CharField(max_length=60, blank=True)
    text = models.CharField(max_length=500)
    # Stored as ",dose_day,after_1," so one phase can be matched on any database.
    phases = models.CharField(max_length=200)
    kind = models.CharField(max_length=16, choices=Kind.choices)
    active = models.BooleanField(default=True)
    # Set by the new prompt's form, so that a form sent twice (a double tap,
    # a resend) adds one prompt.
    client_token = models.UUIDField(null=True, blank=True, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    # So that an edit never overwrites unseen a save made elsewhere since its
    # page was opened (accounts.edits).
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["id"]
        constraints = [
            models.UniqueConstraint(
                fields=["key"],
                condition=models.Q(owner__isnull=True),
                name="builtin_prompt_key_unique",
            ),
            models.UniqueConstraint(
                fields=["owner", "client_token"], name="prompt_client_token_unique"
            ),
        ]

    def __str__(self) -> str:
        return self.text[:60]

    @property
    def builtin(self) -> bool:
        return self.owner_id is None

    @property
    def phase_list(self) -> list[str]:
        return [p for p in self.phases.split(",") if p]

    @staticmethod
    def encode_phases(phases) -> str:
        return "," + ",".join(phases) + ","


class PromptSwitchedOff(models.Model):
    """A built-in prompt a user does not want to see."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="prompts_off"
    )
    prompt = models.ForeignKey(Prompt, on_delete=models.CASCADE, related_name="+")

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "prompt"], name="prompt_off_once")
        ]

    def __str__(self) -> str:
        return f"Prompt {self.prompt_id} off for user {self.user_id}"


class PromptShown(models.Model):
    """The prompt a user was given on a day: the rotation's memory."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="prompts_shown"
    )
    day = models.DateField()
    phase = models.CharField(max_length=16)
    prompt = models.ForeignKey(Prompt, on_delete=models.CASCADE, related_name="+")
    # Prompts passed over with "Another prompt" that day, so the button goes
    # through the whole pool before any comes back.
    passed_over = models.JSONField(default=list, blank=True)

    class Meta:
        ordering = ["day", "id"]
        constraints = [
            models.UniqueConstraint(fields=["user", "day"], name="one_prompt_a_day")
        ]

    def __str__(self) -> str:
        return f"Prompt {self.prompt_id} on {self.day}"


class Entry(models.Model):
    # No index of its own: the (user, day, occurred_at) index below starts with
    # it. With both, PostgreSQL chose this one for a person's days and read
    # all their years of entries to keep four weeks (1.8 against 0.5 ms).
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="entries",
        db_index=False,
    )
    # The journal day, in the user's time zone with their day-start hour
    # applied; kept beside the exact moment so days can be queried directly.
    day = models.DateField()
    occurred_at = models.DateTimeField()
    note = models.TextField(blank=True)
    tags = models.ManyToManyField(Tag, blank=True, related_name="entries")
    # The reflection prompt shown with the check-in (its text kept as it was
    # then) and the user's answer.
    prompt = models.ForeignKey(
        Prompt, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    prompt_text = models.CharField(max_length=500, blank=True)
    prompt_answer = models.TextField(blank=True)
    # The note and the answer as sanitised HTML, rendered when they are written
    # (save() and the bulk writes in journal.services), never on a page view.
    note_html = models.TextField(blank=True, editable=False)
    prompt_answer_html = models.TextField(blank=True, editable=False)
    # Set by the form, so that a retried or double-tapped submit saves once.
    client_token = models.UUIDField(null=True, blank=True, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-day", "-occurred_at", "-id"]
        verbose_name_plural = "entries"
        indexes = [models.Index(fields=["user", "-day", "-occurred_at"])]
        constraints = [
            models.UniqueConstraint(
                fields=["user", "client_token"], name="entry_client_token_unique"
            )
        ]

    def __str__(self) -> str:
        return f"Entry of {self.day}"

    def save(self, *args, **kwargs) -> None:
        self.render_notes()
        if kwargs.get("update_fields") is not None:
            kwargs["update_fields"] = {
                *kwargs["update_fields"],
                "note_html",
                "prompt_answer_html",
            }
        super().save(*args, **kwargs)

    def render_notes(self, render: Callable[[str], str] = render_note) -> None:
        """Fill the HTML fields from the Markdown ones (through `render`, which
        a batch of entries passes to render each distinct text once)."""
        self.note_html = render(self.note) if self.note else ""
        self.prompt_answer_html = (
            render(self.prompt_answer) if self.prompt_answer else ""
        )

    @property
    def note_markup(self) -> SafeString:
        return mark_safe(self.note_html)  # noqa: S308 - sanitised by render_note

    @property
    def prompt_answer_markup(self) -> SafeString:
        return mark_safe(self.prompt_answer_html)  # noqa: S308 - as note_markup


class Rating(models.Model):
    entry = models.ForeignKey(Entry, on_delete=models.CASCADE, related_name="ratings")
    metric = models.ForeignKey(Metric, on_delete=models.CASCADE, related_name="ratings")
    value = models.PositiveSmallIntegerField()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["entry", "metric"], name="rating_once_per_metric"
            ),
            models.CheckConstraint(
                condition=models.Q(value__lte=100), name="rating_value_within_0_100"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.metric_id}={self.value}"


class KeptByDay(models.Model):
    """A row the database keeps for one person and one day (DayTotal,
    TagDay): never written by the app, only by the triggers of its
    migration; each is unique on (user, day, what it counts), an index that
    also serves the user."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="+",
        db_index=False,
    )
    day = models.DateField()

    class Meta:
        abstract = True


class DayTotal(KeptByDay):
    """The sum and number of one person's ratings of one metric on one day.

    Kept by the database, never written by the app: triggers on ratings and
    entries (migration 0012) add, take away and move each rating as it is
    written, edited, deleted or its entry moves to another day, whatever
    writes it. Insights reads these rows rather than every rating: five
    years of day means took a join and an aggregation of every rating, most
    of Insights' database time."""

    metric = models.ForeignKey(Metric, on_delete=models.CASCADE, related_name="+")
    rating_sum = models.PositiveIntegerField()
    rating_count = models.PositiveIntegerField()

    class Meta:
        constraints = [
            # The triggers' upsert target, and the index of a range of days.
            models.UniqueConstraint(
                fields=["user", "day", "metric"], name="day_total_once_per_metric"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.day} {self.metric_id}: {self.rating_sum}/{self.rating_count}"


class TagDay(KeptByDay):
    """How many of one person's entries on one day carry one tag.

    Kept by the database, as the day totals are: triggers on the entries'
    tag links and on entries (migration 0013) count each link in, out, or
    over to the entry's new day, whatever writes it. Today's chips (the uses
    of the last three months) and Insights' tag days read these rows, one a
    day and tag, rather than every link joined to its entry: Today's read
    took 0.36-0.44 ms of PostgreSQL's time that way and 0.1 this way,
    Insights' five years 5.6-5.9 ms and 1.7-1.9 (the benchmark's data)."""

    tag = models.ForeignKey(Tag, on_delete=models.CASCADE, related_name="+")
    uses = models.PositiveIntegerField()

    class Meta:
        constraints = [
            # The triggers' upsert target, and the index of a range of days.
            models.UniqueConstraint(
                fields=["user", "day", "tag"], name="tag_day_once_per_tag"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.day} tag {self.tag_id}: {self.uses}"


class WeeklyReview(models.Model):
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="weekly_reviews",
    )
    week_start = models.DateField()
    first_prompt_text = models.CharField(max_length=500)
    first_answer = models.TextField(blank=True)
    second_prompt_text = models.CharField(max_length=500)
    second_answer = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-week_start"]
        constraints = [
            models.UniqueConstraint(
                fields=["user", "week_start"], name="one_review_a_week"
            )
        ]

    def __str__(self) -> str:
        return f"Review of the week of {self.week_start}"


class QuestionnaireResponse(models.Model):
    """One completed questionnaire (journal.questionnaires): its answers, item
    by item, and the score they give."""

    class Instrument(models.TextChoices):
        WHO5 = "who5", "WHO-5"
        PHQ9 = "phq9", "PHQ-9"
        GAD7 = "gad7", "GAD-7"

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="questionnaire_responses",
    )
    instrument = models.CharField(max_length=8, choices=Instrument.choices)
    answers = models.JSONField()
    score = models.PositiveSmallIntegerField()
    completed_at = models.DateTimeField()
    # The journal day of completed_at.
    day = models.DateField()
    # The form's idempotency token: a double submit saves one response.
    client_token = models.UUIDField(null=True, blank=True, editable=False)

    class Meta:
        ordering = ["-completed_at", "-id"]
        indexes = [models.Index(fields=["user", "instrument", "day"])]
        constraints = [
            models.UniqueConstraint(
                fields=["user", "client_token"], name="questionnaire_token_unique"
            ),
            models.CheckConstraint(
                condition=models.Q(score__lte=100), name="questionnaire_score_0_100"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_instrument_display()} {self.score} on {self.day}"
