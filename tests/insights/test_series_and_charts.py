from __future__ import annotations

import datetime as dt
import json
import math

import numpy as np
import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from hypothesis import given
from hypothesis import strategies as st

from insights import charts, series
from insights.report import _figure
from journal.models import Rating
from protocols import schedule
from protocols.schedule import DayPhase, PlanPhase
from tests.factories import make_dose, make_entry, make_protocol
from tests.protocols.test_schedule import runs_day_by_day

D = dt.date


@pytest.mark.django_db
def test_series_holds_day_means_doses_phases_and_tags(owner, metrics):
    make_entry(owner, day=D(2026, 3, 1), mood=4, tags=["walk"])
    make_entry(owner, day=D(2026, 3, 1), mood=7)
    make_entry(owner, day=D(2026, 3, 3), mood=8, tags=["work"])
    make_dose(owner, day=D(2026, 3, 2))
    make_dose(owner, day=D(2026, 3, 5), skipped=True)
    data = series.load(owner, D(2026, 3, 1), D(2026, 3, 6))
    mood = data.values[metrics["mood"].pk]
    assert mood == {D(2026, 3, 1): 5.5, D(2026, 3, 3): 8}
    assert data.dose_days == {D(2026, 3, 2)}
    assert data.skipped_days == {D(2026, 3, 5)}
    assert data.tags == {"walk": {D(2026, 3, 1)}, "work": {D(2026, 3, 3)}}
    assert data.phases[D(2026, 3, 1)] == DayPhase.BASELINE
    assert data.phases[D(2026, 3, 2)] == DayPhase.DOSE_DAY
    assert data.phases[D(2026, 3, 3)] == DayPhase.AFTER_1
    assert data.phases[D(2026, 3, 4)] == DayPhase.AFTER_2
    assert data.phases[D(2026, 3, 6)] == DayPhase.LATER


@pytest.mark.django_db
def test_each_tag_has_every_day_of_the_range_it_was_used_and_no_other(
    owner, other_user
):
    for day, tags in [
        (D(2026, 2, 28), ["walk"]),  # before the range
        (D(2026, 3, 1), ["walk", "work"]),
        (D(2026, 3, 1), ["walk"]),  # a second use on the same day
        (D(2026, 3, 4), ["walk"]),
        (D(2026, 3, 7), ["work"]),  # after it
    ]:
        make_entry(owner, day=day, mood=None, tags=tags)
    make_entry(other_user, day=D(2026, 3, 2), mood=None, tags=["walk", "sleep"])
    data = series.load(owner, D(2026, 3, 1), D(2026, 3, 6))
    walk, work = {D(2026, 3, 1), D(2026, 3, 4)}, {D(2026, 3, 1)}
    assert data.tags == {"walk": walk, "work": work}


@pytest.mark.django_db
def test_days_long_after_the_first_dose_are_a_break_not_a_baseline(owner):
    make_dose(owner, day=D(2025, 1, 1))
    data = series.load(owner, D(2026, 3, 1), D(2026, 3, 3))
    assert set(data.phases.values()) == {DayPhase.BREAK}


@pytest.mark.django_db
def test_a_skipped_dose_does_not_make_a_break_but_a_planned_break_does(owner):
    make_protocol(
        owner, kind="fadiman", start_date=D(2026, 3, 2), on_weeks=2, break_weeks=1
    )
    for day in (2, 5, 11, 14):  # the dose planned for 8 March is skipped
        make_dose(owner, day=D(2026, 3, day))
    make_dose(owner, day=D(2026, 3, 8), skipped=True)
    data = series.load(owner, D(2026, 3, 1), D(2026, 3, 22))
    phases = data.phases
    assert phases[D(2026, 3, 1)] == DayPhase.BASELINE
    # Six days without a dose, twice Fadiman's longest gap: still "later".
    assert [phases[D(2026, 3, d)] for d in (8, 9, 10)] == [DayPhase.LATER] * 3
    assert phases[D(2026, 3, 11)] == DayPhase.DOSE_DAY
    # The planned break (16–22 March) is a break from its first day with
    # no dose-related phase left.
    assert phases[D(2026, 3, 15)] == DayPhase.AFTER_1
    assert phases[D(2026, 3, 16)] == DayPhase.AFTER_2
    assert {phases[D(2026, 3, d)] for d in range(17, 23)} == {DayPhase.BREAK}


