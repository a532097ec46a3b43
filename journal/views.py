from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from copy import copy

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db.models import Q, RestrictedError
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import (
    require_http_methods,
    require_POST,
    require_safe,
)

from accounts.edits import SavedElsewhere, gone, refusal
from accounts.http import SignedInRequest
from accounts.moments import EARLIEST_DAY
from accounts.weeks import weekday_names
from config.http import partial_template, post_or_none
from config.prepared import ahead
from journal import checkin, queries, questionnaire_queries, services, weekly
from journal.forms import (
    EntryForm,
    JournalFilterForm,
    MetricForm,
    PromptForm,
    WeeklyReviewForm,
)
from journal.models import (
    Entry,
    Metric,
    Prompt,
    PromptSwitchedOff,
    WeeklyReview,
)
from journal.prompt_library import DOSE_DAY
from journal.prompts import UNKNOWN, prompt_for_day, shown_read, swap_prompt
from protocols.queries import protocol_in_effect, today_dose_reads
from protocols.today import today_dose_context


def get_entry_for_user(request: SignedInRequest, entry_id: int) -> Entry:
    return get_object_or_404(Entry, pk=entry_id, user=request.user)


def get_metric_for_user(request: SignedInRequest, metric_id: int) -> Metric:
    return get_object_or_404(Metric, pk=metric_id, user=request.user)


# --- Today -------------------------------------------------------------------


@contextmanager
def _checkin(request: SignedInRequest, form: EntryForm | None = None) -> Iterator[dict]:
    """The check-in and today's entries, as Today shows them and a save or an
    undo swaps them in again: their context, to be rendered inside the block.
    The parts other apps show in it (journal.checkin) read with the
    check-in, from the rows sent ahead."""
    user, profile = request.user, request.profile
    today = profile.local_day()
    # The reads that wait for no other, sent together: the metrics, today's
    # entries and their ratings and tags, the tags with their uses, the
    # mood's last four weeks, the active protocol, today's doses, today's
    # prompt, the questionnaires' last days and what the other apps' parts
    # read. Callers have written what they write by now; this writes only
    # today's prompt, when it is first chosen, which none of them reads.
    reads = [
        *queries.checkin_reads(user, today),
        *today_dose_reads(user, today),
        shown_read(user, today),
        questionnaire_queries.due_read(user),
        *checkin.part_reads(user, today),
    ]
    with ahead(reads):
        metrics = queries.visible_metrics(user)
        parts = checkin.part_cards(user, today)
        dose_context = today_dose_context(
            request, checkin.held_spans(parts), checkin.open_dose(parts)
        )
        protocol = dose_context["dose_protocol"]
        prompt, phase = prompt_for_day(
            user,
            today,
            protocol,
            dose_context["doses_today"],
            protocol.last_dose_before if protocol else UNKNOWN,
        )
        if form is None:
            form = EntryForm(
                profile=profile,
                metrics=metrics,
                initial={"token": uuid.uuid4(), "prompt": prompt},
            )
        elif form.is_bound and getattr(form, "cleaned_data", {}).get("prompt"):
            prompt = form.cleaned_data["prompt"]  # keep the prompt the answer was for
        # A form sent back with errors keeps every tag that was ticked as a chip.
        selected = form.data.getlist("tags") if form.is_bound else []
        chips, tag_names = queries.suggested_tags(user, today, selected)
        form.offer_tags(chips)
        due = questionnaire_queries.due(user, today, protocol)
        # Among the check-in, so that the check-in that tips the week shows it.
        mood_fell = queries.mood_fell_sharply(user, today, metrics)
        yield {
            **dose_context,
            "prompt": prompt,
            "swap_allowed": True,
            "remember_sections": True,
            "practice_link": phase == DOSE_DAY,
            "day": today,
            "form": form,
            "tag_names": tag_names,
            # A first check-in offers a few tags to start with.
            "starter_tags": not tag_names,
            "entries": queries.day_entries(user, today),
            "questionnaire_due": due[0] if due else None,
            "mood_fell": mood_fell,
            "parts": parts,
        }


def _render_checkin(
    request: SignedInRequest, form: EntryForm | None = None, status: int = 200
) -> HttpResponse:
    """The check-in alone, as htmx swaps it in (the whole page without htmx)."""
    with _checkin(request, form) as context:
        return render(
            request,
            partial_template(request, "journal/today.html", "checkin"),
            context,
            status=status,
        )


