from __future__ import annotations

from copy import copy

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from accounts.forms import ProfileForm
from accounts.http import SignedInRequest
from accounts.models import AuditEvent
from accounts.services import profile_for, profile_update


@login_required
@require_http_methods(["GET", "POST"])
def settings_index(request: SignedInRequest) -> HttpResponse:
    profile = profile_for(request.user)
    if request.method == "POST":
        # A copy: validating fills the instance with what was sent, and the
        # rest of the response reads the person's settings as saved.
        form = ProfileForm(request.POST, instance=copy(profile))
        if form.is_valid():
            profile_update(
                user=request.user,
                timezone=form.cleaned_data["timezone"],
                day_start_hour=form.cleaned_data["day_start_hour"],
                week_start=form.cleaned_data["week_start"],
            )
            messages.success(request, "Settings saved.")
            return redirect("accounts:settings")
        status = 422
    else:
        form = ProfileForm(instance=profile)
        status = 200
    return render(request, "accounts/settings.html", {"form": form}, status=status)


@login_required
@require_http_methods(["GET"])
def activity(request: SignedInRequest) -> HttpResponse:
    events = AuditEvent.objects.filter(user=request.user)[:100]
    return render(request, "accounts/activity.html", {"events": events})
