"""Hypothesis posts generated values to every form of ours: never a server
error; a refusal is a 4xx with field errors and leaves the database as it was."""

from __future__ import annotations

import pytest
from django.apps import apps
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

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


def owned_rows(user) -> dict[str, int]:
    counts = {}
    for model in apps.get_models():
        if model._meta.label in BOOKKEEPING:
            continue
        if model._meta.app_label in ("journal", "protocols", "accounts"):
            field = next(
                (f.name for f in model._meta.fields if f.name in ("user", "owner")),
                None,
            )
            if field:
                counts[model._meta.label] = model.objects.filter(
                    **{field: user}
                ).count()
    return counts


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
