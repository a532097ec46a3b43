"""Deterministic demo journal: metrics, tags and a few years of check-ins."""

from __future__ import annotations

import datetime as dt
import random

from django.utils import timezone

from accounts.models import Profile, User
from journal import prompt_library
from journal.builtin_prompts import sync_builtin_prompts
from journal.models import Entry, Metric, Prompt, Tag, WeeklyReview
from journal.services import EntryDraft, entries_add_many, metrics_create_defaults

TAGS = [
    ("walk", 0.35), ("work", 0.55), ("meditation", 0.25), ("friends", 0.2),
    ("exercise", 0.3), ("coffee", 0.5), ("nature", 0.15), ("reading", 0.2),
    ("late night", 0.1), ("family", 0.15), ("creative", 0.12), ("stress", 0.15),
]  # fmt: skip

ANSWERS = [
    "Walking to work I noticed the trees had changed colour.",
    "Mostly calm. A bit restless after lunch.",
    "I want to be more patient with my partner this week.",
    "Nothing special, and that is fine.",
    "More talkative than usual in the meeting.",
    "Slept badly, so hard to tell.",
    "Grateful for the call with my sister.",
    "Tight shoulders, loose jaw after stretching.",
    "I think I expected too much from the dose.",
    "Focus came in waves: good in the morning, gone by four.",
    "Kept the phone away during dinner. Nice.",
    "Less irritated in traffic than usual.",
]

NOTES = [
    "Slept well and woke up before the alarm.",
    "Long day at work, but the evening was calm.",
    "Went for a **walk** by the river; noticed the light on the water.",
    "Felt a bit flat in the afternoon. Early night.",
    "Good conversation with a friend, felt *connected*.",
    "Meditated for 15 minutes before breakfast.",
    "Hard to focus today, too many small tasks.",
    "Cooked something new and enjoyed it.",
    "Restless, did not want to sit still.",
    "Productive morning:\n\n- finished the report\n- cleared the inbox",
    "Noticed more patience with the kids than usual.",
    "Tired after a bad night; skipped the gym.",
    "",
    "",
]


ONE_DAY = dt.timedelta(days=1)


def _clamp(value: float, metric: Metric) -> int:
    return max(metric.scale_min, min(metric.scale_max, round(value)))


def seed_journal(
    *,
    user: User,
    profile: Profile,
    years: int,
    rng: random.Random,
    dose_days: set[dt.date] = frozenset(),
) -> int:
    """Replace the user's journal with `years` of demo check-ins ending today."""
    library = {key for key, *_ in prompt_library.PROMPTS}
    if Prompt.objects.filter(owner=None, key__in=library).count() < len(library):
        # Built-in prompts were deleted (in the admin, or by a test database's
        # flush): put them back as the migrations do, rather than fill a
        # journal without them or fail on its weekly reviews.
        sync_builtin_prompts(Prompt)
    Entry.objects.filter(user=user).delete()
    Tag.objects.filter(user=user).delete()
    WeeklyReview.objects.filter(user=user).delete()
    Prompt.objects.filter(owner=user).delete()
    Metric.objects.filter(user=user).delete()
    metrics = {m.key: m for m in metrics_create_defaults(user=user)}
    tags = Tag.objects.bulk_create(Tag(user=user, name=name) for name, _ in TAGS)

    now = timezone.now()
    today = profile.local_day(now)
    start = today - dt.timedelta(days=365 * years)
    mood_level = 6.0
    drafts: list[EntryDraft] = []
    plans: list[tuple[dict[str, float], list[Tag]]] = []
    day = start
    while day <= today:
        mood_level += rng.gauss(0, 0.35) + (6.2 - mood_level) * 0.1
        if rng.random() < 0.85:
            for slot in range(1 if rng.random() < 0.8 else 2):
                hour = 21 if slot == 0 else 9
                moment = dt.datetime.combine(
                    day, dt.time(hour, rng.randrange(60)), tzinfo=profile.tzinfo
                )
                # A small lift on dose days and the day after, for the charts
                # to find (or, with honest intervals, not quite find).
                lift = (
                    0.6
                    if day in dose_days
                    else 0.3
                    if day - ONE_DAY in dose_days
                    else 0
                )
                mood = mood_level + lift + rng.gauss(0, 1)
                values = {
                    "mood": mood,
                    "anxiety": 10.5 - mood + rng.gauss(0, 1.2),
                    "energy": mood + rng.gauss(0, 1.3),
                    "focus": mood + rng.gauss(-0.3, 1.4),
                    "sleep": 6.5 + rng.gauss(0, 1.6),
                }
                chosen = [
                    tag
                    for tag, (_, p) in zip(tags, TAGS, strict=True)
                    if rng.random() < p
                ]
                note = rng.choice(NOTES)
                if moment > now:
                    continue  # drawn all the same, so earlier days never change
                drafts.append(EntryDraft(occurred_at=moment, note=note))
                plans.append((values, chosen))
        day += dt.timedelta(days=1)

    _answer_prompts(drafts, profile, dose_days, rng)
    for draft, (values, chosen) in zip(drafts, plans, strict=True):
        draft.ratings = {
            metrics[key]: _clamp(value, metrics[key])
            for key, value in values.items()
            if rng.random() < 0.93
        }
        draft.tag_names = [tag.name for tag in chosen]
    written = entries_add_many(user=user, profile=profile, drafts=drafts)
    _weekly_reviews(user, profile, today, rng)
    Prompt.objects.create(
        owner=user,
        text="What did I do today that I would like to do again?",
        phases=Prompt.encode_phases(["off_day", "after_2"]),
        kind=Prompt.Kind.REFLECTION,
    )
    return written.entries


