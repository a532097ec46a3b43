from __future__ import annotations

import datetime as dt
import re
import uuid
from copy import copy

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db.models import ProtectedError, RestrictedError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import (
    require_http_methods,
    require_POST,
    require_safe,
)

from accounts.edits import SavedElsewhere, gone, refusal
from accounts.http import SignedInRequest
from accounts.moments import as_shown
from accounts.weeks import weekday_names
from config.http import partial_template, post_or_none
from protocols import ical, queries, safety, schedule, services
from protocols.forms import (
    DoseEffectsForm,
    DoseForm,
    FeedAlarmForm,
    PlannedDoseForm,
    ProtocolForm,
    SafetyScreenForm,
    SubstanceForm,
)
from protocols.held import held
from protocols.models import CalendarFeed, DoseLog, Protocol, SafetyScreen, Substance
from protocols.phases import DayState
from protocols.today import held_from_today, today_dose_context

FEED_PAST = dt.timedelta(days=60)
FEED_AHEAD = dt.timedelta(days=366)


def get_protocol_for_user(request: SignedInRequest, protocol_id: int) -> Protocol:
    return get_object_or_404(Protocol, pk=protocol_id, user=request.user)


def get_dose_for_user(request: SignedInRequest, dose_id: int) -> DoseLog:
    return get_object_or_404(DoseLog, pk=dose_id, user=request.user)


def get_substance_for_user(request: SignedInRequest, substance_id: int) -> Substance:
    return get_object_or_404(Substance, pk=substance_id, user=request.user)


def _warn(request: SignedInRequest, dose: DoseLog) -> None:
    for warning in services.dose_warnings_for(dose):
        messages.warning(request, warning)


# --- Overview ----------------------------------------------------------------


@login_required
@require_safe
def protocol_index(request: SignedInRequest) -> HttpResponse:
    return _index(request)


def _index(
    request: SignedInRequest, alarm_form: FeedAlarmForm | None = None
) -> HttpResponse:
    """The protocol page; with the alarm's form as it was sent when it was
    refused (422), its error next to the field."""
    today = request.profile.local_day()
    fortnight = today + dt.timedelta(days=13)
    protocol, page = queries.overview(request.user, today, fortnight)
    upcoming, running, running_upcoming = [], None, []

    def planned(plan: schedule.Plan) -> list[dt.date]:
        # Not the days of an experiment's weeks: its capsules take their place.
        days = schedule.planned_days(plan, today, fortnight)
        return [day for day in days if day not in page.held.days]

    if protocol:
        upcoming = planned(protocol.plan)
    if protocol and protocol.start_date > today:
        # It begins later: the protocol it ended holds until then (the latest
        # begun by today, as in the dosing calendar).
        running = next(
            (p for p in page.history if queries.protocol_on([p], today)), None
        )
    if running:
        running_upcoming = planned(running.plan)
    feed = page.feed or services.feed_for(request.user)
    long_without_break = protocol is not None and safety.runs_long_without_break(
        protocol.on_weeks,
        protocol.break_weeks,
        (today - protocol.start_date).days // 7,
    )
    context = {
        "protocol": protocol,
        "today": today,
        "upcoming": upcoming,
        "running": running,
        "running_upcoming": running_upcoming,
        "held": bool(page.held.days),
        "capsules_ahead": sorted(page.held.capsules),
        "open_doses_ahead": sorted(page.held.doses),
        "heart_valve_note": safety.HEART_VALVE_NOTE if long_without_break else "",
        "history": [past for past in page.history if past != running],
        "doses": page.doses,
        "screened": page.screened,
        "feed": feed,
        "feed_url": request.build_absolute_uri(
            reverse("protocols:feed", args=[feed.token])
        ),
        "alarm_form": alarm_form
        or FeedAlarmForm(initial={"alarm_time": feed.alarm_time}),
    }
    status = 200 if alarm_form is None else 422
    return render(request, "protocols/index.html", context, status=status)


