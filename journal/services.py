"""Writes to the journal. Every function takes the acting user and touches only
that user's rows."""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Iterable, Mapping

from django.db import IntegrityError, transaction
from django.db.models import F, Max

from accounts.models import Profile, User
from journal.models import Entry, Metric, Prompt, Rating, Tag

DEFAULT_METRICS = [
    # key, name, low label, high label, lower is better
    (Metric.Key.MOOD, "Mood", "Very low", "Very good", False),
    (Metric.Key.ANXIETY, "Anxiety", "Calm", "Very anxious", True),
    (Metric.Key.ENERGY, "Energy", "Drained", "Energised", False),
    (Metric.Key.FOCUS, "Focus", "Scattered", "Sharp", False),
    (Metric.Key.SLEEP, "Sleep quality", "Poor", "Excellent", False),
]


def metrics_create_defaults(*, user: User) -> list[Metric]:
    """Give a new account the five default metrics (once; skips existing keys)."""
    existing = set(user.metrics.values_list("key", flat=True))
    created = [
        Metric(
            user=user,
            key=key,
            name=name,
            scale_min=1,
            scale_max=10,
            low_label=low,
            high_label=high,
            lower_is_better=lower_is_better,
            position=position,
        )
        for position, (key, name, low, high, lower_is_better) in enumerate(
            DEFAULT_METRICS
        )
        if key not in existing
    ]
    return Metric.objects.bulk_create(created)


# --- Entries -----------------------------------------------------------------


def tags_resolve(*, user: User, names: Iterable[str]) -> list[Tag]:
    """The user's tags with these names, created when new (case-insensitive)."""
    tags = []
    for name in dict.fromkeys(n.strip() for n in names if n.strip()):
        tag = Tag.objects.filter(user=user, name__iexact=name).first()
        if tag is None:
            tag = Tag.objects.create(user=user, name=name)
        tags.append(tag)
    return tags


@transaction.atomic
def entry_create(
    *,
    user: User,
    profile: Profile,
    occurred_at: dt.datetime,
    note: str = "",
    ratings: Mapping[Metric, int] | None = None,
    tags: Iterable[Tag] = (),
    new_tag_names: Iterable[str] = (),
    prompt: Prompt | None = None,
    prompt_answer: str = "",
    client_token: uuid.UUID | None = None,
) -> tuple[Entry, bool]:
    """Save a check-in. Returns (entry, created); a repeated client token
    returns the entry the first submit saved."""
    if client_token is not None:
        existing = Entry.objects.filter(user=user, client_token=client_token).first()
        if existing is not None:
            return existing, False
    try:
        with transaction.atomic():
            entry = Entry.objects.create(
                user=user,
                day=profile.local_day(occurred_at),
                occurred_at=occurred_at,
                note=note,
                # A prompt is kept with the entry only when it was answered.
                prompt=prompt if prompt_answer.strip() else None,
                prompt_text=prompt.text if prompt and prompt_answer.strip() else "",
                prompt_answer=prompt_answer if prompt_answer.strip() else "",
                client_token=client_token,
            )
    except IntegrityError:
        # The same token won a race with this request: that entry stands.
        return Entry.objects.get(user=user, client_token=client_token), False
    _set_ratings(entry, ratings or {})
    entry.tags.set([*tags, *tags_resolve(user=user, names=new_tag_names)])
    return entry, True


@transaction.atomic
def entry_update(
    *,
    entry: Entry,
    profile: Profile,
    occurred_at: dt.datetime,
    note: str,
    ratings: Mapping[Metric, int | None],
    tags: Iterable[Tag],
    new_tag_names: Iterable[str] = (),
    prompt_answer: str | None = None,
) -> Entry:
    entry.occurred_at = occurred_at
    entry.day = profile.local_day(occurred_at)
    entry.note = note
    fields = ["occurred_at", "day", "note", "updated_at"]
    if prompt_answer is not None:
        entry.prompt_answer = prompt_answer
        fields.append("prompt_answer")
    entry.save(update_fields=fields)
    # Ratings of metrics not in the form (hidden ones) are left as they are,
    # and so are stored ratings the form sends back unchanged, even when the
    # metric's scale no longer includes them.
    stored = dict(entry.ratings.values_list("metric_id", "value"))
    cleared = [metric for metric, value in ratings.items() if value is None]
    entry.ratings.filter(metric__in=cleared).delete()
    _set_ratings(
        entry,
        {m: v for m, v in ratings.items() if v is not None and stored.get(m.pk) != v},
    )
    entry.tags.set([*tags, *tags_resolve(user=entry.user, names=new_tag_names)])
    return entry


def _set_ratings(entry: Entry, ratings: Mapping[Metric, int]) -> None:
    for metric, value in ratings.items():
        if metric.user_id != entry.user_id:
            raise ValueError("A rating must use one of the entry owner's metrics.")
        if value not in metric.values:
            raise ValueError(f"{value} is outside {metric.name}'s scale.")
    entry.ratings.filter(metric__in=list(ratings)).delete()
    Rating.objects.bulk_create(
        Rating(entry=entry, metric=metric, value=value)
        for metric, value in ratings.items()
    )


def entry_delete(*, entry: Entry) -> None:
    entry.delete()


# --- Metrics -----------------------------------------------------------------


def metric_create(*, user: User, **fields) -> Metric:
    last = user.metrics.aggregate(last=Max("position"))["last"]
    metric = Metric(user=user, position=0 if last is None else last + 1, **fields)
    metric.full_clean()
    metric.save()
    return metric


@transaction.atomic
def metric_move(*, metric: Metric, direction: str) -> None:
    """Swap a metric with its neighbour above or below."""
    siblings = list(Metric.objects.select_for_update().filter(user=metric.user_id))
    index = next(i for i, m in enumerate(siblings) if m.pk == metric.pk)
    other = index - 1 if direction == "up" else index + 1
    if not 0 <= other < len(siblings):
        return
    siblings[index], siblings[other] = siblings[other], siblings[index]
    for position, sibling in enumerate(siblings):
        sibling.position = position
    Metric.objects.bulk_update(siblings, ["position"])


def metric_set_hidden(*, metric: Metric, hidden: bool) -> None:
    metric.hidden = hidden
    metric.save(update_fields=["hidden"])


@transaction.atomic
def metric_delete(*, metric: Metric) -> int:
    """Delete a metric and its ratings; returns how many ratings went."""
    count = metric.ratings.count()
    metric.delete()
    Metric.objects.filter(user=metric.user_id, position__gt=metric.position).update(
        position=F("position") - 1
    )
    return count
