from __future__ import annotations

from dataclasses import asdict
from functools import wraps

import segno
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_POST

from accounts.http import SignedInRequest
from config.http import post_or_none
from experiments import queries, services
from experiments.forms import ExperimentForm, GuessForm, StopForm
from experiments.models import Experiment, Guess
from protocols import queries as protocol_queries
from protocols.models import SafetyScreen

STUDY = (
    "Szigeti et al., “Self-blinding citizen science to explore psychedelic "
    "microdosing”, eLife 2021;10:e62878"
)


@login_required
def experiment_index(request: SignedInRequest) -> HttpResponse:
    experiments = Experiment.objects.filter(user=request.user).select_related(
        "substance", "primary_metric"
    )
    return render(
        request,
        "experiments/index.html",
        {"experiments": experiments, "study": STUDY},
    )


@login_required
@require_http_methods(["GET", "POST"])
def experiment_new(request: SignedInRequest) -> HttpResponse:
    if not SafetyScreen.objects.filter(user=request.user).exists():
        messages.info(request, "A few safety questions first; they take a minute.")
        return redirect("protocols:safety")
    profile = request.profile
    initial = ExperimentForm.initial_for(
        profile, protocol_queries.active_protocol(request.user)
    )
    form = ExperimentForm(post_or_none(request), initial=initial, profile=profile)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        experiment = services.experiment_create(
            user=request.user,
            substance=data["substance"],
            amount=data["amount"],
            primary_metric=data["primary_metric"],
            design=data["design"],
            weeks=data["weeks"],
            weekdays=data["weekdays"],
            start_date=data["start_date"],
            client_token=data["token"],
        )
        messages.success(request, "Experiment planned. Check the numbers, then start.")
        return redirect("experiments:detail", experiment.pk)
    status = 422 if request.method == "POST" else 200
    return render(request, "experiments/new.html", {"form": form}, status=status)


def _plan(request: SignedInRequest, experiment: Experiment):
    person = queries.spread(
        request.user, experiment.primary_metric, request.profile.local_day()
    )
    return queries.plan(
        experiment.design,
        experiment.weeks,
        experiment.weekdays,
        experiment.start_date,
        person,
        experiment.primary_metric,
    )


@login_required
def experiment_detail(request: SignedInRequest, experiment_id: int) -> HttpResponse:
    experiment = queries.experiment_for_user(request.user, experiment_id)
    today = request.profile.local_day()
    context = {
        "experiment": experiment,
        "today": today,
        "study": STUDY,
        "opened": experiment.envelopes.exclude(day=None).count(),
        "total": experiment.envelopes.count(),
        "over": today > experiment.end_date,
    }
    if experiment.status == Experiment.Status.PLANNED:
        context["plan"] = _plan(request, experiment)
    if experiment.is_open:
        envelope = services.current_envelope(experiment, today)
        context["envelope"] = envelope
        context["dose_day"] = experiment.is_dose_day(today)
        if envelope is not None and experiment.blinded:
            context["guesses"] = {g.kind: g for g in envelope.guesses.filter(day=today)}
            context["guess_form"] = GuessForm(initial={"kind": Guess.Kind.DAY})
            context["week_ends"] = (
                experiment.design == Experiment.Design.WEEKLY
                and envelope.day is not None
                and (today - envelope.day).days >= 6
            ) or today.weekday() == (experiment.start_date.weekday() - 1) % 7
    # Once, at the end: looking at results along the way (even in the open
    # design) is how chance differences get believed.
    if experiment.unblinded_at is not None:
        context["verdict"] = queries.verdict(experiment, today)
    context["stop_form"] = StopForm()
    return render(request, "experiments/detail.html", context)


def _sheets_context(request: SignedInRequest, experiment: Experiment) -> dict:
    active, placebo = queries.envelopes_for_sheets(experiment)

    def codes(envelopes):
        return [
            _qr_svg(request.build_absolute_uri(_scan_url(e.token))) for e in envelopes
        ]

    active_codes, placebo_codes = codes(active), codes(placebo)
    return {
        "experiment": experiment,
        "active_codes": active_codes,
        "placebo_codes": placebo_codes,
        "sheets": [
            ("Sheet 1 of 2: active envelopes", active_codes),
            ("Sheet 2 of 2: placebo envelopes", placebo_codes),
        ],
    }


@login_required
def experiment_sheets(request: SignedInRequest, experiment_id: int) -> HttpResponse:
    """The two sticker sheets and the instructions, to print."""
    experiment = queries.experiment_for_user(request.user, experiment_id)
    if not experiment.blinded:
        return redirect("experiments:detail", experiment.pk)
    return render(
        request, "experiments/sheets.html", _sheets_context(request, experiment)
    )


@login_required
def experiment_sheets_pdf(request: SignedInRequest, experiment_id: int) -> HttpResponse:
    """The same, as a PDF made on the server (WeasyPrint), A4."""
    import weasyprint  # loads Pango: only for this page

    experiment = queries.experiment_for_user(request.user, experiment_id)
    if not experiment.blinded:
        return redirect("experiments:detail", experiment.pk)
    html = render_to_string(
        "experiments/sheets_print.html", _sheets_context(request, experiment)
    )
    # Nothing is fetched: the codes are data URIs and the styles inline.
    fetcher = weasyprint.URLFetcher(allowed_protocols=["data"])
    pdf = weasyprint.HTML(string=html, url_fetcher=fetcher).write_pdf()
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = 'attachment; filename="titrate-envelopes.pdf"'
    response["Cache-Control"] = "no-store"
    return response


