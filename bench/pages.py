"""What the benchmark measures, and how its numbers are read.

Kept apart from the runner (bench/run.py) so the test suite runs these same
functions on a tiny dataset (tests/test_bench.py) and they cannot rot.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from dataclasses import dataclass

# The pages, in the order of the table; the calendar feed's address holds the
# user's secret token, so it is looked up per user.
PAGES: list[tuple[str, str]] = [
    ("baseline", "/bench/baseline/"),
    ("today", "/"),
    ("journal", "/journal/"),
    ("search", "/journal/?q=walk"),
    ("month", "/journal/month/"),
    ("dosing_calendar", "/protocol/calendar/"),
    ("insights_90d", "/insights/?range=90d"),
    ("insights_all", "/insights/?range=all"),
    ("ical", "{feed}"),
]

# The targets, checked at the end of every run.
FAST_PAGES = ("today", "journal", "search", "month", "dosing_calendar")
TARGETS = {
    **{f"{page}_p95_ms": 20.0 for page in FAST_PAGES},
    **{f"{page}_c8_ratio": 0.35 for page in FAST_PAGES},
    "insights_90d_p95_ms": 50.0,
    "insights_all_p95_ms": 120.0,
    "insights_all_c8_ratio": 0.05,
    "today_first_load_kb": 60.0,
    "insights_all_first_load_kb": 350.0,
    "insights_all_lcp_ms": 2500.0,
}


def page_paths(user) -> dict[str, str]:
    """Every page's path for this user (creating the calendar feed if need be)."""
    from django.urls import reverse

    from protocols.services import feed_for

    feed = reverse("protocols:feed", kwargs={"token": feed_for(user).token})
    return {name: path.format(feed=feed) for name, path in PAGES}


def session_cookie(user) -> str:
    """A signed-in session for the user, as the value of the session cookie."""
    from django.conf import settings
    from django.test import Client

    client = Client()
    client.force_login(user)
    return client.cookies[settings.SESSION_COOKIE_NAME].value


def measure(client, paths: dict[str, str], repeats: int = 5) -> dict[str, dict]:
    """Status, body size, database queries and in-process time of each page
    (every request builds its page: nothing is cached)."""
    import statistics
    import time

    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    def timed(path: str):
        with CaptureQueriesContext(connection) as queries:
            start = time.perf_counter()
            response = client.get(path)
            elapsed = (time.perf_counter() - start) * 1000
        return response, len(queries), elapsed

    measured = {}
    for name, path in paths.items():
        # Once to warm what every request shares (the built-in prompts, the time
        # zone database, the templates).
        client.get(path)
        built = []
        for _ in range(repeats):
            response, queries, elapsed = timed(path)
            built.append(elapsed)
        measured[name] = {
            "status": response.status_code,
            "bytes": len(response.content),
            "queries": queries,
            "built_ms": round(statistics.median(built), 2),
            "charts": response.content.count(b"data-figure="),
        }
    return measured


ASSET = re.compile(
    r'<script[^>]*\ssrc="([^"]+)"|<link[^>]*rel="stylesheet"[^>]*href="([^"]+)"'
)

# fetch(path, headers) -> (status, response headers, body as sent)
Fetch = Callable[[str, dict[str, str]], tuple[int, dict[str, str], bytes]]


def first_load(fetch: Fetch, path: str) -> dict:
    """Bytes a browser with an empty cache receives for a page: its HTML and
    every stylesheet and script it links, each as the server sends it to a
    client that accepts brotli and gzip. Headers are not counted."""
    accept = {"Accept-Encoding": "br, gzip"}
    status, headers, body = fetch(path, accept)
    if status != 200:
        raise RuntimeError(f"{path} answered {status}")
    html = _decoded(headers, body).decode()
    parts = {"html": len(body)}
    for script, stylesheet in ASSET.findall(html):
        asset = script or stylesheet
        status, _, asset_body = fetch(asset, accept)
        if status != 200:
            raise RuntimeError(f"{asset} answered {status}")
        parts[asset] = len(asset_body)
    return {"bytes": sum(parts.values()), "parts": parts}