# How long after saving a check-in its Undo still works.
UNDO_WINDOW = dt.timedelta(minutes=10)


def _undoable(request: SignedInRequest, entry_id) -> Entry | None:
    """The person's entry with this id, if it was saved moments ago."""
    entry_id = str(entry_id)
    if not (entry_id.isascii() and entry_id.isdigit()) or len(entry_id) > 18:
        return None
    return Entry.objects.filter(
        user=request.user,
        pk=int(entry_id),
        created_at__gte=timezone.now() - UNDO_WINDOW,
    ).first()


@login_required
@require_safe
def today(request: SignedInRequest) -> HttpResponse:
    # After a save without JavaScript: "Saved", with Undo, by today's entries.
    saved_entry = _undoable(request, request.GET.get("saved", ""))
    with _checkin(request) as context:
        return render(
            request, "journal/today.html", {**context, "saved_entry": saved_entry}
        )


@login_required
@require_POST
def entry_create(request: SignedInRequest) -> HttpResponse:
    profile = request.profile
    form = EntryForm(
        request.POST, profile=profile, metrics=queries.visible_metrics(request.user)
    )
    if not form.is_valid():
        return _render_checkin(request, form, status=422)
    entry, created = services.entry_create(
        user=request.user,
        profile=profile,
        occurred_at=form.cleaned_data["occurred_at"],
        note=form.cleaned_data["note"],
        ratings={m: v for m, v in form.ratings().items() if v is not None},
        tags=form.cleaned_data["tags"],
        new_tag_names=form.cleaned_data["new_tags"],
        prompt=form.cleaned_data["prompt"],
        prompt_answer=form.cleaned_data["prompt_answer"],
        client_token=form.cleaned_data["token"],
    )
    if created:
        messages.success(request, f"Check-in saved for {entry.day:%A, %-d %B}.")
    # Where the person looks next: the "saved" line by today's entries, below
    # the form; or the top, when the crisis note stands above the form (a
    # phone would not show both).
    if request.htmx:
        with _checkin(request) as context:
            response = render(
                request,
                "journal/today.html#checkin",
                {**context, "saved_entry": entry},
            )
        show = "window:top" if context["mood_fell"] else "#saved:top"
        response["HX-Reswap"] = f"outerHTML show:{show}"
        return response
    mood_fell = queries.mood_fell_sharply(
        request.user, profile.local_day(), list(form.metrics.values())
    )
    anchor = "" if mood_fell else "#saved"
    return redirect(f"{reverse('journal:today')}?saved={entry.pk}{anchor}")


@login_required
@require_POST
def entry_undo(request: SignedInRequest, entry_id: int) -> HttpResponse:
    """Undo a check-in just saved (within UNDO_WINDOW; later, delete it from
    the journal)."""
    entry = _undoable(request, entry_id)
    if entry is None:
        get_entry_for_user(request, entry_id)  # another person's: 404
        messages.error(
            request,
            "That check-in was saved too long ago to undo here; "
            "delete it from the journal instead.",
        )
    else:
        services.entry_delete(entry=entry)
        messages.success(request, "Check-in removed.")
    if request.htmx:
        return _render_checkin(request)
    return redirect("journal:today")


# --- One entry ---------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def entry_edit(request: SignedInRequest, entry_id: int) -> HttpResponse:
    entry = Entry.objects.filter(pk=entry_id, user=request.user).first()
    if entry is None:
        if request.method != "POST":
            raise Http404("No such entry.")
        return gone(request, "entry", (reverse("journal:today"), "Today"))
    profile = request.profile
    metrics = queries.visible_metrics(request.user)
    if request.method == "POST":
        form = EntryForm(request.POST, profile=profile, metrics=metrics, entry=entry)
        status = 422
        if form.is_valid():
            try:
                services.entry_update(
                    entry=entry,
                    profile=profile,
                    occurred_at=form.cleaned_data["occurred_at"],
                    note=form.cleaned_data["note"],
                    ratings=form.ratings(),
                    tags=form.cleaned_data["tags"],
                    new_tag_names=form.cleaned_data["new_tags"],
                    prompt_answer=form.cleaned_data["prompt_answer"],
                    seen=form.cleaned_data["seen"],
                )
            except SavedElsewhere as changed:
                form.add_error(None, refusal("entry", changed, profile.tzinfo))
                status = 409
            else:
                messages.success(request, "Entry updated.")
                return redirect(_journal_day_url(entry.day))
    else:
        form = EntryForm(
            profile=profile,
            metrics=metrics,
            entry=entry,
            initial=EntryForm.initial_for(entry, profile),
        )
        status = 200
    _, tag_names = queries.suggested_tags(request.user, profile.local_day())
    return render(
        request,
        "journal/entry_form.html",
        {
            "entry": entry,
            "form": form,
            "tag_names": tag_names,
            "saved_elsewhere": status == 409,
        },
        status=status,
    )


