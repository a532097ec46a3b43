from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command

from journal.models import Entry
from portability import daylio
from portability.importer import ImportProblem
from tests.markup import input_value

pytestmark = pytest.mark.django_db
FIXTURES = Path(__file__).parent / "fixtures"
HEADER = "full_date,date,weekday,time,mood,activities,note\n"


def fixture(name: str) -> bytes:
    return (FIXTURES / name).read_bytes()


def local(entry) -> dt.datetime:
    return entry.occurred_at.astimezone(entry.user.profile.tzinfo)


def test_the_full_date_layout_with_a_byte_order_mark(owner):
    rows = daylio.parse(fixture("daylio_full_date_bom.csv"))
    report = daylio.import_rows(owner, rows, {})
    assert report.added["entries"] == 3
    entries = list(Entry.objects.filter(user=owner).order_by("occurred_at"))
    assert [local(e).strftime("%Y-%m-%d %H:%M") for e in entries] == [
        "2026-03-01 17:01",
        "2026-03-02 08:05",
        "2026-03-02 21:15",
    ]
    evening = entries[2]
    assert evening.note == "**Great day**\n\nFirst line\nSecond line"
    assert "<br>" not in evening.note
    assert (
        evening.note_html
        == "<p><strong>Great day</strong></p>\n<p>First line<br>\nSecond line</p>\n"
    )
    assert sorted(t.name for t in evening.tags.all()) == ["friends", "work"]
    assert [r.value for e in entries for r in e.ratings.all()] == [1, 5, 9]


def test_the_year_layout_with_24_hour_times(owner):
    daylio.import_rows(owner, daylio.parse(fixture("daylio_year.csv")), {})
    entries = list(Entry.objects.filter(user=owner).order_by("occurred_at"))
    assert [e.day for e in entries] == [dt.date(2025, 3, 11), dt.date(2025, 3, 12)]
    assert local(entries[1]).strftime("%H:%M") == "20:39"
    assert [t.name for t in entries[1].tags.all()] == ["walk"]


def test_an_early_morning_entry_counts_for_the_day_before(owner, tmp_path):
    text = HEADER + "2026-03-02,March 2,Monday,1:30 AM,good,,late\n"
    daylio.import_rows(owner, daylio.parse(text.encode()), {})
    assert Entry.objects.get(user=owner).day == dt.date(2026, 3, 1)


def test_a_time_the_clocks_skipped_refuses_the_file_and_writes_nothing(owner):
    # Berlin's clocks went from 02:00 to 03:00 that night: 2:30 never was.
    text = HEADER + (
        "2026-03-28,March 28,Saturday,9:00 PM,good,,fine\n"
        "2026-03-29,March 29,Sunday,2:30 AM,meh,,odd\n"
    )
    with pytest.raises(ImportProblem, match="Line 3: 02:30 did not happen on 29 March"):
        daylio.import_rows(owner, daylio.parse(text.encode()), {})
    assert not Entry.objects.filter(user=owner).exists()


def test_the_same_file_twice_adds_nothing(owner):
    rows = daylio.parse(fixture("daylio_full_date_bom.csv"))
    daylio.import_rows(owner, rows, {})
    second = daylio.import_rows(owner, rows, {})
    assert second.added == {} and second.skipped == {"entries": 3}
    assert Entry.objects.filter(user=owner).count() == 3


def test_unknown_moods_must_be_mapped(owner):
    rows = daylio.parse(fixture("daylio_custom_moods.csv"))
    assert daylio.unmapped(rows, {}) == ["okay-ish", "super"]
    with pytest.raises(ImportProblem, match="okay-ish, super"):
        daylio.import_rows(owner, rows, {})
    assert not Entry.objects.exists()
    daylio.import_rows(owner, rows, {"super": 10, "okay-ish": 6})
    assert sorted(r.value for e in Entry.objects.all() for r in e.ratings.all()) == [
        6,
        10,
        10,
    ]


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("date,mood\n1,2\n", "Line 1: this is not a Daylio export header"),
        (
            "full_date,date,weekday,time,mood,activities,note\n2026-13-01,x,y,10:00,good,,n\n",
            "Line 2: '2026-13-01' is not a date",
        ),
        (
            "full_date,date,weekday,time,mood,activities,note\n2026-03-01,x,y,25:99,good,,n\n",
            "Line 2: '25:99' is not a time",
        ),
        (
            "year,date,weekday,time,mood,activities,note\n"
            "2026,Smarch 40,y,10:00,good,,n\n",
            "Line 2: 'Smarch 40' is not a date",
        ),
        (
            "full_date,date,weekday,time,mood,activities,note\n2026-03-01,x,y,10:00,,,n\n",
            "Line 2: no mood",
        ),
        ("full_date,date,weekday,time,mood,activities,note\n", "no entries"),
    ],
)
def test_bad_files_name_the_line_and_the_problem(text, message):
    with pytest.raises(ImportProblem, match=message.replace("(", r"\(")):
        daylio.parse(text.encode())


def test_a_file_that_is_not_utf8_is_refused():
    with pytest.raises(ImportProblem, match="Line 2: the file is not UTF-8"):
        daylio.parse(b"full_date,date,weekday,time,mood,activities,note\n\xff\xfe\n")


def test_a_file_too_large_is_refused():
    with pytest.raises(ImportProblem, match="larger than 5 MB"):
        daylio.parse(b"x" * (daylio.MAX_BYTES + 1))


