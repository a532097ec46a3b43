from __future__ import annotations

import contextlib
import csv
import datetime as dt
import io
import json
import re
from html import unescape

import pytest
from django.core.management import call_command
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from accounts.models import User
from insights import report, views
from tests.factories import make_dose, make_entry, make_metric, make_protocol
from tests.markup import start_tags

pytestmark = pytest.mark.django_db


def figures(html: str) -> dict[str, dict]:
    """Each chart's figure, as a browser reads its data-figure attribute."""
    charts = [dict(attrs) for _, attrs in start_tags(html)]
    return {
        chart["id"].removeprefix("figure-"): json.loads(chart["data-figure"])
        for chart in charts
        if "data-figure" in chart
    }


def test_a_new_user_sees_helpful_empty_states_not_charts(owner_client):
    response = owner_client.get("/insights/")
    html = response.content.decode()
    assert response.status_code == 200
    assert figures(html) == {}
    assert "Check in on a few days to see a timeline here." in html
    assert (
        "Main question: Not enough data to compare yet: log 5 more dose days." in html
    )
    assert "Read these with care" in html and "How this is computed" in html
    # Nothing rated, so no day's numbers to misdescribe: no warning of days
    # missed ("1 of the 1 days in this range have no check-in").
    assert "Missing days." not in html
    # No table of no rows to open or download under each empty chart; the
    # main question's comparisons and the phases are rows, each with its n of 0.
    cards = html.split('<section class="card chart-card" id="section-')[1:]
    with_table = {card.split('"')[0] for card in cards if "Download CSV" in card}
    assert len(cards) == 8 and with_table == {"comparisons", "phases"}


def test_thin_data_draws_the_timeline_but_refuses_to_compare(owner_client, owner):
    today = owner.profile.local_day()
    for offset in range(6):
        make_entry(owner, day=today - dt.timedelta(days=offset), mood=5 + offset % 3)
    make_dose(owner, day=today - dt.timedelta(days=2))
    html = owner_client.get("/insights/?range=30d").content.decode()
    assert set(figures(html)) == {"timeline", "calendar"}
    assert (
        "Not enough data to compare yet" in html
        or "Phases can be compared once" in html
    )


def test_a_full_history_draws_every_chart_with_words_beside_it(owner):
    call_command("seed_demo", "--user", "demo", "--years", "1")
    client = Client()
    client.force_login(User.objects.get(username="demo"))
    html = client.get("/insights/?range=1y").content.decode()
    assert set(figures(html)) == {
        "timeline",
        "phases",
        "calendar",
        "tags",
        "correlations",
        "questionnaires",
        "titration",
    }
    assert "95% interval" in html
    # Questionnaire totals, each change judged against its meaningful size.
    assert "count as a meaningful change" in html or "a meaningful change," in html
    # Every section has a data table: short ones in the page, long ones
    # (the year's timeline and calendar) fetched when opened.
    assert html.count("<details>") + html.count('<details hx-get="') == 8
    # (and the year's questionnaires, 78 rows)
    assert html.count('<details hx-get="') == 3
    assert html.count("Download CSV") == 8
    assert "never dosing advice" in html
    # The declared question comes first, before any chart.
    main = html.index("Main question: ")
    assert main < html.index('id="figure-timeline"')
    assert main < html.index("Against the days before your first dose")
    assert 'src="/static/vendor/plotly/plotly.min.js"' in html
    assert 'id="plotly.js-style-global" class="no-inline-styles"' in html


def test_the_chart_script_loads_only_on_insights(owner_client):
    assert b"plotly" not in owner_client.get("/").content
    assert b"plotly" not in owner_client.get("/journal/").content


def test_range_presets_and_custom_dates(owner_client, owner):
    today = owner.profile.local_day()
    make_entry(owner, day=today - dt.timedelta(days=100), mood=3)
    make_entry(owner, day=today, mood=6)
    assert (
        "2 days with a mood rating"
        in owner_client.get("/insights/?range=all").content.decode()
    )
    assert (
        "1 day with a mood rating"
        in owner_client.get("/insights/?range=30d").content.decode()
    )
    start = (today - dt.timedelta(days=101)).isoformat()
    end = (today - dt.timedelta(days=99)).isoformat()
    html = owner_client.get(
        f"/insights/?range=custom&start={start}&end={end}"
    ).content.decode()
    assert "1 day with a mood rating" in html