@pytest.mark.django_db
def test_without_a_protocol_a_break_is_more_than_two_weeks_without_a_dose(owner):
    make_dose(owner, day=D(2026, 3, 1))
    make_dose(owner, day=D(2026, 3, 20))
    phases = series.load(owner, D(2026, 3, 1), D(2026, 3, 20)).phases
    assert phases[D(2026, 3, 15)] == DayPhase.LATER
    assert phases[D(2026, 3, 16)] == DayPhase.BREAK
    assert phases[D(2026, 3, 20)] == DayPhase.DOSE_DAY


@pytest.mark.django_db
def test_check_ins_before_the_days_dose_are_left_out_of_the_phases(owner, metrics):
    mood = metrics["mood"].pk
    make_dose(owner, day=D(2026, 3, 2), at=dt.time(10))
    make_entry(owner, day=D(2026, 3, 2), mood=3, at=dt.time(8))  # before
    make_entry(owner, day=D(2026, 3, 2), mood=7, at=dt.time(18))  # after
    make_dose(owner, day=D(2026, 3, 5), at=dt.time(10))
    make_entry(owner, day=D(2026, 3, 5), mood=2, at=dt.time(7))  # only before
    make_entry(owner, day=D(2026, 3, 6), mood=6, at=dt.time(7))  # no dose that day
    data = series.load(owner, D(2026, 3, 1), D(2026, 3, 6))
    # The timeline keeps every check-in; the phases only those after a dose.
    assert data.values[mood] == {D(2026, 3, 2): 5, D(2026, 3, 5): 2, D(2026, 3, 6): 6}
    assert data.phase_values[mood] == {D(2026, 3, 2): 7, D(2026, 3, 6): 6}
    assert data.before_dose == {mood: 2}


@pytest.mark.django_db
def test_only_doses_of_the_substance_analysed_make_dose_days(owner):
    from protocols.models import Substance

    first, second = Substance.objects.filter(user=owner)[:2]
    make_dose(owner, day=D(2026, 3, 2), substance=first)
    make_dose(owner, day=D(2026, 3, 4), substance=second)
    assert series.load(owner, D(2026, 3, 1), D(2026, 3, 6), first).dose_days == {
        D(2026, 3, 2)
    }
    only_second = series.load(owner, D(2026, 3, 1), D(2026, 3, 6), second)
    assert only_second.dose_days == {D(2026, 3, 4)}
    assert only_second.phases[D(2026, 3, 2)] == DayPhase.BASELINE


@pytest.mark.django_db
def test_protocol_bands_split_on_weeks_from_breaks(owner):
    make_protocol(
        owner, kind="fadiman", start_date=D(2026, 3, 2), on_weeks=1, break_weeks=1
    )
    data = series.load(owner, D(2026, 3, 1), D(2026, 3, 22))
    assert [(b.start, b.end, b.kind) for b in data.bands] == [
        (D(2026, 3, 2), D(2026, 3, 8), "on"),
        (D(2026, 3, 9), D(2026, 3, 15), "break"),
        (D(2026, 3, 16), D(2026, 3, 22), "on"),
    ]


@given(
    kind=st.sampled_from(["fadiman", "stamets", "every_other_day", "intuitive"]),
    on_weeks=st.integers(0, 6),
    break_weeks=st.integers(0, 6),
    plan_start=st.integers(0, 120),
    plan_length=st.none() | st.integers(0, 200),
    start=st.integers(0, 200),
    length=st.integers(0, 200),
)
def test_bands_are_the_stretches_of_the_plans_days(
    kind, on_weeks, break_weeks, plan_start, plan_length, start, length
):
    origin = D(2025, 12, 29)
    plan = schedule.Plan(
        kind=kind,
        start=origin + dt.timedelta(days=plan_start),
        end=None
        if plan_length is None
        else origin + dt.timedelta(days=plan_start + plan_length),
        on_weeks=on_weeks,
        break_weeks=break_weeks,
    )
    first = origin + dt.timedelta(days=start)
    last = first + dt.timedelta(days=length)
    bands = series._bands([series.Course("P", plan)], first, last)
    kinds = {PlanPhase.DOSE: "on", PlanPhase.BREAK: "break"}
    assert [(b.start, b.end, b.kind) for b in bands] == [
        (a, b, kinds[phase]) for phase, a, b in runs_day_by_day(plan, first, last)
    ]


