"""Everything a user owns, as one JSON document or a zip of CSV files.

The JSON document is the format `import_data` reads back. It holds no
database ids: rows refer to each other by name (metrics, tags, substances) or
by their place in a list (protocols), so an export imported into another
account, or another instance, exports again to the same document.
"""

from __future__ import annotations

import csv
import io
import zipfile
from decimal import Decimal

from django.utils import timezone

from accounts.models import User
from accounts.services import profile_for
from config.spreadsheets import safe_cell
from experiments.models import Experiment
from journal.models import (
    Entry,
    Metric,
    Prompt,
    PromptSwitchedOff,
    QuestionnaireResponse,
    Tag,
    WeeklyReview,
)
from protocols.models import DoseLog, Protocol, SafetyScreen, Substance
from reminders.models import PushDevice, ReminderSettings

FORMAT = "titrate-export"
SCHEMA_VERSION = 1
# Entries and doses are read this many at a time, each batch with its tags,
# ratings and effects: a statement holds at most 65,535 parameters
# (config/postgresql), and a journal can hold more entries than that.
CHUNK = 2000


def _amount(value: Decimal | None) -> str | None:
    return None if value is None else f"{value:.2f}"


def export_document(user: User) -> dict:
    profile = profile_for(user)
    protocols = list(
        Protocol.objects.filter(user=user)
        .select_related("substance")
        .order_by("start_date", "id")
    )
    protocol_refs = {p.pk: index for index, p in enumerate(protocols, 1)}
    screen = SafetyScreen.objects.filter(user=user).first()
    return {
        "format": FORMAT,
        "schema_version": SCHEMA_VERSION,
        "exported_at": timezone.now().isoformat(),
        "profile": {
            "timezone": profile.timezone,
            "day_start_hour": profile.day_start_hour,
            "week_start": profile.week_start,
        },
        "metrics": [
            {
                "name": m.name,
                "key": m.key,
                "scale_min": m.scale_min,
                "scale_max": m.scale_max,
                "low_label": m.low_label,
                "high_label": m.high_label,
                "lower_is_better": m.lower_is_better,
                "position": m.position,
                "hidden": m.hidden,
            }
            for m in Metric.objects.filter(user=user).order_by("position", "id")
        ],
        "tags": sorted(Tag.objects.filter(user=user).values_list("name", flat=True)),
        "entries": [
            {
                "occurred_at": e.occurred_at.isoformat(),
                "day": e.day.isoformat(),
                "note": e.note,
                "tags": sorted(t.name for t in e.tags.all()),
                "ratings": {
                    r.metric.name: r.value
                    for r in sorted(e.ratings.all(), key=lambda r: r.metric.name)
                },
                "prompt_key": e.prompt.key if e.prompt and e.prompt.builtin else "",
                "prompt_text": e.prompt_text,
                "prompt_answer": e.prompt_answer,
            }
            for e in Entry.objects.filter(user=user)
            .order_by("occurred_at", "id")
            .prefetch_related("tags", "ratings__metric")
            .select_related("prompt")
            .iterator(chunk_size=CHUNK)
        ],
        "own_prompts": [
            {"text": p.text, "phases": p.phase_list, "kind": p.kind, "active": p.active}
            for p in Prompt.objects.filter(owner=user).order_by("id")
        ],
        "builtin_prompts_switched_off": sorted(
            PromptSwitchedOff.objects.filter(user=user).values_list(
                "prompt__key", flat=True
            )
        ),
        "substances": [
            {"name": s.name, "kind": s.kind, "unit": s.unit}
            for s in Substance.objects.filter(user=user).order_by("id")
        ],
        "protocols": [
            {
                "ref": protocol_refs[p.pk],
                "name": p.name,
                "substance": p.substance.name,
                "amount": _amount(p.amount),
                "unit": p.unit,
                "kind": p.kind,
                "weekdays": p.weekdays,
                "pattern": p.pattern,
                "start_date": p.start_date.isoformat(),
                "end_date": p.end_date.isoformat() if p.end_date else None,
                "on_weeks": p.on_weeks,
                "break_weeks": p.break_weeks,
                "active": p.active,
                "notes": p.notes,
            }
            for p in protocols
        ],
        "doses": [
            {
                "taken_at": d.taken_at.isoformat(),
                "day": d.day.isoformat(),
                "substance": d.substance.name,
                "amount": _amount(d.amount),
                "unit": d.unit,
                "protocol": protocol_refs.get(d.protocol_id),
                "skipped": d.skipped,
                "blinded": d.blinded,
                "felt": d.felt,
                "effects": [
                    {"name": e.name, "intensity": e.intensity} for e in d.effects.all()
                ],
                "notes": d.notes,
            }
            for d in DoseLog.objects.filter(user=user)
            .select_related("substance")
            .prefetch_related("effects")
            .order_by("taken_at", "id")
            .iterator(chunk_size=CHUNK)
        ],
        "weekly_reviews": [
            {
                "week_start": r.week_start.isoformat(),
                "first_prompt_text": r.first_prompt_text,
                "first_answer": r.first_answer,
                "second_prompt_text": r.second_prompt_text,
                "second_answer": r.second_answer,
            }
            for r in WeeklyReview.objects.filter(user=user).order_by("week_start")
        ],
        "questionnaires": [
            {
                "instrument": q.instrument,
                "completed_at": q.completed_at.isoformat(),
                "day": q.day.isoformat(),
                "answers": q.answers,
                "score": q.score,
            }
            for q in QuestionnaireResponse.objects.filter(user=user).order_by(
                "completed_at", "id"
            )
        ],
        "safety_screen": screen.answers if screen else None,
        "experiments": [_experiment(e) for e in _experiments(user)],
        **_reminders(user),
    }


