"""Your data: downloads and account deletion."""

from __future__ import annotations

import datetime as dt
import json
from functools import wraps

from allauth.account.adapter import get_adapter
from allauth.core import ratelimit
from allauth.mfa.models import Authenticator
from allauth.mfa.totp.internal.auth import TOTP
from django import forms
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.utils import timezone
from django.views.decorators.csrf import csrf_exempt, csrf_protect
from django.views.decorators.http import (
    require_http_methods,
    require_POST,
    require_safe,
)

from accounts.audit import record
from accounts.http import SignedInRequest
from accounts.models import AuditEvent, PendingUpload
from accounts.services import account_delete
from config.http import body_too_large, post_or_none
from journal.models import Metric
from portability import daylio, share
from portability.export import export_document, export_zip
from portability.forms import ShareForm
from portability.importer import MAX_BYTES, ImportProblem, import_document, parse


def _attachment(content, content_type: str, name: str) -> HttpResponse:
    response = HttpResponse(content, content_type=content_type)
    stamp = timezone.now().strftime("%Y-%m-%d")
    response["Content-Disposition"] = f'attachment; filename="titrate-{stamp}.{name}"'
    return response


@login_required
@require_POST
def export_json(request: SignedInRequest) -> HttpResponse:
    text = json.dumps(export_document(request.user), indent=2, ensure_ascii=False)
    return _attachment(text, "application/json; charset=utf-8", "json")


@login_required
@require_POST
def export_csv(request: SignedInRequest) -> HttpResponse:
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

    def __init__(self, *args, request: SignedInRequest, **kwargs):
        super().__init__(*args, **kwargs)
        self.request = request
        self.user = request.user
        self.totp = Authenticator.objects.filter(user=self.user, type="totp").first()
        if self.totp is None:
            del self.fields["code"]

    def clean(self):
        cleaned = super().clean()
        if "password" not in cleaned:
            return cleaned
        wrong = (
            "That password is not right."
            if self.totp is None
            else "That password or code is not right."
        )
        # The same limits as signing in: wrong passwords and codes here count
        # against the account's failed sign-ins (allauth's login_failed).
        if not ratelimit.consume(self.request, action="reauthenticate", user=self.user):
            raise forms.ValidationError("Too many attempts; wait a minute.")
        adapter = get_adapter(self.request)
        password_ok = adapter.reauthenticate(self.user, cleaned["password"])
        if password_ok and self.totp:
            code = cleaned.get("code", "").strip()
            if not TOTP(self.totp).validate_code(code):
                password_ok = False
                record(self.user, AuditEvent.Kind.LOGIN_FAILED, self.request)
                if not ratelimit.consume(
                    self.request,
                    action="login_failed",
                    key=adapter.login_attempts_key(self.user),
                ):
                    raise adapter.validation_error("too_many_login_attempts")
        if not password_ok:
            # One answer for a wrong password or a wrong code: the form must not
            # confirm a right password to someone who lacks the code.
            raise forms.ValidationError(wrong)
        return cleaned


@login_required
@require_http_methods(["GET", "POST"])
def delete_account(request: SignedInRequest) -> HttpResponse:
    form = DeleteAccountForm(post_or_none(request), request=request)
    if request.method == "POST" and form.is_valid():
        account_delete(user=request.user)
        logout(request)
        messages.success(request, "Your account and everything in it are deleted.")
        return redirect("account_login")
    status = 422 if request.method == "POST" else 200
    return render(
        request, "portability/delete_account.html", {"form": form}, status=status
    )