@login_required
@require_http_methods(["GET", "POST"])
def entry_delete(request: SignedInRequest, entry_id: int) -> HttpResponse:
    entry = get_entry_for_user(request, entry_id)
    if request.method == "POST":
        day = entry.day
        services.entry_delete(entry=entry)
        messages.success(request, f"The entry of {day:%-d %B %Y} was deleted.")
        return redirect("journal:list")
    return render(request, "journal/entry_confirm_delete.html", {"entry": entry})


def _journal_day_url(day: dt.date) -> str:
    return f"{reverse('journal:list')}?start={day.isoformat()}&end={day.isoformat()}"


# --- Journal and month -------------------------------------------------------


@login_required
@require_safe
def journal_list(request: SignedInRequest) -> HttpResponse:
    filters = JournalFilterForm(request.GET)
    valid = filters.is_valid()
    values = filters.cleaned_data if valid else {}
    filtered = valid and any(values.get(k) for k in ("q", "tag", "start", "end"))

    # "Load more" asks for the next days only.
    more = request.htmx and values.get("before")
    page = queries.journal_page(
        request.user,
        text=values.get("q", ""),
        tag=values.get("tag", ""),
        start=values.get("start"),
        end=values.get("end"),
        before=values.get("before"),
        # Only the full page shows the tag filter's suggestions.
        with_tag_names=not more,
    )
    query = request.GET.copy()
    query.pop("before", None)
    if page.next_before:
        query["before"] = page.next_before.isoformat()
    context = {
        "filters": filters,
        "tag_names": page.tag_names,
        "page": page,
        "next_query": query.urlencode(),
        "filtered": filtered,
    }
    return render(
        request, "journal/list.html#days" if more else "journal/list.html", context
    )


@login_required
@require_safe
def month(
    request: SignedInRequest, year: int | None = None, month: int | None = None
) -> HttpResponse:
    today = request.profile.local_day()
    if year is None or month is None:
        year, month = today.year, today.month
    if not (1 <= month <= 12 and 1900 <= year <= 9998):
        raise Http404("No such month.")
    first = dt.date(year, month, 1)

    metrics = queries.visible_metrics(request.user)
    metric = _chosen_metric(request, metrics)
    previous = first - dt.timedelta(days=1)
    following = first + dt.timedelta(days=32)
    context = {
        "first": first,
        "today": today,
        "weeks": queries.month_grid(
            request.user, year, month, metric, request.profile.week_start
        ),
        "weekday_names": weekday_names(request.profile.week_start),
        "metric": metric,
        "metrics": metrics,
        "previous": (previous.year, previous.month),
        "following": (following.year, following.month),
        "metric_query": f"?metric={metric.pk}" if metric else "",
    }
    return render(
        request, partial_template(request, "journal/month.html", "month"), context
    )


def _chosen_metric(request: SignedInRequest, metrics: list[Metric]) -> Metric | None:
    chosen = request.GET.get("metric", "")
    for metric in metrics:
        if str(metric.pk) == chosen:
            return metric
    mood = [m for m in metrics if m.key == Metric.Key.MOOD]
    return (mood or metrics or [None])[0]


# --- Metrics -----------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def metric_list(request: SignedInRequest) -> HttpResponse:
    form = MetricForm(post_or_none(request), user=request.user)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                metric = services.metric_create(
                    user=request.user, **form.metric_fields()
                )
            except ValidationError as error:
                form.add_error(None, error)
            else:
                messages.success(request, f"Added {metric.name}.")
                return redirect("journal:metrics")
        status = 422
    metrics = queries.metrics(request.user)
    return render(
        request,
        "journal/metrics.html",
        {"metrics": metrics, "form": form},
        status=status,
    )


