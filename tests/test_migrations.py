"""The migrations describe the models as they are."""

from __future__ import annotations

from django.core.management import call_command


def test_every_change_to_a_model_has_its_migration(db):
    # --check exits with 1 when a model differs from what its migrations make.
    call_command("makemigrations", "--check", "--dry-run", verbosity=0)
