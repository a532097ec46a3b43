from __future__ import annotations

import datetime as dt

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


@register.simple_tag(takes_context=True)
def experiment_today(context) -> dict | None:
    """Today's step of a running experiment, for its card on Today
    (experiments/includes/today.html): open the envelope, take the week's
    capsule, or guess. None when none runs, and Today includes no card (as
    an inclusion tag it rendered its template for everyone: a seventieth of
    building Today, for the many who run no experiment)."""
    from experiments import queries, services

    request = context["request"]
    experiment = queries.running(request.user)
    if experiment is None:
        return None
    today = request.profile.local_day()
    candidates = queries.today_envelopes(request.user, today)
    envelope = services.current_envelope(experiment, today, candidates)
    return {
        "questionnaire": _questionnaire_due(experiment, today),
        "experiment": experiment,
        "envelope": envelope,
        "dose_day": experiment.is_dose_day(today),
        "guessed": envelope is not None and envelope.guesses.filter(day=today).exists(),
    }


# A questionnaire at an experiment's start (a baseline) and at its end.
AROUND = 7


def _questionnaire_due(experiment, today) -> str:
    from journal.models import QuestionnaireResponse

    start, end = experiment.start_date, experiment.end_date
    if (today - start).days < AROUND:
        since, when = start.toordinal() - AROUND, "a baseline for your experiment"
    elif today > end and (today - end).days < AROUND:
        since, when = end.toordinal() - AROUND, "as your experiment ends"
    else:
        return ""
    taken = QuestionnaireResponse.objects.filter(
        user=experiment.user_id, day__gte=dt.date.fromordinal(since)
    ).exists()
    return "" if taken else when