def test_the_command_lists_unmapped_moods_and_writes_nothing(owner):
    path = str(FIXTURES / "daylio_custom_moods.csv")
    with pytest.raises(CommandError, match=r"okay-ish \(1\), super \(2\)"):
        call_command("import_daylio", path, "--user", "owner")
    assert not Entry.objects.exists()
    call_command(
        "import_daylio",
        path,
        "--user",
        "owner",
        "--mood-map",
        "super=10",
        "okay-ish=6",
        "--dry-run",
    )
    assert not Entry.objects.exists()
    call_command(
        "import_daylio", path, "--user", "owner", "--mood-map", "super=10", "okay-ish=6"
    )
    assert Entry.objects.filter(user=owner).count() == 3


def test_the_web_flow_previews_moods_and_asks_for_unknown_ones(owner_client, owner):
    upload = SimpleUploadedFile("daylio.csv", fixture("daylio_custom_moods.csv"))
    response = owner_client.post("/settings/import/daylio/", {"file": upload})
    assert response["Location"] == "/settings/import/daylio/moods/"
    preview = owner_client.get("/settings/import/daylio/moods/").content.decode()
    assert "super" in preview and "okay-ish" in preview and "3 entries" in preview
    missing = owner_client.post("/settings/import/daylio/moods/", {"mood:super": "10"})
    assert missing.status_code == 422
    assert b"Give this mood a value." in missing.content
    assert not Entry.objects.exists()
    done = owner_client.post(
        "/settings/import/daylio/moods/", {"mood:super": "10", "mood:okay-ish": "6"}
    )
    assert done.status_code == 302
    assert Entry.objects.filter(user=owner).count() == 3


def test_the_web_flow_refuses_a_bad_file_at_once(owner_client, owner):
    upload = SimpleUploadedFile("daylio.csv", b"date,mood\n1,2\n")
    response = owner_client.post("/settings/import/daylio/", {"file": upload})
    assert response.status_code == 422
    assert b"not a Daylio export header" in response.content


def test_values_outside_the_mood_scale_are_refused(owner_client, owner):
    upload = SimpleUploadedFile("daylio.csv", fixture("daylio_custom_moods.csv"))
    owner_client.post("/settings/import/daylio/", {"file": upload})
    response = owner_client.post(
        "/settings/import/daylio/moods/", {"mood:super": "99", "mood:okay-ish": "6"}
    )
    assert response.status_code == 422
    assert b"Use 1 to 10." in response.content
    assert not Entry.objects.exists()


def narrow_mood_scale(owner, low=1, high=5):
    from journal.models import Metric

    mood = Metric.objects.get(user=owner, key=Metric.Key.MOOD)
    mood.scale_min, mood.scale_max = low, high
    mood.save()
    return mood


def test_a_standard_mood_the_file_does_not_hold_is_not_checked_against_the_scale(
    owner,
):
    # On a 1 to 5 mood scale "rad" (9) and "good" (7) are outside it; a file
    # holding neither imports with the standard values of the moods it has.
    narrow_mood_scale(owner)
    text = HEADER + (
        '2026-03-02,March 2,Monday,09:00,meh,"",""\n'
        '2026-03-03,March 3,Tuesday,09:00,awful,"",""\n'
    )
    daylio.import_rows(owner, daylio.parse(text.encode()), {})
    values = sorted(
        Entry.objects.filter(user=owner).values_list("ratings__value", flat=True)
    )
    assert values == [1, 5]


def test_a_standard_mood_outside_the_scale_needs_a_value_as_a_renamed_one_does(
    owner_client, owner
):
    narrow_mood_scale(owner)
    text = HEADER + (
        '2026-03-02,March 2,Monday,09:00,rad,"",""\n'
        '2026-03-03,March 3,Tuesday,09:00,meh,"",""\n'
    )
    upload = SimpleUploadedFile("daylio.csv", text.encode())
    owner_client.post("/settings/import/daylio/", {"file": upload})
    preview = owner_client.get("/settings/import/daylio/moods/").content.decode()
    assert input_value(preview, "mood:rad") == ""  # not 9, which 1 to 5 lacks
    assert input_value(preview, "mood:meh") == "5"
    response = owner_client.post("/settings/import/daylio/moods/", {"mood:meh": "5"})
    assert response.status_code == 422
    assert (
        b'<ul class="errors"><li>Give this mood a value.</li></ul>' in response.content
    )
    refused = owner_client.post(
        "/settings/import/daylio/moods/", {"mood:rad": "9", "mood:meh": "5"}
    )
    assert b'<ul class="errors"><li>Use 1 to 5.</li></ul>' in refused.content
    assert not Entry.objects.exists()
    done = owner_client.post(
        "/settings/import/daylio/moods/", {"mood:rad": "5", "mood:meh": "3"}
    )
    assert done.status_code == 302
    values = Entry.objects.filter(user=owner).values_list("ratings__value", flat=True)
    assert sorted(values) == [3, 5]


def test_a_mood_value_that_is_not_a_number_is_refused_next_to_it(owner_client, owner):
    upload = SimpleUploadedFile("daylio.csv", fixture("daylio_custom_moods.csv"))
    owner_client.post("/settings/import/daylio/", {"file": upload})
    response = owner_client.post(
        "/settings/import/daylio/moods/", {"mood:super": "ten", "mood:okay-ish": "6"}
    )
    assert response.status_code == 422
    assert b'<ul class="errors"><li>Enter a whole number.</li></ul>' in response.content
    assert 'value="ten"' in response.content.decode()  # as typed, to mend
    assert not Entry.objects.exists()
