"""An edit sent from a page older than its row's last save (accounts.edits),
checked the same way for each kind of row an edit page changes."""

from __future__ import annotations

from html import unescape

from tests.markup import input_value, new_tab_links


def seen_on_page(client, url: str) -> str:
    """The moment of the last save the edit page at `url` shows."""
    return input_value(client.get(url).content.decode(), "seen")


def check_saved_elsewhere_is_kept(
    client, url: str, data: dict, row, field: str, what: str
) -> None:
    """Two pages of the edit at `url` opened, as on a phone and a laptop: the
    phone's edit of `field` is saved; the laptop's is refused (409) in words
    naming the row as `what`,
    nothing of it saved, what was typed shown with a link to the saved
    version beside it. The same edit sent twice is saved once, without a
    refusal, and an unreadable moment saves nothing (422)."""
    laptop, phone = seen_on_page(client, url), seen_on_page(client, url)
    sent = client.post(url, {**data, field: "typed on the phone", "seen": phone})
    assert sent.status_code == 302
    refused = client.post(url, {**data, field: "typed on the laptop", "seen": laptop})
    assert refused.status_code == 409
    html = unescape(refused.content.decode())
    assert f"This {what} was saved elsewhere (another tab or device)" in html
    assert "typed on the laptop" in html
    assert new_tab_links(html) == [url]  # the saved version, beside it
    assert new_tab_links(client.get(url).content.decode()) == []
    row.refresh_from_db()
    assert getattr(row, field) == "typed on the phone"

    again = {**data, field: "sent twice", "seen": seen_on_page(client, url)}
    for _ in range(2):
        assert client.post(url, again).status_code == 302
    row.refresh_from_db()
    assert getattr(row, field) == "sent twice"

    unreadable = client.post(url, {**data, field: "unreadable", "seen": "soon"})
    assert unreadable.status_code == 422
    row.refresh_from_db()
    assert getattr(row, field) == "sent twice"
