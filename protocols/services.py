"""Writes to protocols, doses and the calendar feed, one user at a time."""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Q

from accounts.edits import as_seen
from accounts.models import Profile, User
from accounts.sends import once
from accounts.services import profile_for
from protocols import queries, safety, schedule
from protocols.held import OpenDose
from protocols.models import (
    SUBSTANCE_NAME_TAKEN,
    CalendarFeed,
    DoseEffect,
    DoseLog,
    Protocol,
    SafetyScreen,
    Substance,
    new_feed_token,
)

DEFAULT_SUBSTANCES = [
    ("Psilocybin mushrooms (dried)", Substance.Kind.PSILOCYBIN, "mg"),
    ("Psilocybin", Substance.Kind.PSILOCYBIN, "mg"),
    ("LSD", Substance.Kind.LSD, "µg"),
    ("Other", Substance.Kind.OTHER, "mg"),
]


def substance_create(*, user: User, name: str, kind: str, unit: str) -> Substance:
    """Add a substance; ValidationError, and nothing written, if it cannot be.
    A name another request has just taken (the same form sent twice at once)
    is refused as the form refuses it, next to the name, not with the
    database's error."""
    substance = Substance(user=user, name=name, kind=kind, unit=unit)
    try:
        substance.full_clean()
        with transaction.atomic():
            substance.save()
    except (ValidationError, IntegrityError):
        if Substance.objects.filter(user=user, name__iexact=name).exists():
            raise ValidationError({"name": SUBSTANCE_NAME_TAKEN}) from None
        raise
    return substance


def substance_delete(*, substance: Substance) -> None:
    """Delete a substance no protocol, dose or experiment uses; Django's
    ProtectedError or RestrictedError when one does, and nothing deleted."""
    substance.delete()


def substances_create_defaults(*, user: User) -> list[Substance]:
    existing = {name.lower() for name in user.substances.values_list("name", flat=True)}
    return Substance.objects.bulk_create(
        Substance(user=user, name=name, kind=kind, unit=unit)
        for name, kind, unit in DEFAULT_SUBSTANCES
        if name.lower() not in existing
    )


def safety_screen_save(*, user: User, answers: dict[str, bool]) -> SafetyScreen:
    screen, _ = SafetyScreen.objects.update_or_create(
        user=user, defaults={"answers": answers}
    )
    return screen


@transaction.atomic
def protocol_create(
    *,
    user: User,
    client_token: uuid.UUID | None = None,
    today: dt.date | None = None,
    **fields,
) -> Protocol:
    """Start a protocol; the one running before it ends and stays as history.
    A form sent again with the same token gets the protocol it started
    (accounts.sends). Refused (ValidationError, by field) when the active
    protocol has not begun by `today` (the person's) and would begin on or
    after the new one's first day: ended then, it would keep a single
    planned day of a protocol that never ran."""
    protocol = Protocol(user=user, active=True, client_token=client_token, **fields)
    today = today or profile_for(user).local_day()

    def check() -> None:
        # Ended first: a person has one active protocol at a time.
        running = Protocol.objects.select_for_update().filter(user=user, active=True)
        for previous in running:
            if (
                today < previous.start_date
                and fields["start_date"] <= previous.start_date
            ):
                raise ValidationError(
                    {
                        "start_date": f"{previous.name} is to begin on "
                        f"{previous.start_date:%-d %B %Y} and has not begun: choose "
                        "a later first day, or take it back first (the protocol "
                        'page\'s "Do not begin it").'
                    }
                )
            protocol.follows, protocol.follows_last_day = previous, previous.end_date
            _end(previous, fields["start_date"] - dt.timedelta(days=1))
        protocol.full_clean(exclude=["client_token"])

    def write() -> Protocol:
        protocol.save()
        return protocol

    started, _ = once(
        Protocol.objects.filter(user=user), client_token, write, check=check
    )
    return started


def _end(protocol: Protocol, last_day: dt.date) -> None:
    protocol.active = False
    if protocol.end_date is None or protocol.end_date > last_day:
        protocol.end_date = max(last_day, protocol.start_date)
    protocol.save(update_fields=["active", "end_date", "updated_at"])