@pytest.mark.parametrize(
    "query",
    [
        "range=forever",
        "range=custom&start=2026-05-01&end=2026-01-01",
        "start=nope",
        "metric=abc",
    ],
)
def test_bad_parameters_fall_back_without_crashing(owner_client, query):
    assert owner_client.get(f"/insights/?{query}").status_code == 200


def test_the_metric_picker_switches_the_charts(owner_client, owner, metrics):
    entry = make_entry(owner, mood=None)
    entry.ratings.create(metric=metrics["sleep"], value=4)
    html = owner_client.get(f"/insights/?metric={metrics['sleep'].pk}").content.decode()
    assert "Sleep quality over time" in html


def test_another_users_metric_id_is_ignored(owner_client, other_user):
    foreign = make_metric(other_user, name="Their secret metric")
    html = owner_client.get(f"/insights/?metric={foreign.pk}").content.decode()
    assert "Their secret metric" not in html
    assert "Mood over time" in html


def test_htmx_swaps_only_the_charts(owner_client):
    response = owner_client.get("/insights/?range=30d", headers={"HX-Request": "true"})
    html = response.content.decode()
    assert html.lstrip().startswith('<div id="charts">')
    assert "<html" not in html


def test_csv_downloads_hold_the_chart_data(owner_client, owner):
    today = owner.profile.local_day()
    make_entry(owner, day=today, mood=7, tags=["=HYPERLINK()"])
    response = owner_client.get("/insights/timeline.csv?range=30d")
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    rows = list(csv.reader(io.StringIO(response.content.decode())))
    assert rows[0] == ["date", "Mood", "7-day mean", "dose"]
    assert rows[1][:2] == [today.isoformat(), "7.00"]
    tags = list(
        csv.reader(io.StringIO(owner_client.get("/insights/tags.csv").content.decode()))
    )
    assert tags[1][0] == "'=HYPERLINK()"
    assert owner_client.get("/insights/nothing.csv").status_code == 404


def test_other_users_data_never_reaches_charts_or_csv(owner_client, owner, other_user):
    make_entry(
        other_user, day=other_user.profile.local_day(), mood=2, tags=["their-tag"]
    )
    html = owner_client.get("/insights/?range=all").content.decode()
    assert "their-tag" not in html
    assert b"their-tag" not in owner_client.get("/insights/tags.csv?range=all").content


@pytest.mark.slow
def test_the_query_count_is_the_same_at_30_days_and_5_years():
    call_command("seed_demo", "--user", "demo", "--years", "5")
    client = Client()
    client.force_login(User.objects.get(username="demo"))
    counts = []
    for query in ("range=30d", "range=all"):
        client.get(f"/insights/?{query}")
        with CaptureQueriesContext(connection) as queries:
            assert client.get(f"/insights/?{query}").status_code == 200
        counts.append(len(queries))
    assert counts[0] == counts[1]


def twelve_days(owner) -> None:
    """A protocol (whose substance Insights analyses), twelve days of
    check-ins tagged "walk", a dose every third day with its amount and how
    it felt."""
    today = owner.profile.local_day()
    make_protocol(owner, start_date=today - dt.timedelta(days=20))
    for back in range(12):
        day = today - dt.timedelta(days=back)
        make_entry(owner, day=day, mood=3 + back % 5, tags=["walk"])
        if back % 3 == 0:
            make_dose(owner, day=day, amount="0.1", felt=back % 4)


def outer_table(sql: str) -> str:
    """The table a statement reads from, not one of its subqueries'."""
    while (bare := re.sub(r"\([^()]*\)", "", sql)) != sql:
        sql = bare
    return sql.split(" FROM ")[1].split()[0]


@pytest.mark.skipif(
    connection.vendor != "postgresql", reason="PostgreSQL's pipeline mode"
)
def test_insights_send_their_reads_in_two_round_trips(
    owner_client, owner, sent_queries
):
    twelve_days(owner)
    owner_client.get("/insights/?range=all")
    sent_queries.clear()
    html = owner_client.get("/insights/?range=all").content.decode()
    assert "figure-timeline" in html and "walk" in html
    sent = [inside for inside, _ in sent_queries]
    # After the session and the user: where the journal begins, the protocol
    # in effect, the substances and the metrics to choose from; then the
    # report's: metrics, doses, day totals, the check-ins before doses, the
    # first dose, tags and their days, protocols, questionnaires, capsules
    # and amounts. Nothing after them.
    assert sent == [False, False] + [True] * 5 + [True] * 11
    reads = [outer_table(sql) for _, sql in sent_queries[2:]]
    assert reads[:5] == [
        '"journal_entry"', '"protocols_doselog"', '"protocols_protocol"',
        '"protocols_substance"', '"journal_metric"',
    ]  # fmt: skip