REVIEW_ANSWERS = [
    "Calmer than last week; the walks helped.",
    "Sleep was the weak spot.",
    "Hard to say whether the doses did anything this week.",
    "Keep the phone out of the bedroom.",
    "More patience at work.",
]


def _weekly_reviews(user: User, profile: Profile, today: dt.date, rng: random.Random):
    """Reviews of the last eight finished weeks."""
    questions = list(
        Prompt.objects.filter(owner=None, phases__contains=",weekly_review,")
        .order_by("id")
        .values_list("text", flat=True)
    )
    this_week = today - dt.timedelta(days=(today.weekday() - profile.week_start) % 7)
    WeeklyReview.objects.bulk_create(
        WeeklyReview(
            user=user,
            week_start=this_week - dt.timedelta(weeks=weeks),
            first_prompt_text=questions[(2 * weeks) % len(questions)],
            first_answer=rng.choice(REVIEW_ANSWERS),
            second_prompt_text=questions[(2 * weeks + 1) % len(questions)],
            second_answer=rng.choice(REVIEW_ANSWERS),
        )
        for weeks in range(1, 9)
    )


def _phase(day: dt.date, dose_days: set[dt.date], first_dose: dt.date | None) -> str:
    if first_dose is None or day < first_dose:
        return "baseline"
    if day in dose_days:
        return "dose_day"
    if day - ONE_DAY in dose_days:
        return "after_1"
    if day - 2 * ONE_DAY in dose_days:
        return "after_2"
    return "off_day"


def _answer_prompts(
    drafts: list[EntryDraft],
    profile: Profile,
    dose_days: set[dt.date],
    rng: random.Random,
) -> None:
    """Answer a built-in prompt of the day's phase on about half the entries."""
    by_phase: dict[str, list[Prompt]] = {}
    for prompt in Prompt.objects.filter(owner=None, active=True).order_by("id"):
        for phase in prompt.phase_list:
            by_phase.setdefault(phase, []).append(prompt)
    first_dose = min(dose_days) if dose_days else None
    for draft in drafts:
        if rng.random() < 0.5:
            day = profile.local_day(draft.occurred_at)
            choices = by_phase.get(_phase(day, dose_days, first_dose))
            if choices:
                prompt = rng.choice(choices)
                draft.prompt = prompt
                draft.prompt_text = prompt.text
                draft.prompt_answer = rng.choice(ANSWERS)


def seed_questionnaires(
    *, user: User, profile: Profile, years: int, rng: random.Random
) -> int:
    """WHO-5, PHQ-9 and GAD-7 every two weeks over the demo's years, a calm
    person's answers with some drift (never thoughts of self-harm)."""
    from journal.models import QuestionnaireResponse
    from journal.questionnaires import GAD7, PHQ9, WHO5

    QuestionnaireResponse.objects.filter(user=user).delete()
    today = profile.local_day()
    day = today - dt.timedelta(days=365 * years)
    rows = []
    level = 0.0  # below zero: better weeks
    while day <= today:
        level = 0.7 * level + rng.gauss(0, 0.5)
        moment = timezone.make_aware(
            dt.datetime.combine(day, dt.time(20, 15)), profile.tzinfo
        )
        for scale, centre, spread in ((WHO5, 3, 1), (PHQ9, 1, 1), (GAD7, 1, 1)):
            top = max(v for v, _ in scale.options)
            shift = -level if scale.higher_is_better else level
            answers = [
                min(max(round(centre + shift + rng.gauss(0, 0.6) * spread), 0), top)
                for _ in scale.items
            ]
            if scale.safety_item is not None:
                answers[scale.safety_item] = 0
            rows.append(
                QuestionnaireResponse(
                    user=user,
                    instrument=scale.key,
                    answers=answers,
                    score=scale.score(answers),
                    completed_at=moment,
                    day=day,
                )
            )
        day += dt.timedelta(days=14)
    QuestionnaireResponse.objects.bulk_create(rows)
    return len(rows)