@given(
    courses=st.lists(
        st.tuples(
            st.sampled_from(["fadiman", "stamets", "intuitive"]),
            st.integers(0, 4),  # on weeks (0: no cycles)
            st.integers(1, 3),  # break weeks
            st.integers(0, 150),  # start
            st.none() | st.integers(0, 120),  # length
        ),
        max_size=4,
    ),
    picked=st.lists(st.integers(0, 200), max_size=60),
)
def test_a_planned_break_is_the_break_of_the_protocol_governing_the_day(
    courses, picked
):
    origin = D(2025, 12, 29)
    plans = sorted(
        (
            schedule.Plan(
                kind=kind,
                start=origin + dt.timedelta(days=start),
                end=None
                if length is None
                else origin + dt.timedelta(days=start + length),
                on_weeks=on_weeks or None,
                break_weeks=break_weeks if on_weeks else 0,
            )
            for kind, on_weeks, break_weeks, start, length in courses
        ),
        key=lambda plan: plan.start,
        reverse=True,  # latest start first, as Insights reads them
    )
    days = sorted({origin + dt.timedelta(days=k) for k in picked})

    def governing_phase(day):
        for plan in plans:
            phase = schedule.plan_phase(plan, day)
            if phase not in (PlanPhase.BEFORE, PlanPhase.ENDED):
                return phase
        return None

    assert series._planned_breaks([series.Course("P", p) for p in plans], days) == {
        day for day in days if governing_phase(day) == PlanPhase.BREAK
    }


@pytest.mark.django_db
def test_series_uses_the_same_few_queries_for_any_range(owner):
    for offset in range(0, 400, 3):
        make_entry(owner, day=D(2026, 3, 1) - dt.timedelta(days=offset), tags=["t"])
    counts = []
    for days in (30, 400):
        with CaptureQueriesContext(connection) as queries:
            series.load(owner, D(2026, 3, 1) - dt.timedelta(days=days), D(2026, 3, 1))
        counts.append(len(queries))
    assert counts[0] == counts[1] <= 8


@pytest.mark.django_db
def test_series_never_includes_another_users_data(owner, other_user):
    make_entry(other_user, day=D(2026, 3, 1), mood=2, tags=["theirs"])
    make_dose(other_user, day=D(2026, 3, 1))
    data = series.load(owner, D(2026, 2, 1), D(2026, 3, 31))
    assert all(not values for values in data.values.values())
    assert data.dose_days == set() and data.tags == {}


def test_the_timeline_has_points_rolling_mean_doses_and_bands():
    days = [D(2026, 1, 1) + dt.timedelta(days=i) for i in range(10)]
    figure = charts.timeline(
        name="Mood", days=days, values=[5] * 10, rolling=[5] * 10,
        dose_days=[days[0]], skipped_days=[days[3]],
        bands=[(days[0], days[6], "on"), (days[7], days[9], "break")], scale=(1, 10),
    )  # fmt: skip
    names = [trace["name"] for trace in figure["data"]]
    assert names == ["Mood (daily)", "7-day mean", "Dose taken", "Planned dose skipped"]
    assert figure["data"][3]["marker"]["symbol"] == "triangle-down-open"
    assert len(figure["layout"]["shapes"]) == 2


def test_phase_comparison_draws_boxes_and_means_with_intervals():
    figure = charts.phase_comparison(
        name="Mood",
        groups=[("dose_day", [6, 7, 8], 6.2, 7.8), ("baseline", [5, 5, 6], 5.0, 5.7)],
    )
    assert [t["type"] for t in figure["data"]] == ["box", "box", "scatter"]
    assert list(figure["data"][2]["y"]) == [7, pytest.approx(16 / 3)]
    assert figure["data"][2]["error_y"]["array"][0] == pytest.approx(0.8)


def test_the_calendar_marks_dose_days():
    days = [D(2026, 1, 5) + dt.timedelta(days=i) for i in range(14)]
    figure = charts.calendar_heatmap(
        name="Mood", days=days, values=[5] * 14, dose_days=[days[2]], scale=(1, 10)
    )
    assert len(figure["data"][0]["x"]) == 14
    assert list(figure["data"][1]["y"]) == ["Wed"]


