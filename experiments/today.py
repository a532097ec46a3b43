"""Today's card of the experiment under way (templates/experiments/today_card.jinja),
one of the parts of the check-in (journal.checkin): open the envelope, take
the week's capsule, or guess."""

from __future__ import annotations

import datetime as dt

from accounts.models import User
from experiments import queries, services
from experiments.models import Experiment
from journal.checkin import Part
from journal.models import QuestionnaireResponse
from protocols.held import OpenDose

# A questionnaire at an experiment's start (a baseline) and at its end.
AROUND = 7


def today_card(user: User, today: dt.date) -> dict | None:
    """The card's values; None when no experiment runs, and Today shows no
    card. Its first reads come with the check-in's (queries.checkin_reads)."""
    experiment = queries.running(user)
    if experiment is None:
        return None
    candidates = queries.today_envelopes(user, today)
    envelope = services.current_envelope(experiment, today, candidates)
    # An "on" week of open randomized weeks plans its dose on its days, which
    # Today offers as a protocol's planned dose (journal.checkin).
    open_dose = None
    if (
        not experiment.blinded
        and experiment.status == Experiment.Status.RUNNING
        and envelope is not None
        and envelope.active
        and experiment.is_dose_day(today)
    ):
        open_dose = OpenDose(experiment.substance, experiment.amount)
    return {
        "questionnaire": _questionnaire_due(experiment, today),
        "experiment": experiment,
        "envelope": envelope,
        "dose_day": experiment.is_dose_day(today),
        # Read by the check-in (journal.checkin): its weeks' doses are its
        # own, and no protocol's dose is offered or named in them.
        "holds_doses": (experiment.start_date, experiment.end_date),
        "plans_dose": open_dose,
        "guessed": envelope is not None and envelope.guesses.filter(day=today).exists(),
    }


def _questionnaire_due(experiment: Experiment, today: dt.date) -> str:
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


TODAY_CARD = Part(
    reads=queries.checkin_reads,
    card=today_card,
    template="experiments/today_card.jinja",
)
