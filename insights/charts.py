"""Pure chart builders: data in, plotly.js figures (plain dicts) out. No
database, no statistics.

Colours come from a colour-blind-safe set (Okabe–Ito), and every chart also
has a table and a CSV of the same numbers on the page.
"""

from __future__ import annotations

import datetime as dt
import html
from collections.abc import Sequence

from protocols.phases import DayPhase

BLUE = "#0072B2"
ORANGE = "#E69F00"
VERMILION = "#D55E00"
GREEN = "#009E73"
PURPLE = "#CC79A7"
GREY = "#999999"
SKY = "#56B4E9"

FONT = {"family": "system-ui, -apple-system, Segoe UI, Roboto, sans-serif", "size": 13}
PHASE_LABELS = {phase.value: phase.label for phase in DayPhase}


def _trace(kind: str, **fields) -> dict:
    """One plotly.js trace, as the figure's JSON holds it."""
    return {"type": kind, **fields}


def _fig(data=(), layout: dict | None = None) -> dict:
    """A plotly.js figure: plain data, turned into JSON as it is."""
    return {"data": list(data), "layout": layout or {}}


def plain(text: str) -> str:
    """A person's own words (a metric or tag name) as text in a chart.

    plotly.js reads a small set of HTML tags (<a>, <b>, <br>…) in labels and
    decodes entities; escaping makes a tag named "<b>" show as typed."""
    return html.escape(text, quote=False)


DAY_MS = 86_400_000  # a date axis steps in milliseconds


def _daily_x(days: Sequence[dt.date]) -> dict:
    """The x of a trace with a point a day: its first day and the step when
    the days run on without a gap (plotly.js places the points itself, and
    five years of dates are not sent twice), each date otherwise."""
    if days and all((b - a).days == 1 for a, b in zip(days, days[1:], strict=False)):
        return {"x0": days[0].isoformat(), "dx": DAY_MS}
    return {"x": list(days)}


def _rounded(values: Sequence[float | None]) -> list[float | None]:
    """Values as a chart needs them: two decimals, not seventeen. A whole
    number already is (most days' values, one check-in's rating), and the
    test costs a fraction of round(), which five years' timeline called
    3,300 times a page."""
    return [v if v is None or v % 1 == 0 else round(v, 2) for v in values]


def _layout(**extra) -> dict:
    return {
        "font": FONT,
        "margin": {"l": 48, "r": 16, "t": 16, "b": 48},
        "paper_bgcolor": "rgba(0,0,0,0)",
        "plot_bgcolor": "rgba(0,0,0,0)",
        "hovermode": "closest",
        "showlegend": True,
        "legend": {"orientation": "h", "y": -0.2},
        **extra,
    }


def _band_shapes(bands: Sequence[tuple[dt.date, dt.date, str]]) -> list[dict]:
    """Protocol phases as shaded bands behind a chart: on in green, breaks in
    grey. Built in one list: adding shapes one by one copies the layout each
    time, which is slow over years of cycles."""
    return [
        {
            "type": "rect",
            "xref": "x",
            "yref": "paper",
            "y0": 0,
            "y1": 1,
            "x0": start.isoformat(),
            "x1": (end + dt.timedelta(days=1)).isoformat(),
            "fillcolor": GREEN if kind == "on" else GREY,
            "opacity": 0.08 if kind == "on" else 0.15,
            "line": {"width": 0},
            "layer": "below",
        }
        for start, end, kind in bands
    ]


