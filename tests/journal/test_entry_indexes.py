"""Entry's indexes: a person's days are read through (user, day, occurred_at)."""

from __future__ import annotations

import pytest
from django.db import connection

pytestmark = pytest.mark.django_db


def entry_indexes() -> dict[str, list[str]]:
    with connection.cursor() as cursor:
        constraints = connection.introspection.get_constraints(cursor, "journal_entry")
    return {
        name: info["columns"]
        for name, info in constraints.items()
        if info["index"] and not info["primary_key"]
    }


def test_the_user_has_no_index_of_its_own_beside_the_day_index():
    indexes = entry_indexes()
    assert ["user_id", "day", "occurred_at"] in indexes.values()
    assert ["user_id"] not in indexes.values()
    assert "journal_entry_user_id_286e1456" not in indexes