def _decoded(headers: dict[str, str], body: bytes) -> bytes:
    encoding = {k.lower(): v for k, v in headers.items()}.get("content-encoding", "")
    if encoding == "gzip":
        import gzip

        return gzip.decompress(body)
    if encoding == "br":
        raise RuntimeError("brotli-compressed HTML: add a decoder to the benchmark")
    return body


@dataclass(frozen=True)
class Run:
    """One wrk run of one page at one concurrency."""

    rps: float
    p50_ms: float
    p95_ms: float
    p99_ms: float
    requests: int
    errors: int


def parse_wrk(output: str) -> Run:
    """The numbers bench/report.lua printed at the end of a wrk run."""
    line = next(
        (line for line in output.splitlines() if line.startswith("BENCH_JSON ")), None
    )
    if line is None:
        raise ValueError(f"no BENCH_JSON line in wrk's output:\n{output}")
    data = json.loads(line.removeprefix("BENCH_JSON "))
    seconds = data["duration_us"] / 1e6
    return Run(
        rps=round(data["requests"] / seconds, 1) if seconds else 0.0,
        p50_ms=data["p50_us"] / 1000,
        p95_ms=data["p95_us"] / 1000,
        p99_ms=data["p99_us"] / 1000,
        requests=data["requests"],
        errors=data["errors"] + data["non_2xx_3xx"],
    )


def beside(baselines: list[Run], pages: list[str]) -> dict[str, float]:
    """The baseline's rate beside each page: the mean of the baseline runs just
    before and just after it, where the runs went baseline, page, baseline,
    page, …, baseline. A machine whose speed drifts during the minutes of a
    run (seen here: a third within an hour) moves a page's share against one
    baseline run at the start; against its neighbours, a steady drift cancels."""
    if len(baselines) != len(pages) + 1:
        raise ValueError(f"{len(pages)} pages need {len(pages) + 1} baseline runs")
    return {
        page: (baselines[i].rps + baselines[i + 1].rps) / 2
        for i, page in enumerate(pages)
    }


@dataclass(frozen=True)
class Round:
    """One pass of the pages at c=8: the baseline's runs (before the first
    page, between pages, after the last) and each page's run, in the order
    they ran (beside() pairs them by it)."""

    baselines: list[Run]
    pages: dict[str, Run]


@dataclass(frozen=True)
class Share:
    """A page at c=8 over every round: the run of its median round, the
    baseline's rate beside that run, and each round's share, in order."""

    run: Run
    baseline_rps: float
    shares: list[float]


def median_shares(rounds: list[Round]) -> dict[str, Share]:
    """Each page's median round at c=8 (the lower of the middle two for an
    even count). On a shared two-core machine one ten-second run is at the
    mercy of its neighbours: the same code's Search took 24.8 % of the
    baseline in one run and 31.9 % in the next. Rounds spread over minutes,
    each page between its own baselines, give each page a few tries at the
    machine as it is; the median round is reported whole (its rates and
    latencies), and every round's share is kept."""
    shares: dict[str, Share] = {}
    beside_each = [beside(r.baselines, list(r.pages)) for r in rounds]
    for page in rounds[0].pages:
        rates = [each[page] for each in beside_each]
        ratios = [
            r.pages[page].rps / each[page]
            for r, each in zip(rounds, beside_each, strict=True)
        ]
        median = median_index(ratios)
        shares[page] = Share(rounds[median].pages[page], rates[median], ratios)
    return shares


