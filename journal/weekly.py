"""The weekly review: a week's numbers against the week before, its doses
against the plan, its prompt answers, and two questions to answer."""

from __future__ import annotations

import datetime as dt
import hashlib
import math
from dataclasses import dataclass, field

from scipy.special import stdtrit

from accounts.models import Profile, User
from journal.models import Entry, Metric, Prompt, WeeklyReview
from journal.prompt_library import WEEKLY_REVIEW
from journal.prompts import pool
from journal.queries import day_means
from protocols import schedule
from protocols.held import held
from protocols.queries import doses_by_day, protocol_on, protocols_overlapping

WEEK = dt.timedelta(days=7)
# A change is called better or worse only when it is larger than the weeks'
# day-to-day ups and downs make likely by chance: beyond the 95% interval of
# the difference of the two weekly means (Student's t), its standard error
# widened for moods that carry over from day to day, with at least three rated
# days a week. Two weeks are too short to estimate the carry-over, so a high
# one is assumed: simulated weeks with no change are then called better or
# worse 0.2 / 0.7 / 1.8 / 4.5 % of the time at a true lag-1 correlation of
# 0 / 0.3 / 0.5 / 0.7 (tests/journal/test_weekly_review.py checks the last).
CARRY_OVER = 0.6
MIN_DAYS = 3


def week_start_of(day: dt.date, first_weekday: int) -> dt.date:
    return day - dt.timedelta(days=(day.weekday() - first_weekday) % 7)


@dataclass
class MetricWeek:
    metric: Metric
    this_days: list[float] = field(default_factory=list)  # each day's mean
    last_days: list[float] = field(default_factory=list)

    @property
    def this_week(self) -> float | None:
        return _mean(self.this_days)

    @property
    def last_week(self) -> float | None:
        return _mean(self.last_days)

    @property
    def change(self) -> float | None:
        if self.this_week is None or self.last_week is None:
            return None
        return self.this_week - self.last_week

    @property
    def clear(self) -> bool:
        """Whether the change is larger than the ups and downs explain."""
        a, b = self.this_days, self.last_days
        if len(a) < MIN_DAYS or len(b) < MIN_DAYS or not self.change:
            return False
        df = len(a) + len(b) - 2
        residuals = [v - _mean(a) for v in a] + [v - _mean(b) for v in b]
        sd = math.sqrt(math.fsum(r * r for r in residuals) / df)
        carry = math.sqrt((1 + CARRY_OVER) / (1 - CARRY_OVER))
        error = sd * math.sqrt(1 / len(a) + 1 / len(b)) * carry
        return abs(self.change) > float(stdtrit(df, 0.975)) * error

    @property
    def better(self) -> bool | None:
        """Whether a clear change is for the better, given the metric's
        direction; None when the change is not clear."""
        if not self.clear:
            return None
        return (self.change < 0) if self.metric.lower_is_better else (self.change > 0)


@dataclass
class WeekSummary:
    start: dt.date
    metrics: list[MetricWeek]
    taken: int
    skipped: int
    planned: int  # planned days up to today
    planned_taken: int
    planned_ahead: int  # planned days still to come this week
    answers: list[Entry]
    # A blinded experiment's capsule days up to today, those with a capsule
    # taken, and those still to come this week (protocols.held).
    capsule_days: int = 0
    capsules_taken: int = 0
    capsules_ahead: int = 0


def _mean(values: list[float]) -> float | None:
    return sum(values) / len(values) if values else None


def summarise(user: User, start: dt.date, today: dt.date) -> WeekSummary:
    days = [start - WEEK + dt.timedelta(days=i) for i in range(14)]
    means = day_means(user, days)
    this_week, last_week = set(days[7:]), set(days[:7])
    metrics = []
    for metric in Metric.objects.filter(user=user, hidden=False):
        values = {day: m[metric.pk] for day, m in means.items() if metric.pk in m}
        metrics.append(
            MetricWeek(
                metric=metric,
                this_days=[v for d, v in sorted(values.items()) if d in this_week],
                last_days=[v for d, v in sorted(values.items()) if d in last_week],
            )
        )

    end = start + WEEK - dt.timedelta(days=1)
    doses = doses_by_day(user, start, end)
    protocols = protocols_overlapping(user, start, end)
    # An experiment's weeks plan its capsules, not the protocol's doses; an
    # open experiment's "on" week its own dose, counted as a planned one.
    kept = held(user, start, end)
    planned_days = set(kept.doses)
    for day in schedule.days_between(start, end):
        protocol = protocol_on(protocols, day)
        if (
            protocol
            and day not in kept.days
            and schedule.is_planned(protocol.plan, day)
        ):
            planned_days.add(day)
    taken_days = {d for d, ds in doses.items() if any(not x.skipped for x in ds)}
    capsule_days = {
        d for d, ds in doses.items() if any(x.blinded and not x.skipped for x in ds)
    }
    # A planned day still to come is not a dose missed.
    ahead = {day for day in planned_days if day > today}
    planned_days -= ahead
    capsules_ahead = {day for day in kept.capsules if day > today}
    return WeekSummary(
        start=start,
        metrics=metrics,
        taken=sum(1 for ds in doses.values() for d in ds if not d.skipped),
        skipped=sum(1 for ds in doses.values() for d in ds if d.skipped),
        planned=len(planned_days),
        planned_taken=len(planned_days & taken_days),
        planned_ahead=len(ahead),
        capsule_days=len(kept.capsules) - len(capsules_ahead),
        capsules_taken=len((kept.capsules - capsules_ahead) & capsule_days),
        capsules_ahead=len(capsules_ahead),
        answers=list(
            Entry.objects.filter(user=user, day__range=(start, end))
            .exclude(prompt_answer="")
            .order_by("occurred_at")
        ),
    )


def review_prompts(
    user: User, start: dt.date, review: WeeklyReview | None
) -> list[str]:
    """Two weekly-review prompts for the week, the same each time it is
    opened: those the week's saved `review` was answered to, if any."""
    if review is not None:
        return [review.first_prompt_text, review.second_prompt_text]
    ids = pool(user, WEEKLY_REVIEW)
    if len(ids) < 2:
        ids = list(
            Prompt.objects.filter(owner=None, phases__contains=f",{WEEKLY_REVIEW},")
            .order_by("id")
            .values_list("id", flat=True)
        )
    digest = hashlib.sha256(f"{user.pk}:week:{start.isoformat()}".encode()).digest()
    first = digest[0] % len(ids)
    second = (first + 1 + digest[1] % (len(ids) - 1)) % len(ids)
    texts = dict(
        Prompt.objects.filter(pk__in=[ids[first], ids[second]]).values_list(
            "pk", "text"
        )
    )
    return [texts[ids[first]], texts[ids[second]]]


def current_week_start(profile: Profile) -> dt.date:
    return week_start_of(profile.local_day(), profile.week_start)
