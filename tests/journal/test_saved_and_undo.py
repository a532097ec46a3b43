"""After a check-in: "Saved" by today's entries, in view, with Undo."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.utils import timezone

from journal.models import Entry
from tests.factories import make_entry

pytestmark = pytest.mark.django_db


def saved_block(html: str) -> str:
    match = re.search(r'<div id="saved".*?</div>', html, re.S)
    return match.group(0) if match else ""


def test_without_javascript_the_saved_line_and_undo_are_in_view(
    owner_client, owner, checkin
):
    response = checkin(note="morning")
    entry = Entry.objects.get(user=owner)
    assert response["Location"].endswith("#saved")  # the browser scrolls there
    html = owner_client.get(response["Location"].split("#")[0]).content.decode()
    block = saved_block(html)
    assert "Saved at" in block and f'action="/entries/{entry.pk}/undo/"' in block
    assert "Check-in saved for" in html  # the announced status message too
    # Today's entries come newest first, right below the line.
    assert html.index('id="saved"') < html.index(f'id="entry-{entry.pk}"')


def test_with_htmx_the_answer_scrolls_to_the_saved_line(owner, checkin):
    response = checkin(note="evening", htmx=True)
    assert response.status_code == 200
    assert response["HX-Reswap"] == "outerHTML show:#saved:top"
    html = response.content.decode()
    assert "Saved at" in saved_block(html)
    assert 'hx-swap-oob="true"' in html and "Check-in saved for" in html


def test_undo_removes_the_check_in(owner_client, owner, checkin):
    checkin(note="oops")
    entry = Entry.objects.get(user=owner)
    response = owner_client.post(f"/entries/{entry.pk}/undo/")
    assert response.status_code == 302 and response["Location"] == "/"
    assert not Entry.objects.filter(user=owner).exists()
    assert "Check-in removed." in owner_client.get("/").content.decode()


def test_undo_with_htmx_returns_the_fresh_check_in(owner_client, owner, checkin):
    checkin(note="oops")
    entry = Entry.objects.get(user=owner)
    response = owner_client.post(
        f"/entries/{entry.pk}/undo/", headers={"HX-Request": "true"}
    )
    html = response.content.decode()
    assert response.status_code == 200 and 'id="checkin"' in html
    assert not saved_block(html)
    assert not Entry.objects.filter(user=owner).exists()


def test_undo_is_only_for_a_check_in_just_saved(owner_client, owner):
    old = make_entry(owner, note="last week")
    Entry.objects.filter(pk=old.pk).update(
        created_at=timezone.now() - dt.timedelta(minutes=11)
    )
    response = owner_client.post(f"/entries/{old.pk}/undo/", follow=True)
    assert Entry.objects.filter(pk=old.pk).exists()
    assert "too long ago to undo" in response.content.decode()
    assert "Saved at" not in saved_block(
        owner_client.get(f"/?saved={old.pk}").content.decode()
    )


def test_another_persons_check_in_cannot_be_undone_or_shown(owner_client, other_user):
    theirs = make_entry(other_user, note="theirs")
    assert owner_client.post(f"/entries/{theirs.pk}/undo/").status_code == 404
    assert Entry.objects.filter(pk=theirs.pk).exists()
    html = owner_client.get(f"/?saved={theirs.pk}").content.decode()
    assert not saved_block(html)
    for junk in ("x", "-1", "99999999999999999999", "1e3", "²", "٣"):
        assert owner_client.get(f"/?saved={junk}").status_code == 200


def test_undo_needs_a_post(owner_client, owner, checkin):
    checkin(note="kept")
    entry = Entry.objects.get(user=owner)
    assert owner_client.get(f"/entries/{entry.pk}/undo/").status_code == 405
    assert Entry.objects.filter(pk=entry.pk).exists()
