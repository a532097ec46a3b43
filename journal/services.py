"""Writes to the journal. Every function takes the acting user and touches only
that user's rows."""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from functools import cache

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F, Max
from django.utils import timezone

from accounts.edits import SavedElsewhere, as_seen
from accounts.models import Profile, User
from accounts.sends import once
from accounts.text import visible
from journal.markdown import render_note
from journal.models import (
    METRIC_NAME_TAKEN,
    Entry,
    Metric,
    Prompt,
    PromptSwitchedOff,
    QuestionnaireResponse,
    Rating,
    Tag,
    WeeklyReview,
)

BULK_BATCH = 1000

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


def rating_problem(metric: Metric, value: object) -> str | None:
    """Why `value` cannot be a rating of `metric`, or None when it can."""
    whole = isinstance(value, int) and not isinstance(value, bool)
    if not whole or value not in metric.values:
        return (
            f"{value!r} is outside {metric.scale_min}–{metric.scale_max}, "
            f"the scale of {metric.name!r}."
        )
    return None


def tags_resolve(*, user: User, names: Iterable[str]) -> list[Tag]:
    """The user's tags with these names, created when new (case-insensitive),
    in the order given, each once."""
    wanted: dict[str, str] = {}  # the first spelling of each name
    for name in map(visible, names):
        if name:
            wanted.setdefault(name.lower(), name)
    if not wanted:
        return []
    found = {
        tag.name.lower(): tag
        for tag in Tag.objects.filter(user=user)
        if tag.name.lower() in wanted
    }
    missing = [name for lower, name in wanted.items() if lower not in found]
    if missing:
        # A name another request has just created (two check-ins sent at
        # once, each with the same new tag) is not an error: that tag is used.
        Tag.objects.bulk_create(
            (Tag(user=user, name=n) for n in missing), ignore_conflicts=True
        )
        for tag in Tag.objects.filter(user=user):
            if tag.name.lower() in wanted and tag.name.lower() not in found:
                found[tag.name.lower()] = tag
    return [found[lower] for lower in wanted]


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
    returns the entry the first submit saved (accounts.sends)."""
    answered = bool(prompt_answer.strip())
    entry, created = once(
        Entry.objects.filter(user=user),
        client_token,
        lambda: Entry.objects.create(
            user=user,
            day=profile.local_day(occurred_at),
            occurred_at=occurred_at,
            note=note,
            # A prompt is kept with the entry only when it was answered.
            prompt=prompt if answered else None,
            prompt_text=prompt.text if prompt and answered else "",
            prompt_answer=prompt_answer if answered else "",
            client_token=client_token,
        ),
    )
    if created:
        _set_ratings(entry, ratings or {})
        entry.tags.set([*tags, *tags_resolve(user=user, names=new_tag_names)])
    return entry, created


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
    seen: dt.datetime | None = None,
) -> Entry:
    """Write the edit. `seen` is when the entry was last saved as the editor
    read it: if it was saved again since, SavedElsewhere is raised and nothing
    is written, unless the entry already holds exactly this edit (the same
    form sent twice)."""
    tags = list(tags)
    if seen is not None:
        # Locked until this edit commits, so no other edit slips in between.
        current = (
            Entry.objects.select_for_update()
            .values_list("updated_at", flat=True)
            .get(pk=entry.pk)
        )
        if current != seen:
            if _holds(
                entry, occurred_at, note, ratings, tags, new_tag_names, prompt_answer
            ):
                return entry
            raise SavedElsewhere(current)
    if occurred_at != entry.occurred_at:
        # A moved entry goes to its new moment's day. One whose moment is kept
        # keeps its day, even if the person's time zone or day-start hour has
        # changed since it was written: an edit of its words moves nothing.
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


def _holds(
    entry: Entry,
    occurred_at: dt.datetime,
    note: str,
    ratings: Mapping[Metric, int | None],
    tags: list[Tag],
    new_tag_names: Iterable[str],
    prompt_answer: str | None,
) -> bool:
    """Whether the saved entry already is what this edit would make it."""
    saved = Entry.objects.get(pk=entry.pk)
    if (saved.occurred_at, saved.note) != (occurred_at, note):
        return False
    if prompt_answer is not None and saved.prompt_answer != prompt_answer:
        return False
    stored = dict(saved.ratings.values_list("metric_id", "value"))
    if any(stored.get(metric.pk) != value for metric, value in ratings.items()):
        return False
    names = {tag.name.lower() for tag in tags}
    names |= {name.strip().lower() for name in new_tag_names if name.strip()}
    return {name.lower() for name in saved.tags.values_list("name", flat=True)} == names


@transaction.atomic
def weekly_review_save(
    *,
    user: User,
    week_start: dt.date,
    prompts: Sequence[str],
    first_answer: str,
    second_answer: str,
    seen: dt.datetime | None,
) -> WeeklyReview:
    """Write the week's review with its two prompts. `seen` is when the
    review was last saved as the page showed it (None: there was none yet);
    a review saved since with other answers is not overwritten:
    SavedElsewhere is raised and nothing is written."""
    answers = {"first_answer": first_answer, "second_answer": second_answer}
    review = (
        WeeklyReview.objects.select_for_update()
        .filter(user=user, week_start=week_start)
        .first()
    )
    if review is not None and review.updated_at != seen:
        if {name: getattr(review, name) for name in answers} == answers:
            return review  # the same answers, sent twice
        raise SavedElsewhere(review.updated_at)
    fields = {
        "first_prompt_text": prompts[0],
        "second_prompt_text": prompts[1],
        **answers,
    }
    if review is None:
        try:
            with transaction.atomic():
                return WeeklyReview.objects.create(
                    user=user, week_start=week_start, **fields
                )
        except IntegrityError:
            # Another tab created the week's review in the meantime.
            review = WeeklyReview.objects.get(user=user, week_start=week_start)
            if {name: getattr(review, name) for name in answers} == answers:
                return review
            raise SavedElsewhere(review.updated_at) from None
    for name, value in fields.items():
        setattr(review, name, value)
    review.save(update_fields=[*fields, "updated_at"])
    return review


def _check_ratings(user_id: int, ratings: Mapping[Metric, int]) -> None:
    for metric, value in ratings.items():
        if metric.user_id != user_id:
            raise ValueError("A rating must use one of the entry owner's metrics.")
        problem = rating_problem(metric, value)
        if problem:
            raise ValueError(problem)


def _set_ratings(entry: Entry, ratings: Mapping[Metric, int]) -> None:
    _check_ratings(entry.user_id, ratings)
    entry.ratings.filter(metric__in=list(ratings)).delete()
    Rating.objects.bulk_create(
        Rating(entry=entry, metric=metric, value=value)
        for metric, value in ratings.items()
    )


@dataclass
class EntryDraft:
    """An entry to write with others in one go (imports, demo data)."""

    occurred_at: dt.datetime
    note: str = ""
    ratings: Mapping[Metric, int] = field(default_factory=dict)
    tag_names: Sequence[str] = ()
    prompt: Prompt | None = None
    prompt_text: str = ""
    prompt_answer: str = ""


@dataclass
class Written:
    entries: int = 0
    duplicates: int = 0
    new_tags: int = 0


@transaction.atomic
def entries_add_many(
    *, user: User, profile: Profile, drafts: Iterable[EntryDraft]
) -> Written:
    """Write many entries in a few bulk inserts, with what entry_create does
    for one: every rating checked against its metric's scale, tags resolved
    by name (case-insensitive, new ones created), the notes rendered. An entry
    with the same moment and note as one already in the journal (or earlier
    in `drafts`) is a duplicate and skipped. Raises ValueError and writes
    nothing when a rating is invalid."""
    seen = set(Entry.objects.filter(user=user).values_list("occurred_at", "note"))
    written = Written()
    new: list[EntryDraft] = []
    for draft in drafts:
        key = (draft.occurred_at, draft.note)
        if key in seen:
            written.duplicates += 1
            continue
        seen.add(key)
        _check_ratings(user.pk, draft.ratings)
        new.append(draft)
    if not new:
        return written
    tag_count = Tag.objects.filter(user=user).count()
    tags = {
        tag.name.lower(): tag
        for tag in tags_resolve(
            user=user, names=[n for draft in new for n in draft.tag_names]
        )
    }
    written.new_tags = Tag.objects.filter(user=user).count() - tag_count
    # A text written again and again (the demo's few notes, an export's "ok")
    # rendered once: five years of the demo write 2,540 notes and answers in
    # 24 texts.
    render = cache(render_note)
    entries = []
    for draft in new:
        entry = Entry(
            user=user,
            day=profile.local_day(draft.occurred_at),
            occurred_at=draft.occurred_at,
            note=draft.note,
            prompt=draft.prompt,
            prompt_text=draft.prompt_text,
            prompt_answer=draft.prompt_answer,
        )
        entry.render_notes(render)
        entries.append(entry)
    entries = Entry.objects.bulk_create(entries, batch_size=BULK_BATCH)
    Rating.objects.bulk_create(
        (
            Rating(entry=entry, metric=metric, value=value)
            for entry, draft in zip(entries, new, strict=True)
            for metric, value in draft.ratings.items()
        ),
        batch_size=BULK_BATCH,
    )
    links = {
        (entry.pk, tags[name.strip().lower()].pk)
        for entry, draft in zip(entries, new, strict=True)
        for name in draft.tag_names
        if name.strip()
    }
    Entry.tags.through.objects.bulk_create(
        (Entry.tags.through(entry_id=e, tag_id=t) for e, t in sorted(links)),
        batch_size=BULK_BATCH,
    )
    written.entries = len(entries)
    return written


def entry_delete(*, entry: Entry) -> None:
    entry.delete()


# --- Metrics -----------------------------------------------------------------


def metric_create(*, user: User, **fields) -> Metric:
    """Add a metric; ValidationError, and nothing written, if it cannot be."""
    last = user.metrics.aggregate(last=Max("position"))["last"]
    metric = Metric(user=user, position=0 if last is None else last + 1, **fields)
    _metric_save(metric)
    return metric


def _metric_save(metric: Metric) -> None:
    """Validate and write a metric. A name another request has just taken
    (the same form sent twice at once) is refused as the form refuses it,
    next to the name, not with the database's error."""
    try:
        metric.full_clean()
        with transaction.atomic():
            metric.save()
    except (ValidationError, IntegrityError):
        taken = Metric.objects.filter(
            user=metric.user_id, name__iexact=metric.name
        ).exclude(pk=metric.pk)
        if taken.exists():
            raise ValidationError({"name": METRIC_NAME_TAKEN}) from None
        raise


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


