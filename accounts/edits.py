"""Edits that must not overwrite a save made elsewhere since their page was
opened (another tab, another device): the moment an edit page read, as its
form sends it back, and the refusal when the row was saved again since.

The journal's entries, weekly reviews, metrics and prompts and the
protocols' protocols and doses use it; it lives here, below both apps."""

from __future__ import annotations

import datetime as dt
from typing import TypeVar

from django import forms
from django.core.exceptions import ValidationError
from django.db.models import Model
from django.http import HttpRequest, HttpResponse, QueryDict
from django.shortcuts import render
from django.utils import timezone

Row = TypeVar("Row", bound=Model)


class SavedElsewhere(Exception):
    """What an edit would change was saved elsewhere after the editing page
    was opened: the edit would overwrite that save unseen."""

    def __init__(self, updated_at: dt.datetime):
        super().__init__(f"Saved elsewhere at {updated_at.isoformat()}.")
        self.updated_at = updated_at


def as_seen(row: Row, seen: dt.datetime | None, fields: dict) -> tuple[Row, bool]:
    """The row as saved now, locked until the edit commits (no other edit
    slips in between), and whether the edit `fields` is still to write.
    `seen` is when the row was last saved as its edit page showed it (None:
    not sent): saved again since, the row either holds exactly this edit
    already (the same form sent twice: nothing to write) or SavedElsewhere is
    raised."""
    saved = type(row).objects.select_for_update().get(pk=row.pk)
    if seen is None or saved.updated_at == seen:
        return saved, True
    if all(getattr(saved, name) == value for name, value in fields.items()):
        return saved, False
    raise SavedElsewhere(saved.updated_at)


class SeenField(forms.CharField):
    """An edit page's moment of the last save it showed, sent back hidden with
    its form (ISO 8601 with its offset, to the microsecond): a moment, or None
    for none."""

    widget = forms.HiddenInput

    def __init__(self, **kwargs):
        super().__init__(required=False, **kwargs)

    def to_python(self, value: str | None) -> dt.datetime | None:
        text = super().to_python(value)
        if not text:
            return None
        try:
            moment = dt.datetime.fromisoformat(text)
        except ValueError:
            moment = None
        if moment is None or moment.tzinfo is None:
            raise ValidationError("Not a moment with its offset.")
        return moment


def show_seen(form: forms.ModelForm) -> None:
    """An edit form's `seen` (a SeenField) given the moment its row was last
    saved, as the page shows it; a new row's form has no such field."""
    if form.instance.pk:
        form.initial["seen"] = form.instance.updated_at.isoformat()
    else:
        del form.fields["seen"]


def refusal(what: str, changed: SavedElsewhere, tzinfo: dt.tzinfo) -> str:
    """The refusal of an edit made on a page older than the last save, in
    words for the person."""
    at = timezone.localtime(changed.updated_at, tzinfo)
    return (
        f"This {what} was saved elsewhere (another tab or device) on "
        f"{at:%-d %B at %H:%M}, after you opened it. Nothing was saved: your "
        "changes are below. Open the saved version in a new tab, copy what you "
        "need into it and save it there."
    )


# The fields that hold a person's own words, by name, across the apps' forms:
# what a form that cannot be saved (its row gone, its sign-in ended) gives
# back rather than loses.
WORDS = {
    "note": "The note",
    "prompt_answer": "The prompt's answer",
    "first_answer": "The first answer",
    "second_answer": "The second answer",
    "notes": "The notes",
    "text": "The prompt",
    "reason": "The reason",
}


def typed_words(data: QueryDict) -> list[tuple[str, str]]:
    """Each of the person's words sent in `data`, as (its field's label, the
    text), in WORDS' order; fields left empty are not listed."""
    return [
        (label, text)
        for name, label in WORDS.items()
        if (text := data.get(name, "")).strip()
    ]


def gone(request: HttpRequest, what: str, back: tuple[str, str]) -> HttpResponse:
    """The answer to an edit sent for a row that is not there (deleted in
    another tab or on another device since the page opened, or another
    person's: 404 either way). What was typed comes back to be copied rather
    than lost; `back` is where to go, as (address, words)."""
    context = {
        "what": what,
        "typed": typed_words(request.POST),
        "back": back[0],
        "back_label": back[1],
    }
    return render(request, "gone.html", context, status=404)