def timeline(
    *,
    name: str,
    days: Sequence[dt.date],
    values: Sequence[float | None],
    rolling: Sequence[float | None],
    dose_days: Sequence[dt.date],
    skipped_days: Sequence[dt.date],
    bands: Sequence[tuple[dt.date, dt.date, str]],
    scale: tuple[int, int],
    capsule_days: Sequence[dt.date] = (),
) -> dict:
    """Daily values, their 7-day mean, doses as markers (a blinded experiment's
    capsules apart: active or placebo), protocol phases as bands."""
    name = plain(name)
    low, high = scale
    marker_y = high + (high - low) * 0.06
    x = _daily_x(days)  # the same for both traces

    def day_markers(marked: Sequence[dt.date], label: str, marker: dict) -> dict:
        """A marker above the values on each of these days."""
        return _trace(
            "scatter",
            x=list(marked),
            y=[marker_y] * len(marked),
            mode="markers",
            name=label,
            marker=marker,
        )

    traces = [
        _trace(
            "scatter",
            **x,
            y=_rounded(values),
            mode="markers",
            name=f"{name} (daily)",
            marker={"color": BLUE, "size": 5, "opacity": 0.55},
        ),
        _trace(
            "scatter",
            **x,
            y=_rounded(rolling),
            mode="lines",
            name="7-day mean",
            line={"color": BLUE, "width": 2.5},
            connectgaps=False,
        ),
        day_markers(
            dose_days,
            "Dose taken",
            {"symbol": "triangle-down", "color": VERMILION, "size": 9},
        ),
        day_markers(
            skipped_days,
            "Planned dose skipped",
            {
                "symbol": "triangle-down-open",
                "color": VERMILION,
                "size": 9,
                "line": {"width": 1.5},
            },
        ),
    ]
    if capsule_days:
        traces.append(
            day_markers(
                capsule_days,
                "Experiment capsule (active or placebo)",
                {"symbol": "triangle-down", "color": GREY, "size": 9},
            )
        )
    figure = _fig(
        traces,
        layout=_layout(
            yaxis={"range": [low - 0.5, marker_y + 0.5], "title": {"text": name}},
            xaxis={"type": "date"},
            shapes=_band_shapes(bands),
        ),
    )
    return figure


def phase_comparison(
    *,
    name: str,
    groups: Sequence[tuple[str, Sequence[float], float | None, float | None]],
) -> dict:
    """Each phase's days as a box with every point, and the mean with its
    95% interval. `groups`: (phase, values, interval low, interval high)."""
    name = plain(name)
    traces = []
    for phase, values, _, _ in groups:
        traces.append(
            _trace(
                "box",
                y=list(values),
                name=PHASE_LABELS.get(phase, phase),
                boxpoints="all",
                jitter=0.4,
                pointpos=0,
                marker={"color": BLUE, "size": 4, "opacity": 0.5},
                line={"color": GREY},
                fillcolor="rgba(0,0,0,0)",
                showlegend=False,
                boxmean=False,
            )
        )
    means = [(p, sum(v) / len(v), lo, hi) for p, v, lo, hi in groups if v]
    traces.append(
        _trace(
            "scatter",
            x=[PHASE_LABELS.get(p, p) for p, *_ in means],
            y=[m for _, m, _, _ in means],
            mode="markers",
            name="Mean with 95% interval",
            marker={"color": VERMILION, "size": 10, "symbol": "diamond"},
            error_y={
                "type": "data",
                "symmetric": False,
                "array": [(hi - m) if hi is not None else 0 for _, m, _, hi in means],
                "arrayminus": [
                    (m - lo) if lo is not None else 0 for _, m, lo, _ in means
                ],
                "color": VERMILION,
            },
        )
    )
    return _fig(traces, layout=_layout(yaxis={"title": {"text": name}}))


