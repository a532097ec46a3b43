from __future__ import annotations

import uuid

import pytest


@pytest.fixture
def checkin(owner_client):
    """POST a check-in; keyword arguments become form fields."""

    def post(data: dict | None = None, htmx: bool = False, **fields):
        payload = {"token": str(uuid.uuid4()), **(data or {}), **fields}
        headers = {"HX-Request": "true"} if htmx else {}
        return owner_client.post("/entries/new/", payload, headers=headers)

    return post