def test_tag_effects_grey_out_unclear_differences():
    figure = charts.tag_effects(
        name="Mood",
        rows=[("walk", 0.8, 0.2, 1.4, True), ("work", -0.1, -0.6, 0.4, False)],
    )
    assert list(figure["data"][0]["y"]) == ["work", "walk"]
    assert list(figure["data"][0]["marker"]["color"]) == [charts.GREY, charts.BLUE]


def test_the_correlation_matrix_labels_each_cell_with_n():
    figure = charts.correlation_matrix(
        names=["Mood", "Sleep"], rho=[[1.0, 0.4], [0.4, 1.0]], n=[[30, 28], [28, 29]]
    )
    assert "+0.40<br>n=28" in figure["data"][0]["text"]


def test_data_tables_escape_every_cell():
    from django.template import engines

    from insights.report import Section

    table = engines["jinja2"].get_template("insights/table.jinja")
    section = Section("tags", "Tags", None, header=["tag", "n"])
    html = table.render({"section": section})
    assert "No data." in html and 'colspan="2"' in html
    section.rows = [["<script>alert(1)</script>", 3]]
    html = table.render({"section": section})
    assert "<script>" not in html
    assert "<tr><td>&lt;script&gt;alert(1)&lt;/script&gt;</td><td>3</td></tr>" in html


def test_names_in_charts_are_text_never_markup():
    link = '<a href="https://example.org/">x</a>'
    figure = charts.tag_effects(
        name="<b>Mood</b>",
        rows=[(link, 1.0, 0.5, 1.5, True), ("<b>", 0.2, -1, 1, False)],
    )
    labels = list(figure["data"][0]["y"])
    assert labels == [
        "&lt;b&gt;",
        '&lt;a href="https://example.org/"&gt;x&lt;/a&gt;',
    ]
    assert "&lt;b&gt;Mood&lt;/b&gt;" in figure["layout"]["xaxis"]["title"]["text"]
    grid = charts.correlation_matrix(names=["<i>a</i>"], rho=[[1.0]], n=[[3]])
    assert list(grid["data"][0]["x"]) == ["&lt;i&gt;a&lt;/i&gt;"]


def test_a_timeline_sends_its_days_as_a_start_and_a_step_when_none_is_missing():
    days = [D(2026, 1, 5) + dt.timedelta(days=i) for i in range(3)]
    common = {
        "name": "Mood", "dose_days": [], "skipped_days": [], "bands": [],
        "scale": (1, 10),
    }  # fmt: skip
    figure = charts.timeline(
        days=days, values=[5, None, 16 / 3], rolling=[5, 5, 31 / 6], **common
    )
    daily, rolling = figure["data"][:2]
    assert (daily["x0"], daily["dx"]) == ("2026-01-05", 86_400_000)
    assert "x" not in daily and rolling["x0"] == "2026-01-05"
    assert daily["y"] == [5, None, 5.33] and rolling["y"] == [5, 5, 5.17]
    gap = [days[0], days[2]]
    figure = charts.timeline(days=gap, values=[5, 6], rolling=[5, 5.5], **common)
    assert figure["data"][0]["x"] == gap and "x0" not in figure["data"][0]


def test_a_long_tables_rows_are_made_only_when_read():
    from insights.report import LazyRows

    made = []

    def make():
        made.append(True)
        return [["2026-01-05", "5.00"], ["2026-01-06", "6.00"]]

    rows = LazyRows(2, make)
    assert len(rows) == 2 and made == []  # the page only counts them
    assert list(rows) == [["2026-01-05", "5.00"], ["2026-01-06", "6.00"]]
    assert rows[1][1] == "6.00" and made == [True]  # made once


def test_a_figure_is_json_with_gaps_as_null_and_days_as_iso_dates():
    figure = {
        "data": [
            {
                "x": [dt.date(2026, 3, 1), dt.date(2026, 3, 2)],
                "y": [1.5, float("nan")],
                "z": np.array([[0.25, np.nan], [np.float64(-1.0), 3]]),
                "n": np.int64(12),
                "name": "Felt (0–3) <br> days with tag − without",
            }
        ]
    }
    text = _figure(figure)
    assert "NaN" not in text
    assert json.loads(text) == {
        "data": [
            {
                "x": ["2026-03-01", "2026-03-02"],
                "y": [1.5, None],
                "z": [[0.25, None], [-1.0, 3.0]],
                "n": 12,
                "name": "Felt (0–3) <br> days with tag − without",
            }
        ]
    }