# --- Safety screen -----------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def safety_screen(request: SignedInRequest) -> HttpResponse:
    screen = SafetyScreen.objects.filter(user=request.user).first()
    initial = {}
    if screen:
        initial = {
            key: "yes" if value else "no" for key, value in screen.answers.items()
        }
    form = SafetyScreenForm(post_or_none(request), initial=initial)
    if request.method == "POST" and form.is_valid():
        services.safety_screen_save(user=request.user, answers=form.answers())
        return redirect("protocols:safety_result")
    status = 422 if request.method == "POST" else 200
    return render(
        request,
        "protocols/safety.html",
        {"form": form, "sources": safety.SOURCES},
        status=status,
    )


@login_required
@require_safe
def safety_result(request: SignedInRequest) -> HttpResponse:
    screen = SafetyScreen.objects.filter(user=request.user).first()
    if screen is None:
        return redirect("protocols:safety")
    return render(
        request,
        "protocols/safety_result.html",
        {
            "advisories": safety.advisories(screen.answers),
            "general_notes": safety.GENERAL_NOTES,
            "sources": safety.SOURCES,
        },
    )


# --- Protocols ---------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def protocol_new(request: SignedInRequest) -> HttpResponse:
    if not SafetyScreen.objects.filter(user=request.user).exists():
        messages.info(request, "A few safety questions first; they take a minute.")
        return redirect("protocols:safety")
    initial = {
        "token": uuid.uuid4(),
        "start_date": request.profile.local_day(),
        "kind": schedule.FADIMAN,
    }
    form = ProtocolForm(post_or_none(request), initial=initial, user=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            protocol = services.protocol_create(
                user=request.user,
                client_token=form.cleaned_data["token"],
                today=request.profile.local_day(),
                **form.protocol_fields(),
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, f"{protocol.name} is your protocol now.")
            return redirect("protocols:index")
    status = 422 if request.method == "POST" else 200
    return render(
        request,
        "protocols/protocol_form.html",
        {"form": form, "protocol": None},
        status=status,
    )


@login_required
@require_http_methods(["GET", "POST"])
def protocol_edit(request: SignedInRequest, protocol_id: int) -> HttpResponse:
    protocol = get_protocol_for_user(request, protocol_id)
    profile = request.profile
    today = profile.local_day()
    # The form fills a copy with what was sent: the page names the protocol,
    # and says whether an edit changes its past days, as it is saved, not as
    # typed in a refused edit.
    form = ProtocolForm(
        post_or_none(request), instance=copy(protocol), user=request.user, today=today
    )
    status = 422 if request.method == "POST" else 200
    if request.method == "POST" and form.is_valid():
        try:
            saved = services.protocol_update(
                protocol=protocol,
                seen=form.cleaned_data["seen"],
                **form.protocol_fields(),
            )
        except SavedElsewhere as changed:
            form.add_error(None, refusal("protocol", changed, profile.tzinfo))
            status = 409
        else:
            messages.success(request, f"Saved {saved.name}.")
            return redirect("protocols:index")
    context = {
        "form": form,
        "protocol": protocol,
        "today": today,
        "saved_elsewhere": status == 409,
    }
    return render(request, "protocols/protocol_form.html", context, status=status)


@login_required
@require_POST
def protocol_end(request: SignedInRequest, protocol_id: int) -> HttpResponse:
    protocol = get_protocol_for_user(request, protocol_id)
    today = request.profile.local_day()
    if protocol.active and protocol.start_date > today:
        # Not begun: taken back rather than ended on a day still to come.
        try:
            running = services.protocol_cancel(protocol=protocol)
        except ValidationError as error:
            messages.error(request, error.messages[0])
        else:
            again = ""
            if running is not None:
                until = (
                    running.end_date and f" to its last day, {running.end_date:%-d %B}"
                )
                again = f" {running.name} runs on{until or ''}."
            messages.success(request, f"{protocol.name} will not begin.{again}")
    elif protocol.active:
        services.protocol_end(protocol=protocol, today=today)
        messages.success(
            request, f"{protocol.name} has ended and is kept in your history."
        )
    return redirect("protocols:index")


# --- Doses -------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def dose_new(request: SignedInRequest) -> HttpResponse:
    profile = request.profile
    day, time = as_shown(timezone.now(), profile.tzinfo)
    protocol = queries.protocol_in_effect(request.user, profile.local_day())
    initial = {"token": uuid.uuid4(), "date": day, "time": time}
    if protocol:
        initial |= {
            "substance": protocol.substance_id,
            "amount": protocol.amount,
            "protocol": protocol.pk,
        }
    form = DoseForm(post_or_none(request), initial=initial, profile=profile)
    if request.method == "POST" and form.is_valid():
        dose, created = services.dose_log(
            user=request.user,
            profile=profile,
            client_token=form.cleaned_data["token"],
            **form.dose_fields(),
        )
        if created:
            messages.success(
                request, "Dose logged." if not dose.skipped else "Marked as skipped."
            )
            _warn(request, dose)
        return redirect("protocols:index")
    status = 422 if request.method == "POST" else 200
    return render(
        request, "protocols/dose_form.html", {"form": form, "dose": None}, status=status
    )


@login_required
@require_POST
def dose_planned(request: SignedInRequest) -> HttpResponse:
    """Today's one tap: the planned dose taken, or skipped (now, or at the
    moment an offline tap was made)."""
    form = PlannedDoseForm(request.POST, profile=request.profile)
    if not form.is_valid() and form.has_error("action"):
        return HttpResponse("action must be take or skip", status=400)
    problem = _log_planned(request, form)
    if problem:
        messages.error(request, problem)
    if request.htmx:
        # A refusal is 422, so a tap sent later from this device's offline
        # queue is kept for the person to see rather than counted as saved.
        spans, open_dose = held_from_today(request.user, request.profile.local_day())
        return render(
            request,
            "protocols/includes/today_dose.html#today-dose",
            {**today_dose_context(request, spans, open_dose), "oob_messages": True},
            status=422 if problem else 200,
        )
    return redirect("journal:today")


def _log_planned(request: SignedInRequest, form: PlannedDoseForm) -> str:
    """Log the tapped planned dose; why not, in words, if it cannot be."""
    if not form.is_valid():
        return form.errors["moment"][0]
    profile = request.profile
    skipped = form.cleaned_data["action"] == "skip"
    taken_at = form.cleaned_data["moment"]
    day = profile.local_day(taken_at)
    # An experiment's weeks hold the day: its open dose, or none but its
    # capsules, takes the place of the protocol's.
    kept = held(request.user, day, day)
    protocol = queries.protocol_in_effect(request.user, day)
    open_dose = kept.doses.get(day)
    if open_dose is not None:
        protocol = None
    elif (
        protocol is None
        or not schedule.is_planned(protocol.plan, day)
        or day in kept.days
    ):
        if day == profile.local_day():
            return "No dose is planned for today."
        return f"No dose was planned for {day:%A %-d %B}."
    dose, created = services.dose_log_planned(
        user=request.user,
        profile=profile,
        taken_at=taken_at,
        skipped=skipped,
        protocol=protocol,
        open_dose=open_dose,
    )
    if created:
        messages.success(
            request, "Marked as skipped." if skipped else "Planned dose logged."
        )
        _warn(request, dose)
    return ""


@login_required
@require_http_methods(["GET", "POST"])
def dose_edit(request: SignedInRequest, dose_id: int) -> HttpResponse:
    dose = DoseLog.objects.filter(pk=dose_id, user=request.user).first()
    if dose is None:
        if request.method != "POST":
            raise Http404("No such dose.")
        return gone(request, "dose", (reverse("protocols:index"), "Protocol"))
    if dose.blinded:
        # Its content is the experiment's to reveal; a mistaken one is deleted.
        messages.info(request, "An experiment capsule cannot be edited, only deleted.")
        return redirect("protocols:index")
    profile = request.profile
    form = DoseForm(
        post_or_none(request),
        initial=DoseForm.initial_for(dose, profile),
        profile=profile,
        dose=dose,
    )
    status = 422 if request.method == "POST" else 200
    if request.method == "POST" and form.is_valid():
        try:
            services.dose_update(
                dose=dose,
                profile=profile,
                seen=form.cleaned_data["seen"],
                **form.dose_fields(),
            )
        except SavedElsewhere as changed:
            form.add_error(None, refusal("dose", changed, profile.tzinfo))
            status = 409
        else:
            messages.success(request, "Dose saved.")
            _warn(request, dose)
            return redirect("protocols:index")
    context = {"form": form, "dose": dose, "saved_elsewhere": status == 409}
    return render(request, "protocols/dose_form.html", context, status=status)


@login_required
@require_http_methods(["GET", "POST"])
def dose_effects(request: SignedInRequest, dose_id: int) -> HttpResponse:
    """How a dose felt and what it did: information for finding a dose one
    does not notice, never advice."""
    dose = get_dose_for_user(request, dose_id)
    if dose.skipped:
        messages.info(request, "A skipped dose has no effects to note.")
        return redirect("protocols:index")
    form = DoseEffectsForm(post_or_none(request), dose=dose)
    if request.method == "POST" and form.is_valid():
        services.dose_effects_set(
            dose=dose, felt=form.cleaned_data["felt"], effects=form.effects()
        )
        messages.success(request, "Noted how the dose felt.")
        back = (
            "journal:today"
            if request.POST.get("next") == "today"
            else "protocols:index"
        )
        return redirect(back)
    status = 422 if request.method == "POST" else 200
    return render(
        request,
        "protocols/dose_effects.html",
        {"form": form, "dose": dose, "next": request.GET.get("next", "")},
        status=status,
    )


@login_required
@require_http_methods(["GET", "POST"])
def dose_delete(request: SignedInRequest, dose_id: int) -> HttpResponse:
    dose = get_dose_for_user(request, dose_id)
    if request.method == "POST":
        services.dose_delete(dose=dose)
        messages.success(request, "The dose record was deleted.")
        return redirect("protocols:index")
    return render(request, "protocols/dose_confirm_delete.html", {"dose": dose})


# --- Substances --------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def substance_list(request: SignedInRequest) -> HttpResponse:
    form = SubstanceForm(post_or_none(request), user=request.user)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                substance = services.substance_create(
                    user=request.user, **form.cleaned_data
                )
            except ValidationError as error:
                form.add_error(None, error)
            else:
                messages.success(request, f"Added {substance.name}.")
                return redirect("protocols:substances")
        status = 422
    substances = Substance.objects.filter(user=request.user)
    return render(
        request,
        "protocols/substances.html",
        {"form": form, "substances": substances},
        status=status,
    )


@login_required
@require_POST
def substance_delete(request: SignedInRequest, substance_id: int) -> HttpResponse:
    substance = get_substance_for_user(request, substance_id)
    try:
        services.substance_delete(substance=substance)
        messages.success(request, f"Deleted {substance.name}.")
    except (ProtectedError, RestrictedError):
        messages.error(
            request,
            f"{substance.name} is used by protocols, doses or experiments, "
            "so it stays.",
        )
    return redirect("protocols:substances")


# --- Dosing calendar ---------------------------------------------------------


EXPERIMENT_STATES = (
    DayState.CAPSULE,
    DayState.CAPSULE_DUE,
    DayState.CAPSULE_MISSED,
    DayState.HELD,
)


@login_required
@require_safe
def dosing_calendar(
    request: SignedInRequest, year: int | None = None, month: int | None = None
) -> HttpResponse:
    today = request.profile.local_day()
    if year is None or month is None:
        year, month = today.year, today.month
    if not (1 <= month <= 12 and 1900 <= year <= 9998):
        raise Http404("No such month.")
    first = dt.date(year, month, 1)

    previous = first - dt.timedelta(days=1)
    following = first + dt.timedelta(days=32)
    weeks = queries.calendar_month(
        request.user, year, month, today, request.profile.week_start
    )
    context = {
        "first": first,
        "today": today,
        "weeks": weeks,
        "month_days": [cell for week in weeks for cell in week if cell.in_month],
        "previous": (previous.year, previous.month),
        "following": (following.year, following.month),
        # An experiment's states only in a month that has them.
        "legend": [
            (state.value, state.label)
            for state in DayState
            if state not in EXPERIMENT_STATES
            or any(cell.state == state for week in weeks for cell in week)
        ],
        "weekday_names": weekday_names(request.profile.week_start),
    }
    return render(
        request,
        partial_template(request, "protocols/calendar.html", "calendar"),
        context,
    )


# --- Calendar feed -----------------------------------------------------------

FEED_TOKEN = re.compile(r"[A-Za-z0-9_-]{1,64}")


@never_cache
@require_safe
def feed(request: HttpRequest, token: str) -> HttpResponse:
    """The planned days as iCalendar. The secret token is the only key."""
    if not FEED_TOKEN.fullmatch(token):  # never a query with a NUL or worse
        raise Http404("No such feed.")
    feed = get_object_or_404(
        CalendarFeed.objects.select_related("user__profile"),
        token=token,
        user__is_active=True,
    )
    user = feed.user
    today = user.profile.local_day()
    first, last = today - FEED_PAST, today + FEED_AHEAD
    protocols = queries.protocols_overlapping(user, first, last)
    # An experiment's weeks plan no protocol dose: no alarm to take one, but
    # one on each of its capsule days and of its open dose days.
    kept = held(user, first, last)
    # As neutral as a protocol's day unless details are asked for.
    events = [
        ical.Event(
            uid=f"{kind}-{user.pk}-{day:%Y%m%d}@titrate",
            day=day,
            summary=summary if feed.show_details else "Planned day",
        )
        for kind, days, summary in (
            ("capsule", kept.capsules, "Experiment capsule"),
            ("dose", kept.doses, "Experiment dose (an on week)"),
        )
        for day in days
    ]
    # One protocol governs each day, as in the dosing calendar: a replaced or
    # backdated protocol never lists a day twice.
    for protocol in protocols:
        for day in schedule.planned_days(protocol.plan, first, last):
            if day in kept.days or queries.protocol_on(protocols, day) is not protocol:
                continue
            if feed.show_details:
                amount = protocol.amount.normalize()
                summary = f"{protocol.substance.name} {amount:f} {protocol.unit}"
                description = protocol.name
            else:
                summary, description = "Planned day", ""
            events.append(
                ical.Event(
                    uid=f"planned-{protocol.pk}-{day:%Y%m%d}@titrate",
                    day=day,
                    summary=summary,
                    description=description,
                )
            )
    events.sort(key=lambda event: event.day)
    body = ical.calendar(
        events, name="Titrate", stamp=timezone.now(), alarm=feed.alarm_time
    )
    response = HttpResponse(body, content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = 'inline; filename="titrate.ics"'
    return response


@login_required
@require_POST
def feed_settings(request: SignedInRequest) -> HttpResponse:
    action = request.POST.get("action")
    if action == "regenerate":
        services.feed_regenerate(user=request.user)
        messages.success(
            request, "New calendar address made; the old one no longer works."
        )
    elif action == "alarm":
        form = FeedAlarmForm(request.POST)
        if not form.is_valid():
            return _index(request, alarm_form=form)
        alarm = form.cleaned_data["alarm_time"]
        services.feed_set_alarm(user=request.user, alarm_time=alarm)
        messages.success(
            request,
            f"Planned days in the feed now have an alarm at {alarm:%H:%M}."
            if alarm
            else "Planned days in the feed have no alarm now.",
        )
    elif action in ("details_on", "details_off"):
        services.feed_set_details(
            user=request.user, show_details=action == "details_on"
        )
        messages.success(request, "Calendar feed updated.")
    else:
        return HttpResponse("Unknown action.", status=400)
    return redirect("protocols:index")
