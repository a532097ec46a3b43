"""Loading the built-in prompt library into the database."""

from __future__ import annotations

from journal import prompt_library


def sync_builtin_prompts(Prompt) -> int:
    """Create or update the built-in prompts from the library, by key.

    Takes the model class so data migrations can pass their historical one.
    Only rows without an owner are touched: users' own prompts and their
    switched-off choices (which point at these rows by id) are left alone.
    Prompts dropped from the library are deactivated, never deleted, so
    entries that showed them keep their link.
    """
    keys = set()
    for key, text, phases, kind in prompt_library.PROMPTS:
        keys.add(key)
        Prompt.objects.update_or_create(
            owner=None,
            key=key,
            defaults={
                "text": text,
                "phases": "," + ",".join(phases) + ",",
                "kind": kind,
                "active": True,
            },
        )
    Prompt.objects.filter(owner=None).exclude(key__in=keys).update(active=False)
    return len(keys)
