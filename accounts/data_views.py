"""Your data: downloads and account deletion."""

from __future__ import annotations

import json

from allauth.mfa.models import Authenticator
from allauth.mfa.totp.internal.auth import TOTP
from django import forms
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.decorators import login_required
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_POST

from accounts import daylio
from accounts.export import export_document, export_zip
from accounts.importer import MAX_BYTES, ImportProblem, import_document, parse
from config.http import post_or_none
from journal.models import Metric


def _attachment(content, content_type: str, name: str) -> HttpResponse:
    response = HttpResponse(content, content_type=content_type)
    stamp = timezone.now().strftime("%Y-%m-%d")
    response["Content-Disposition"] = f'attachment; filename="titrate-{stamp}.{name}"'
    return response


@login_required
@require_POST
def export_json(request: HttpRequest) -> HttpResponse:
    text = json.dumps(export_document(request.user), indent=2, ensure_ascii=False)
    return _attachment(text, "application/json; charset=utf-8", "json")


@login_required
@require_POST
def export_csv(request: HttpRequest) -> HttpResponse:
    return _attachment(export_zip(request.user), "application/zip", "csv.zip")


class DeleteAccountForm(forms.Form):
    password = forms.CharField(
        label="Your password",
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )
    code = forms.CharField(
        label="Code from your authenticator app",
        required=False,
        max_length=16,
        widget=forms.TextInput(
            attrs={"autocomplete": "one-time-code", "inputmode": "numeric"}
        ),
    )
    confirm = forms.BooleanField(
        label="I understand that my journal, doses and settings are deleted for good."
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        self.totp = Authenticator.objects.filter(user=user, type="totp").first()
        if self.totp is None:
            del self.fields["code"]

    def clean_password(self) -> str:
        password = self.cleaned_data["password"]
        if not self.user.check_password(password):
            raise forms.ValidationError("That is not your password.")
        return password

    def clean_code(self) -> str:
        code = self.cleaned_data.get("code", "").strip()
        if self.totp and not TOTP(self.totp).validate_code(code):
            raise forms.ValidationError("That code is not valid; try the current one.")
        return code


@login_required
@require_http_methods(["GET", "POST"])
def delete_account(request: HttpRequest) -> HttpResponse:
    form = DeleteAccountForm(post_or_none(request), user=request.user)
    if request.method == "POST" and form.is_valid():
        user = request.user
        with transaction.atomic():
            user.delete()
        logout(request)
        messages.success(request, "Your account and everything in it are deleted.")
        return redirect("account_login")
    status = 422 if request.method == "POST" else 200
    return render(
        request, "accounts/delete_account.html", {"form": form}, status=status
    )


class ImportForm(forms.Form):
    file = forms.FileField(label="A Titrate export (.json)")


@login_required
@require_http_methods(["GET", "POST"])
def import_export(request: HttpRequest) -> HttpResponse:
    form = ImportForm(post_or_none(request), request.FILES or None)
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            if upload.size > MAX_BYTES:
                raise ImportProblem("The file is larger than 20 MB.")
            report = import_document(request.user, parse(upload.read()))
        except ImportProblem as problem:
            form.add_error("file", f"Nothing was imported. {problem}")
        else:
            messages.success(request, report.summary())
            return redirect("accounts:settings")
    status = 422 if request.method == "POST" else 200
    return render(request, "accounts/import.html", {"form": form}, status=status)


SESSION_KEY = "daylio_upload"


class DaylioUploadForm(forms.Form):
    file = forms.FileField(label="Daylio CSV export")


@login_required
@require_http_methods(["GET", "POST"])
def import_daylio(request: HttpRequest) -> HttpResponse:
    """Step one: upload. The file waits in the session while moods are mapped."""
    form = DaylioUploadForm(post_or_none(request), request.FILES or None)
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            if upload.size > daylio.MAX_BYTES:
                raise ImportProblem("The file is larger than 5 MB.")
            raw = upload.read()
            daylio.parse(raw)
        except ImportProblem as problem:
            form.add_error("file", f"Nothing was imported. {problem}")
        else:
            request.session[SESSION_KEY] = raw.decode("utf-8-sig")
            return redirect("accounts:import_daylio_preview")
    status = 422 if request.method == "POST" else 200
    return render(request, "accounts/import_daylio.html", {"form": form}, status=status)


@login_required
@require_http_methods(["GET", "POST"])
def import_daylio_preview(request: HttpRequest) -> HttpResponse:
    """Step two: every mood label with its count; unknown ones need a value."""
    text = request.session.get(SESSION_KEY)
    if text is None:
        return redirect("accounts:import_daylio")
    rows = daylio.parse(text.encode())
    counts = daylio.mood_counts(rows)
    labels = sorted(counts, key=lambda label: (-counts[label], label))
    mood = Metric.objects.filter(user=request.user, key=Metric.Key.MOOD).first()
    errors, mapping = {}, {}
    for label in labels:
        default = daylio.DEFAULT_MOODS.get(label.lower())
        raw = request.POST.get(f"mood:{label}", "") if request.method == "POST" else ""
        if raw.strip():
            try:
                mapping[label] = int(raw)
            except ValueError:
                errors[label] = "Enter a whole number."
        elif default is None and request.method == "POST":
            errors[label] = "Give this mood a value."
    if mood:
        for label, value in mapping.items():
            if value not in mood.values:
                errors[label] = f"Use {mood.scale_min} to {mood.scale_max}."
    if request.method == "POST" and not errors:
        try:
            report = daylio.import_rows(request.user, rows, mapping)
        except ImportProblem as problem:
            messages.error(request, f"Nothing was imported. {problem}")
        else:
            del request.session[SESSION_KEY]
            messages.success(request, report.summary())
            return redirect("journal:list")
    moods = [
        {
            "label": label,
            "count": counts[label],
            "default": daylio.DEFAULT_MOODS.get(label.lower()),
            "value": request.POST.get(f"mood:{label}", ""),
            "error": errors.get(label),
        }
        for label in labels
    ]
    status = 422 if errors else 200
    context = {"moods": moods, "entries": len(rows), "mood_metric": mood}
    return render(
        request, "accounts/import_daylio_preview.html", context, status=status
    )