def _reminders(user: User) -> dict:
    """Reminder settings and the devices' names: never a device's push
    address or keys, nor the notifier URL (each holds a secret)."""
    found = ReminderSettings.objects.filter(user=user).first()
    settings = None
    if found:
        settings = {
            "checkin_times": found.checkin_times,
            "dose_day": found.dose_day,
            "questionnaire": found.questionnaire,
            "morning_time": found.morning_time.strftime("%H:%M"),
            "quiet_start": found.quiet_start and found.quiet_start.strftime("%H:%M"),
            "quiet_end": found.quiet_end and found.quiet_end.strftime("%H:%M"),
            "by_push": found.by_push,
            "by_email": found.by_email,
            "notifier_set": bool(found.apprise_url),
        }
    devices = [
        {"name": d.name, "since": d.created_at.isoformat()}
        for d in PushDevice.objects.filter(user=user)
    ]
    return {"reminders": settings, "reminder_devices": devices}


def _experiments(user: User):
    return (
        Experiment.objects.filter(user=user)
        .select_related("substance", "primary_metric")
        .prefetch_related("envelopes__guesses")
        .order_by("created_at", "id")
    )


def _when(moment) -> str | None:
    return moment.isoformat() if moment else None


def _experiment(e: Experiment) -> dict:
    """An experiment without its envelopes' codes, and with which envelope
    held what only once it is unblinded (or open): before that the file
    would tell what the person has chosen not to know."""
    return {
        "substance": e.substance.name,
        "amount": _amount(e.amount),
        "unit": e.unit,
        "primary_metric": e.primary_metric.name,
        "design": e.design,
        "weeks": e.weeks,
        "weekdays": e.weekdays,
        "start_date": e.start_date.isoformat(),
        "status": e.status,
        "planned_power": e.planned_power,
        "started_at": _when(e.started_at),
        "ended_at": _when(e.ended_at),
        "stop_reason": e.stop_reason,
        "unblinded_at": _when(e.unblinded_at),
        "envelopes": [
            {
                "week": envelope.week,
                "opened_at": _when(envelope.opened_at),
                "day": envelope.day.isoformat() if envelope.day else None,
                "active": envelope.active if e.revealed else None,
                "guesses": [
                    {
                        "kind": g.kind,
                        "day": g.day.isoformat(),
                        "answer": g.answer,
                        "confidence": g.confidence,
                    }
                    for g in envelope.guesses.all()
                ],
            }
            for envelope in sorted(
                e.envelopes.all(), key=lambda x: (x.day or e.end_date, x.week or 0)
            )
        ],
    }


def _csv(rows: list[dict]) -> str:
    buffer = io.StringIO()
    if rows:
        writer = csv.DictWriter(buffer, fieldnames=list(rows[0]))
        writer.writeheader()
        for row in rows:
            writer.writerow(
                {key: safe_cell(_flat(value)) for key, value in row.items()}
            )
    return buffer.getvalue()


def _flat(value):
    if isinstance(value, list):
        return " | ".join(str(item) for item in value)
    if isinstance(value, dict):
        return " | ".join(f"{key}={item}" for key, item in value.items())
    if isinstance(value, bool):
        return "yes" if value else "no"
    return "" if value is None else value


def _entry_rows(document: dict) -> list[dict]:
    """Entries for a spreadsheet: one column per metric (in the metrics'
    order, named after the metric; "(rating)" added when the name is taken by
    another column), empty where an entry has no rating for it."""
    fixed = ["occurred_at", "day", "note", "tags"]
    columns = {}
    for metric in document["metrics"]:
        name = metric["name"]
        columns[name] = f"{name} (rating)" if name in fixed else name
    rows = []
    for entry in document["entries"]:
        row = {key: entry[key] for key in fixed}
        row.update({column: "" for column in columns.values()})
        for name, value in entry["ratings"].items():
            row[columns[name]] = value
        row.update(
            {k: entry[k] for k in ("prompt_key", "prompt_text", "prompt_answer")}
        )
        rows.append(row)
    return rows


def export_zip(user: User) -> bytes:
    """One CSV file a table, in a zip, for spreadsheets."""
    document = export_document(user)
    tables = {
        "profile": [document["profile"]],
        "metrics": document["metrics"],
        "tags": [{"name": name} for name in document["tags"]],
        "entries": _entry_rows(document),
        "own_prompts": document["own_prompts"],
        "substances": document["substances"],
        "protocols": document["protocols"],
        "doses": [
            {
                **dose,
                "effects": ", ".join(
                    f"{e['name']} ({e['intensity']})" for e in dose["effects"]
                ),
            }
            for dose in document["doses"]
        ],
        "weekly_reviews": document["weekly_reviews"],
        "questionnaires": document["questionnaires"],
        "experiments": [
            {k: v for k, v in e.items() if k != "envelopes"}
            for e in document["experiments"]
        ],
        "reminders": [document["reminders"]] if document["reminders"] else [],
        "reminder_devices": document["reminder_devices"],
        "experiment_envelopes": [
            {"experiment": index, **{k: v for k, v in env.items() if k != "guesses"}}
            for index, e in enumerate(document["experiments"], 1)
            for env in e["envelopes"]
        ],
    }
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, rows in tables.items():
            archive.writestr(f"{name}.csv", _csv(rows))
    return buffer.getvalue()
