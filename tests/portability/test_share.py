"""The report to share: what goes in (and what stays out), as a page and as
a PDF whose text is checked."""

from __future__ import annotations

import datetime as dt
import io
import re

import pytest
from django.core.management import call_command
from django.test import Client

from accounts.models import User
from journal.models import Entry
from tests.factories import make_dose, make_entry, make_response

pytestmark = pytest.mark.django_db


def pdf_text(content: bytes) -> str:
    from pypdf import PdfReader

    reader = PdfReader(io.BytesIO(content))
    return "\n".join(page.extract_text() for page in reader.pages)


def test_the_form_leaves_substances_and_notes_out_by_default(owner_client, owner):
    make_entry(owner, note="A note of today")
    html = owner_client.get("/settings/report/").content.decode()
    substances = re.search(r'<input type="checkbox" name="substances"[^>]*>', html)[0]
    assert "checked" not in substances
    note = re.search(r'<input type="checkbox" name="notes"[^>]*>', html)[0]
    assert "checked" not in note
    assert "A note of today" in html


def test_the_page_holds_what_was_chosen(owner_client, owner):
    today = owner.profile.local_day()
    picked = make_entry(owner, day=today, note="Shared: slept badly all week")
    make_entry(owner, day=today, note="Private: not for anyone")
    make_response(owner, "phq9", [1] * 9, day=today)
    start = (today - dt.timedelta(days=30)).isoformat()
    html = owner_client.get(
        "/settings/report/",
        {"start": start, "end": today.isoformat(), "notes": [picked.pk]},
    ).content.decode()
    assert "Private health information" in html
    assert "PHQ-9" in html and "9 / 27" in html and "mild" in html
    assert "Shared: slept badly all week" in html
    assert "Private: not for anyone" not in html
    assert "Psilocybin" not in html  # substances only when ticked


def test_a_blinded_experiments_days_are_said_to_be_left_out(owner_client, owner):
    today = owner.profile.local_day()
    for offset in range(20):
        make_entry(owner, day=today - dt.timedelta(days=offset), mood=5)
    query = {"start": (today - dt.timedelta(days=30)).isoformat()}
    query["end"] = today.isoformat()
    left_out = "The days of a blinded experiment"
    assert left_out not in owner_client.get("/settings/report/", query).content.decode()
    make_dose(owner, day=today - dt.timedelta(days=3), blinded=True)
    html = owner_client.get("/settings/report/", query).content.decode()
    assert "blinded experiment capsules (active or placebo): 1" in html
    assert left_out in html


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ({"start": "2026-05-01", "end": "2026-04-01"}, "Choose a day after the first"),
        ({"start": "2010-01-01", "end": "2026-04-01"}, "three years at most"),
        ({"start": "someday", "end": "2026-04-01"}, "Enter a valid date"),
    ],
)
def test_a_bad_range_is_refused_next_to_its_field(owner_client, query, message):
    response = owner_client.get("/settings/report/", query)
    assert response.status_code == 422
    assert message in response.content.decode()


def test_another_persons_note_cannot_be_included(owner_client, owner, other_user):
    theirs = make_entry(other_user, note="their secret")
    today = owner.profile.local_day()
    response = owner_client.get(
        "/settings/report/",
        {"start": today.isoformat(), "end": today.isoformat(), "notes": [theirs.pk]},
    )
    assert response.status_code == 422
    assert "their secret" not in response.content.decode()


@pytest.mark.slow
def test_a_year_as_a_pdf_marked_private_on_every_page(settings):
    call_command("seed_demo", "--user", "demo", "--password", "demo", "--years", "1")
    user = User.objects.get(username="demo")
    client = Client()
    client.force_login(user)
    today = user.profile.local_day()
    note = Entry.objects.filter(user=user).exclude(note="").order_by("-occurred_at")[0]
    query = {
        "start": (today - dt.timedelta(days=364)).isoformat(),
        "end": today.isoformat(),
        "substances": "on",
        "notes": [note.pk],
        "format": "pdf",
    }
    response = client.get("/settings/report/", query)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    text = pdf_text(response.content)
    pages = text.count("Private health information")
    assert pages >= 2 and pages == len(re.findall(r"page \d+ of \d+", text))
    for expected in (
        "Questionnaires", "WHO-5", "PHQ-9", "GAD-7", "Protocol and doses",
        "Psilocybin", "Daily ratings", "Main question", "Blinded self-experiments",
        "How doses were felt", "Notes chosen to share",
    ):  # fmt: skip
        assert expected in text, expected
    assert note.note.split()[0] in text