def test_insights_are_the_same_with_their_reads_sent_together_or_one_by_one(
    owner_client, owner, monkeypatch
):
    twelve_days(owner)
    together = owner_client.get("/insights/?range=all").content.decode()
    monkeypatch.setattr(views, "ahead", lambda reads: contextlib.nullcontext())
    monkeypatch.setattr(report, "ahead", lambda reads: contextlib.nullcontext())
    one_by_one = owner_client.get("/insights/?range=all").content.decode()
    assert {"timeline", "titration"} <= figures(together).keys()
    assert "walk" in together
    masked = re.compile(r'(csrfmiddlewaretoken" value=|X-CSRFToken": |nonce=)"[^"]+"')
    assert masked.sub("", together) == masked.sub("", one_by_one)


def test_the_tables_give_differences_intervals_and_hedges_g(owner_client, owner):
    response = owner_client.get("/insights/phases.csv?range=all")
    header = next(csv.reader(io.StringIO(response.content.decode())))
    assert header == ["phase", "n", "mean", "sd", "low", "high"]
    response = owner_client.get("/insights/comparisons.csv?range=all")
    rows = list(csv.reader(io.StringIO(response.content.decode())))
    assert rows[0][-1] == "Hedges' g (within you)"
    assert "adjusted p" in rows[0]
    assert [row[1] for row in rows[1:]] == [
        "main question",
        "second: open to drift",
        "exploratory",
        "exploratory",
    ]


def test_a_custom_range_is_kept_within_the_persons_data(owner_client, owner):
    today = owner.profile.local_day()
    make_entry(owner, day=today - dt.timedelta(days=10), mood=3)
    response = owner_client.get("/insights/?range=custom&start=0100-01-01")
    assert response.status_code == 200
    html = response.content.decode()
    first = today - dt.timedelta(days=10)
    assert f"{first.day} {first:%b %Y} – " in html
    assert "Your journal begins on" in html
    # The page stays small: eleven days, not nineteen centuries.
    assert len(response.content) < 400_000


def test_a_custom_range_from_year_one_on_an_empty_account(owner_client):
    response = owner_client.get("/insights/?range=custom&start=0001-01-01")
    assert response.status_code == 200
    assert owner_client.get("/insights/timeline.csv?range=custom&start=0001-01-01")\
        .status_code == 200  # fmt: skip


def test_phase_findings_read_well_and_are_never_repeated(owner_client, owner):
    from tests.factories import make_dose

    today = owner.profile.local_day()
    for offset in range(30):
        day = today - dt.timedelta(days=offset)
        make_entry(owner, day=day, mood=4 + offset % 4)
        if offset % 3 == 0:
            make_dose(owner, day=day)
    html = owner_client.get("/insights/").content.decode()
    assert "dose day days" not in html and "after days" not in html
    findings = [line for line in html.splitlines() if '<p class="finding">' in line]
    assert findings and len(findings) == len(set(findings))


def test_many_missing_days_are_named_and_few_are_not(owner_client, owner):
    today = owner.profile.local_day()
    for offset in range(0, 30, 2):  # every other day of the last 30
        make_entry(owner, day=today - dt.timedelta(days=offset))
    html = owner_client.get("/insights/?range=30d").content.decode()
    assert "15 of the 30 days in this range have no check-in" in html
    for offset in range(1, 30, 2):
        make_entry(owner, day=today - dt.timedelta(days=offset))
    html = owner_client.get("/insights/?range=30d").content.decode()
    assert "have no check-in" not in html


def test_a_single_missed_day_is_one_that_has_no_check_in(owner_client, owner):
    yesterday = owner.profile.local_day() - dt.timedelta(days=1)
    make_entry(owner, day=yesterday)  # none today
    query = f"range=custom&start={yesterday.isoformat()}"
    html = owner_client.get(f"/insights/?{query}").content.decode()
    assert "1 of the 2 days in this range has no check-in." in html


