"""Imports stay within what the journal can hold, never rewrite the user's
metrics, and leave nothing behind: every refusal writes nothing."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command

from accounts.models import PendingUpload
from journal.models import Entry, Metric, Rating, Tag
from portability import daylio
from portability.export import export_document
from portability.importer import ImportProblem, import_document, parse
from protocols.models import DoseLog
from tests.factories import make_dose, make_entry, mood_metric

pytestmark = pytest.mark.django_db
HEADER = "full_date,date,weekday,time,mood,activities,note\n"


def document_with(owner, other_user, **entry) -> dict:
    make_entry(other_user, note="from elsewhere", mood=5)
    document = export_document(other_user)
    document["entries"][0].update(entry)
    return document


@pytest.mark.parametrize(
    ("moment", "problem"),
    [
        ("1969-12-31T12:00:00+00:00", "before 1970"),
        ("0001-01-01T00:30:00+01:00", "outside the years"),
        ("9999-12-31T23:30:00-05:00", "outside the years"),
        ("2026-01-01T12:00:00+23:59", "offset is not one any place uses"),
        ("2999-01-01T12:00:00+00:00", "in the future"),
    ],
)
def test_a_moment_outside_the_limits_is_refused_by_its_item(
    owner, other_user, moment, problem
):
    document = document_with(owner, other_user, occurred_at=moment)
    with pytest.raises(ImportProblem, match=r"entries\[0\]\.occurred_at") as error:
        import_document(owner, document)
    assert problem in str(error.value)
    assert not Entry.objects.filter(user=owner).exists()


def test_a_dose_outside_the_limits_is_refused(owner, other_user):
    make_dose(other_user)
    document = export_document(other_user)
    document["doses"][0]["taken_at"] = "0001-01-01T00:30:00+01:00"
    with pytest.raises(ImportProblem, match=r"doses\[0\]\.taken_at"):
        import_document(owner, document)
    assert not DoseLog.objects.filter(user=owner).exists()


def test_the_day_in_the_file_is_not_trusted(owner, other_user):
    # 01:30 in Berlin with the day starting at 04:00 belongs to the day before.
    document = document_with(
        owner, other_user, occurred_at="2026-03-02T01:30:00+01:00", day="1999-01-01"
    )
    import_document(owner, document)
    assert Entry.objects.get(user=owner).day == dt.date(2026, 3, 1)


def test_the_account_still_exports_and_imports_after_a_refused_file(
    owner_client, owner, other_user
):
    document = document_with(owner, other_user, occurred_at="9999-12-31T23:30:00-05:00")
    upload = SimpleUploadedFile("x.json", json.dumps(document).encode())
    response = owner_client.post("/settings/import/", {"file": upload})
    assert response.status_code == 422
    assert b"Nothing was imported" in response.content
    assert owner_client.post("/settings/export.json").status_code == 200
    assert owner_client.get("/journal/").status_code == 200


@pytest.mark.parametrize(
    ("line", "problem"),
    [
        ("0001-01-01,January 1,Monday,12:30 AM,good,,x", "before 1970"),
        ("1969-06-01,June 1,Sunday,12:00,good,,x", "before 1970"),
        ("2999-06-01,June 1,Sunday,12:00,good,,x", "in the future"),
    ],
)
def test_a_daylio_row_outside_the_limits_is_refused_by_its_line(owner, line, problem):
    rows = daylio.parse((HEADER + "2026-03-01,March 1,Sunday,12:00,good,,ok\n" + line)
                        .encode())  # fmt: skip
    with pytest.raises(ImportProblem, match="^Line 3: ") as error:
        daylio.import_rows(owner, rows, {})
    assert problem in str(error.value)
    assert not Entry.objects.filter(user=owner).exists()


# --- Metrics are never rewritten ------------------------------------------------


def test_an_existing_metric_keeps_its_scale_and_the_report_says_so(owner, other_user):
    make_entry(other_user, mood=2)
    document = export_document(other_user)
    mood = next(m for m in document["metrics"] if m["key"] == "mood")
    mood.update(scale_min=1, scale_max=3, low_label="Sad", lower_is_better=True)
    report = import_document(owner, document)
    metric = mood_metric(owner)
    assert (metric.scale_min, metric.scale_max, metric.low_label) == (1, 10, "Very low")
    assert metric.lower_is_better is False
    assert "'Mood' was kept as it is (1–10)" in report.summary()
    assert Rating.objects.get(entry__user=owner, metric=metric).value == 2


def test_a_renamed_builtin_receives_the_files_ratings(owner, other_user):
    Metric.objects.filter(user=owner, key="mood").update(name="Humeur")
    make_entry(other_user, mood=8)
    import_document(owner, export_document(other_user))
    rating = Rating.objects.get(entry__user=owner)
    assert (rating.metric.name, rating.value) == ("Humeur", 8)
    assert not Metric.objects.filter(user=owner, name="Mood").exists()


@pytest.mark.parametrize(
    ("ratings", "message"),
    [
        ({"Mood": 7.0}, r"ratings\.Mood: 7\.0 is outside"),
        ({"Mood": True}, r"ratings\.Mood: True is outside"),
        ({"Mood": 5, "mood": 6}, "'Mood' is rated twice"),
    ],
)
def test_ratings_must_be_whole_numbers_once_per_metric(
    owner, other_user, ratings, message
):
    document = document_with(owner, other_user, ratings=ratings)
    with pytest.raises(ImportProblem, match=message):
        import_document(owner, document)
    assert not Entry.objects.filter(user=owner).exists()


def test_a_rating_outside_the_users_scale_is_refused(owner, other_user):
    Metric.objects.filter(user=owner, key="mood").update(scale_min=1, scale_max=5)
    make_entry(other_user, mood=7)
    with pytest.raises(ImportProblem, match=r"entries\[0\]\.ratings\.Mood: 7"):
        import_document(owner, export_document(other_user))
    assert not Entry.objects.filter(user=owner).exists()


# --- Bad text --------------------------------------------------------------------


@pytest.mark.parametrize(
    ("change", "where"),
    [
        (lambda d: d["entries"][0].update(note="a\x00b"), r"entries\[0\]\.note"),
        (lambda d: d["entries"][0].update(tags=["a\x00"]), r"entries\[0\]\.tags"),
        (
            lambda d: d.update(
                own_prompts=[
                    {
                        "text": "x\x00",
                        "phases": ["dose_day"],
                        "kind": "reflection",
                        "active": True,
                    }
                ]
            ),
            r"own_prompts\[0\]\.text",
        ),  # fmt: skip
        (lambda d: d.update(own_prompts=[{"text": "x", "phases": [{}]}]), "phases"),
        (lambda d: d.update(safety_screen={"ssri": "yes"}), "safety_screen"),
    ],
)
def test_unstorable_text_is_refused_with_its_place(owner, other_user, change, where):
    document = document_with(owner, other_user)
    change(document)
    with pytest.raises(ImportProblem, match=where):
        import_document(owner, document)
    assert not Entry.objects.filter(user=owner).exists()


def test_json_nested_thousands_deep_is_a_clear_problem():
    with pytest.raises(ImportProblem, match="nests"):
        parse(b"[" * 100_000 + b"]" * 100_000)


def test_a_daylio_nul_or_a_giant_field_is_a_clear_problem(owner):
    with pytest.raises(ImportProblem, match="^Line 2: contains a NUL"):
        daylio.parse((HEADER + "2026-03-01,March 1,Sunday,12:00,good,a\x00,x").encode())
    giant = "x" * 131_073
    with pytest.raises(ImportProblem, match="^Line 2"):
        daylio.parse((HEADER + f'2026-03-01,March 1,Sunday,12:00,good,,"{giant}"')
                     .encode())  # fmt: skip


# --- Large files ------------------------------------------------------------------


@pytest.mark.slow
def test_a_large_import_is_written_in_bulk(
    owner, other_user, django_assert_max_num_queries
):
    start = dt.datetime(2020, 1, 1, 12, tzinfo=dt.UTC)
    document = export_document(other_user)
    document["entries"] = [
        {
            "occurred_at": (start + dt.timedelta(hours=6 * i)).isoformat(),
            "day": "2020-01-01",
            "note": f"entry {i}",
            "tags": [f"tag {i % 7}"],
            "ratings": {"Mood": 1 + i % 10, "Energy": 5},
            "prompt_key": "",
            "prompt_text": "",
            "prompt_answer": "",
        }
        for i in range(3000)
    ]
    with django_assert_max_num_queries(100):
        report = import_document(owner, document)
    assert report.added["entries"] == 3000
    assert Rating.objects.filter(entry__user=owner).count() == 6000
    assert Entry.tags.through.objects.filter(entry__user=owner).count() == 3000
    assert Tag.objects.filter(user=owner).count() == 7


@pytest.mark.parametrize(
    ("url", "limit"), [("/settings/import/daylio/", 5), ("/settings/import/", 20)]
)
def test_an_upload_over_the_limit_is_refused_before_its_body_is_read(owner, url, limit):
    from django.test import Client

    # CSRF checks on, as in a browser: they must not read the body either.
    client = Client(enforce_csrf_checks=True)
    client.force_login(owner)
    response = client.post(
        url,
        data=b"a body much shorter than it claims",
        content_type="multipart/form-data; boundary=x",
        CONTENT_LENGTH=str(50 * 1024 * 1024),
    )
    assert response.status_code == 413
    assert f"larger than {limit} MB".encode() in response.content


@pytest.mark.parametrize("url", ["/settings/import/daylio/", "/settings/import/"])
def test_an_upload_still_needs_its_csrf_token(owner, url):
    from django.test import Client

    from journal.models import Entry

    client = Client(enforce_csrf_checks=True)
    client.force_login(owner)
    upload = SimpleUploadedFile("d.csv", HEADER.encode())
    assert client.post(url, {"file": upload}).status_code == 403
    assert not PendingUpload.objects.exists()
    assert not Entry.objects.filter(user=owner).exists()
    # Signed out, the page asks to sign in first, whatever the body.
    client.logout()
    assert client.post(url, {"file": upload})["Location"].startswith("/accounts/login/")


# --- What stays behind -------------------------------------------------------------


def test_a_daylio_file_waits_in_its_own_row_not_the_session(owner_client, owner):
    csv = HEADER + "2026-03-01,March 1,Sunday,12:00,super,,the note text\n"
    upload = SimpleUploadedFile("d.csv", csv.encode())
    response = owner_client.post("/settings/import/daylio/", {"file": upload})
    assert response.status_code == 302
    from django.contrib.sessions.models import Session

    assert not any(
        "the note text" in str(s.get_decoded()) for s in Session.objects.all()
    )
    assert PendingUpload.objects.filter(user=owner).count() == 1
    page = owner_client.get("/settings/import/daylio/moods/")
    assert b"super" in page.content


def test_the_mood_map_flag_may_be_repeated(owner, tmp_path):
    path = tmp_path / "d.csv"
    path.write_text(
        HEADER
        + "2026-03-01,March 1,Sunday,12:00,content,,a\n"
        + "2026-03-02,March 2,Monday,12:00,okay,,b\n"
    )
    call_command(
        "import_daylio", str(path), "--user", "owner",
        "--mood-map", "content=7", "--mood-map", "okay=6",
    )  # fmt: skip
    values = sorted(Rating.objects.filter(entry__user=owner).values_list("value"))
    assert values == [(6,), (7,)]
