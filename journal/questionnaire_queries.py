"""Which questionnaires are due, and each one's history."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db.models import Max, QuerySet

from accounts.models import User
from config.prepared import Read, prepared
from journal.models import QuestionnaireResponse
from journal.questionnaires import INSTRUMENTS, RECALL_DAYS, Instrument, change_words
from protocols.models import Protocol

# A protocol's start or end asks for a questionnaire within this many days.
AROUND = dt.timedelta(days=7)


@dataclass(frozen=True)
class Due:
    instrument: Instrument
    reason: str


@prepared
def _latest_responses(user_id: int) -> QuerySet:
    """Each instrument's latest day."""
    return (
        QuestionnaireResponse.objects.filter(user=user_id)
        .values("instrument")
        .annotate(last=Max("day"))
        .values_list("instrument", "last")
    )


def due_read(user: User) -> Read | None:
    """due()'s read, for config.prepared.ahead()."""
    return _latest_responses.read(user.pk)


def due(user: User, today: dt.date, protocol: Protocol | None) -> list[Due]:
    """Due every two weeks (the window they ask about), and as a baseline at
    a protocol's start and again at its end."""
    latest = dict(_latest_responses(user.pk))
    result = []
    started = protocol.start_date if protocol else None
    ended = protocol.end_date if protocol else None
    for key, instrument in INSTRUMENTS.items():
        last = latest.get(key)
        starting = started and started <= today < started + AROUND
        if starting and (last is None or last < started - AROUND):
            result.append(Due(instrument, "a baseline as your protocol starts"))
        elif (
            ended and ended <= today < ended + AROUND and (last is None or last < ended)
        ):
            result.append(Due(instrument, "as your protocol ends"))
        elif last is None:
            result.append(Due(instrument, "not taken yet"))
        elif (today - last).days >= RECALL_DAYS:
            result.append(Due(instrument, f"last taken {(today - last).days} days ago"))
    return result


@dataclass(frozen=True)
class Scored:
    response: QuestionnaireResponse
    band: str
    change: str | None  # against the one before, in words


def history(user: User, instrument: Instrument, limit: int = 26) -> list[Scored]:
    """The latest responses, newest first, each judged against the one before."""
    responses = list(
        QuestionnaireResponse.objects.filter(user=user, instrument=instrument.key)[
            : limit + 1
        ]
    )
    scored = []
    for index, response in enumerate(responses[:limit]):
        before = responses[index + 1] if index + 1 < len(responses) else None
        scored.append(
            Scored(
                response,
                instrument.band(response.score),
                change_words(instrument, before.score, response.score)
                if before
                else None,
            )
        )
    return scored