def test_check_ins_before_the_dose_are_said_to_be_left_out(owner_client, owner):
    today = owner.profile.local_day()
    yesterday = today - dt.timedelta(days=1)
    make_dose(owner, day=yesterday, at=dt.time(10))
    make_entry(owner, day=yesterday, mood=4, at=dt.time(8))
    html = owner_client.get("/insights/?range=30d").content.decode()
    assert "1 check-in made before that day’s dose is left out" in html


def test_dose_days_follow_the_substance_chosen(owner_client, owner, other_user):
    from protocols.models import Substance

    first, second = Substance.objects.filter(user=owner)[:2]
    today = owner.profile.local_day()
    for offset in range(30):
        make_entry(owner, day=today - dt.timedelta(days=offset))
        if offset % 3 == 0:
            make_dose(owner, day=today - dt.timedelta(days=offset), substance=second)
    make_dose(owner, day=today - dt.timedelta(days=1), substance=first)
    html = owner_client.get("/insights/?range=30d").content.decode()
    # With no protocol, the substance taken most is the default.
    assert f'<option value="{second.pk}" selected>' in html
    assert "10 dose days in this range" in html
    html = owner_client.get(f"/insights/?range=30d&substance={first.pk}").content
    assert "1 dose day in this range" in html.decode()
    # Another person's substance is ignored: the default is analysed.
    theirs = Substance.objects.filter(user=other_user).first()
    response = owner_client.get(f"/insights/?range=30d&substance={theirs.pk}")
    assert response.status_code == 200
    assert "10 dose days in this range" in response.content.decode()


def test_the_default_substance_is_the_running_protocols_until_the_next_begins(
    owner_client, owner
):
    from protocols.models import Substance
    from tests.factories import begin_next_protocol

    today = owner.profile.local_day()
    running = make_protocol(owner, start_date=today - dt.timedelta(days=20))
    for offset in range(20):
        make_entry(owner, day=today - dt.timedelta(days=offset))
        if offset % 3 == 0:
            make_dose(owner, day=today - dt.timedelta(days=offset))
    lsd = Substance.objects.get(user=owner, name="LSD")
    assert running.substance != lsd
    begin_next_protocol(owner, days=7)  # LSD, from next week: not yet taken
    html = owner_client.get("/insights/?range=30d").content.decode()
    assert f'<option value="{running.substance.pk}" selected>' in html
    assert "7 dose days in this range" in html


def test_long_tables_come_when_opened_short_ones_with_the_page(owner_client, owner):
    today = owner.profile.local_day()
    for offset in range(80):
        make_entry(owner, day=today - dt.timedelta(days=offset), mood=4 + offset % 5)
    html = owner_client.get("/insights/?range=90d").content.decode()
    # The comparisons (a few rows) are in the page; the 80-day timeline is not.
    assert "second: open to drift" in html
    assert html.count("<td>") < 200
    link = "/insights/timeline/table/?range=90d"
    assert f'hx-get="{link}"' in html and f'href="{link}"' in html
    table = owner_client.get(link, headers={"HX-Request": "true"})
    assert table.status_code == 200
    part = table.content.decode()
    assert part.lstrip().startswith('<div class="table-scroll">')
    assert part.count("<tr>") == 81 and "<html" not in part
    page = owner_client.get(link).content.decode()
    assert "<html" in page and "Back to Insights" in page and page.count("<tr>") == 81


def test_an_unknown_table_is_not_found(owner_client):
    assert owner_client.get("/insights/nothing/table/").status_code == 404


def test_insights_are_sent_compressed_and_journal_pages_are_not(owner_client, owner):
    import gzip

    make_entry(owner, note="hello")
    plain = owner_client.get("/insights/").content
    squeezed = owner_client.get("/insights/", HTTP_ACCEPT_ENCODING="gzip")
    assert squeezed["Content-Encoding"] == "gzip"
    assert "Accept-Encoding" in squeezed["Vary"]
    assert len(squeezed.content) < len(plain) / 2
    assert b"Read these with care" in gzip.decompress(squeezed.content)
    table = owner_client.get("/insights/timeline/table/", HTTP_ACCEPT_ENCODING="gzip")
    assert table["Content-Encoding"] == "gzip"
    journal = owner_client.get("/journal/", HTTP_ACCEPT_ENCODING="gzip")
    assert not journal.has_header("Content-Encoding")


