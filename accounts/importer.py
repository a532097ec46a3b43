"""Reading a Titrate export back in: all or nothing, and never twice.

`import_document` checks the whole document while it writes, inside one
transaction: any problem raises ImportProblem naming where it is, and nothing
stays written. Rows already in the account (the same entry, dose, protocol,
review, prompt) are recognised and skipped, so importing a file twice adds
nothing the second time.
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.db import transaction

from accounts.changes import bump
from accounts.export import FORMAT, SCHEMA_VERSION
from accounts.models import User
from accounts.services import profile_for
from journal.models import (
    NOTE_MAX_BYTES,
    Entry,
    Metric,
    Prompt,
    PromptSwitchedOff,
    Rating,
    Tag,
    WeeklyReview,
)
from protocols.models import DoseLog, Protocol, SafetyScreen, Substance

MAX_BYTES = 20 * 1024 * 1024


class ImportProblem(Exception):
    """A bad file: the message names the place and the problem."""


@dataclass
class ImportReport:
    added: dict[str, int] = field(default_factory=dict)
    skipped: dict[str, int] = field(default_factory=dict)

    def add(self, kind: str) -> None:
        self.added[kind] = self.added.get(kind, 0) + 1

    def skip(self, kind: str) -> None:
        self.skipped[kind] = self.skipped.get(kind, 0) + 1

    def summary(self) -> str:
        added = ", ".join(f"{n} {kind}" for kind, n in self.added.items() if n)
        skipped = sum(self.skipped.values())
        text = f"Added {added}." if added else "Nothing new to add."
        if skipped:
            plural = "s were" if skipped != 1 else " was"
            text += f" {skipped} item{plural} already here and skipped."
        return text


def parse(raw: bytes) -> dict:
    if len(raw) > MAX_BYTES:
        raise ImportProblem(f"The file is larger than {MAX_BYTES // (1024 * 1024)} MB.")
    try:
        document = json.loads(raw.decode("utf-8-sig"))
    except UnicodeDecodeError:
        raise ImportProblem("The file is not UTF-8 text.") from None
    except json.JSONDecodeError as error:
        raise ImportProblem(
            f"Line {error.lineno}: not valid JSON ({error.msg})."
        ) from None
    if not isinstance(document, dict) or document.get("format") != FORMAT:
        raise ImportProblem(
            'This is not a Titrate export (no "format": "titrate-export").'
        )
    if document.get("schema_version") != SCHEMA_VERSION:
        raise ImportProblem(
            f"Schema version {document.get('schema_version')!r} is not one this "
            f"version of Titrate reads ({SCHEMA_VERSION})."
        )
    return document


# --- Small typed readers that say where a value is wrong --------------------


def _get(row: dict, key: str, where: str, kind: type, *, optional: bool = False):
    if not isinstance(row, dict):
        raise ImportProblem(f"{where}: expected an object.")
    value = row.get(key)
    if value is None and optional:
        return None
    # bool is a kind of int in Python, but true is not a number of weeks.
    wrong_bool = isinstance(value, bool) and kind is not bool
    if wrong_bool or not isinstance(value, kind):
        raise ImportProblem(f"{where}.{key}: missing or not a {kind.__name__}.")
    return value


def _date(row, key, where, optional=False) -> dt.date | None:
    value = _get(row, key, where, str, optional=optional)
    if value is None:
        return None
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise ImportProblem(f"{where}.{key}: {value!r} is not a date.") from None


def _moment(row, key, where) -> dt.datetime:
    value = _get(row, key, where, str)
    try:
        moment = dt.datetime.fromisoformat(value)
    except ValueError:
        raise ImportProblem(
            f"{where}.{key}: {value!r} is not a date and time."
        ) from None
    if moment.tzinfo is None:
        raise ImportProblem(f"{where}.{key}: {value!r} has no time zone offset.")
    return moment


def _amount(row, key, where) -> Decimal | None:
    value = _get(row, key, where, str, optional=True)
    if value is None:
        return None
    try:
        return Decimal(value)
    except InvalidOperation:
        raise ImportProblem(f"{where}.{key}: {value!r} is not a number.") from None


def _list(document, key) -> list:
    value = document.get(key, [])
    if not isinstance(value, list):
        raise ImportProblem(f"{key}: expected a list.")
    return value


def _save(instance, where: str) -> None:
    try:
        instance.full_clean()
    except ValidationError as error:
        problems = "; ".join(
            f"{name}: {' '.join(messages)}"
            for name, messages in error.message_dict.items()
        )
        raise ImportProblem(f"{where}: {problems}") from None
    instance.save()


# --- The import -------------------------------------------------------------


@transaction.atomic
def import_document(user: User, document: dict) -> ImportReport:
    report = ImportReport()
    profile = profile_for(user)
    if isinstance(document.get("profile"), dict):
        where = "profile"
        profile.timezone = _get(document["profile"], "timezone", where, str)
        profile.day_start_hour = _get(document["profile"], "day_start_hour", where, int)
        profile.week_start = _get(document["profile"], "week_start", where, int)
        _save(profile, where)

    metrics = _import_metrics(user, document, report)
    substances = _import_substances(user, document, report)
    protocols = _import_protocols(user, document, substances, report)
    _import_prompts(user, document, report)
    _import_entries(user, document, metrics, report)
    _import_doses(user, profile, document, substances, protocols, report)
    _import_reviews(user, document, report)
    screen = document.get("safety_screen")
    if isinstance(screen, dict) and not SafetyScreen.objects.filter(user=user).exists():
        SafetyScreen.objects.create(user=user, answers=screen)
        report.add("safety answers")
    bump(user.pk)  # also run by a command, outside any request
    return report


def _import_metrics(user, document, report) -> dict[str, Metric]:
    existing = {m.name.lower(): m for m in Metric.objects.filter(user=user)}
    for index, row in enumerate(_list(document, "metrics")):
        where = f"metrics[{index}]"
        name = _get(row, "name", where, str).strip()
        metric = existing.get(name.lower())
        created = metric is None
        metric = metric or Metric(user=user, name=name)
        for key, kinds in (
            ("scale_min", int), ("scale_max", int), ("low_label", str),
            ("high_label", str), ("lower_is_better", bool), ("position", int),
            ("hidden", bool), ("key", str),
        ):  # fmt: skip
            setattr(metric, key, _get(row, key, where, kinds))
        if (
            metric.key
            and Metric.objects.filter(user=user, key=metric.key)
            .exclude(pk=metric.pk)
            .exists()
        ):
            metric.key = ""  # the account already has that built-in under another name
        _save(metric, where)
        existing[name.lower()] = metric
        report.add("metrics") if created else report.skip("metrics")
    return existing


def _import_substances(user, document, report) -> dict[str, Substance]:
    existing = {s.name.lower(): s for s in Substance.objects.filter(user=user)}
    for index, row in enumerate(_list(document, "substances")):
        where = f"substances[{index}]"
        name = _get(row, "name", where, str).strip()
        if name.lower() in existing:
            report.skip("substances")
            continue
        substance = Substance(
            user=user,
            name=name,
            kind=_get(row, "kind", where, str),
            unit=_get(row, "unit", where, str),
        )
        _save(substance, where)
        existing[name.lower()] = substance
        report.add("substances")
    return existing


def _substance(substances, name, where) -> Substance:
    found = substances.get(str(name).lower())
    if found is None:
        raise ImportProblem(f"{where}.substance: {name!r} is not among the substances.")
    return found


def _import_protocols(user, document, substances, report) -> dict[int, Protocol]:
    by_ref = {}
    has_active = Protocol.objects.filter(user=user, active=True).exists()
    for index, row in enumerate(_list(document, "protocols")):
        where = f"protocols[{index}]"
        ref = _get(row, "ref", where, int)
        fields = {
            "name": _get(row, "name", where, str),
            "substance": _substance(
                substances, _get(row, "substance", where, str), where
            ),
            "amount": _amount(row, "amount", where),
            "unit": _get(row, "unit", where, str),
            "kind": _get(row, "kind", where, str),
            "weekdays": _get(row, "weekdays", where, str),
            "pattern": _get(row, "pattern", where, str),
            "start_date": _date(row, "start_date", where),
            "end_date": _date(row, "end_date", where, optional=True),
            "on_weeks": _get(row, "on_weeks", where, int, optional=True),
            "break_weeks": _get(row, "break_weeks", where, int),
            "notes": _get(row, "notes", where, str),
        }
        same = Protocol.objects.filter(
            user=user,
            name=fields["name"],
            start_date=fields["start_date"],
            kind=fields["kind"],
        ).first()
        if same:
            by_ref[ref] = same
            report.skip("protocols")
            continue
        active = _get(row, "active", where, bool) and not has_active
        protocol = Protocol(user=user, active=active, **fields)
        try:
            protocol.plan  # noqa: B018 - checks weekdays, pattern and dates
        except ValueError as error:
            raise ImportProblem(f"{where}: {error}") from None
        _save(protocol, where)
        has_active = has_active or active
        by_ref[ref] = protocol
        report.add("protocols")
    return by_ref


def _import_prompts(user, document, report) -> None:
    own = set(Prompt.objects.filter(owner=user).values_list("text", flat=True))
    for index, row in enumerate(_list(document, "own_prompts")):
        where = f"own_prompts[{index}]"
        text = _get(row, "text", where, str)
        if text in own:
            report.skip("prompts")
            continue
        phases = _get(row, "phases", where, list)
        if not phases or set(phases) - set(Prompt.Phase.values):
            raise ImportProblem(f"{where}.phases: unknown phases {phases!r}.")
        prompt = Prompt(
            owner=user,
            text=text,
            phases=Prompt.encode_phases(phases),
            kind=_get(row, "kind", where, str),
            active=_get(row, "active", where, bool),
        )
        _save(prompt, where)
        own.add(text)
        report.add("prompts")
    keys = _list(document, "builtin_prompts_switched_off")
    for prompt in Prompt.objects.filter(
        owner=None, key__in=[k for k in keys if isinstance(k, str)]
    ):
        PromptSwitchedOff.objects.get_or_create(user=user, prompt=prompt)


def _import_entries(user, document, metrics, report) -> None:
    tags = {t.name.lower(): t for t in Tag.objects.filter(user=user)}
    builtins = dict(Prompt.objects.filter(owner=None).values_list("key", "id"))
    seen = set(Entry.objects.filter(user=user).values_list("occurred_at", "note"))
    for index, row in enumerate(_list(document, "entries")):
        where = f"entries[{index}]"
        occurred_at = _moment(row, "occurred_at", where)
        note = _get(row, "note", where, str)
        if len(note.encode()) > NOTE_MAX_BYTES:
            raise ImportProblem(
                f"{where}.note: longer than {NOTE_MAX_BYTES // 1000} KB."
            )
        if (occurred_at, note) in seen:
            report.skip("entries")
            continue
        entry = Entry(
            user=user,
            occurred_at=occurred_at,
            day=_date(row, "day", where),
            note=note,
            prompt_id=builtins.get(_get(row, "prompt_key", where, str, optional=True)),
            prompt_text=_get(row, "prompt_text", where, str),
            prompt_answer=_get(row, "prompt_answer", where, str),
        )
        _save(entry, where)
        ratings = _get(row, "ratings", where, dict)
        for metric_name, value in ratings.items():
            metric = metrics.get(metric_name.lower())
            if metric is None:
                raise ImportProblem(
                    f"{where}.ratings: no metric named {metric_name!r}."
                )
            if not isinstance(value, int) or value not in metric.values:
                raise ImportProblem(
                    f"{where}.ratings.{metric_name}: {value!r} is outside "
                    f"{metric.scale_min}–{metric.scale_max}."
                )
            Rating.objects.create(entry=entry, metric=metric, value=value)
        for name in _get(row, "tags", where, list):
            if not isinstance(name, str) or not name.strip() or len(name) > 40:
                raise ImportProblem(f"{where}.tags: {name!r} is not a tag name.")
            tag = tags.get(name.lower())
            if tag is None:
                tag = tags[name.lower()] = Tag.objects.create(user=user, name=name)
                report.add("tags")
            entry.tags.add(tag)
        seen.add((occurred_at, note))
        report.add("entries")


def _import_doses(user, profile, document, substances, protocols, report) -> None:
    seen = set(
        DoseLog.objects.filter(user=user).values_list(
            "taken_at", "substance_id", "skipped"
        )
    )
    for index, row in enumerate(_list(document, "doses")):
        where = f"doses[{index}]"
        substance = _substance(substances, _get(row, "substance", where, str), where)
        taken_at = _moment(row, "taken_at", where)
        skipped = _get(row, "skipped", where, bool)
        if (taken_at, substance.pk, skipped) in seen:
            report.skip("doses")
            continue
        ref = _get(row, "protocol", where, int, optional=True)
        if ref is not None and ref not in protocols:
            raise ImportProblem(f"{where}.protocol: no protocol with ref {ref}.")
        dose = DoseLog(
            user=user,
            taken_at=taken_at,
            day=_date(row, "day", where),
            substance=substance,
            amount=_amount(row, "amount", where),
            unit=_get(row, "unit", where, str),
            protocol=protocols.get(ref),
            skipped=skipped,
            notes=_get(row, "notes", where, str),
        )
        _save(dose, where)
        seen.add((taken_at, substance.pk, skipped))
        report.add("doses")


def _import_reviews(user, document, report) -> None:
    weeks = set(
        WeeklyReview.objects.filter(user=user).values_list("week_start", flat=True)
    )
    for index, row in enumerate(_list(document, "weekly_reviews")):
        where = f"weekly_reviews[{index}]"
        week_start = _date(row, "week_start", where)
        if week_start in weeks:
            report.skip("weekly reviews")
            continue
        review = WeeklyReview(
            user=user,
            week_start=week_start,
            **{
                key: _get(row, key, where, str)
                for key in (
                    "first_prompt_text",
                    "first_answer",
                    "second_prompt_text",
                    "second_answer",
                )
            },  # fmt: skip
        )
        _save(review, where)
        weeks.add(week_start)
        report.add("weekly reviews")
