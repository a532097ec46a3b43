"""The instance's Web Push (VAPID) key pair."""

from __future__ import annotations

import base64

from cryptography.hazmat.primitives import serialization
from django.conf import settings
from django.db import IntegrityError, transaction
from py_vapid import Vapid

from reminders.models import VapidKey


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def _private_key() -> str:
    if settings.VAPID_PRIVATE_KEY:
        return settings.VAPID_PRIVATE_KEY
    stored = VapidKey.objects.order_by("id").first()
    if stored:
        return stored.private_key
    fresh = Vapid()
    fresh.generate_keys()
    raw = fresh.private_key.private_numbers().private_value.to_bytes(32, "big")
    try:
        # Made once: the first row wins when two processes race to make it.
        with transaction.atomic():
            VapidKey.objects.create(id=1, private_key=_b64(raw))
    except IntegrityError:
        pass
    return VapidKey.objects.get(id=1).private_key


def vapid() -> Vapid:
    return Vapid.from_raw(_private_key().encode())


def application_server_key() -> str:
    """The public key browsers subscribe with (an uncompressed P-256 point)."""
    point = vapid().public_key.public_bytes(
        serialization.Encoding.X962, serialization.PublicFormat.UncompressedPoint
    )
    return _b64(point)
