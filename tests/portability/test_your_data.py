from __future__ import annotations

import csv
import io
import json
import time
import zipfile

import pytest
from allauth.mfa.models import Authenticator
from allauth.mfa.totp.internal.auth import format_hotp_value, hotp_value
from django.core.management import call_command

from accounts.models import User
from journal.models import Entry
from portability.export import export_document
from tests.conftest import PASSWORD
from tests.factories import make_dose, make_entry, make_protocol

pytestmark = pytest.mark.django_db


def test_the_json_export_holds_everything_the_user_owns(owner_client, owner):
    make_entry(owner, note="=SUM(A1)", tags=["walk"], mood=7)
    protocol = make_protocol(owner)
    make_dose(owner, protocol=protocol)
    response = owner_client.post("/settings/export.json")
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith('attachment; filename="titrate-')
    document = json.loads(response.content)
    assert document["format"] == "titrate-export" and document["schema_version"] == 1
    assert document["profile"]["timezone"] == "Europe/Berlin"
    assert [m["name"] for m in document["metrics"]][:2] == ["Mood", "Anxiety"]
    (entry,) = document["entries"]
    assert entry["ratings"] == {"Mood": 7} and entry["tags"] == ["walk"]
    assert document["protocols"][0]["ref"] == 1
    assert document["doses"][0]["protocol"] == 1
    assert document["doses"][0]["amount"] == "100.00"
    assert "id" not in json.dumps(document["entries"])


def test_the_export_never_includes_another_users_rows(owner_client, owner, other_user):
    make_entry(other_user, note="their secret note", tags=["their-tag"])
    make_dose(other_user)
    text = owner_client.post("/settings/export.json").content.decode()
    assert "their secret note" not in text and "their-tag" not in text
    assert json.loads(text)["doses"] == []


def test_the_csv_export_is_a_zip_of_tables_with_formulas_escaped(owner_client, owner):
    make_entry(owner, note="=HYPERLINK(evil)", tags=["@home"])
    response = owner_client.post("/settings/export.zip")
    archive = zipfile.ZipFile(io.BytesIO(response.content))
    assert {"entries.csv", "metrics.csv", "doses.csv", "protocols.csv"} <= set(
        archive.namelist()
    )
    rows = list(csv.DictReader(io.StringIO(archive.read("entries.csv").decode())))
    assert rows[0]["note"] == "'=HYPERLINK(evil)"
    assert rows[0]["tags"] == "'@home"


def test_the_csv_export_has_one_column_per_metric(owner_client, owner, metrics):
    from journal.models import Rating

    metrics["sleep"].name = "note"  # a name another column already has
    metrics["sleep"].save()
    entry = make_entry(owner, mood=7)
    Rating.objects.create(entry=entry, metric=metrics["anxiety"], value=3)
    make_entry(owner, mood=None, note="no ratings")
    archive = zipfile.ZipFile(
        io.BytesIO(owner_client.post("/settings/export.zip").content)
    )
    reader = csv.DictReader(io.StringIO(archive.read("entries.csv").decode()))
    assert reader.fieldnames[:9] == [
        "occurred_at", "day", "note", "tags",
        "Mood", "Anxiety", "Energy", "Focus", "note (rating)",
    ]  # fmt: skip
    rated, bare = sorted(reader, key=lambda row: row["note"])
    assert (rated["Mood"], rated["Anxiety"], rated["Energy"]) == ("7", "3", "")
    assert bare["note"] == "no ratings" and bare["Mood"] == ""


def test_exports_need_a_post(owner_client):
    assert owner_client.get("/settings/export.json").status_code == 405


def test_the_export_command_writes_json_and_csv(tmp_path, owner):
    make_entry(owner, note="from the command line")
    call_command(
        "export_data",
        "--user",
        "owner",
        "--format",
        "json",
        "--output",
        str(tmp_path / "a.json"),
    )
    document = json.loads((tmp_path / "a.json").read_text())
    assert document["entries"][0]["note"] == "from the command line"
    assert (tmp_path / "a.json").stat().st_mode & 0o077 == 0
    call_command(
        "export_data",
        "--user",
        "owner",
        "--format",
        "csv",
        "--output",
        str(tmp_path / "a.zip"),
    )
    assert zipfile.is_zipfile(tmp_path / "a.zip")


def test_the_export_command_refuses_an_unknown_user(tmp_path):
    from django.core.management import CommandError

    with pytest.raises(CommandError, match="No user named 'ghost'"):
        call_command("export_data", "--user", "ghost", "--output", str(tmp_path / "x"))


def test_exporting_a_full_demo_history_works():
    call_command("seed_demo", "--user", "demo", "--years", "1")
    document = export_document(User.objects.get(username="demo"))
    assert len(document["entries"]) > 250 and len(document["doses"]) > 50
    assert any(e["prompt_answer"] for e in document["entries"])


# --- Account deletion --------------------------------------------------------------


def test_deleting_the_account_asks_for_the_password(owner_client, owner):
    make_entry(owner, note="to be forgotten")
    response = owner_client.post(
        "/settings/delete-account/", {"password": "wrong", "confirm": "on"}
    )
    assert response.status_code == 422
    assert b"That password is not right." in response.content
    assert User.objects.filter(pk=owner.pk).exists()


def test_guessing_the_password_to_delete_the_account_is_stopped(owner_client, owner):
    # A signed-in browser left open is not enough to guess the password with:
    # wrong ones count as failed sign-ins, and after five even the right one
    # is refused for a while; past ten in a minute, any attempt is.
    url = "/settings/delete-account/"

    def attempt(password: str) -> bytes:
        response = owner_client.post(url, {"password": password, "confirm": "on"})
        assert response.status_code == 422
        return response.content

    for guess in range(5):
        assert b"That password is not right." in attempt(f"guess {guess}")
    assert b"Too many failed login attempts." in attempt(PASSWORD)
    for guess in range(6, 10):
        assert b"Too many failed login attempts." in attempt(f"guess {guess}")
    assert b"Too many attempts; wait a minute." in attempt(PASSWORD)
    assert User.objects.filter(pk=owner.pk).exists()


def test_deleting_the_account_needs_the_confirmation(owner_client, owner):
    response = owner_client.post("/settings/delete-account/", {"password": PASSWORD})
    assert response.status_code == 422
    assert User.objects.filter(pk=owner.pk).exists()


def test_deleting_the_account_removes_everything_and_signs_out(
    owner_client, owner, other_user
):
    make_entry(owner, note="to be forgotten")
    make_dose(owner)
    make_entry(other_user, note="stays")
    response = owner_client.post(
        "/settings/delete-account/", {"password": PASSWORD, "confirm": "on"}
    )
    assert response.status_code == 302
    assert not User.objects.filter(username="owner").exists()
    assert not Entry.objects.filter(note="to be forgotten").exists()
    assert Entry.objects.filter(note="stays").exists()
    assert owner_client.get("/").status_code == 302


def test_with_two_factor_on_it_also_asks_for_a_code(owner_client, owner):
    secret = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"
    Authenticator.objects.create(user=owner, type="totp", data={"secret": secret})
    response = owner_client.post(
        "/settings/delete-account/",
        {"password": PASSWORD, "confirm": "on", "code": "123456"},
    )
    assert response.status_code == 422
    assert User.objects.filter(pk=owner.pk).exists()
    code = format_hotp_value(hotp_value(secret, int(time.time()) // 30))
    response = owner_client.post(
        "/settings/delete-account/",
        {"password": PASSWORD, "confirm": "on", "code": code},
    )
    assert response.status_code == 302
    assert not User.objects.filter(pk=owner.pk).exists()