@login_required
@require_http_methods(["GET", "POST"])
def metric_edit(request: SignedInRequest, metric_id: int) -> HttpResponse:
    metric = get_metric_for_user(request, metric_id)
    # The form fills a copy with what was sent: the page names the metric as
    # it is saved, not as typed in a refused edit.
    form = MetricForm(post_or_none(request), instance=copy(metric), user=request.user)
    status = 200
    if request.method == "POST":
        status = 422
        if form.is_valid():
            try:
                services.metric_update(
                    metric=metric,
                    seen=form.cleaned_data["seen"],
                    **form.metric_fields(),
                )
            except SavedElsewhere as changed:
                form.add_error(None, refusal("metric", changed, request.profile.tzinfo))
                status = 409
            except ValidationError as error:
                form.add_error(None, error)
            else:
                messages.success(request, f"Saved {metric.name}.")
                return redirect("journal:metrics")
    return render(
        request,
        "journal/metric_form.html",
        {"metric": metric, "form": form, "saved_elsewhere": status == 409},
        status=status,
    )


@login_required
@require_POST
def metric_move(request: SignedInRequest, metric_id: int) -> HttpResponse:
    metric = get_metric_for_user(request, metric_id)
    direction = request.POST.get("direction")
    if direction not in ("up", "down"):
        return HttpResponse("Direction must be up or down.", status=400)
    services.metric_move(metric=metric, direction=direction)
    return redirect("journal:metrics")


@login_required
@require_POST
def metric_visibility(request: SignedInRequest, metric_id: int) -> HttpResponse:
    metric = get_metric_for_user(request, metric_id)
    hidden = request.POST.get("hidden")
    if hidden not in ("true", "false"):
        return HttpResponse("hidden must be true or false.", status=400)
    services.metric_set_hidden(metric=metric, hidden=hidden == "true")
    state = "hidden from the check-in" if hidden == "true" else "shown in the check-in"
    messages.success(request, f"{metric.name} is {state}.")
    return redirect("journal:metrics")


@login_required
@require_http_methods(["GET", "POST"])
def metric_delete(request: SignedInRequest, metric_id: int) -> HttpResponse:
    metric = get_metric_for_user(request, metric_id)
    if request.method == "POST":
        try:
            count = services.metric_delete(metric=metric)
        except RestrictedError:
            messages.error(
                request,
                f"{metric.name} is the primary outcome of an experiment, so it "
                "stays while the experiment does. You can hide it instead.",
            )
            return redirect("journal:metrics")
        messages.success(
            request,
            f"Deleted {metric.name} and its {count} rating{'s' if count != 1 else ''}.",
        )
        return redirect("journal:metrics")
    ratings = metric.ratings.count()
    return render(
        request,
        "journal/metric_confirm_delete.html",
        {"metric": metric, "ratings": ratings},
    )


# --- Prompts -----------------------------------------------------------------


@login_required
@require_POST
def prompt_swap(request: SignedInRequest) -> HttpResponse:
    """Another prompt from the same phase, kept for the rest of the day."""
    today = request.profile.local_day()
    swap_prompt(request.user, today, protocol_in_effect(request.user, today))
    if request.htmx:
        return _render_checkin(request)
    return redirect("journal:today")


@login_required
@require_safe
def practice(request: SignedInRequest) -> HttpResponse:
    return render(request, "journal/practice.html")


def get_own_prompt_for_user(request: SignedInRequest, prompt_id: int) -> Prompt:
    return get_object_or_404(Prompt, pk=prompt_id, owner=request.user)


def get_visible_prompt_for_user(request: SignedInRequest, prompt_id: int) -> Prompt:
    """A built-in prompt or one of the user's own; anyone else's is a 404."""
    return get_object_or_404(
        Prompt.objects.filter(Q(owner=None) | Q(owner=request.user)), pk=prompt_id
    )


