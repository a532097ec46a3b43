"""Signals the accounts app sends for the apps above it to act on."""

from __future__ import annotations

from django.dispatch import Signal

# A new account's profile was just made, inside the same transaction; sent
# with `user`. The journal gives it the default metrics, protocols the default
# substances: accounts never imports them.
account_created = Signal()