def _scan_url(token: str) -> str:
    return reverse("experiments:scan", args=[token])


def _qr_svg(url: str) -> str:
    """A QR code of the link as an SVG data URI: nothing a person could read."""
    return segno.make(url, error="m").svg_data_uri(scale=3, border=2)


@login_required
@require_http_methods(["GET", "POST"])
def envelope_scan(request: SignedInRequest, token: str) -> HttpResponse:
    """Where a sticker's code leads. Opening the page records the envelope
    (app.js sends the form at once; without JavaScript one tap does)."""
    if request.method == "GET":
        if not queries.is_own_envelope(request.user, token):
            return render(
                request,
                "experiments/scan.html",
                {"token": token, "refused": services.NOT_YOURS},
                status=404,
            )
        return render(request, "experiments/scan.html", {"token": token})
    try:
        opened = services.envelope_open(
            user=request.user, profile=request.profile, token=token
        )
    except services.EnvelopeRefused as refusal:
        return render(
            request,
            "experiments/scan.html",
            {"token": token, "refused": str(refusal)},
            status=404 if refusal.unknown else 409,
        )
    experiment = opened.envelope.experiment
    if opened.created:
        at = timezone.localtime(opened.envelope.opened_at, request.profile.tzinfo)
        messages.success(
            request,
            f"Envelope recorded as opened at {at:%H:%M}. "
            "Take the capsule, then check in as usual.",
        )
    else:
        messages.info(request, "This envelope was already recorded; nothing changed.")
    return redirect("experiments:detail", experiment.pk)


def experiment_action(action):
    """A button on the experiment's page: signed in, POST, the person's own
    experiment (else 404); the action sets its message, then back to the page."""

    @login_required
    @require_POST
    @wraps(action)
    def view(request: SignedInRequest, experiment_id: int) -> HttpResponse:
        experiment = queries.experiment_for_user(request.user, experiment_id)
        action(request, experiment)
        return redirect("experiments:detail", experiment.pk)

    return view


@experiment_action
def experiment_start(request: SignedInRequest, experiment: Experiment) -> None:
    if queries.running(request.user) is not None:
        messages.error(request, "Another experiment is under way: stop it first.")
    elif experiment.status == Experiment.Status.PLANNED:
        services.experiment_start(experiment, asdict(_plan(request, experiment)))
        messages.success(request, "Started. Open the first envelope on its day.")


@experiment_action
def experiment_guess(request: SignedInRequest, experiment: Experiment) -> None:
    today = request.profile.local_day()
    envelope = services.current_envelope(experiment, today)
    form = GuessForm(request.POST)
    if envelope is None or not experiment.is_open or not experiment.blinded:
        messages.error(request, "No envelope is open today: nothing to guess.")
    elif not form.is_valid():
        messages.error(request, "Choose Active, Placebo or Can't tell.")
    else:
        services.guess_record(
            experiment=experiment,
            envelope=envelope,
            kind=form.cleaned_data["kind"],
            day=today,
            answer=form.cleaned_data["answer"],
            confidence=form.cleaned_data["confidence"],
        )
        messages.success(request, "Guess noted. It stays hidden until you unblind.")


@experiment_action
def experiment_capsule(request: SignedInRequest, experiment: Experiment) -> None:
    dose = services.capsule_take(experiment=experiment, profile=request.profile)
    if dose is None:
        messages.error(request, "No envelope is open for today: scan one first.")
    else:
        messages.success(request, "Today's capsule is in the dose log.")


@experiment_action
def experiment_pause(request: SignedInRequest, experiment: Experiment) -> None:
    """Pause or resume, as the button says: a button tapped twice leaves the
    experiment as the first tap did."""
    action = request.POST.get("action")
    if action == "resume":
        services.experiment_resume(experiment)
        messages.success(request, "Resumed.")
    elif action == "pause":
        services.experiment_pause(experiment)
        messages.success(request, "Paused. No envelope can be opened until you resume.")
    else:
        messages.error(request, "Choose Pause or Resume.")


@experiment_action
def experiment_stop(request: SignedInRequest, experiment: Experiment) -> None:
    form = StopForm(request.POST)
    reason = form.cleaned_data["reason"] if form.is_valid() else ""
    services.experiment_stop(experiment, reason)
    messages.success(request, "Stopped. You can unblind now and see what there is.")


@experiment_action
def experiment_unblind(request: SignedInRequest, experiment: Experiment) -> None:
    today = request.profile.local_day()
    if experiment.is_open and today <= experiment.end_date:
        messages.error(
            request,
            "The planned weeks are not over. Stop the experiment first if you "
            "want to unblind now.",
        )
    elif experiment.status != Experiment.Status.PLANNED:
        services.experiment_unblind(experiment)


@login_required
@require_http_methods(["GET", "POST"])
def experiment_delete(request: SignedInRequest, experiment_id: int) -> HttpResponse:
    experiment = queries.experiment_for_user(request.user, experiment_id)
    if request.method == "POST":
        services.experiment_delete(experiment)
        messages.success(request, "The experiment was deleted.")
        return redirect("experiments:index")
    return render(request, "experiments/delete.html", {"experiment": experiment})
