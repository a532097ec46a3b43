from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods, require_POST

from accounts.http import SignedInRequest
from reminders import services, vapid
from reminders.forms import ReminderSettingsForm, SubscriptionForm, email_available
from reminders.models import Delivery, PushDevice

SETTINGS_FIELDS = ReminderSettingsForm.Meta.fields


def get_device_for_user(request: SignedInRequest, device_id: int) -> PushDevice:
    return get_object_or_404(PushDevice, pk=device_id, user=request.user)


@login_required
@require_http_methods(["GET", "POST"])
def settings_page(request: SignedInRequest) -> HttpResponse:
    current = services.settings_for(request.user)
    status = 200
    if request.method == "POST":
        form = ReminderSettingsForm(request.POST, instance=current, user=request.user)
        if form.is_valid():
            services.settings_update(
                user=request.user,
                **{name: form.cleaned_data[name] for name in SETTINGS_FIELDS},
            )
            messages.success(request, "Reminders saved.")
            return redirect("reminders:settings")
        status = 422
    else:
        form = ReminderSettingsForm(instance=current, user=request.user)
    context = {
        "form": form,
        "devices": PushDevice.objects.filter(user=request.user),
        "deliveries": Delivery.objects.filter(user=request.user)[:20],
        "email_available": email_available(),
        "vapid_key": vapid.application_server_key(),
        "channels": Delivery.Channel,
    }
    return render(request, "reminders/settings.html", context, status=status)


@login_required
@require_POST
def device_subscribe(request: SignedInRequest) -> JsonResponse:
    """Called by the page's script with the browser's subscription."""
    form = SubscriptionForm(request.POST)
    if not form.is_valid():
        errors = "; ".join(e for field in form.errors.values() for e in field)
        return JsonResponse({"error": errors}, status=422)
    try:
        device = services.device_subscribe(
            user=request.user,
            user_agent=request.headers.get("User-Agent", ""),
            **form.cleaned_data,
        )
    except PermissionError as error:
        return JsonResponse({"error": str(error)}, status=409)
    return JsonResponse({"id": device.pk, "name": device.name}, status=201)


@login_required
@require_POST
def device_remove(request: SignedInRequest, device_id: int) -> HttpResponse:
    device = get_device_for_user(request, device_id)
    services.device_remove(device=device)
    messages.success(request, f"{device.name} gets no more notifications.")
    return redirect("reminders:settings")


@login_required
@require_POST
def send_test(request: SignedInRequest) -> HttpResponse:
    channel = request.POST.get("channel", "")
    if channel not in Delivery.Channel.values:
        return HttpResponse("Unknown channel.", status=400)
    delivery = services.send_test(user=request.user, channel=channel)
    label = Delivery.Channel(channel).label
    if delivery.status == Delivery.Status.SENT:
        messages.success(request, f"Test sent by {label}: look for it there.")
    else:
        messages.error(request, f"The test by {label} failed: {delivery.error}")
    return redirect("reminders:settings")


# The service worker posts here from a notification's "Remind me in an hour"
# without a CSRF token (it has none); the signed token, which only this
# person's own reminder carried, is what authorises it.
@csrf_exempt
@login_required
@require_http_methods(["GET", "POST"])
def snooze(request: SignedInRequest, snooze_token: str) -> HttpResponse:
    try:
        delivery = services.delivery_for_snooze(request.user, snooze_token)
    except services.SnoozeRefused as error:
        return render(request, "reminders/snooze.html", {"error": error}, status=404)
    if request.method == "GET":
        return render(request, "reminders/snooze.html", {"delivery": delivery})
    try:
        services.snooze(delivery=delivery)
    except services.SnoozeRefused as error:
        if request.headers.get("Accept") == "application/json":
            return JsonResponse({"error": str(error)}, status=409)
        messages.info(request, str(error))
        return redirect("journal:today")
    if request.headers.get("Accept") == "application/json":
        return JsonResponse({"snoozed": True})
    messages.success(request, "We will remind you again in an hour.")
    return redirect("journal:today")
