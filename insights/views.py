from __future__ import annotations

import csv
import datetime as dt

from django import forms
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_safe

from accounts.http import SignedInRequest
from config.http import gzip_page, partial_template
from config.prepared import ahead
from config.spreadsheets import safe_cell
from insights import report, series
from journal import queries as journal_queries
from protocols import queries as protocol_queries
from protocols.models import Substance

RANGES = {"30d": 30, "90d": 90, "1y": 365}
RANGE_CHOICES = [
    ("30d", "30 days"), ("90d", "90 days"), ("1y", "1 year"), ("all", "All time"),
    ("custom", "Custom"),
]  # fmt: skip


class RangeForm(forms.Form):
    range = forms.ChoiceField(choices=RANGE_CHOICES, required=False)
    metric = forms.IntegerField(required=False, min_value=1)
    substance = forms.IntegerField(required=False, min_value=1)
    start = forms.DateField(
        required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    end = forms.DateField(
        required=False, widget=forms.DateInput(attrs={"type": "date"})
    )


def _range(request: SignedInRequest, form: RangeForm) -> tuple[dt.date, dt.date, str]:
    """The days to report. A custom range is kept within the person's data,
    from their first entry or dose to today: a range starting in year 100
    would cost a worker seconds and megabytes to say nothing."""
    today = request.profile.local_day()
    data = form.cleaned_data if form.is_valid() else {}
    # Asked for every range (not only "all"), so the query count is the same.
    first = min(series.first_day(request.user) or today, today)
    # Unasked, the range fits the data: all of it while it spans up to 90
    # days (a new journal fills the chart), the last 90 days after that.
    default = "all" if (today - first).days < RANGES["90d"] else "90d"
    chosen = data.get("range") or default
    if chosen in RANGES:
        return today - dt.timedelta(days=RANGES[chosen] - 1), today, chosen
    if chosen == "all":
        return first, today, chosen
    start, end = data.get("start"), min(data.get("end") or today, today)
    if start is None or start > end:
        return today - dt.timedelta(days=89), today, "90d"
    return max(start, min(first, end)), end, chosen


def _substance(request: SignedInRequest, form: RangeForm) -> Substance | None:
    """The substance whose doses make dose days: the one asked for (if it is
    the person's own), else that of the protocol in effect today or the one
    taken most."""
    wanted = form.cleaned_data.get("substance") if form.is_valid() else None
    if wanted is not None:
        chosen = Substance.objects.filter(user=request.user, pk=wanted).first()
        if chosen is not None:
            return chosen
    return series.default_substance(request.user, request.profile.local_day())


def _report(request: SignedInRequest, charts=report.CHARTS):
    form = RangeForm(request.GET)
    start, end, chosen = _range(request, form)
    metric_id = form.cleaned_data.get("metric") if form.is_valid() else None
    substance = _substance(request, form)
    return (
        form,
        chosen,
        report.build(request.user, start, end, metric_id, charts, substance),
    )


def _first_reads(request: SignedInRequest):
    """The page's reads that wait for no other, sent together (ahead()):
    where the journal begins, the protocol in effect today, and the metrics
    and the substances to choose from. The report's own come together next."""
    user = request.user
    return ahead(
        [
            *series.first_day_reads(user),
            protocol_queries.protocol_in_effect_read(user, request.profile.local_day()),
            protocol_queries.substances_read(user),
            journal_queries.visible_metrics_read(user),
        ]
    )


# Insights pages carry their charts' data (a year of days is ~100 KB of JSON),
# so they are sent compressed (config.http.gzip_page), with random padding
# against BREACH-style guessing. Other pages are small and sent as they are.


@login_required
@require_safe
@gzip_page
def insights_index(request: SignedInRequest) -> HttpResponse:
    with _first_reads(request):
        metrics = journal_queries.visible_metrics(request.user)
        substances = protocol_queries.substances(request.user)
        form, chosen, result = _report(request)
    context = {
        "report": result,
        # The CSV links repeat the query.
        "query": request.GET.urlencode(),
        "requested_start": form.cleaned_data.get("start") if form.is_valid() else None,
        "form": form,
        "metric_pk": result.metric and result.metric.pk,
        "chosen": chosen,
        "ranges": RANGE_CHOICES,
        "metrics": metrics,
        "substances": substances,
        "substance_pk": result.substance and result.substance.pk,
    }
    return render(
        request, partial_template(request, "insights/index.html", "charts"), context
    )


@login_required
@require_safe
@gzip_page
def chart_table(request: SignedInRequest, chart: str) -> HttpResponse:
    """One chart's data table: asked for by the page when the table is opened
    (long tables are not sent with the page), or as a page of its own."""
    if chart not in report.CHARTS:
        raise Http404("No such chart.")
    _, _, result = _report(request, charts=(chart,))
    context = {
        "section": result.section(chart) if result.sections else None,
        "query": request.GET.urlencode(),
    }
    return render(
        request, partial_template(request, "insights/table.html", "table"), context
    )


@login_required
@require_safe
def chart_csv(request: SignedInRequest, chart: str) -> HttpResponse:
    if chart not in report.CHARTS:
        raise Http404("No such chart.")
    _, _, result = _report(request, charts=(chart,))
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="titrate-{chart}.csv"'
    writer = csv.writer(response)
    if result.sections:
        section = result.section(chart)
        writer.writerow(section.header)
        writer.writerows([safe_cell(cell) for cell in row] for row in section.rows)
    return response
