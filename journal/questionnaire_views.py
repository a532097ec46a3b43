"""Questionnaires: one question a screen, then the score with its source."""

from __future__ import annotations

import uuid

from django import forms
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_http_methods

from accounts.http import SignedInRequest
from journal import questionnaire_queries, services
from journal.models import QuestionnaireResponse
from journal.questionnaires import INSTRUMENTS, Instrument, change_words
from protocols.queries import protocol_in_effect


class StepForm(forms.Form):
    """One item's answer, carrying the answers before it (they are the
    person's own, checked again when the last one is in)."""

    token = forms.UUIDField(widget=forms.HiddenInput)
    step = forms.IntegerField(min_value=0, widget=forms.HiddenInput)

    def __init__(self, *args, instrument: Instrument, step: int, **kwargs):
        super().__init__(*args, **kwargs)
        self.instrument = instrument
        choices = [(value, label) for value, label in instrument.options]
        for index in range(step):
            self.fields[f"a{index}"] = forms.TypedChoiceField(
                choices=choices, coerce=int, widget=forms.HiddenInput
            )
        self.fields["answer"] = forms.TypedChoiceField(
            label=instrument.items[step],
            choices=choices,
            coerce=int,
            widget=forms.RadioSelect,
            error_messages={"required": "Choose one answer."},
        )

    def answers(self) -> list[int]:
        before = [self.cleaned_data[f"a{i}"] for i in range(self.cleaned_data["step"])]
        return [*before, self.cleaned_data["answer"]]


def _instrument(key: str) -> Instrument:
    instrument = INSTRUMENTS.get(key)
    if instrument is None:
        raise Http404("No such questionnaire.")
    return instrument


def _step_page(request, instrument, step, form, status=200) -> HttpResponse:
    return render(
        request,
        "journal/questionnaire_step.html",
        {
            "instrument": instrument,
            "step": step,
            "number": step + 1,
            "form": form,
            "last": step == len(instrument.items) - 1,
        },
        status=status,
    )


def _carried(instrument, step, token, answers: list[int], current=None) -> StepForm:
    initial = {"token": token, "step": step, "answer": current}
    initial.update({f"a{i}": value for i, value in enumerate(answers[:step])})
    return StepForm(initial=initial, instrument=instrument, step=step)


@login_required
def questionnaire_index(request: SignedInRequest) -> HttpResponse:
    today = request.profile.local_day()
    protocol = protocol_in_effect(request.user, today)  # as Today has it
    due = questionnaire_queries.due(request.user, today, protocol)
    return render(
        request,
        "journal/questionnaires.html",
        {
            "due": due,
            "histories": [
                (instrument, questionnaire_queries.history(request.user, instrument))
                for instrument in INSTRUMENTS.values()
            ],
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def questionnaire_take(request: SignedInRequest, key: str) -> HttpResponse:
    instrument = _instrument(key)
    if request.method == "GET":
        form = _carried(instrument, 0, uuid.uuid4(), [])
        return _step_page(request, instrument, 0, form)
    try:
        step = int(request.POST.get("step", ""))
    except ValueError:
        step = -1
    if not 0 <= step < len(instrument.items):
        return HttpResponse("step is not one of this questionnaire's", status=400)
    if request.POST.get("action") == "back" and step > 0:
        kept = StepForm(request.POST, instrument=instrument, step=step)
        kept.is_valid()
        answers = [kept.cleaned_data.get(f"a{i}") for i in range(step)]
        form = _carried(
            instrument,
            step - 1,
            kept.cleaned_data.get("token", uuid.uuid4()),
            answers,
            answers[step - 1],
        )
        return _step_page(request, instrument, step - 1, form)
    form = StepForm(request.POST, instrument=instrument, step=step)
    if not form.is_valid():
        return _step_page(request, instrument, step, form, status=422)
    answers = form.answers()
    if step + 1 < len(instrument.items):
        form = _carried(instrument, step + 1, form.cleaned_data["token"], answers)
        return _step_page(request, instrument, step + 1, form)
    response, _ = services.questionnaire_save(
        user=request.user,
        profile=request.profile,
        instrument=instrument.key,
        answers=answers,
        client_token=form.cleaned_data["token"],
    )
    return redirect("journal:questionnaire_result", response.pk)


@login_required
def questionnaire_result(request: SignedInRequest, response_id: int) -> HttpResponse:
    response = get_object_or_404(
        QuestionnaireResponse, pk=response_id, user=request.user
    )
    instrument = INSTRUMENTS[response.instrument]
    before = (
        QuestionnaireResponse.objects.filter(
            user=request.user,
            instrument=response.instrument,
            completed_at__lt=response.completed_at,
        )
        .order_by("-completed_at")
        .first()
    )
    return render(
        request,
        "journal/questionnaire_result.html",
        {
            "response": response,
            "instrument": instrument,
            "band": instrument.band(response.score),
            "before": before,
            "change": change_words(instrument, before.score, response.score)
            if before
            else None,
            "care_note": instrument.needs_care_note(response.answers),
            "items": [
                (item, dict(instrument.options)[value])
                for item, value in zip(instrument.items, response.answers, strict=True)
            ],
        },
    )
