from __future__ import annotations

import pytest

from protocols.models import SafetyScreen, Substance


@pytest.fixture
def screened(owner) -> SafetyScreen:
    return SafetyScreen.objects.create(user=owner, answers={})


@pytest.fixture
def substances(owner) -> dict[str, Substance]:
    return {s.name: s for s in Substance.objects.filter(user=owner)}