@pytest.mark.django_db
def test_the_check_ins_before_a_dose_are_read_as_the_orm_reads_them(
    owner, other_user, metrics
):
    """On PostgreSQL, EARLY_TOTALS_SQL; on SQLite the ORM's read, which the
    SQL must match: the day's first dose taken, of the substance asked for
    (or of any), never a skipped one, only the person's own."""
    from protocols.models import Substance

    first, second = Substance.objects.filter(user=owner)[:2]
    mood, sleep = metrics["mood"], metrics["sleep"]
    day = D(2026, 3, 2)
    make_dose(owner, day=day, at=dt.time(12), substance=first)
    make_dose(owner, day=day, at=dt.time(10), substance=first)  # the first
    make_dose(owner, day=day, at=dt.time(6), substance=first, skipped=True)
    make_dose(owner, day=day, at=dt.time(8), substance=second)
    early = make_entry(owner, day=day, mood=3, at=dt.time(7))
    Rating.objects.create(entry=early, metric=sleep, value=4)
    make_entry(owner, day=day, mood=5, at=dt.time(9))  # before 10, after 8
    make_entry(owner, day=day, mood=9, at=dt.time(11))  # after the first
    make_dose(owner, day=D(2026, 3, 9), at=dt.time(9), substance=first)  # outside
    make_entry(owner, day=D(2026, 3, 9), mood=1, at=dt.time(7))
    make_dose(other_user, day=day, at=dt.time(23))
    make_entry(other_user, day=day, mood=2, at=dt.time(7))
    start, end = D(2026, 3, 1), D(2026, 3, 6)

    def read(substance):
        substance_id = substance.pk if substance else None
        found = sorted(series.early_totals(owner.pk, substance_id, start, end))
        orm = sorted(series._early_totals(owner.pk, substance_id, start, end))
        assert found == orm
        return found

    assert read(first) == sorted([(day, mood.pk, 8, 2), (day, sleep.pk, 4, 1)])
    # Any substance: the second's dose at 8 came first.
    assert read(None) == sorted([(day, mood.pk, 3, 1), (day, sleep.pk, 4, 1)])
    assert read(second) == read(None)


def test_chart_values_are_rounded_as_round_would_round_them():
    values = [None, 1.0, -0.0, 7, 2.5, 3.14159, 2.675, 0.125, -3.0, 1e300, 5e-324]
    values += [float("inf"), float("-inf")]
    got = charts._rounded(values)
    want = [None if v is None else round(v, 2) for v in values]
    assert [repr(v) for v in got] == [repr(v) for v in want]
    assert [type(v) for v in got] == [type(v) for v in want]
    assert math.isnan(charts._rounded([float("nan")])[0])


def _assembled_with_capsules(doses, days=40):
    """A range of `days` days from 1 March, rated every day."""
    start = D(2026, 3, 1)
    end = start + dt.timedelta(days=days - 1)
    metric_id = 1
    return series.assemble(
        start,
        end,
        metrics=[],
        totals=[(day, metric_id, 5.0, 1) for day in schedule.days_between(start, end)],
        doses=doses,
        first_dose=min(day for day, skipped, _ in doses if not skipped),
        tags={},
        courses=[],
    )


def test_days_after_a_blinded_capsule_are_left_out_of_the_comparisons():
    # An open dose on 1 March, capsules (active or placebo) on 8 and 10 March,
    # an open dose again on 20 March.
    doses = [
        (D(2026, 3, 1), False, False),
        (D(2026, 3, 8), False, True),
        (D(2026, 3, 10), False, True),
        (D(2026, 3, 12), True, True),  # a capsule skipped: no capsule taken
        (D(2026, 3, 20), False, False),
    ]
    data = _assembled_with_capsules(doses)
    assert data.dose_days == {D(2026, 3, 1), D(2026, 3, 20)}
    assert data.capsule_days == {D(2026, 3, 8), D(2026, 3, 10)}
    blinded = {D(2026, 3, day) for day in range(8, 20)}
    assert data.blinded_days == blinded
    compared = data.phase_values[1]
    assert not blinded & compared.keys()
    # The days before the capsules and from the next open dose on are kept.
    assert {D(2026, 3, d) for d in (1, 2, 7, 20, 21)} <= compared.keys()
    # A capsule still keeps the rhythm: the phases of the days themselves.
    assert data.phases[D(2026, 3, 8)] == DayPhase.DOSE_DAY
    assert data.phases[D(2026, 3, 11)] == DayPhase.AFTER_1