@transaction.atomic
def protocol_update(
    *, protocol: Protocol, seen: dt.datetime | None = None, **fields
) -> Protocol:
    """Write a protocol's edit. `seen` is when the protocol was last saved as
    the editor read it: if it was saved again since (edited or ended
    elsewhere), SavedElsewhere is raised and nothing is written, unless the
    protocol already holds exactly this edit (the same form sent twice)."""
    saved, to_write = as_seen(protocol, seen, fields)
    if not to_write:
        return saved
    for name, value in fields.items():
        setattr(saved, name, value)
    saved.full_clean()
    saved.save()
    return saved


def protocol_end(*, protocol: Protocol, today: dt.date) -> None:
    _end(protocol, today)


def protocol_keep_as_history(*, protocol: Protocol, today: dt.date) -> None:
    """End a protocol kept as history (`_end`, as any protocol ends): its last
    day the day before the next of the person's protocols begins, or today,
    or the one it has if earlier. With none, an ended protocol's plan would
    run on in the dosing calendar and on Today. (Migration 0009 gave the rows
    there were theirs by the same rule.)"""
    later = (
        Protocol.objects.filter(
            user=protocol.user_id, start_date__gt=protocol.start_date
        )
        .order_by("start_date")
        .values_list("start_date", flat=True)
        .first()
    )
    _end(protocol, min(later - dt.timedelta(days=1), today) if later else today)


@transaction.atomic
def protocol_cancel(*, protocol: Protocol) -> Protocol | None:
    """Take back a protocol saved to begin later: it goes, and the protocol
    it ended runs on, active again with the last day it had before (unless it
    was given another since), as before it was saved; that one is returned,
    or None. Refused (ValidationError) once a dose is logged under it: ended
    instead, it would leave a planned day of its own, and deleted, those
    doses would lose it."""
    if DoseLog.objects.filter(protocol=protocol).exists():
        raise ValidationError(
            "Doses are logged under this protocol: change its dates with Edit, "
            "or move those doses to another protocol first."
        )
    cut = protocol.start_date - dt.timedelta(days=1)
    ended = Protocol.objects.select_for_update().filter(
        user=protocol.user_id, active=False
    )
    if protocol.follows_id is not None:
        ended = ended.filter(pk=protocol.follows_id).first()
        last_day = protocol.follows_last_day
    else:
        # Saved before protocols kept whom they follow: the one that ends the
        # day before this one begins, which had no last day of its own.
        ended = ended.filter(end_date=cut).order_by("-start_date", "-id").first()
        last_day = None
    protocol.delete()
    if ended is not None:
        ended.active = True
        if ended.end_date == cut:  # as this one ended it, not edited since
            ended.end_date = last_day
        ended.save(update_fields=["active", "end_date", "updated_at"])
    return ended


# --- Doses -------------------------------------------------------------------


def _recent_doses(user: User, day: dt.date, exclude: int | None = None):
    window = dt.timedelta(days=safety.CROSS_TOLERANCE_DAYS)
    doses = DoseLog.objects.filter(
        user=user, skipped=False, day__range=(day - window, day + window)
    ).select_related("substance")
    if exclude is not None:
        doses = doses.exclude(pk=exclude)
    return [safety.RecentDose(day=d.day, kind=d.substance.kind) for d in doses]


def dose_warnings_for(dose: DoseLog) -> list[str]:
    if dose.skipped:
        return []
    protocol = dose.protocol or queries.protocol_in_effect(dose.user, dose.day)
    plan = None
    if protocol is not None:
        around = schedule.planned_days(
            protocol.plan,
            dose.day - dt.timedelta(days=1),
            dose.day + dt.timedelta(days=1),
        )
        plan = safety.Plan(
            days=frozenset(around),
            amount=protocol.amount,
            substance_id=protocol.substance_id,
            unit=protocol.unit,
        )
    return safety.dose_warnings(
        day=dose.day,
        kind=dose.substance.kind,
        amount=dose.amount,
        substance_id=dose.substance_id,
        unit=dose.unit,
        plan=plan,
        recent=_recent_doses(dose.user, dose.day, exclude=dose.pk),
    )


@transaction.atomic
def dose_log(
    *,
    user: User,
    profile: Profile,
    taken_at: dt.datetime,
    substance: Substance,
    amount: Decimal | None,
    protocol: Protocol | None = None,
    notes: str = "",
    skipped: bool = False,
    client_token: uuid.UUID | None = None,
) -> tuple[DoseLog, bool]:
    """Record a dose (or a skipped planned one). Returns (dose, created)."""
    if substance.user_id != user.pk or (protocol and protocol.user_id != user.pk):
        raise ValueError("Doses use the user's own substances and protocols.")
    if not skipped and amount is None:
        raise ValueError("A dose taken needs an amount.")
    dose = DoseLog(
        user=user,
        taken_at=taken_at,
        day=profile.local_day(taken_at),
        substance=substance,
        amount=None if skipped else amount,
        unit=_unit(substance, protocol),
        protocol=protocol,
        notes=notes,
        skipped=skipped,
        client_token=client_token,
    )

    def write() -> DoseLog:
        dose.save()
        return dose

    return once(
        DoseLog.objects.filter(user=user),
        client_token,
        write,
        check=lambda: dose.full_clean(exclude=["client_token"]),
    )


