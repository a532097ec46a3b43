"""Loading the built-in prompt library into the database."""

from __future__ import annotations

from django.db import transaction

from journal import prompt_library

FIELDS = ("text", "phases", "kind", "active")


def sync_builtin_prompts(Prompt) -> int:
    """Create or update the built-in prompts from the library, by key.

    Takes the model class so data migrations can pass their historical one.
    Only rows without an owner are touched: users' own prompts and their
    switched-off choices (which point at these rows by id) are left alone.
    Prompts dropped from the library are deactivated, never deleted, so
    entries that showed them keep their link.

    A few queries whatever the library's size (one read, one insert, one
    update of what differs): a query or four a prompt, as before, took a
    seventh of a second for every browser test, each of which loads them
    again after the database is emptied.
    """
    # Prompt.encode_phases()' format, written out: a migration's historical
    # model has no methods.
    wanted = {
        key: {
            "text": text,
            "phases": "," + ",".join(phases) + ",",
            "kind": kind,
            "active": True,
        }
        for key, text, phases, kind in prompt_library.PROMPTS
    }
    with transaction.atomic():
        builtin = Prompt.objects.filter(owner=None)
        existing = {p.key: p for p in builtin.filter(key__in=wanted)}
        changed = []
        for key, prompt in existing.items():
            values = wanted[key]
            if any(getattr(prompt, f) != v for f, v in values.items()):
                for field, value in values.items():
                    setattr(prompt, field, value)
                changed.append(prompt)
        Prompt.objects.bulk_update(changed, FIELDS)
        # Another sync inserting the same key meanwhile wrote the same values.
        Prompt.objects.bulk_create(
            [
                Prompt(owner=None, key=key, **values)
                for key, values in wanted.items()
                if key not in existing
            ],
            ignore_conflicts=True,
        )
        builtin.exclude(key__in=wanted).filter(active=True).update(active=False)
    return len(wanted)