@transaction.atomic
def metric_update(
    *, metric: Metric, seen: dt.datetime | None = None, **fields
) -> Metric:
    """Change a metric's name, scale, labels or direction. Ratings outside a
    narrowed scale stay as they are until their entry is edited. `seen` is
    when the metric was last saved as the editor read it: if it was saved
    again since, SavedElsewhere is raised and nothing is written, unless it
    already holds exactly this edit (the same form sent twice)."""
    saved, to_write = as_seen(metric, seen, fields)
    if not to_write:
        return saved
    for name, value in fields.items():
        setattr(metric, name, value)
    _metric_save(metric)
    return metric


def metric_set_hidden(*, metric: Metric, hidden: bool) -> None:
    metric.hidden = hidden
    metric.save(update_fields=["hidden"])


@transaction.atomic
def prompt_save(
    *,
    prompt: Prompt,
    text: str,
    kind: str,
    phases: Iterable[str],
    seen: dt.datetime | None = None,
) -> Prompt:
    """Write a person's own prompt, new (its owner set) or changed. A new
    prompt's form sent again with the same token (a double tap, a resend)
    gets the prompt it added, not a second one. A change's `seen` is when
    the prompt was last saved as the editor read it: if it was saved again
    since, SavedElsewhere is raised and nothing is written, unless it
    already holds exactly this change (the same form sent twice)."""
    fields = {"text": text, "kind": kind, "phases": Prompt.encode_phases(phases)}
    if prompt.pk is not None:
        saved, to_write = as_seen(prompt, seen, fields)
        if not to_write:
            return saved
    for name, value in fields.items():
        setattr(prompt, name, value)
    if prompt.pk is not None:
        prompt.full_clean(exclude=["client_token"])
        prompt.save()
        return prompt

    def write() -> Prompt:
        prompt.save()
        return prompt

    added, _ = once(
        Prompt.objects.filter(owner=prompt.owner_id),
        prompt.client_token,
        write,
        check=lambda: prompt.full_clean(exclude=["client_token"]),
    )
    return added