def dose_log_planned(
    *,
    user: User,
    profile: Profile,
    taken_at: dt.datetime,
    skipped: bool,
    protocol: Protocol | None = None,
    open_dose: OpenDose | None = None,
) -> tuple[DoseLog, bool]:
    """One tap on Today: the planned dose taken (or skipped) as planned, the
    protocol's or, without one, an experiment's open dose (an "on" week of
    open randomized weeks).

    A day holds one planned record per protocol (or one open record of the
    open dose's substance), so a double tap logs once.
    """
    if protocol is not None:
        substance, amount = protocol.substance, protocol.amount
        same = Q(protocol=protocol)
    elif open_dose is not None:
        substance, amount = open_dose.substance, open_dose.amount
        same = Q(protocol=None, substance=substance, blinded=False)
    else:
        raise ValueError("A planned dose needs a protocol or an open dose.")
    day = profile.local_day(taken_at)
    existing = DoseLog.objects.filter(same, user=user, day=day).first()
    if existing:
        return existing, False
    return dose_log(
        user=user,
        profile=profile,
        taken_at=taken_at,
        substance=substance,
        amount=amount,
        protocol=protocol,
        skipped=skipped,
    )


def dose_log_blinded(
    *, user: User, profile: Profile, taken_at: dt.datetime, substance: Substance
) -> tuple[DoseLog, bool]:
    """A capsule of a blinded experiment: taken, content unknown (no amount)."""
    if substance.user_id != user.pk:
        raise ValueError("Doses use the user's own substances.")
    dose = DoseLog(
        user=user,
        taken_at=taken_at,
        day=profile.local_day(taken_at),
        substance=substance,
        amount=None,
        unit=substance.unit,
        blinded=True,
    )
    dose.full_clean(exclude=["client_token"])
    dose.save()
    return dose, True


@dataclass(frozen=True)
class DoseDraft:
    """A dose to write with others in one go (imports)."""

    taken_at: dt.datetime
    substance: Substance
    amount: Decimal | None
    unit: str
    protocol: Protocol | None = None
    skipped: bool = False
    notes: str = ""
    blinded: bool = False  # an experiment capsule: no amount
    felt: int | None = None
    effects: tuple[tuple[str, int], ...] = ()  # (name, intensity 1–3)


class DoseProblem(ValueError):
    """A draft that cannot be written; `index` is its place in the drafts."""

    def __init__(self, index: int, message: str):
        super().__init__(message)
        self.index = index


@transaction.atomic
def doses_add_many(
    *, user: User, profile: Profile, drafts: Sequence[DoseDraft]
) -> tuple[int, int]:
    """Write many doses at once, checked as dose_log checks one: the user's
    own substances and protocols, every field valid. A dose with the same
    moment, substance and skipped mark as one already logged (or earlier in
    `drafts`) is a duplicate and skipped. Returns (written, duplicates);
    raises DoseProblem and writes nothing when a draft is invalid."""
    seen = set(
        DoseLog.objects.filter(user=user).values_list(
            "taken_at", "substance_id", "skipped"
        )
    )
    new, kept, duplicates = [], [], 0
    for index, draft in enumerate(drafts):
        key = (draft.taken_at, draft.substance.pk, draft.skipped)
        if key in seen:
            duplicates += 1
            continue
        seen.add(key)
        if draft.substance.user_id != user.pk or (
            draft.protocol and draft.protocol.user_id != user.pk
        ):
            raise DoseProblem(index, "Doses use your own substances and protocols.")
        if draft.blinded and draft.amount is not None:
            raise DoseProblem(index, "amount: an experiment capsule has none.")
        if not draft.skipped and not draft.blinded and draft.amount is None:
            # The database's check lets a missing amount through (NULL).
            raise DoseProblem(index, "amount: a dose taken needs an amount.")
        dose = DoseLog(
            user=user,
            taken_at=draft.taken_at,
            day=profile.local_day(draft.taken_at),
            substance=draft.substance,
            amount=draft.amount,
            unit=draft.unit,
            protocol=draft.protocol,
            skipped=draft.skipped,
            blinded=draft.blinded,
            felt=draft.felt,
            notes=draft.notes,
        )
        for name, intensity in draft.effects:
            if not name.strip() or len(name) > 40 or intensity not in (1, 2, 3):
                raise DoseProblem(index, f"effects: {name!r} needs an intensity 1–3.")
        try:
            dose.full_clean(exclude=["client_token"])
        except ValidationError as error:
            raise DoseProblem(
                index,
                "; ".join(
                    f"{name}: {' '.join(messages)}"
                    for name, messages in error.message_dict.items()
                ),
            ) from None
        new.append(dose)
        kept.append(draft)
    DoseLog.objects.bulk_create(new, batch_size=1000)
    # bulk_create sets the ids on PostgreSQL and on SQLite 3.35+.
    DoseEffect.objects.bulk_create(
        DoseEffect(dose=dose, name=name, intensity=intensity)
        for dose, draft in zip(new, kept, strict=True)
        for name, intensity in dict(
            (n.casefold(), (n, i)) for n, i in draft.effects
        ).values()
    )
    return len(new), duplicates


