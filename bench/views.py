"""The baseline: the least a Django page can do, in the TechEmpower "Fortunes"
manner — one query of about a dozen rows and a small template — behind the
same middleware, server and settings as the app's pages."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from journal.models import Prompt


def baseline(request: HttpRequest) -> HttpResponse:
    rows = list(
        Prompt.objects.filter(owner=None).order_by("pk").values("pk", "text")[:12]
    )
    return render(request, "bench/baseline.html", {"rows": rows})
