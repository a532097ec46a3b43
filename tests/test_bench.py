"""The benchmark's code paths on a tiny dataset, so `make bench` cannot rot."""

from __future__ import annotations

import datetime as dt
import os
import shutil
from pathlib import Path

import pytest
from django.test import Client

from bench import run as bench_run
from bench.pages import (
    PAGES,
    Round,
    Run,
    beside,
    check_targets,
    first_load,
    measure,
    median_index,
    median_shares,
    page_paths,
    parse_wrk,
    result_rows,
    session_cookie,
    table,
)
from tests.conftest import missing_tool
from tests.factories import make_dose, make_entry, make_protocol

BENCH_TEMPLATES = Path(__file__).resolve().parent.parent / "bench" / "templates"

pytestmark = [pytest.mark.django_db, pytest.mark.urls("bench.urls")]

WRK_OUTPUT = """Running 10s test @ http://127.0.0.1:8765/
  1 threads and 1 connections
  Thread Stats   Avg      Stdev     Max   +/- Stdev
    Latency     4.10ms  512.00us  12.00ms   90.00%
  2400 requests in 10.00s, 40.00MB read
Requests/sec:    240.00
BENCH_JSON {"requests": 2400, "duration_us": 10000000, "bytes": 41943040, \
"errors": 0, "non_2xx_3xx": 0, "p50_us": 4012, "p95_us": 5230, "p99_us": 8900}
"""


@pytest.fixture
def bench_templates(settings):
    settings.TEMPLATES = [
        {
            **settings.TEMPLATES[0],
            "DIRS": [*settings.TEMPLATES[0]["DIRS"], BENCH_TEMPLATES],
        },
        *settings.TEMPLATES[1:],
    ]


@pytest.fixture
def tiny(owner):
    today = owner.profile.local_day()
    make_protocol(owner)
    for back in range(12):
        make_entry(owner, day=today - dt.timedelta(days=back), note="a walk", mood=5)
    make_dose(owner, day=today - dt.timedelta(days=3))
    return owner


def client_fetch(client: Client):
    def fetch(path, headers):
        response = client.get(
            path, headers={k.replace("-", "_"): v for k, v in headers.items()}
        )
        body = (
            b"".join(response.streaming_content)
            if response.streaming
            else response.content
        )
        return response.status_code, dict(response.headers), body

    return fetch


@pytest.mark.slow
def test_every_benchmark_page_answers_with_its_queries_counted(tiny, bench_templates):
    paths = page_paths(tiny)
    assert list(paths) == [name for name, _ in PAGES]
    assert paths["ical"].startswith("/protocol/feed/") and paths["ical"].endswith(
        ".ics"
    )
    client = Client()
    client.force_login(tiny)
    measured = measure(client, paths)
    assert {name: m["status"] for name, m in measured.items()} == dict.fromkeys(
        paths, 200
    )
    # The baseline is one query of a dozen rows (plus the session and user).
    assert measured["baseline"]["queries"] <= 4
    assert measured["baseline"]["bytes"] < measured["today"]["bytes"]
    assert all(m["queries"] > 0 and m["bytes"] > 0 for m in measured.values())
    assert all(m["built_ms"] > 0 for m in measured.values())


def test_the_session_cookie_signs_the_user_in(tiny):
    client = Client()
    client.cookies["sessionid"] = session_cookie(tiny)
    assert client.get("/").status_code == 200


def test_first_load_counts_the_page_and_every_asset_it_links(tiny):
    client = Client()
    client.force_login(tiny)
    load = first_load(client_fetch(client), "/")
    parts = load["parts"]
    assert any(name.endswith(".css") for name in parts)
    assert any("htmx" in name for name in parts)
    assert any(name.endswith("app.js") or "/app." in name for name in parts)
    assert load["bytes"] == sum(parts.values()) > parts["html"] > 0
    insights = first_load(client_fetch(client), "/insights/?range=all")
    assert any("plotly" in name for name in insights["parts"])


def test_wrk_output_is_read_into_rates_and_percentiles():
    run = parse_wrk(WRK_OUTPUT)
    assert run == Run(
        rps=240.0, p50_ms=4.012, p95_ms=5.23, p99_ms=8.9, requests=2400, errors=0
    )
    with pytest.raises(ValueError, match="no BENCH_JSON"):
        parse_wrk("Requests/sec: 10")


