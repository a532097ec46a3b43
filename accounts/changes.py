"""Each user's data version, the key under which their pages are cached.

Every request that may write (any method but GET, HEAD, OPTIONS, TRACE) moves
the version on twice, in `DataVersionMiddleware`: before the view, so that a
page the view renders after its write is built afresh; and after it, so that a
page someone else built from the data as it was during the write is never
looked up again. Writes made outside a request (imports, the demo seeder) call
`bump` themselves.
"""

from __future__ import annotations

from collections.abc import Callable

from django.db import IntegrityError, transaction
from django.db.models import F
from django.http import HttpRequest, HttpResponse

from accounts.models import DataVersion

SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS", "TRACE"})


def version(user_id: int) -> int:
    """The user's current data version, read from the database every time."""
    value = (
        DataVersion.objects.filter(user_id=user_id)
        .values_list("value", flat=True)
        .first()
    )
    if value is not None:
        return value
    try:
        with transaction.atomic():
            return DataVersion.objects.create(user_id=user_id).value
    except IntegrityError:  # created by a request running at the same moment
        return DataVersion.objects.values_list("value", flat=True).get(user_id=user_id)


def bump(user_id: int) -> None:
    """Note that the user's data may have changed: pages cached so far are old."""
    # No row yet means nothing was cached for this user: nothing to move on.
    DataVersion.objects.filter(user_id=user_id).update(value=F("value") + 1)


class DataVersionMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        writer = None
        if request.method not in SAFE_METHODS and request.user.is_authenticated:
            writer = request.user.pk
            bump(writer)
        response = self.get_response(request)
        if writer is not None:
            # The view may have deleted the account; then there is no row left.
            bump(writer)
        return response