def test_the_default_range_fits_a_new_journal_then_shows_90_days(owner_client, owner):
    today = owner.profile.local_day()
    for offset in range(5):
        make_entry(owner, day=today - dt.timedelta(days=offset), mood=5 + offset % 3)
    html = owner_client.get("/insights/").content.decode()
    timeline = figures(html)["timeline"]
    first = (today - dt.timedelta(days=4)).isoformat()
    assert timeline["data"][0]["x0"] == first  # the chart starts at the data
    assert len(timeline["data"][0]["y"]) == 5
    assert re.search(r'value="all"[^>]*checked', html)
    make_entry(owner, day=today - dt.timedelta(days=200), mood=6)
    html = owner_client.get("/insights/").content.decode()
    assert re.search(r'value="90d"[^>]*checked', html)
    start = figures(html)["timeline"]["data"][0]["x0"]
    assert start >= (today - dt.timedelta(days=89)).isoformat()


def test_the_day_by_day_chart_has_a_colour_key_and_scrolls_on_a_phone(
    owner_client, owner
):
    today = owner.profile.local_day()
    for offset in range(0, 200, 2):
        make_entry(owner, day=today - dt.timedelta(days=offset), mood=3 + offset % 5)
    html = owner_client.get("/insights/?range=1y").content.decode()
    section = html.split('id="section-calendar"')[1].split("</section>")[0]
    assert '<div class="chart-scroll" role="region" tabindex="0"' in section
    assert (
        "<span>1 Very low</span>" in section and "<span>10 Very good</span>" in section
    )
    short = owner_client.get("/insights/?range=30d").content.decode()
    assert "chart-scroll" not in short.split('id="section-calendar"')[1]


def test_the_notes_above_the_charts_say_the_range_and_what_was_left_out(
    owner_client, owner
):
    today = owner.profile.local_day()
    first = today - dt.timedelta(days=99)
    # Two check-ins a hundred days apart: most of the range is missing. One
    # of them is made before that day's dose, at 8 against the dose at 9.
    make_entry(owner, day=first, mood=4, at=dt.time(8))
    make_dose(owner, day=first)
    make_entry(owner, day=today, mood=6)
    asked = (first - dt.timedelta(days=30)).isoformat()
    html = owner_client.get(f"/insights/?range=custom&start={asked}").content.decode()
    start_words = f"{first.day} {first:%b %Y}"
    assert (
        f'<p class="range-note">{start_words} – {today.day} {today:%b %Y} · '
        "2 days with a mood rating. Your journal begins on "
        f"{start_words}, so the range starts there.</p>"
    ) in html
    assert "<strong>Missing days.</strong> 98 of the 100 days" in html
    assert (
        "1 check-in made before that day’s dose is left out of the dose-day "
        "figures; it shows on the timeline."
    ) in unescape(html)


def test_a_long_table_is_linked_with_its_rows_and_address(owner):
    call_command("seed_demo", "--user", "demo", "--years", "1")
    client = Client()
    client.force_login(User.objects.get(username="demo"))
    html = client.get("/insights/?range=1y").content.decode()
    link = re.search(
        r'<details hx-get="/insights/timeline/table/\?range=1y" [^>]*>\s*'
        r"<summary>Data table</summary>\s*"
        r'<div class="table-scroll"><p><a href="/insights/timeline/table/\?range=1y">'
        r"Open the data table</a> \((\d+) rows\)</p></div>",
        html,
    )
    assert link is not None and int(link.group(1)) > report.INLINE_ROWS
    assert '<a href="/insights/timeline.csv?range=1y" download>' in html


def test_a_blinded_experiments_days_are_named_and_left_out(owner_client, owner):
    today = owner.profile.local_day()
    for offset in range(30):
        make_entry(owner, day=today - dt.timedelta(days=offset), mood=5)
    make_dose(owner, day=today - dt.timedelta(days=20))
    make_dose(owner, day=today - dt.timedelta(days=10), blinded=True)
    make_dose(owner, day=today - dt.timedelta(days=8), blinded=True)
    html = unescape(owner_client.get("/insights/?range=30d").content.decode())
    assert "1 dose day and 2 days of a blinded experiment’s capsules" in html
    # The capsule days and the days after them to today: 11 rated days.
    assert "11 rated days of a blinded experiment" in html
    charts = figures(html)
    for chart in ("timeline", "calendar"):
        capsules = [
            trace
            for trace in charts[chart]["data"]
            if trace["name"] == "Experiment capsule (active or placebo)"
        ]
        assert len(capsules) == 1 and len(capsules[0]["x"]) == 2, chart