def test_rows_compare_each_page_with_the_baseline_and_check_the_targets():
    fast = Run(rps=400.0, p50_ms=2, p95_ms=3, p99_ms=4, requests=4000, errors=0)
    slow = Run(rps=100.0, p50_ms=80, p95_ms=200, p99_ms=250, requests=1000, errors=0)
    runs = {}
    for concurrency in (1, 8):
        for name, _ in PAGES:
            runs[(name, concurrency)] = slow if name == "insights_all" else fast
    runs[("today", 8)] = Run(
        rps=120.0, p50_ms=9, p95_ms=12, p99_ms=15, requests=1200, errors=0
    )
    measured = {
        name: {"queries": 3, "bytes": 1000, "built_ms": 9.0} for name, _ in PAGES
    }
    rows = result_rows(runs, measured)
    today8 = next(r for r in rows if r["page"] == "today" and r["concurrency"] == 8)
    assert today8["ratio_to_baseline"] == 0.3
    assert set(today8) >= {
        "page", "concurrency", "rps", "p50_ms", "p95_ms", "p99_ms",
        "queries", "bytes", "ratio_to_baseline",
    }  # fmt: skip
    checks = {
        what: met for what, _, met in check_targets(rows, {"today": {"bytes": 50_000}})
    }
    fast_pages = ("journal", "search", "month", "dosing_calendar")
    assert checks == {
        "today p95 at c=1": True,
        "today rps at c=8 vs baseline": False,  # 120 / 400 = 30% < 35%
        **{f"{page} p95 at c=1": True for page in fast_pages},
        **{f"{page} rps at c=8 vs baseline": True for page in fast_pages},
        "insights_90d p95 at c=1": True,
        "insights_all p95 at c=1": False,
        "insights_all rps at c=8 vs baseline": True,  # 100 / 400 = 25% ≥ 5%
        "today first load": True,
    }
    assert "insights_all" in table(rows)
    transfer = {"today": {"bytes": 50_000}, "insights_all": {"bytes": 400_000}}
    phone = {what: met for what, _, met in check_targets(rows, transfer, 2400.0)}
    assert phone["insights_all first load"] is False  # 391 KB > 350 KB
    assert phone["insights_all LCP, phone, 4× slower CPU"] is True
    assert check_targets(rows, transfer, 2600.0)[-1][2] is False


def test_a_share_just_under_its_target_is_missed_though_it_rounds_to_it():
    base = Run(rps=675.7, p50_ms=2, p95_ms=3, p99_ms=4, requests=6757, errors=0)
    runs = {(name, concurrency): base for concurrency in (1, 8) for name, _ in PAGES}
    # 33.6 / 675.7 = 4.97 %, rounded to 0.050 in the row; 236.2 / 675.7 = 34.96 %.
    runs[("insights_all", 8)] = Run(33.6, 150, 240, 280, 336, 0)
    runs[("today", 8)] = Run(236.2, 30, 40, 50, 2362, 0)
    measured = {
        name: {"queries": 3, "bytes": 1000, "built_ms": 9.0} for name, _ in PAGES
    }
    rows = result_rows(runs, measured)
    assert (
        next(
            r["ratio_to_baseline"]
            for r in rows
            if r["page"] == "insights_all" and r["concurrency"] == 8
        )
        == 0.05
    )
    checks = {what: (shown, met) for what, shown, met in check_targets(rows, {})}
    assert checks["insights_all rps at c=8 vs baseline"] == ("4.97% ≥ 5%", False)
    assert checks["today rps at c=8 vs baseline"] == ("34.96% ≥ 35%", False)
    assert checks["journal rps at c=8 vs baseline"] == ("100.00% ≥ 35%", True)


def test_a_share_at_c8_is_of_the_baseline_beside_its_page():
    def at(rps: float) -> Run:
        return Run(rps=rps, p50_ms=2, p95_ms=3, p99_ms=4, requests=int(rps), errors=0)

    # The machine slowed during the run: the baseline fell from 800 to 400.
    baselines = [at(800.0), at(600.0), at(400.0)]
    rates = beside(baselines, ["today", "journal"])
    assert rates == {"today": 700.0, "journal": 500.0}
    with pytest.raises(ValueError, match="2 pages need 3 baseline runs"):
        beside(baselines[:2], ["today", "journal"])
    runs = {
        (name, concurrency): at(800.0) for concurrency in (1, 8) for name, _ in PAGES
    }
    runs[("today", 8)] = at(252.0)  # 36 % of 700, 31.5 % of the first run's 800
    runs[("journal", 8)] = at(170.0)  # 34 % of 500
    measured = {
        name: {"queries": 3, "bytes": 1000, "built_ms": 9.0} for name, _ in PAGES
    }
    beside_pages = {(page, 8): rate for page, rate in rates.items()}
    rows = result_rows(runs, measured, beside_pages)
    today8 = next(r for r in rows if r["page"] == "today" and r["concurrency"] == 8)
    assert (today8["baseline_rps"], today8["ratio_to_baseline"]) == (700.0, 0.36)
    base8 = next(r for r in rows if r["page"] == "baseline" and r["concurrency"] == 8)
    assert (base8["baseline_rps"], base8["ratio_to_baseline"]) == (800.0, 1.0)
    checks = {what: (shown, met) for what, shown, met in check_targets(rows, {})}
    assert checks["today rps at c=8 vs baseline"] == ("36.00% ≥ 35%", True)
    assert checks["journal rps at c=8 vs baseline"] == ("34.00% ≥ 35%", False)
    # A page with no baseline beside it is compared with the baseline's run.
    assert checks["search rps at c=8 vs baseline"] == ("100.00% ≥ 35%", True)


