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
