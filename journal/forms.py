from __future__ import annotations

import datetime as dt
import re
from functools import lru_cache

from django import forms
from django.core.exceptions import ValidationError
from django.db.models import Max, Min
from django.utils import timezone
from django.utils.choices import BaseChoiceIterator

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
from journal.models import (
    METRIC_NAME_TAKEN,
    NOTE_MAX_BYTES,
    Entry,
    Metric,
    Prompt,
    Tag,
    WeeklyReview,
)
from journal.prompts import available_prompts

RATING_PREFIX = "rating_"
RATING_FIELD = re.compile(rf"^{RATING_PREFIX}(.+)$")
# A check-in may be up to this far ahead of the server's clock (a phone whose
# clock runs fast), never more.
CLOCK_SKEW = dt.timedelta(minutes=10)
TAG_NAME_MAX = 40
# Offered to a person with no tags yet: ticked ones become their tags.
STARTER_TAGS = [
    "walk", "exercise", "meditation", "nature", "friends",
    "work", "stress", "good sleep", "caffeine", "alcohol",
]  # fmt: skip


def validate_note_size(value: str) -> None:
    size = len(value.encode("utf-8"))
    if size > NOTE_MAX_BYTES:
        raise ValidationError(
            "Notes can hold up to %(limit)s KB; this one is %(size)s KB.",
            params={"limit": NOTE_MAX_BYTES // 1000, "size": -(-size // 1000)},
        )


class FixedChoices(BaseChoiceIterator):
    """Choices that never change (a scale's, the starter tags), as Django's
    choice fields keep them: (value, label) pairs, made once. Given as a
    list, a scale's were checked pair by pair for each form (Django's
    normalize_choices): a fifth of building Today's check-in form, for five
    metrics of eleven chips. A form's copy of its fields shares them
    (copying the starter tags' ten pairs for each form took a tenth of
    building the form)."""

    def __init__(self, pairs: tuple[tuple[int | str, str], ...]):
        self.pairs = pairs

    def __iter__(self):
        return iter(self.pairs)

    def __deepcopy__(self, memo) -> FixedChoices:
        return self

    def __copy__(self) -> FixedChoices:
        # A copied widget copies its choices (ChoiceWidget.__deepcopy__).
        return self


@lru_cache(maxsize=1024)
def scale_choices(low: int, high: int, kept: int | None) -> FixedChoices:
    """A scale's chips. The check-in writes their values and labels without
    escaping them (journal/entry_fields.jinja): numbers and these words only."""
    extra = () if kept is None else ((kept, f"{kept} (kept; outside the scale)"),)
    values = ((v, str(v)) for v in range(low, high + 1))
    return FixedChoices((("", "–"), *values, *extra))


def rating_field(metric: Metric, kept: int | None = None) -> forms.Field:
    """The control for one metric. `kept` is a stored rating outside the
    metric's current scale: offered as it is, so an edit never drops it."""
    label = metric.name
    if metric.uses_buttons:
        return forms.TypedChoiceField(
            label=label,
            choices=scale_choices(metric.scale_min, metric.scale_max, kept),
            coerce=int,
            empty_value=None,
            required=False,
            widget=forms.RadioSelect,
        )
    values = [metric.scale_min, metric.scale_max] + ([] if kept is None else [kept])
    return forms.IntegerField(
        label=label,
        min_value=min(values),
        max_value=max(values),
        required=False,
        widget=forms.NumberInput(attrs={"inputmode": "numeric"}),
    )


class EntryForm(forms.Form):
    """The check-in, for a new entry or an edit of one.

    Ratings come as `rating_<metric id>` fields, one per visible metric.
    """

    token = forms.UUIDField(required=False, widget=forms.HiddenInput)
    note = forms.CharField(
        label="Note",
        required=False,
        strip=False,
        widget=forms.Textarea(attrs={"rows": 3, "data-warn-unsaved": ""}),
        validators=[validate_note_size],
        help_text="Markdown works: **bold**, *italic*, lists, links.",
    )
    # The tags' and the prompt's querysets are set by the forms that read
    # them (__init__): Django clones a field's queryset for every form it
    # copies the field for, and cloning two empty ones here was an eighth of
    # building Today's blank form.
    tags = forms.ModelMultipleChoiceField(
        label="Tags",
        queryset=None,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    new_tags = forms.CharField(
        label="New tags",
        required=False,
        max_length=400,
        help_text="Separate with commas.",
        widget=forms.TextInput(
            attrs={"list": "tag-suggestions", "autocomplete": "off"}
        ),
    )
    starter_tags = forms.MultipleChoiceField(
        label="Tags to start with",
        required=False,
        choices=FixedChoices(tuple((name, name) for name in STARTER_TAGS)),
        widget=forms.CheckboxSelectMultiple,
    )
    prompt = forms.ModelChoiceField(
        queryset=None, required=False, widget=forms.HiddenInput
    )
    prompt_answer = forms.CharField(
        label="Your answer",
        required=False,
        strip=False,
        widget=forms.Textarea(attrs={"rows": 3, "data-warn-unsaved": ""}),
        validators=[validate_note_size],
    )
    date = forms.DateField(
        label="Date",
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )
    time = forms.TimeField(
        label="Time",
        required=False,
        widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M"),
    )
    # The moment an offline draft was written, as an absolute ISO 8601 time:
    # the browser's zone may not be the profile's. Date and time win if given.
    moment = forms.DateTimeField(required=False, widget=forms.HiddenInput)
    # An edit's: when the entry was last saved as the page showed it (ISO
    # 8601 to the microsecond), so that a save made since elsewhere is not
    # overwritten unseen (journal.services.entry_update).
    seen = SeenField()

    def __init__(
        self,
        *args,
        profile: Profile,
        metrics: list[Metric],
        entry: Entry | None = None,
        **kwargs,
    ):
        super().__init__(*args, **kwargs)
        self.profile = profile
        self.user = profile.user
        self.entry = entry
        self.metrics = {metric.pk: metric for metric in metrics}
        # The person's tags: what a sent form is checked against, and the
        # chips an edit offers. A blank check-in offers the chips given to
        # offer_tags() instead (making this queryset for it was a sixth of
        # building the form).
        if self.is_bound or entry is not None:
            self.fields["tags"].queryset = Tag.objects.filter(user=self.user)
        else:
            self.fields["tags"].widget.choices = []  # none until offer_tags()
        # Ratings stored outside their metric's current scale (the scale was
        # changed, or an older import let them in) stay until changed.
        stored = {r.metric_id: r.value for r in entry.ratings.all()} if entry else {}
        self.kept = {
            pk: value
            for pk, value in stored.items()
            if pk in self.metrics and value not in self.metrics[pk].values
        }
        for metric in metrics:
            self.fields[f"{RATING_PREFIX}{metric.pk}"] = rating_field(
                metric, self.kept.get(metric.pk)
            )
        if self.is_bound:
            # Only a sent form looks its prompt up; a page writes the id alone
            # (building this queryset cost a millisecond on every Today).
            self.fields["prompt"].queryset = available_prompts(self.user)

    @classmethod
    def initial_for(cls, entry: Entry, profile: Profile) -> dict:
        day, time = as_shown(entry.occurred_at, profile.tzinfo)
        initial = {
            "note": entry.note,
            "prompt_answer": entry.prompt_answer,
            "tags": list(entry.tags.all()),
            "date": day,
            "time": time,
            "seen": entry.updated_at.isoformat(),
        }
        for rating in entry.ratings.all():
            initial[f"{RATING_PREFIX}{rating.metric_id}"] = rating.value
        return initial

    def offer_tags(self, tags: list[Tag]) -> None:
        """Offer these tags as the chips to tick (Today's most used ones),
        not every tag the person has."""
        self.fields["tags"].widget.choices = [(tag.pk, tag.name) for tag in tags]

    def rating_fields(self) -> list[tuple[Metric, forms.BoundField]]:
        return [
            (metric, self[f"{RATING_PREFIX}{pk}"])
            for pk, metric in self.metrics.items()
        ]

    def clean_new_tags(self) -> list[str]:
        names = [visible(n) for n in self.cleaned_data["new_tags"].split(",")]
        names = [n for n in names if n]
        too_long = [n for n in names if len(n) > TAG_NAME_MAX]
        if too_long:
            raise ValidationError(
                "Tags can be up to %(max)s characters: %(name)s",
                params={"max": TAG_NAME_MAX, "name": too_long[0][:50]},
            )
        return names

    def clean(self):
        cleaned = super().clean()
        if "new_tags" in cleaned:
            cleaned["new_tags"] += cleaned.get("starter_tags", [])
        for key in self.data:
            match = RATING_FIELD.match(key)
            if match and key not in self.fields:
                self.add_error(
                    None,
                    "A rating was sent for a metric that is not one of your "
                    "visible metrics. Reload the page and try again.",
                )
                break
        for pk, metric in self.metrics.items():
            name = f"{RATING_PREFIX}{pk}"
            value = cleaned.get(name)
            outside = value is not None and value not in metric.values
            if outside and value != self.kept.get(pk):
                self.add_error(name, f"Use {metric.scale_min} to {metric.scale_max}.")
        if "date" in cleaned and "time" in cleaned:
            written = cleaned.get("moment")
            if written and cleaned["date"] is None and cleaned["time"] is None:
                cleaned["occurred_at"] = self._storable(written)
            else:
                cleaned["occurred_at"] = self._moment(cleaned["date"], cleaned["time"])
            shown = (cleaned.get("date"), cleaned.get("time"))
            tzinfo = self.profile.tzinfo
            if self.entry and shown == as_shown(self.entry.occurred_at, tzinfo):
                # Its moment as it was, to the second: an edit that leaves the
                # date and time as the page showed them moves nothing.
                cleaned["occurred_at"] = self.entry.occurred_at
        return cleaned

    def _storable(self, moment: dt.datetime) -> dt.datetime | None:
        """The moment, if the journal can hold it; else an error on the date."""
        if moment > timezone.now() + CLOCK_SKEW:
            self.add_error("date", "A check-in cannot be in the future.")
            return None
        problem = moment_problem(moment, self.profile.tzinfo)
        if problem:
            self.add_error("date", f"This check-in cannot be saved: {problem}.")
            return None
        return moment

    def _moment(self, day: dt.date | None, time: dt.time | None) -> dt.datetime | None:
        now = timezone.now()
        if day is None and time is None:
            return now
        local_now = timezone.localtime(now, self.profile.tzinfo)
        day = day or local_now.date()
        time = time or (local_now.time() if day == local_now.date() else dt.time(12))
        if day < EARLIEST_DAY:
            self.add_error("date", "Choose a date after 1970.")
            return None
        moment = local_moment(day, time, self.profile.tzinfo)
        if moment is None:
            self.add_error("time", skipped_time(day, time, self.profile.tzinfo))
            return None
        return self._storable(moment)

    def ratings(self) -> dict[Metric, int | None]:
        return {
            metric: self.cleaned_data.get(f"{RATING_PREFIX}{pk}")
            for pk, metric in self.metrics.items()
        }


class MetricForm(forms.ModelForm):
    class Meta:
        model = Metric
        fields = [
            "name",
            "scale_min",
            "scale_max",
            "low_label",
            "high_label",
            "lower_is_better",
        ]
        labels = {
            "scale_min": "Lowest value",
            "scale_max": "Highest value",
            "low_label": "Label for the low end",
            "high_label": "Label for the high end",
            "lower_is_better": "Lower is better (like anxiety)",
        }
        help_texts = {"scale_max": "Scales run from 0 up to 100."}

    # An edit's: when the metric was last saved as the page showed it
    # (accounts.edits).
    seen = SeenField()

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        show_seen(self)

    def metric_fields(self) -> dict:
        """What journal.services.metric_create and metric_update write."""
        return {k: v for k, v in self.cleaned_data.items() if k != "seen"}

    def clean_name(self) -> str:
        name = visible(self.cleaned_data["name"])
        if not name:
            raise ValidationError(NO_VISIBLE_NAME)
        clash = Metric.objects.filter(user=self.user, name__iexact=name)
        if self.instance.pk:
            clash = clash.exclude(pk=self.instance.pk)
        if clash.exists():
            raise ValidationError(METRIC_NAME_TAKEN)
        return name

    def clean(self):
        cleaned = super().clean()
        low, high = cleaned.get("scale_min"), cleaned.get("scale_max")
        if low is None or high is None:
            return cleaned
        if low >= high:
            self.add_error("scale_max", "The highest value must be above the lowest.")
            return cleaned
        if self.instance.pk:
            used = self.instance.ratings.aggregate(low=Min("value"), high=Max("value"))
            if used["low"] is not None and (used["low"] < low or used["high"] > high):
                self.add_error(
                    "scale_min",
                    f"Existing ratings run from {used['low']} to {used['high']}; "
                    "the scale must include them.",
                )
        return cleaned


class JournalFilterForm(forms.Form):
    q = forms.CharField(
        label="Search",
        required=False,
        max_length=200,
        widget=forms.TextInput(attrs={"type": "search", "placeholder": "Search notes"}),
    )
    tag = forms.CharField(
        label="Tag",
        required=False,
        max_length=TAG_NAME_MAX,
        # The person's tags are offered as they type (templates/journal/list.html).
        widget=forms.TextInput(
            attrs={"list": "journal-tag-names", "autocomplete": "off"}
        ),
    )
    start = forms.DateField(
        label="From", required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    end = forms.DateField(
        label="To", required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    before = forms.DateField(required=False, widget=forms.HiddenInput)

    def clean(self):
        cleaned = super().clean()
        start, end = cleaned.get("start"), cleaned.get("end")
        if start and end and start > end:
            self.add_error("end", "The end date is before the start date.")
        return cleaned


class PromptForm(forms.ModelForm):
    token = forms.UUIDField(required=False, widget=forms.HiddenInput)
    phase_choices = forms.MultipleChoiceField(
        label="When to offer it",
        choices=Prompt.Phase.choices(),
        widget=forms.CheckboxSelectMultiple,
    )

    class Meta:
        model = Prompt
        fields = ["text", "kind"]
        labels = {"text": "Prompt", "kind": "Practice"}
        widgets = {"text": forms.Textarea(attrs={"rows": 2})}
        # The field strips what is sent: spaces alone are no prompt either.
        error_messages = {"text": {"required": "Write the prompt."}}

    # An edit's: when the prompt was last saved as the page showed it
    # (accounts.edits).
    seen = SeenField()

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            self.initial["phase_choices"] = self.instance.phase_list
        show_seen(self)

    def prompt_fields(self) -> dict:
        """What journal.services.prompt_save writes."""
        return {
            "text": self.cleaned_data["text"],
            "kind": self.cleaned_data["kind"],
            "phases": self.cleaned_data["phase_choices"],
        }


class WeeklyReviewForm(forms.Form):
    first_answer = forms.CharField(
        required=False,
        strip=False,
        widget=forms.Textarea(attrs={"rows": 4, "data-warn-unsaved": ""}),
        validators=[validate_note_size],
    )
    second_answer = forms.CharField(
        required=False,
        strip=False,
        widget=forms.Textarea(attrs={"rows": 4, "data-warn-unsaved": ""}),
        validators=[validate_note_size],
    )
    # When the review was last saved as the page showed it (ISO 8601), or
    # empty when there was none: journal.services.weekly_review_save.
    seen = SeenField()

    @classmethod
    def initial_for(cls, review: WeeklyReview | None) -> dict:
        if review is None:
            return {}
        return {
            "first_answer": review.first_answer,
            "second_answer": review.second_answer,
            "seen": review.updated_at.isoformat(),
        }
