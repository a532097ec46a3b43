"""A URLconf for testing the route walker itself: one leaky view, one safe one."""

from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import get_object_or_404
from django.urls import include, path

from accounts.models import Profile


@login_required
def leaky_profile(request, profile_id):
    profile = get_object_or_404(Profile, pk=profile_id)  # not scoped: the bug
    if request.method == "POST":
        profile.day_start_hour = 7
        profile.save()
    return HttpResponse(profile.timezone)


@login_required
def scoped_profile(request, profile_id):
    profile = get_object_or_404(Profile, pk=profile_id, user=request.user)
    return HttpResponse(profile.timezone)


urlpatterns = [
    path("leaky/<int:profile_id>/", leaky_profile, name="leaky"),
    path("scoped/<int:profile_id>/", scoped_profile, name="scoped"),
    path("unknown/<int:mystery_id>/", scoped_profile, name="unknown"),
    # The real routes too, which the site's templates (the 404 page) link to.
    path("", include("config.urls")),
]
