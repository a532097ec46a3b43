"""What the import commands share: the account named and the file's bytes."""

from __future__ import annotations

from pathlib import Path

from django.core.management.base import CommandError

from accounts.models import User


def account_and_file(username: str, path: str) -> tuple[User, bytes]:
    """The user and the file to import into their account, or a CommandError
    that names what is wrong."""
    account = User.objects.filter(username=username).first()
    if account is None:
        raise CommandError(f"No user named {username!r}.")
    try:
        return account, Path(path).read_bytes()
    except OSError as error:
        raise CommandError(f"Cannot read {path}: {error.strerror}.") from None