class UploadForm(forms.Form):
    """A one-file upload whose size is checked before its body is read."""

    max_bytes: int

    def __init__(self, request: SignedInRequest):
        self.too_large = request.method == "POST" and body_too_large(
            request, self.max_bytes
        )
        if self.too_large:
            super().__init__({}, {})
            self.fields["file"].required = False
        else:
            super().__init__(post_or_none(request), request.FILES or None)

    def clean_file(self):
        upload = self.cleaned_data.get("file")
        if self.too_large or (upload and upload.size > self.max_bytes):
            raise forms.ValidationError(
                "Nothing was imported. The file is larger than %(mb)s MB.",
                params={"mb": self.max_bytes // (1024 * 1024)},
            )
        return upload


class ImportForm(UploadForm):
    max_bytes = MAX_BYTES
    file = forms.FileField(label="A Titrate export (.json)")


def upload_view(form_class: type[UploadForm], template: str):
    """A signed-in upload page (GET and POST) whose size is checked before
    anything reads the body. The CSRF middleware would read the whole body
    first, so the view is exempt from it and the decorated function, which
    gets the request and the bound form, is csrf_protect-ed instead; a body
    over the limit is refused with 413 and the error next to the field."""

    def decorate(handle):
        protected = csrf_protect(handle)

        @csrf_exempt
        @login_required
        @require_http_methods(["GET", "POST"])
        @wraps(handle)
        def view(request: SignedInRequest) -> HttpResponse:
            form = form_class(request)
            if form.too_large:
                form.is_valid()  # puts the size error next to the field
                return render(request, template, {"form": form}, status=413)
            return protected(request, form)

        return view

    return decorate


@upload_view(ImportForm, "portability/import.html")
def import_export(request: SignedInRequest, form: ImportForm) -> HttpResponse:
    if request.method == "POST" and form.is_valid():
        try:
            report = import_document(
                request.user, parse(form.cleaned_data["file"].read())
            )
        except ImportProblem as problem:
            form.add_error("file", f"Nothing was imported. {problem}")
        else:
            messages.success(request, report.summary())
            return redirect("accounts:settings")
    status = 422 if request.method == "POST" else 200
    return render(request, "portability/import.html", {"form": form}, status=status)


SESSION_KEY = "daylio_upload"


class DaylioUploadForm(UploadForm):
    max_bytes = daylio.MAX_BYTES
    file = forms.FileField(label="Daylio CSV export")


@upload_view(DaylioUploadForm, "portability/import_daylio.html")
def import_daylio(request: SignedInRequest, form: DaylioUploadForm) -> HttpResponse:
    """Step one: upload. The file waits in its own row while moods are mapped."""
    if request.method == "POST" and form.is_valid():
        try:
            raw = form.cleaned_data["file"].read()
            daylio.parse(raw)
        except ImportProblem as problem:
            form.add_error("file", f"Nothing was imported. {problem}")
        else:
            PendingUpload.objects.filter(user=request.user).delete()
            pending = PendingUpload.objects.create(
                user=request.user, content=raw.decode("utf-8-sig")
            )
            request.session[SESSION_KEY] = pending.pk
            return redirect("portability:import_daylio_preview")
    status = 422 if request.method == "POST" else 200
    return render(
        request, "portability/import_daylio.html", {"form": form}, status=status
    )


@login_required
@require_http_methods(["GET", "POST"])
def import_daylio_preview(request: SignedInRequest) -> HttpResponse:
    """Step two: every mood label with its count; unknown ones need a value."""
    key = request.session.get(SESSION_KEY)
    pending = (
        PendingUpload.objects.filter(user=request.user, pk=key).first()
        if isinstance(key, int)
        else None
    )
    if pending is None:
        return redirect("portability:import_daylio")
    rows = daylio.parse(pending.content.encode())
    counts = daylio.mood_counts(rows)
    labels = sorted(counts, key=lambda label: (-counts[label], label))
    mood = Metric.objects.filter(user=request.user, key=Metric.Key.MOOD).first()
    # A standard mood's value where the person's mood scale holds it; where
    # a narrower scale does not, the mood needs a value, as a renamed one does.
    defaults = {
        label: value
        for label in labels
        if (value := daylio.DEFAULT_MOODS.get(label.lower())) is not None
        and (mood is None or value in mood.values)
    }
    errors, mapping = {}, {}
    for label in labels:
        raw = request.POST.get(f"mood:{label}", "") if request.method == "POST" else ""
        if raw.strip():
            try:
                mapping[label] = int(raw)
            except ValueError:
                errors[label] = "Enter a whole number."
        elif request.method == "POST" and label not in defaults:
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
            pending.delete()
            del request.session[SESSION_KEY]
            messages.success(request, report.summary())
            return redirect("journal:list")
    moods = [
        {
            "label": label,
            "count": counts[label],
            "default": defaults.get(label),
            "value": request.POST.get(f"mood:{label}", ""),
            "error": errors.get(label),
        }
        for label in labels
    ]
    status = 422 if errors else 200
    context = {"moods": moods, "entries": len(rows), "mood_metric": mood}
    return render(
        request, "portability/import_daylio_preview.html", context, status=status
    )


# --- A report to share -----------------------------------------------------


def _share_form(request: SignedInRequest) -> tuple[ShareForm, bool]:
    """The choices, from the query string (a report changes nothing, so it is
    a GET and can be bookmarked); `asked` once the person has sent them."""
    today = request.profile.local_day()
    data = request.GET if "start" in request.GET else None
    start = _day(data, "start", today - dt.timedelta(days=89))
    end = _day(data, "end", today)
    # The notes on offer are those of the range asked for (or the default).
    choices = share.note_choices(request.user, start, end)
    if request.GET.get("edit"):
        data = None  # back to the choices, filled in as they were
    form = ShareForm(
        data,
        initial={
            "start": start,
            "end": end,
            "substances": request.GET.get("substances") == "on",
            "notes": request.GET.getlist("notes"),
        },
        note_choices=choices,
        today=today,
    )
    return form, data is not None


def _day(data, key: str, default: dt.date) -> dt.date:
    try:
        return dt.date.fromisoformat((data or {}).get(key, ""))
    except ValueError:
        return default


def _built(request: SignedInRequest, form: ShareForm) -> share.Share:
    data = form.cleaned_data
    return share.build(
        request.user,
        data["start"],
        data["end"],
        with_substances=data["substances"],
        note_ids=data["notes"],
    )


@login_required
@require_safe
def share_report(request: SignedInRequest) -> HttpResponse:
    """Choose what goes in; then the printable report, or its PDF."""
    form, asked = _share_form(request)
    if not asked or not form.is_valid():
        return render(
            request,
            "portability/share_form.html",
            {"form": form},
            status=422 if asked else 200,
        )
    context = {"report": _built(request, form), "query": request.GET.urlencode()}
    if request.GET.get("format") == "pdf":
        import weasyprint  # loads Pango: only for the PDF

        html = render_to_string("portability/share_print.html", context, request)
        fetcher = weasyprint.URLFetcher(allowed_protocols=["data"])
        pdf = weasyprint.HTML(string=html, url_fetcher=fetcher).write_pdf()
        response = _attachment(pdf, "application/pdf", "report.pdf")
        response["Cache-Control"] = "no-store"
        return response
    return render(request, "portability/share.html", context)