@transaction.atomic
def dose_update(
    *, dose: DoseLog, profile: Profile, seen: dt.datetime | None = None, **fields
) -> DoseLog:
    """Write a dose's edit. A dose whose moment is kept keeps its day, even if
    the person's time zone or day-start hour has changed since it was logged;
    a moved one goes to its new moment's day. `seen` is when the dose was last
    saved as the editor read it: if it was saved again since, SavedElsewhere
    is raised and nothing is written, unless the dose already holds exactly
    this edit (the same form sent twice)."""
    saved, to_write = as_seen(dose, seen, fields)
    if not to_write:
        return saved
    moved = fields.get("taken_at", dose.taken_at) != dose.taken_at
    for name, value in fields.items():
        setattr(dose, name, value)
    if moved:
        dose.day = profile.local_day(dose.taken_at)
    dose.unit = _unit(dose.substance, dose.protocol)
    if dose.skipped:
        dose.amount = None
    dose.full_clean(exclude=["client_token"])
    dose.save()
    return dose


def _unit(substance: Substance, protocol: Protocol | None) -> str:
    """A dose of the protocol's substance is measured in the protocol's unit;
    anything else in its substance's own unit."""
    if protocol is not None and protocol.substance_id == substance.pk:
        return protocol.unit
    return substance.unit


def dose_delete(*, dose: DoseLog) -> None:
    dose.delete()


# --- Calendar feed -----------------------------------------------------------


def feed_for(user: User) -> CalendarFeed:
    feed, _ = CalendarFeed.objects.get_or_create(user=user)
    return feed


def feed_regenerate(*, user: User) -> CalendarFeed:
    feed = feed_for(user)
    feed.token = new_feed_token()
    feed.save(update_fields=["token"])
    return feed


def feed_set_details(*, user: User, show_details: bool) -> CalendarFeed:
    feed = feed_for(user)
    feed.show_details = show_details
    feed.save(update_fields=["show_details"])
    return feed


def feed_set_alarm(*, user: User, alarm_time: dt.time | None) -> CalendarFeed:
    feed = feed_for(user)
    feed.alarm_time = alarm_time and alarm_time.replace(second=0, microsecond=0)
    feed.save(update_fields=["alarm_time"])
    return feed


def dose_effects_set(
    *, dose: DoseLog, felt: int | None, effects: Mapping[str, int]
) -> None:
    """How a dose felt, and the effects noticed with their intensity (1–3),
    replacing what was recorded before, in one go."""
    if felt is not None and not 0 <= felt <= 3:
        raise ValueError("felt is 0 to 3")
    cleaned = {}
    for name, intensity in effects.items():
        name = " ".join(name.split())
        if not name or len(name) > 40 or intensity not in (1, 2, 3):
            raise ValueError(f"effect {name!r}: a name and an intensity of 1 to 3")
        cleaned.setdefault(name.casefold(), (name, intensity))
    with transaction.atomic():
        dose.felt = felt
        dose.save(update_fields=["felt"])
        dose.effects.all().delete()
        DoseEffect.objects.bulk_create(
            DoseEffect(dose=dose, name=name, intensity=intensity)
            for name, intensity in cleaned.values()
        )