@login_required
@require_http_methods(["GET", "POST"])
def prompt_list(request: SignedInRequest) -> HttpResponse:
    form = PromptForm(post_or_none(request), initial={"token": uuid.uuid4()})
    if request.method == "POST" and form.is_valid():
        prompt = Prompt(owner=request.user, client_token=form.cleaned_data["token"])
        services.prompt_save(prompt=prompt, **form.prompt_fields())
        messages.success(request, "Your prompt was added.")
        return redirect("journal:prompts")
    status = 422 if request.method == "POST" else 200
    switched_off = set(
        PromptSwitchedOff.objects.filter(user=request.user).values_list(
            "prompt_id", flat=True
        )
    )
    builtins = list(Prompt.objects.filter(owner=None, active=True))
    for prompt in builtins:
        prompt.switched_off = prompt.pk in switched_off
    context = {
        "form": form,
        "own": Prompt.objects.filter(owner=request.user),
        "builtins": builtins,
        "phases": Prompt.Phase.choices(),
    }
    return render(request, "journal/prompts.html", context, status=status)


@login_required
@require_http_methods(["GET", "POST"])
def prompt_edit(request: SignedInRequest, prompt_id: int) -> HttpResponse:
    prompt = get_own_prompt_for_user(request, prompt_id)
    form = PromptForm(post_or_none(request), instance=prompt)
    status = 422 if request.method == "POST" else 200
    if request.method == "POST" and form.is_valid():
        try:
            services.prompt_save(
                prompt=prompt, seen=form.cleaned_data["seen"], **form.prompt_fields()
            )
        except SavedElsewhere as changed:
            form.add_error(None, refusal("prompt", changed, request.profile.tzinfo))
            status = 409
        else:
            messages.success(request, "Prompt saved.")
            return redirect("journal:prompts")
    return render(
        request,
        "journal/prompt_form.html",
        {"form": form, "prompt": prompt, "saved_elsewhere": status == 409},
        status=status,
    )


@login_required
@require_POST
def prompt_switch(request: SignedInRequest, prompt_id: int) -> HttpResponse:
    """Switch a prompt on or off, for this user only."""
    prompt = get_visible_prompt_for_user(request, prompt_id)
    on = request.POST.get("on")
    if on not in ("true", "false"):
        return HttpResponse("on must be true or false.", status=400)
    services.prompt_switch(user=request.user, prompt=prompt, on=on == "true")
    return redirect(f"{reverse('journal:prompts')}#prompt-{prompt.pk}")


# --- Weekly review -----------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def week_review(
    request: SignedInRequest,
    year: int | None = None,
    month: int | None = None,
    day: int | None = None,
) -> HttpResponse:
    profile = request.profile
    current = weekly.current_week_start(profile)
    if year is None:
        start = current
    else:
        try:
            start = dt.date(year, month, day)
        except (ValueError, OverflowError):
            raise Http404("No such day.") from None
        if start < EARLIEST_DAY:
            raise Http404("No journal weeks before 1970.")
        requested = start
        start = weekly.week_start_of(start, profile.week_start)
        if start > current:
            raise Http404("That week has not begun.")
        if start != requested:
            return redirect("journal:week_of", start.year, start.month, start.day)
    review = WeeklyReview.objects.filter(user=request.user, week_start=start).first()
    prompts = weekly.review_prompts(request.user, start, review)
    form = WeeklyReviewForm(
        post_or_none(request), initial=WeeklyReviewForm.initial_for(review)
    )
    status = 422 if request.method == "POST" else 200
    if request.method == "POST" and form.is_valid():
        try:
            services.weekly_review_save(
                user=request.user,
                week_start=start,
                prompts=prompts,
                first_answer=form.cleaned_data["first_answer"],
                second_answer=form.cleaned_data["second_answer"],
                seen=form.cleaned_data["seen"],
            )
        except SavedElsewhere as changed:
            form.add_error(None, refusal("review", changed, profile.tzinfo))
            status = 409
        else:
            messages.success(request, "Weekly review saved.")
            return redirect("journal:week_of", start.year, start.month, start.day)
    previous = start - weekly.WEEK
    context = {
        "summary": weekly.summarise(
            request.user, start, today=request.profile.local_day()
        ),
        "end": start + dt.timedelta(days=6),
        "prompts": prompts,
        "form": form,
        "review": review,
        "previous": previous,
        "following": start + weekly.WEEK if start < current else None,
        "min_days": weekly.MIN_DAYS,
        "saved_elsewhere": status == 409,
    }
    return render(request, "journal/week.html", context, status=status)


@login_required
@require_safe
def review_list(request: SignedInRequest) -> HttpResponse:
    reviews = WeeklyReview.objects.filter(user=request.user)
    return render(request, "journal/reviews.html", {"reviews": reviews})
