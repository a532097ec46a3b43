from __future__ import annotations

from django import template

from accounts.weeks import WEEKDAY_NAMES

register = template.Library()


@register.filter
def weekday_list(days: list[int]) -> str:
    """[0, 3] → "Monday and Thursday"."""
    names = [WEEKDAY_NAMES[d] for d in days]
    if len(names) <= 1:
        return "".join(names)
    return ", ".join(names[:-1]) + " and " + names[-1]


@register.filter
def percent(share: float | None) -> str:
    return "—" if share is None else f"{share:.0%}"


@register.filter
def answer(value: str | None) -> str:
    """A guess as the person chose it: "Active", "Placebo", "Can't tell"."""
    from experiments.models import Guess

    return dict(Guess.Answer.choices).get(value or "", "—")


@register.filter
def signed(value: float | None) -> str:
    """+0.4, −0.3 (a true minus sign)."""
    if value is None:
        return "—"
    return f"{value:+.1f}".replace("-", "−")


@register.inclusion_tag("experiments/includes/today.html", takes_context=True)
def experiment_today(context) -> dict:
    """Today's step of a running experiment, for Today: open the envelope,
    take the week's capsule, or guess. Nothing when none runs."""
    from experiments import queries, services

    request = context["request"]
    experiment = queries.running(request.user)
    if experiment is None:
        return {"experiment": None}
    today = request.profile.local_day()
    envelope = services.current_envelope(experiment, today)
    return {
        "experiment": experiment,
        "envelope": envelope,
        "dose_day": today.weekday() in experiment.weekdays
        and experiment.week_of(today) is not None,
        "guessed": envelope is not None and envelope.guesses.filter(day=today).exists(),
    }
