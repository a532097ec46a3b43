"""Hypothesis posts generated values to every form of ours: never a server
error; a refusal is a 4xx with field errors and leaves the database as it was."""

from __future__ import annotations

import pytest
from django.apps import apps
from django.db.models import Func, OuterRef, Subquery
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from accounts.models import User
from config.prepared import prepared
from protocols.models import SafetyScreen

# Each form: its URL and the fields it reads.
FORMS = {
    "check-in": ("/entries/new/", ["token", "note", "tags", "new_tags", "date", "time",
                                   "prompt", "prompt_answer", "rating_1", "rating_2"]),
    "metric": ("/settings/metrics/", ["name", "scale_min", "scale_max", "low_label",
                                      "high_label", "lower_is_better"]),
    "prompt": ("/settings/prompts/", ["text", "kind", "phase_choices"]),
    "substance": ("/protocol/substances/", ["name", "kind", "unit"]),
    "protocol": ("/protocol/new/", ["name", "substance", "amount", "kind", "weekdays",
                                    "pattern", "start_date", "end_date", "on_weeks",
                                    "break_weeks", "notes"]),
    "dose": ("/protocol/doses/new/", ["token", "substance", "amount", "protocol",
                                      "date", "time", "skipped", "notes"]),
    "settings": ("/settings/", ["timezone", "day_start_hour", "week_start"]),
    "weekly review": ("/journal/week/", ["first_answer", "second_answer"]),
    "journal filters": ("/journal/", ["q", "tag", "start", "end", "before"]),
}  # fmt: skip

values = st.one_of(
    st.text(max_size=60),
    st.integers(min_value=-(10**15), max_value=10**15).map(str),
    st.sampled_from(
        [
            "",
            "0",
            "1",
            "5",
            "10",
            "101",
            "-1",
            "2026-02-30",
            "2026-01-05",
            "9999-12-31",
            "25:61",
            "08:30",
            "1,0,0",
            "fadiman",
            "custom",
            "weekdays",
            "mood",
            "on",
            "off_day",
            "journaling",
            "\x00",
            "<script>",
            "=1+1",
            "NaN",
            "1e309",
        ]
    ),  # fmt: skip
)


# Rows the app keeps for itself while rendering (the day's chosen prompt, the
# calendar feed's token), not anything a form submits.
BOOKKEEPING = {"journal.PromptShown", "protocols.CalendarFeed", "accounts.AuditEvent"}


def _owned_models() -> list[tuple[str, str]]:
    """Each model of ours with rows a person owns: its label and the field
    that names the person."""
    found = []
    for model in apps.get_models():
        if model._meta.label in BOOKKEEPING:
            continue
        if model._meta.app_label in ("journal", "protocols", "accounts"):
            field = next(
                (f.name for f in model._meta.fields if f.name in ("user", "owner")),
                None,
            )
            if field:
                found.append((model._meta.label, field))
    return found


@prepared
def _owned_counts(user_id: int):
    """The person's row count in each of those models: one query, compiled
    once (a query a model was a third of this file's time at 200 examples)."""
    counts = []
    for label, field in _owned_models():
        rows = apps.get_model(label).objects.filter(**{field: OuterRef("pk")})
        # COUNT as a plain function: no GROUP BY, so one row, 0 for none.
        counts.append(Subquery(rows.order_by().values(n=Func("pk", function="COUNT"))))
    return User.objects.filter(pk=user_id).values_list(*counts)


def owned_rows(user) -> dict[str, int]:
    (row,) = _owned_counts(user.pk)
    return dict(zip((label for label, _ in _owned_models()), row, strict=True))


@pytest.mark.django_db
@pytest.mark.parametrize("form", FORMS, ids=list(FORMS))
@settings(
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(data=st.data())
def test_any_input_is_handled_cleanly(owner_client, owner, form, data):
    SafetyScreen.objects.get_or_create(user=owner, answers={})
    url, fields = FORMS[form]
    chosen = data.draw(
        st.lists(st.sampled_from(fields), unique=True, max_size=len(fields))
    )
    payload = {name: data.draw(values, label=name) for name in chosen}
    before = owned_rows(owner)
    if form == "journal filters":
        response = owner_client.get(url, payload)
        assert response.status_code == 200
        return
    response = owner_client.post(url, payload)
    assert response.status_code < 500
    if 400 <= response.status_code < 500:
        assert owned_rows(owner) == before
        assert b'class="errors' in response.content or response.status_code in (
            400,
            405,
        )
    else:
        assert response.status_code in (200, 302)