def calendar_heatmap(
    *,
    name: str,
    days: Sequence[dt.date],
    values: Sequence[float | None],
    dose_days: Sequence[dt.date],
    scale: tuple[int, int],
    capsule_days: Sequence[dt.date] = (),
) -> dict:
    """A year (or any range) of days as weeks by weekdays, coloured by value,
    the doses (and a blinded experiment's capsules apart) ringed."""
    name = plain(name)
    if not days:
        return _fig(layout=_layout())
    first_monday = days[0] - dt.timedelta(days=days[0].weekday())

    def week(day: dt.date) -> str:
        return (
            first_monday + dt.timedelta(weeks=(day - first_monday).days // 7)
        ).isoformat()

    weekday_names = ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"]

    def rings(marked: Sequence[dt.date], label: str, colour: str) -> dict:
        """A ring on each of these days of the range."""
        ringed = set(marked)
        return _trace(
            "scatter",
            x=[week(d) for d in days if d in ringed],
            y=[weekday_names[d.weekday()] for d in days if d in ringed],
            mode="markers",
            name=label,
            marker={"symbol": "circle-open", "color": colour, "size": 6},
            hoverinfo="skip",
        )

    rated = [(d, v) for d, v in zip(days, values, strict=True) if v is not None]
    capsules = (
        [rings(capsule_days, "Experiment capsule (active or placebo)", GREY)]
        if capsule_days
        else []
    )
    # Square markers rather than a heatmap trace: plotly draws heatmaps and
    # colour bars with inline style attributes, which the CSP refuses.
    return _fig(
        [
            _trace(
                "scatter",
                x=[week(d) for d, _ in rated],
                y=[weekday_names[d.weekday()] for d, _ in rated],
                mode="markers",
                name=name,
                marker={
                    "symbol": "square",
                    "size": 11,
                    "color": [v for _, v in rated],
                    "colorscale": "Cividis",
                    "cmin": scale[0],
                    "cmax": scale[1],
                    "showscale": False,
                },
                customdata=[[d.isoformat(), v] for d, v in rated],
                hovertemplate="%{customdata[0]}: %{customdata[1]:.1f}<extra></extra>",
                showlegend=False,
            ),
            rings(dose_days, "Dose taken", VERMILION),
            *capsules,
        ],
        layout=_layout(
            yaxis={
                "autorange": "reversed",
                "categoryorder": "array",
                "categoryarray": weekday_names,
            },
            xaxis={"type": "date"},
            height=260,
        ),  # fmt: skip
    )


def tag_effects(
    *, name: str, rows: Sequence[tuple[str, float, float, float, bool]]
) -> dict:
    """Each tag's difference in the metric (with and without the tag), with its
    interval; rows: (tag, difference, low, high, clear)."""
    name = plain(name)
    ordered = sorted(
        ((plain(tag), *rest) for tag, *rest in rows), key=lambda row: row[1]
    )
    return _fig(
        [
            _trace(
                "bar",
                y=[row[0] for row in ordered],
                x=[row[1] for row in ordered],
                orientation="h",
                marker={"color": [BLUE if row[4] else GREY for row in ordered]},
                error_x={
                    "type": "data",
                    "symmetric": False,
                    "array": [row[3] - row[1] for row in ordered],
                    "arrayminus": [row[1] - row[2] for row in ordered],
                    "color": "#555555",
                },
                name=f"Difference in {name}",
                showlegend=False,
            )
        ],
        layout=_layout(
            xaxis={
                # Two lines: one is cut off at phone width.
                "title": {"text": f"Difference in {name}<br>days with tag − without"},
                "zeroline": True,
            },
            height=max(240, 28 * len(ordered) + 100),
        ),  # fmt: skip
    )


def correlation_matrix(
    *,
    names: Sequence[str],
    rho: Sequence[Sequence[float | None]],
    n: Sequence[Sequence[int]],
) -> dict:
    """Spearman correlations between metrics as a grid of squares coloured by
    rho (blue positive, red negative), each labelled with rho and n."""
    names = [plain(n) for n in names]
    cells = [
        (a, b, r, count)
        for a, row, counts in zip(names, rho, n, strict=True)
        for b, r, count in zip(names, row, counts, strict=True)
    ]
    return _fig(
        [
            _trace(
                "scatter",
                x=[b for _, b, _, _ in cells],
                y=[a for a, _, _, _ in cells],
                mode="markers+text",
                marker={
                    "symbol": "square",
                    "size": 38,
                    "color": [r if r is not None else 0 for _, _, r, _ in cells],
                    "colorscale": "RdBu",
                    "cmin": -1,
                    "cmax": 1,
                    "showscale": False,
                },
                text=[
                    f"{r:+.2f}<br>n={count}" if r is not None else f"–<br>n={count}"
                    for _, _, r, count in cells
                ],
                # Light text on the strong colours, dark on the pale ones:
                # readable in light and dark mode alike.
                textfont={
                    "size": 9,
                    "color": [
                        "#ffffff" if r is not None and abs(r) >= 0.5 else "#111111"
                        for _, _, r, _ in cells
                    ],
                },
                hovertemplate="%{y} / %{x}: %{text}<extra></extra>",
                showlegend=False,
            )
        ],  # fmt: skip
        layout=_layout(
            yaxis={"autorange": "reversed", "type": "category"},
            xaxis={"type": "category"},
            showlegend=False,
            height=max(260, 60 * len(names) + 80),
        ),
    )


def questionnaires(
    *,
    scores: dict[str, list[tuple[dt.date, int]]],
    bands: Sequence[tuple[dt.date, dt.date, str]],
    experiments: Sequence[tuple[dt.date, dt.date]] = (),
) -> dict:
    """Questionnaire totals over time: PHQ-9 and GAD-7 on the left axis
    (0–27, lower is better), WHO-5 on the right (0–100, higher is better),
    protocol phases as bands."""
    colours = {"PHQ-9": VERMILION, "GAD-7": ORANGE, "WHO-5": BLUE}
    data = [
        _trace(
            "scatter",
            x=[day for day, _ in points],
            y=[score for _, score in points],
            mode="lines+markers",
            name=name,
            yaxis="y2" if name == "WHO-5" else "y",
            line={"color": colours.get(name, GREY), "width": 2},
            marker={"size": 7},
        )
        for name, points in scores.items()
        if points
    ]
    return _fig(
        data,
        layout=_layout(
            xaxis={"type": "date"},
            yaxis={"range": [0, 27], "title": {"text": "PHQ-9, GAD-7"}},
            yaxis2={
                "range": [0, 100],
                "overlaying": "y",
                "side": "right",
                "title": {"text": "WHO-5"},
                "showgrid": False,
            },
            margin={"l": 48, "r": 48, "t": 16, "b": 48},
            shapes=_band_shapes(bands)
            + [
                # A blinded experiment: a dashed frame over its weeks.
                {
                    "type": "rect",
                    "xref": "x",
                    "yref": "paper",
                    "y0": 0,
                    "y1": 1,
                    "x0": start.isoformat(),
                    "x1": (end + dt.timedelta(days=1)).isoformat(),
                    "fillcolor": "rgba(0,0,0,0)",
                    "line": {"color": PURPLE, "width": 1.5, "dash": "dash"},
                    "layer": "below",
                }
                for start, end in experiments
            ],
        ),
    )


def titration(
    *,
    unit: str,
    metric: str,
    scale: tuple[int, int],
    felt: Sequence[tuple[float, int]],
    next_day: Sequence[tuple[float, float]],
) -> dict:
    """Each dose's amount against how much it was felt (0–3, left) and the
    next day's metric (right)."""
    metric = plain(metric)
    return _fig(
        [
            _trace(
                "scatter",
                x=[a for a, _ in felt],
                y=[f for _, f in felt],
                mode="markers",
                name="Felt (0–3)",
                marker={"color": VERMILION, "size": 9, "opacity": 0.5},
            ),
            _trace(
                "scatter",
                x=[a for a, _ in next_day],
                y=[v for _, v in next_day],
                mode="markers",
                name=f"{metric} the next day",
                yaxis="y2",
                marker={"color": BLUE, "size": 7, "symbol": "diamond", "opacity": 0.5},
            ),
        ],
        layout=_layout(
            xaxis={"title": {"text": f"Amount ({plain(unit)})"}},
            yaxis={
                "range": [-0.3, 3.3],
                "tickvals": [0, 1, 2, 3],
                "title": {"text": "Felt"},
            },
            yaxis2={
                "overlaying": "y",
                "side": "right",
                "range": [scale[0] - 0.5, scale[1] + 0.5],
                "title": {"text": f"{metric}, next day"},
                "showgrid": False,
            },
            margin={"l": 48, "r": 48, "t": 16, "b": 48},
        ),
    )