def median_index(values: list[float]) -> int:
    """Where the median of the values is (the lower of the middle two for
    an even count)."""
    return sorted(range(len(values)), key=values.__getitem__)[(len(values) - 1) // 2]


def result_rows(
    runs: dict[tuple[str, int], Run],
    measured: dict[str, dict],
    beside: dict[tuple[str, int], float] | None = None,
) -> list[dict]:
    """The rows of results.json, each page against the baseline at its
    concurrency: the baseline's rate beside it where there is one (beside()),
    else the baseline's one run."""
    rows = []
    beside = beside or {}
    for (page, concurrency), run in runs.items():
        base_run = runs.get(("baseline", concurrency))
        base = beside.get((page, concurrency), base_run.rps if base_run else None)
        rows.append(
            {
                "page": page,
                "concurrency": concurrency,
                "rps": run.rps,
                "p50_ms": round(run.p50_ms, 2),
                "p95_ms": round(run.p95_ms, 2),
                "p99_ms": round(run.p99_ms, 2),
                "queries": measured[page]["queries"],
                "bytes": measured[page]["bytes"],
                "baseline_rps": round(base, 1) if base else None,
                "ratio_to_baseline": round(run.rps / base, 3) if base else None,
                "requests": run.requests,
                "errors": run.errors,
                "built_ms": measured[page]["built_ms"],
            }
        )
    return rows


def check_targets(
    rows: list[dict], transfer: dict[str, dict], lcp_ms: float | None = None
) -> list[tuple[str, str, bool]]:
    """Each target: (what, measured against the target, met)."""

    def row(page: str, concurrency: int) -> dict:
        return next(
            r for r in rows if r["page"] == page and r["concurrency"] == concurrency
        )

    checks = []
    measured = {r["page"] for r in rows}
    for page in (*FAST_PAGES, "insights_90d", "insights_all"):
        if page not in measured:
            continue
        limit = TARGETS[f"{page}_p95_ms"]
        p95 = row(page, 1)["p95_ms"]
        checks.append(
            (f"{page} p95 at c=1", f"{p95:.1f} ms ≤ {limit:.0f} ms", p95 <= limit)
        )
        goal = TARGETS.get(f"{page}_c8_ratio")
        if goal is not None:
            # From the rates themselves: the row's ratio is rounded for the
            # table, and 4.97 % rounded was 5 % (met).
            base = row(page, 8)["baseline_rps"]
            ratio = row(page, 8)["rps"] / base if base else 0.0
            checks.append(
                (
                    f"{page} rps at c=8 vs baseline",
                    f"{ratio:.2%} ≥ {goal:.0%}",
                    ratio >= goal,
                )
            )
    for page in ("today", "insights_all"):
        if page in transfer:
            kb = transfer[page]["bytes"] / 1024
            goal = TARGETS[f"{page}_first_load_kb"]
            checks.append(
                (f"{page} first load", f"{kb:.1f} KB ≤ {goal:.0f} KB", kb <= goal)
            )
    if lcp_ms is not None:
        goal = TARGETS["insights_all_lcp_ms"]
        checks.append(
            (
                "insights_all LCP, phone, 4× slower CPU",
                f"{lcp_ms:.0f} ms ≤ {goal:.0f} ms",
                lcp_ms <= goal,
            )
        )
    return checks


COLUMNS = [
    ("page", "<16", "", "page"),
    ("c", ">2", "", "concurrency"),
    ("rps", ">8", ".1f", "rps"),
    ("p50 ms", ">8", ".2f", "p50_ms"),
    ("p95 ms", ">8", ".2f", "p95_ms"),
    ("p99 ms", ">8", ".2f", "p99_ms"),
    ("queries", ">7", "", "queries"),
    ("bytes", ">8", "", "bytes"),
    ("base rps", ">8", ".1f", "baseline_rps"),
    ("×base", ">6", ".2f", "ratio_to_baseline"),
    # In-process, one request, median of five.
    ("built ms", ">8", ".1f", "built_ms"),
]


def table(rows: list[dict]) -> str:
    head = " ".join(format(title, align) for title, align, _, _ in COLUMNS)
    lines = [head, "-" * len(head)]
    for row in rows:
        cells = []
        for _, align, number, key in COLUMNS:
            value = "" if row[key] is None else format(row[key], number)
            cells.append(format(value, align))
        lines.append(" ".join(cells))
    return "\n".join(lines)