def prompt_switch(*, user: User, prompt: Prompt, on: bool) -> None:
    """Switch a prompt on or off: a built-in one for this person alone, their
    own one for good. Asking for the state it is in changes nothing, so a
    button tapped twice leaves it as the first tap did."""
    if not prompt.builtin:
        prompt.active = on
        prompt.save(update_fields=["active"])
    elif on:
        PromptSwitchedOff.objects.filter(user=user, prompt=prompt).delete()
    else:
        PromptSwitchedOff.objects.get_or_create(user=user, prompt=prompt)


@transaction.atomic
def metric_delete(*, metric: Metric) -> int:
    """Delete a metric and its ratings; returns how many ratings went."""
    count = metric.ratings.count()
    metric.delete()
    Metric.objects.filter(user=metric.user_id, position__gt=metric.position).update(
        position=F("position") - 1
    )
    return count


def questionnaire_save(
    *,
    user: User,
    profile: Profile,
    instrument: str,
    answers: Sequence[int],
    client_token: uuid.UUID | None = None,
    completed_at: dt.datetime | None = None,
) -> tuple[QuestionnaireResponse, bool]:
    """A completed questionnaire, scored here. Returns (response, created);
    the same form sent twice saves it once."""
    from journal.questionnaires import INSTRUMENTS

    scale = INSTRUMENTS[instrument]
    score = scale.score(answers)  # ValueError on answers the scale has not
    moment = completed_at or timezone.now()
    return once(
        QuestionnaireResponse.objects.filter(user=user),
        client_token,
        lambda: QuestionnaireResponse.objects.create(
            user=user,
            instrument=instrument,
            answers=list(answers),
            score=score,
            completed_at=moment,
            day=profile.local_day(moment),
            client_token=client_token,
        ),
    )
