"""Importing a Daylio CSV export.

Both header layouts Daylio has used are read:
  full_date,date,weekday,time,mood,activities,[note_title,]note[,scales]
  year,date,weekday,time,mood,activities,[note_title,]note[,scales]
Times may be 12-hour ("5:01 PM") or 24-hour ("20:39"); rows may come newest
first; several entries a day are fine. Activities become tags, moods become
the mood metric's rating. Like every import: all or nothing, and the same file
twice adds nothing.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
from collections import Counter
from dataclasses import dataclass

from django.db import transaction

from accounts.models import User
from accounts.moments import local_moment, moment_problem, skipped_time
from accounts.services import profile_for
from journal.models import NOTE_MAX_BYTES, Metric
from journal.services import EntryDraft
from portability.importer import ImportProblem, ImportReport, write_entries

MAX_BYTES = 5 * 1024 * 1024
# Daylio's five default moods on Titrate's 1–10 mood scale.
DEFAULT_MOODS = {"rad": 9, "good": 7, "meh": 5, "bad": 3, "awful": 1}
REQUIRED = {"date", "weekday", "time", "mood", "activities", "note"}
OPTIONAL = {"note_title", "scales"}
DATE_FORMATS = ("%d %B", "%B %d", "%d %b", "%b %d", "%d. %B")
BREAK = re.compile(r"<br\s*/?>", re.IGNORECASE)


@dataclass(frozen=True)
class DaylioRow:
    line: int
    moment_date: dt.date
    moment_time: dt.time
    mood: str
    activities: tuple[str, ...]
    note: str


def _time(text: str, line: int) -> dt.time:
    cleaned = text.strip().upper().replace(".", "")
    for pattern in ("%I:%M %p", "%H:%M", "%I:%M%p"):
        try:
            return dt.datetime.strptime(cleaned, pattern).time()
        except ValueError:
            continue
    raise ImportProblem(f"Line {line}: {text!r} is not a time.")


def _date(row: dict, line: int) -> dt.date:
    if row.get("full_date"):
        try:
            return dt.date.fromisoformat(row["full_date"].strip())
        except ValueError:
            raise ImportProblem(
                f"Line {line}: {row['full_date']!r} is not a date."
            ) from None
    year_text = (row.get("year") or "").strip()
    if not year_text.isdigit():
        raise ImportProblem(f"Line {line}: {year_text!r} is not a year.")
    for pattern in DATE_FORMATS:
        try:
            parsed = dt.datetime.strptime(row["date"].strip(), pattern)
            return parsed.date().replace(year=int(year_text))
        except ValueError:
            continue
    raise ImportProblem(f"Line {line}: {row['date']!r} is not a date.")


def parse(raw: bytes) -> list[DaylioRow]:
    if len(raw) > MAX_BYTES:
        raise ImportProblem(f"The file is larger than {MAX_BYTES // (1024 * 1024)} MB.")
    try:
        text = raw.decode("utf-8-sig")  # with or without a byte-order mark
    except UnicodeDecodeError as error:
        line = raw[: error.start].count(b"\n") + 1
        raise ImportProblem(f"Line {line}: the file is not UTF-8 text.") from None
    if "\x00" in text:
        line = text[: text.index("\x00")].count("\n") + 1
        raise ImportProblem(f"Line {line}: contains a NUL character (\\0).")
    reader = csv.DictReader(io.StringIO(text, newline=""))
    try:
        return _rows(reader)
    except csv.Error as error:
        # A field over the csv module's limit (128 KB), a broken quote...
        # The row that failed starts on the line after the last one read.
        raise ImportProblem(
            f"Line {reader.line_num + 1}: not a CSV row Daylio writes ({error})."
        ) from None


def _rows(reader: csv.DictReader) -> list[DaylioRow]:
    header = {name.strip() for name in reader.fieldnames or []}
    dated = "full_date" in header or "year" in header
    if (
        not dated
        or not header >= REQUIRED
        or header - REQUIRED - OPTIONAL - {"full_date", "year"}
    ):
        raise ImportProblem(
            "Line 1: this is not a Daylio export header (expected full_date or year, "
            "then date,weekday,time,mood,activities,note)."
        )
    rows = []
    for record in reader:
        line = reader.line_num
        record = {(k or "").strip(): (v or "") for k, v in record.items()}
        note = BREAK.sub("\n", record["note"]).strip()
        title = BREAK.sub("\n", record.get("note_title", "")).strip()
        if title:
            note = f"**{title}**\n\n{note}" if note else f"**{title}**"
        if len(note.encode()) > NOTE_MAX_BYTES:
            raise ImportProblem(f"Line {line}: the note is longer than 100 KB.")
        activities = tuple(
            a.strip() for a in record["activities"].split(" | ") if a.strip()
        )
        for activity in activities:
            if len(activity) > 40:
                raise ImportProblem(
                    f"Line {line}: activity {activity[:50]!r} is too long."
                )
        mood = record["mood"].strip()
        if not mood:
            raise ImportProblem(f"Line {line}: no mood.")
        rows.append(
            DaylioRow(
                line=line,
                moment_date=_date(record, line),
                moment_time=_time(record["time"], line),
                mood=mood,
                activities=activities,
                note=note,
            )
        )
    if not rows:
        raise ImportProblem("The file has a header but no entries.")
    return rows


def mood_counts(rows: list[DaylioRow]) -> Counter:
    return Counter(row.mood for row in rows)


def unmapped(rows: list[DaylioRow], mapping: dict[str, int]) -> list[str]:
    known = {label.lower() for label in mapping} | set(DEFAULT_MOODS)
    return sorted({row.mood for row in rows if row.mood.lower() not in known})


@transaction.atomic
def import_rows(
    user: User, rows: list[DaylioRow], mapping: dict[str, int]
) -> ImportReport:
    missing = unmapped(rows, mapping)
    if missing:
        raise ImportProblem(
            "Give each of these moods a value: " + ", ".join(missing) + "."
        )
    moods = {**DEFAULT_MOODS, **{k.lower(): v for k, v in mapping.items()}}
    mood_metric = Metric.objects.filter(user=user, key=Metric.Key.MOOD).first()
    if mood_metric is None:
        raise ImportProblem("Your account has no mood metric to put Daylio's moods in.")
    # Only the moods the file holds: a standard one it does not hold may be
    # outside a narrower scale and is never written.
    for label in sorted({row.mood.lower() for row in rows}):
        if moods[label] not in mood_metric.values:
            raise ImportProblem(
                f"Mood {label!r} = {moods[label]} is outside your mood scale "
                f"({mood_metric.scale_min}–{mood_metric.scale_max})."
            )
    profile = profile_for(user)
    report = ImportReport()
    drafts: list[EntryDraft] = []
    for row in sorted(rows, key=lambda r: (r.moment_date, r.moment_time, r.line)):
        moment = local_moment(row.moment_date, row.moment_time, profile.tzinfo)
        if moment is None:
            raise ImportProblem(
                f"Line {row.line}: "
                f"{skipped_time(row.moment_date, row.moment_time, profile.tzinfo)}"
            )
        problem = moment_problem(moment, profile.tzinfo)
        if problem:
            raise ImportProblem(
                f"Line {row.line}: {row.moment_date} cannot be imported: {problem}."
            )
        drafts.append(
            EntryDraft(
                occurred_at=moment,
                note=row.note,
                ratings={mood_metric: moods[row.mood.lower()]},
                tag_names=list(row.activities),
            )
        )
    write_entries(user, profile, drafts, report)
    return report


def parse_mapping(items: list[str]) -> dict[str, int]:
    """LABEL=VALUE pairs from the command line (repeated flags arrive flattened)."""
    mapping = {}
    for item in items:
        label, _, value = item.rpartition("=")
        if not label or not value.strip().lstrip("-").isdigit():
            raise ImportProblem(f"--mood-map {item!r}: use LABEL=VALUE, e.g. great=9.")
        mapping[label.strip()] = int(value)
    return mapping
