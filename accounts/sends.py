"""A form that makes something new writes it once, however often it is sent.

The form (a check-in, a dose, a protocol, an experiment, a prompt, a
questionnaire's answers) carries a token made when its page was built, and
the row it writes keeps it, unique per person. The same form sent again (a
double tap, a resend after a lost answer, a draft sent when the connection
returns) finds the row the first send wrote. Two sends at the same moment
both miss it; the database's unique token refuses the second's row, and the
second, too, answers with the first's.

The journal, the protocols and the experiments use it; it lives here, below
all three."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from typing import TypeVar

from django.db import IntegrityError, models, transaction

Row = TypeVar("Row", bound=models.Model)


def once(
    rows: models.QuerySet[Row],
    token: uuid.UUID | None,
    write: Callable[[], Row],
    *,
    check: Callable[[], object] | None = None,
) -> tuple[Row, bool]:
    """The row of `rows` (the person's) that a send with `token` wrote
    before, or the one `write` writes now; and whether it was written now.
    A form without a token (None) writes every time. `check` (validation, or
    what must happen first) runs only when the row is to be written, before
    it; `write` runs in a savepoint, so that a send that lost the race leaves
    the request's transaction usable. Errors other than the lost race pass
    through."""
    sent = None if token is None else rows.filter(client_token=token)
    if sent is not None and (first := sent.first()) is not None:
        return first, False
    if check is not None:
        check()
    try:
        with transaction.atomic():
            return write(), True
    except IntegrityError:
        first = None if sent is None else sent.first()
        if first is None:
            raise
        return first, False
