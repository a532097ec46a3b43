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

from accounts.models import Profile, User
from accounts.moments import moment_problem
from accounts.services import profile_for
from experiments.models import Experiment
from experiments.services import RestoredEnvelope
from experiments.services import experiment_restore as restore_experiment
from journal.models import (
    NOTE_MAX_BYTES,
    Metric,
    Prompt,
    PromptSwitchedOff,
    QuestionnaireResponse,
    WeeklyReview,
)
from journal.questionnaires import INSTRUMENTS
from journal.services import (
    EntryDraft,
    entries_add_many,
    questionnaire_save,
    rating_problem,
)
from portability.export import FORMAT, SCHEMA_VERSION
from protocols.models import Protocol, SafetyScreen, Substance
from protocols.safety import QUESTIONS
from protocols.services import (
    DoseDraft,
    DoseProblem,
    doses_add_many,
    protocol_keep_as_history,
)
from reminders.models import ReminderSettings

MAX_BYTES = 20 * 1024 * 1024
# Rows written in one INSERT (Django lowers it where SQLite allows fewer
# parameters in one statement).
BATCH = 2000


class ImportProblem(Exception):
    """A bad file: the message names the place and the problem."""


@dataclass
class ImportReport:
    added: dict[str, int] = field(default_factory=dict)
    skipped: dict[str, int] = field(default_factory=dict)
    # What the import left as it was and the person should know about.
    notes: list[str] = field(default_factory=list)

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
        return " ".join([text, *self.notes])


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
    except RecursionError:
        raise ImportProblem(
            "The file nests lists or objects far deeper than a Titrate export does."
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
    if kind is str:
        _no_nul(value, f"{where}.{key}")
    return value


def _no_nul(text: str, where: str) -> None:
    # A NUL character cannot be stored in PostgreSQL text, and no journal
    # needs one: refused rather than dropped, so nothing changes silently.
    if "\x00" in text:
        raise ImportProblem(f"{where}: contains a NUL character (\\0).")


def _date(row, key, where, optional=False) -> dt.date | None:
    value = _get(row, key, where, str, optional=optional)
    if value is None:
        return None
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise ImportProblem(f"{where}.{key}: {value!r} is not a date.") from None


def _moment(row, key, where, profile: Profile) -> dt.datetime:
    """A moment within the journal's limits, as the check-in form has them."""
    value = _get(row, key, where, str)
    try:
        moment = dt.datetime.fromisoformat(value)
    except ValueError:
        raise ImportProblem(
            f"{where}.{key}: {value!r} is not a date and time."
        ) from None
    problem = moment_problem(moment, profile.tzinfo)
    if problem:
        raise ImportProblem(f"{where}.{key}: {value!r} cannot be imported: {problem}.")
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


def _problems(error: ValidationError) -> str:
    return "; ".join(
        f"{name}: {' '.join(messages)}" for name, messages in error.message_dict.items()
    )


def _save(instance, where: str) -> None:
    try:
        instance.full_clean()
    except ValidationError as error:
        raise ImportProblem(f"{where}: {_problems(error)}") from None
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
    protocols = _import_protocols(user, document, substances, report, profile)
    _import_prompts(user, document, report)
    _import_entries(user, profile, document, metrics, report)
    _import_doses(user, profile, document, substances, protocols, report)
    _import_reviews(user, document, report)
    _import_questionnaires(user, profile, document, report)
    _import_experiments(user, profile, document, metrics, substances, report)
    _import_reminders(user, document, report)
    screen = _safety_answers(document.get("safety_screen"))
    if screen is not None and not SafetyScreen.objects.filter(user=user).exists():
        SafetyScreen.objects.create(user=user, answers=screen)
        report.add("safety answers")
    return report


def _import_reminders(user: User, document: dict, report: ImportReport) -> None:
    """Reminder times and channels, into an account that has none set yet.
    Devices are a browser's and the notifier URL was never exported: they
    are set up again on the new instance."""
    row = document.get("reminders")
    if row is None or ReminderSettings.objects.filter(user=user).exists():
        return
    where = "reminders"
    times = {}
    for key in ("morning_time", "quiet_start", "quiet_end"):
        value = _get(row, key, where, str, optional=key != "morning_time")
        try:
            times[key] = None if value is None else dt.time.fromisoformat(value)
        except ValueError:
            raise ImportProblem(f"{where}.{key}: not a time.") from None
    checkin = _get(row, "checkin_times", where, list)
    reminders = ReminderSettings(
        user=user,
        checkin_times=checkin,
        dose_day=_get(row, "dose_day", where, bool),
        questionnaire=_get(row, "questionnaire", where, bool),
        by_push=_get(row, "by_push", where, bool),
        by_email=_get(row, "by_email", where, bool),
        **times,
    )
    _save(reminders, where)
    report.add("reminder settings")


METRIC_SETTINGS = (
    "scale_min", "scale_max", "low_label", "high_label", "lower_is_better",
)  # fmt: skip


def _safety_answers(screen) -> dict[str, bool] | None:
    if screen is None:
        return None
    if not isinstance(screen, dict) or not all(
        isinstance(value, bool) for value in screen.values()
    ):
        raise ImportProblem(
            "safety_screen: expected yes/no answers to the screening questions."
        )
    # Questions this version does not ask (from a newer or older one) are left out.
    keys = {question.key for question in QUESTIONS}
    return {key: value for key, value in screen.items() if key in keys}


def _import_metrics(user, document, report) -> dict[str, Metric]:
    """The document's metric names, each mapped to one of the user's metrics.

    A metric the account already has (same name, or the same built-in under
    another name) is kept exactly as it is: its ratings are checked against
    the user's scale, never the other way round.
    """
    own = list(Metric.objects.filter(user=user))
    by_name = {m.name.lower(): m for m in own}
    by_key = {m.key: m for m in own if m.key}
    mapping: dict[str, Metric] = {}
    for index, row in enumerate(_list(document, "metrics")):
        where = f"metrics[{index}]"
        name = _get(row, "name", where, str).strip()
        fields = {
            key: _get(row, key, where, kind)
            for key, kind in (
                ("scale_min", int), ("scale_max", int), ("low_label", str),
                ("high_label", str), ("lower_is_better", bool), ("position", int),
                ("hidden", bool), ("key", str),
            )
        }  # fmt: skip
        metric = by_name.get(name.lower()) or by_key.get(fields["key"])
        if metric is not None:
            report.skip("metrics")
            differs = [k for k in METRIC_SETTINGS if getattr(metric, k) != fields[k]]
            if differs:
                report.notes.append(
                    f"Your metric {metric.name!r} was kept as it is "
                    f"({metric.scale_min}–{metric.scale_max}); the file's "
                    f"{name!r} differs in {', '.join(differs)}."
                )
        else:
            if fields["key"] in by_key:
                fields["key"] = ""
            metric = Metric(user=user, name=name, **fields)
            _save(metric, where)
            by_name[name.lower()] = metric
            if metric.key:
                by_key[metric.key] = metric
            report.add("metrics")
        mapping[name.lower()] = metric
    # Ratings may name the user's own metrics that the file does not list.
    return {**by_name, **mapping}


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


def _import_protocols(
    user, document, substances, report, profile
) -> dict[int, Protocol]:
    by_ref = {}
    has_active = Protocol.objects.filter(user=user, active=True).exists()
    # Kept as history with no last day, or active in the file while the
    # account has its own active protocol: (protocol, active in the file).
    to_end = []
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
        in_file = _get(row, "active", where, bool)
        active = in_file and not has_active
        protocol = Protocol(user=user, active=active, **fields)
        try:
            protocol.plan  # noqa: B018 - checks weekdays, pattern and dates
        except ValueError as error:
            raise ImportProblem(f"{where}: {error}") from None
        _save(protocol, where)
        if in_file != active or not (active or protocol.end_date):
            to_end.append((protocol, in_file))
        has_active = has_active or active
        by_ref[ref] = protocol
        report.add("protocols")
    _give_last_days(user, to_end, profile.local_day(), report)
    return by_ref


def _give_last_days(
    user, protocols: list[tuple[Protocol, bool]], today: dt.date, report
) -> None:
    """Give each imported protocol kept as history a last day
    (protocols.services.protocol_keep_as_history); the report names each."""
    for protocol, was_active in protocols:
        protocol_keep_as_history(protocol=protocol, today=today)
        why = (
            "was active in the file; your own active protocol stays, so it"
            if was_active
            else "had no last day in the file; it"
        )
        report.notes.append(
            f"The protocol {protocol.name!r} {why} is kept as history ending "
            f"{protocol.end_date:%-d %b %Y}."
        )


def _import_prompts(user, document, report) -> None:
    own = set(Prompt.objects.filter(owner=user).values_list("text", flat=True))
    for index, row in enumerate(_list(document, "own_prompts")):
        where = f"own_prompts[{index}]"
        text = _get(row, "text", where, str)
        if text in own:
            report.skip("prompts")
            continue
        phases = _get(row, "phases", where, list)
        known = {phase.value for phase in Prompt.Phase}
        if not phases or not all(isinstance(p, str) and p in known for p in phases):
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


def _text_size(value: str, where: str) -> str:
    if len(value.encode()) > NOTE_MAX_BYTES:
        raise ImportProblem(f"{where}: longer than {NOTE_MAX_BYTES // 1000} KB.")
    return value


def _import_entries(user, profile, document, metrics, report) -> None:
    """Checks every entry first, then writes them in bulk through the journal's
    service: a large file finishes in seconds, and a bad row leaves nothing
    written."""
    builtins = {p.key: p for p in Prompt.objects.filter(owner=None)}
    drafts: list[EntryDraft] = []
    for index, row in enumerate(_list(document, "entries")):
        where = f"entries[{index}]"
        # The file's own "day" is not trusted: it follows from the moment.
        occurred_at = _moment(row, "occurred_at", where, profile)
        note = _text_size(_get(row, "note", where, str), f"{where}.note")
        prompt_text = _get(row, "prompt_text", where, str)
        if len(prompt_text) > 500:
            raise ImportProblem(f"{where}.prompt_text: longer than 500 characters.")
        ratings = {}
        for metric_name, value in _get(row, "ratings", where, dict).items():
            metric = metrics.get(metric_name.lower())
            if metric is None:
                raise ImportProblem(
                    f"{where}.ratings: no metric named {metric_name!r}."
                )
            if metric in ratings:
                raise ImportProblem(
                    f"{where}.ratings: {metric.name!r} is rated twice "
                    f"(as {metric_name!r} too)."
                )
            problem = rating_problem(metric, value)
            if problem:
                raise ImportProblem(f"{where}.ratings.{metric_name}: {problem}")
            ratings[metric] = value
        names = []
        for name in _get(row, "tags", where, list):
            if not isinstance(name, str) or not name.strip() or len(name) > 40:
                raise ImportProblem(f"{where}.tags: {name!r} is not a tag name.")
            _no_nul(name, f"{where}.tags")
            names.append(name.strip())
        drafts.append(
            EntryDraft(
                occurred_at=occurred_at,
                note=note,
                ratings=ratings,
                tag_names=names,
                prompt=builtins.get(_get(row, "prompt_key", where, str, optional=True)),
                prompt_text=prompt_text,
                prompt_answer=_text_size(
                    _get(row, "prompt_answer", where, str), f"{where}.prompt_answer"
                ),
            )
        )
    write_entries(user, profile, drafts, report)


def write_entries(
    user: User, profile: Profile, drafts: list[EntryDraft], report: ImportReport
) -> None:
    written = entries_add_many(user=user, profile=profile, drafts=drafts)
    for kind, count in (
        ("tags", written.new_tags),
        ("entries", written.entries),
    ):
        if count:
            report.added[kind] = report.added.get(kind, 0) + count
    if written.duplicates:
        report.skipped["entries"] = (
            report.skipped.get("entries", 0) + written.duplicates
        )


def _effects(row, where) -> tuple[tuple[str, int], ...]:
    effects = []
    for index, effect in enumerate(
        _get(row, "effects", where, list, optional=True) or []
    ):
        at = f"{where}.effects[{index}]"
        effects.append(
            (_get(effect, "name", at, str), _get(effect, "intensity", at, int))
        )
    return tuple(effects)


def _import_doses(user, profile, document, substances, protocols, report) -> None:
    """Checks each row's shape here; protocols.services writes them, with its
    own checks of every field and of duplicates."""
    drafts = []
    for index, row in enumerate(_list(document, "doses")):
        where = f"doses[{index}]"
        substance = _substance(substances, _get(row, "substance", where, str), where)
        ref = _get(row, "protocol", where, int, optional=True)
        if ref is not None and ref not in protocols:
            raise ImportProblem(f"{where}.protocol: no protocol with ref {ref}.")
        drafts.append(
            DoseDraft(
                taken_at=_moment(row, "taken_at", where, profile),
                substance=substance,
                amount=_amount(row, "amount", where),
                unit=_get(row, "unit", where, str),
                protocol=protocols.get(ref),
                skipped=_get(row, "skipped", where, bool),
                notes=_get(row, "notes", where, str),
                # Files written before experiments have no such key.
                blinded=_get(row, "blinded", where, bool, optional=True) or False,
                felt=_get(row, "felt", where, int, optional=True),
                effects=_effects(row, where),
            )
        )
    try:
        written, duplicates = doses_add_many(user=user, profile=profile, drafts=drafts)
    except DoseProblem as problem:
        raise ImportProblem(f"doses[{problem.index}]: {problem}") from None
    if written:
        report.added["doses"] = report.added.get("doses", 0) + written
    if duplicates:
        report.skipped["doses"] = report.skipped.get("doses", 0) + duplicates


def _import_questionnaires(user, profile, document, report) -> None:
    """Answers item by item; the score is worked out again, never trusted."""
    seen = set(
        QuestionnaireResponse.objects.filter(user=user).values_list(
            "instrument", "completed_at"
        )
    )
    for index, row in enumerate(_list(document, "questionnaires")):
        where = f"questionnaires[{index}]"
        instrument = _get(row, "instrument", where, str)
        if instrument not in INSTRUMENTS:
            raise ImportProblem(f"{where}.instrument: {instrument!r} is not known.")
        completed_at = _moment(row, "completed_at", where, profile)
        answers = _get(row, "answers", where, list)
        if not all(isinstance(a, int) and not isinstance(a, bool) for a in answers):
            raise ImportProblem(f"{where}.answers: expected whole numbers.")
        if (instrument, completed_at) in seen:
            report.skip("questionnaires")
            continue
        try:
            questionnaire_save(
                user=user,
                profile=profile,
                instrument=instrument,
                answers=answers,
                completed_at=completed_at,
            )
        except ValueError as problem:
            raise ImportProblem(f"{where}.answers: {problem}") from None
        seen.add((instrument, completed_at))
        report.add("questionnaires")


def _optional_moment(row, key, where, profile) -> dt.datetime | None:
    if row.get(key) is None:
        return None
    return _moment(row, key, where, profile)


def _import_experiments(user, profile, document, metrics, substances, report):
    """Experiments that are unblinded (or open) come back whole; one still
    blinded cannot, since the file does not say which envelope held what."""
    existing = set(
        Experiment.objects.filter(user=user).values_list(
            "substance__name", "design", "start_date"
        )
    )
    blinded = 0
    for index, row in enumerate(_list(document, "experiments")):
        where = f"experiments[{index}]"
        substance = _substance(substances, _get(row, "substance", where, str), where)
        metric_name = _get(row, "primary_metric", where, str)
        metric = metrics.get(metric_name.lower())
        if metric is None:
            raise ImportProblem(f"{where}.primary_metric: no metric {metric_name!r}.")
        design = _get(row, "design", where, str)
        start = _date(row, "start_date", where)
        if (substance.name, design, start) in existing:
            report.skip("experiments")
            continue
        rows = _get(row, "envelopes", where, list)
        if any(not isinstance(e, dict) or e.get("active") is None for e in rows):
            blinded += 1
            continue
        envelopes = []
        for number, envelope in enumerate(rows):
            at = f"{where}.envelopes[{number}]"
            guesses = []
            for g_index, guess in enumerate(_get(envelope, "guesses", at, list)):
                g_at = f"{at}.guesses[{g_index}]"
                guesses.append(
                    (
                        _get(guess, "kind", g_at, str),
                        _date(guess, "day", g_at),
                        _get(guess, "answer", g_at, str),
                        _get(guess, "confidence", g_at, int),
                    )
                )
            envelopes.append(
                RestoredEnvelope(
                    active=_get(envelope, "active", at, bool),
                    week=_get(envelope, "week", at, int, optional=True),
                    opened_at=_optional_moment(envelope, "opened_at", at, profile),
                    day=_date(envelope, "day", at, optional=True),
                    guesses=guesses,
                )
            )
        weekdays = _get(row, "weekdays", where, list)
        if not all(isinstance(d, int) and 0 <= d <= 6 for d in weekdays):
            raise ImportProblem(f"{where}.weekdays: expected days 0 (Monday) to 6.")
        planned = row.get("planned_power") or {}
        if not isinstance(planned, dict):
            raise ImportProblem(f"{where}.planned_power: expected an object.")
        try:
            restore_experiment(
                user=user,
                substance=substance,
                amount=_amount(row, "amount", where),
                primary_metric=metric,
                design=design,
                weeks=_get(row, "weeks", where, int),
                weekdays=weekdays,
                start_date=start,
                status=_get(row, "status", where, str),
                planned_power=planned,
                times={
                    key: _optional_moment(row, key, where, profile)
                    for key in ("started_at", "ended_at", "unblinded_at")
                },
                stop_reason=_get(row, "stop_reason", where, str),
                envelopes=envelopes,
            )
        except ValidationError as error:
            raise ImportProblem(f"{where}: {_problems(error)}") from None
        report.add("experiments")
    if blinded:
        report.notes.append(
            f"{blinded} experiment{'s' if blinded != 1 else ''} still blinded "
            "could not be imported: the file does not say which envelope held "
            "what. Unblind it where it runs, then export again."
        )


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