def test_a_break_after_a_capsule_is_a_break_whatever_it_held():
    # With no protocol, more than 14 days without a dose is a break.
    doses = [(D(2026, 3, 1), False, True), (D(2026, 4, 5), False, False)]
    data = _assembled_with_capsules(doses)
    assert data.blinded_days == {D(2026, 3, day) for day in range(1, 16)}
    assert data.phases[D(2026, 3, 16)] == DayPhase.BREAK
    assert D(2026, 3, 16) in data.phase_values[1]
    assert D(2026, 4, 5) in data.phase_values[1]


def test_a_capsule_before_the_range_decides_its_first_days():
    doses = [(D(2026, 2, 27), False, True), (D(2026, 3, 3), False, False)]
    data = _assembled_with_capsules(doses, days=5)
    assert data.capsule_days == set()
    assert data.blinded_days == {D(2026, 3, 1), D(2026, 3, 2)}
    assert set(data.phase_values[1]) == {D(2026, 3, 3), D(2026, 3, 4), D(2026, 3, 5)}


def test_with_no_capsule_every_rated_day_is_compared():
    doses = [(D(2026, 3, 1), False, False), (D(2026, 3, 5), True, False)]
    data = _assembled_with_capsules(doses, days=10)
    assert data.blinded_days == set()
    assert len(data.phase_values[1]) == 10


@pytest.mark.django_db
def test_the_series_reads_capsules_apart_from_open_doses(owner, metrics):
    make_dose(owner, day=D(2026, 3, 2))
    make_dose(owner, day=D(2026, 3, 4), blinded=True)
    for day in range(1, 7):
        make_entry(owner, day=D(2026, 3, day), mood=5)
    data = series.load(owner, D(2026, 3, 1), D(2026, 3, 6))
    assert data.dose_days == {D(2026, 3, 2)}
    assert data.capsule_days == {D(2026, 3, 4)}
    mood = data.phase_values[metrics["mood"].pk]
    assert set(mood) == {D(2026, 3, day) for day in (1, 2, 3)}


def test_the_timeline_draws_capsules_apart_and_only_when_there_are_some():
    common = dict(
        name="Mood",
        days=[D(2026, 3, 1), D(2026, 3, 2)],
        values=[5, 6],
        rolling=[None, None],
        dose_days=[D(2026, 3, 1)],
        skipped_days=[],
        bands=[],
        scale=(1, 10),
    )
    names = [t["name"] for t in charts.timeline(**common)["data"]]
    assert not any("capsule" in name for name in names)
    figure = charts.timeline(**common, capsule_days=[D(2026, 3, 2)])
    capsules = [t for t in figure["data"] if "capsule" in t["name"]]
    assert [t["x"] for t in capsules] == [[D(2026, 3, 2)]]


@given(
    doses=st.lists(
        st.tuples(st.integers(-30, 59), st.booleans(), st.booleans()), max_size=40
    )
)
def test_a_day_is_left_out_exactly_when_its_last_dose_was_a_capsule(doses):
    # Doses from 30 days before the range to its end: (day, skipped, blinded).
    origin = D(2026, 3, 1)
    rows = [(origin + dt.timedelta(days=d), s, b) for d, s, b in doses]
    if not any(not skipped for _, skipped, _ in rows):
        rows.append((origin - dt.timedelta(days=40), False, False))
    data = _assembled_with_capsules(rows, days=60)
    taken = {day for day, skipped, _ in rows if not skipped}
    capsules = {day for day, skipped, blinded in rows if blinded and not skipped}
    since_a_dose = {
        DayPhase.DOSE_DAY,
        DayPhase.AFTER_1,
        DayPhase.AFTER_2,
        DayPhase.LATER,
    }
    for day in data.days:
        last = max((d for d in taken if d <= day), default=None)
        expected = last in capsules and data.phases[day] in since_a_dose
        assert (day in data.blinded_days) == expected, day
        # Left out of the comparisons, and only those.
        assert (day in data.phase_values.get(1, {})) == (not expected), day
    assert data.capsule_days == {d for d in capsules if d >= origin}
    opened = {day for day, skipped, blinded in rows if not (skipped or blinded)}
    assert data.dose_days == {d for d in opened if d >= origin}