def test_a_share_at_c8_is_its_median_round_reported_whole():
    def at(rps: float, p95: float = 3.0) -> Run:
        return Run(rps=rps, p50_ms=2, p95_ms=p95, p99_ms=4, requests=1, errors=0)

    rounds = [
        # today: 300 of 1000 (30 %); journal: 450 of 900 (50 %)
        Round(
            [at(1000.0), at(1000.0), at(800.0)],
            {"today": at(300.0, 9.0), "journal": at(450.0)},
        ),
        # today: 400 of 1000 (40 %); journal: 200 of 1000 (20 %)
        Round(
            [at(1000.0), at(1000.0), at(1000.0)],
            {"today": at(400.0, 7.0), "journal": at(200.0)},
        ),
        # today: 360 of 1000 (36 %), the median; journal: 400 of 1000 (40 %)
        Round(
            [at(1200.0), at(800.0), at(1200.0)],
            {"today": at(360.0, 8.0), "journal": at(400.0)},
        ),
    ]
    shares = median_shares(rounds)
    today = shares["today"]
    assert today.shares == pytest.approx([0.30, 0.40, 0.36])
    # The median round's run, latencies and all, and its own baseline.
    assert (today.run.rps, today.run.p95_ms, today.baseline_rps) == (360.0, 8.0, 1000.0)
    journal = shares["journal"]
    assert journal.shares == pytest.approx([0.5, 0.2, 0.4])
    assert (journal.run.rps, journal.baseline_rps) == (400.0, 1000.0)
    # Of two rounds, the lower share is reported.
    two = median_shares(rounds[:2])
    assert (two["today"].run.rps, two["journal"].run.rps) == (300.0, 200.0)
    assert median_index([5.0, 1.0, 3.0]) == 2
    assert median_index([4.0, 2.0]) == 1
    assert median_index([7.0]) == 0


def test_the_server_runs_with_production_settings():
    env = bench_run.server_env("postgres://postgres@127.0.0.1:5432/titrate_bench")
    assert env["DEBUG"] == "false" and env["DJANGO_SETTINGS_MODULE"] == "bench.settings"
    assert len(env["SECRET_KEY"]) >= 50


@pytest.mark.slow
@pytest.mark.django_db(transaction=True)
def test_wrk_and_the_reporter_script_measure_a_live_page(live_server, tiny):
    wrk = shutil.which("wrk")
    if not wrk:
        missing_tool("wrk is not installed (apt-get install wrk)")
    cookie = f"sessionid={session_cookie(tiny)}"
    run = bench_run.wrk_run(wrk, live_server.url + "/journal/", cookie, 1, 1)
    assert run.requests > 0 and run.rps > 0
    assert run.errors == 0
    assert 0 < run.p50_ms <= run.p95_ms <= run.p99_ms
    # Answers of 4xx or 5xx count as errors, so a broken page cannot pass.
    missing = bench_run.wrk_run(wrk, live_server.url + "/no-such-page/", cookie, 1, 1)
    assert missing.errors == missing.requests > 0


def test_the_benchmark_never_measures_a_server_it_did_not_start():
    import socket

    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        port = busy.getsockname()[1]
        assert not bench_run.port_is_free(port)
        with pytest.raises(SystemExit, match="in use"):
            bench_run.start_server(dict(os.environ), port)
    assert bench_run.port_is_free(port)


def test_a_server_that_dies_while_starting_stops_the_benchmark(monkeypatch):
    import subprocess
    import sys

    popen = subprocess.Popen

    def dies_at_once(*args, **kwargs):
        return popen([sys.executable, "-c", "raise SystemExit(3)"])

    monkeypatch.setattr(bench_run.subprocess, "Popen", dies_at_once)
    with socket_port() as port, pytest.raises(SystemExit, match="exited with 3"):
        bench_run.start_server(dict(os.environ), port)


def socket_port():
    """A port free right now (closed again before the test uses it)."""
    import contextlib
    import socket

    @contextlib.contextmanager
    def free():
        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            port = probe.getsockname()[1]
        yield port

    return free()


def test_connections_of_the_last_run_still_closing_leave_the_port_free():
    import socket

    with socket.socket() as listener:
        listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)  # as gunicorn
        listener.bind(("127.0.0.1", 0))
        listener.listen()
        port = listener.getsockname()[1]
        client = socket.create_connection(("127.0.0.1", port))
        served, _ = listener.accept()
        served.close()  # the server closes first, as gunicorn does: TIME_WAIT
        client.close()
    assert bench_run.port_is_free(port)
