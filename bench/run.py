"""`make bench`: latency and throughput of Titrate's main pages on five years
of data, against a minimal Django baseline. bench/README.md explains it."""

from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

from bench.pages import (
    PAGES,
    Round,
    Run,
    check_targets,
    first_load,
    median_index,
    median_shares,
    parse_wrk,
    result_rows,
    table,
)
from bench.paint import largest_contentful_paint

ROOT = Path(__file__).resolve().parent.parent
PYTHON = sys.executable
BIN = Path(PYTHON).parent


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument(
        "--database-url",
        default=os.environ.get(
            "BENCH_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/titrate_bench"
        ),
        help="PostgreSQL database to (re)create and fill",
    )
    parser.add_argument(
        "--duration",
        type=int,
        default=int(os.environ.get("BENCH_DURATION", 10)),
        help="seconds of each run at c=1",
    )
    parser.add_argument(
        "--c8-duration",
        type=int,
        default=int(os.environ.get("BENCH_C8_DURATION", 5)),
        help="seconds of each run at c=8, in every round",
    )
    parser.add_argument(
        "--years", type=int, default=5, help="history of the measured user"
    )
    parser.add_argument(
        "--other-users", type=int, default=9, help="users with a year each"
    )
    parser.add_argument(
        "--rounds",
        type=int,
        default=int(os.environ.get("BENCH_ROUNDS", 3)),
        help="passes of the pages at c=8; each page's row is its median round",
    )
    parser.add_argument("--port", type=int, default=8765)
    parser.add_argument(
        "--reuse", action="store_true", help="keep the existing database"
    )
    parser.add_argument("--output", type=Path, default=ROOT / "bench" / "results.json")
    parser.add_argument(
        "--pages", help="comma-separated subset of pages (baseline is always run)"
    )
    args = parser.parse_args()
    if min(args.rounds, args.duration, args.c8_duration) < 1:
        parser.error("--rounds, --duration and --c8-duration must be at least 1")

    wrk = shutil.which("wrk")
    if not wrk:
        sys.exit(
            "wrk is not installed: apt-get install wrk (Debian) — see bench/README.md"
        )
    env = server_env(args.database_url)

    if not args.reuse:
        step("database", recreate_database, args.database_url)
    # Also on --reuse: the code may have new migrations since the database was filled.
    step("migrate", manage, env, "migrate", "--noinput", "--verbosity", "0")
    if not args.reuse:
        step(
            f"seed demo ({args.years} years)",
            manage,
            env,
            "seed_demo",
            "--user",
            "demo",
            "--password",
            "bench-demo",
            "--years",
            str(args.years),
        )
        for n in range(1, args.other_users + 1):
            step(
                f"seed user{n} (1 year)",
                manage,
                env,
                "seed_demo",
                "--user",
                f"user{n}",
                "--password",
                "bench-user",
                "--years",
                "1",
                "--timezone",
                "America/New_York" if n % 2 else "Asia/Tokyo",
            )
        # As autovacuum leaves a database that has been in use: statistics for
        # the planner and the visibility map that index-only scans read.
        step("vacuum", manage, env, "dbshell", "--", "-c", "VACUUM ANALYZE")
    step("collectstatic", manage, env, "collectstatic", "--noinput", "--verbosity", "0")
    prepared = json.loads(
        subprocess.run(
            [PYTHON, "-m", "bench.prepare", "demo"],
            env=env,
            cwd=ROOT,
            check=True,
            capture_output=True,
            text=True,
        ).stdout
    )
    bad = {
        name: m["status"]
        for name, m in prepared["measured"].items()
        if m["status"] != 200
    }
    if bad:
        sys.exit(f"pages that did not answer 200: {bad}")

    wanted = [name for name, _ in PAGES]
    if args.pages:
        wanted = ["baseline", *[p for p in args.pages.split(",") if p != "baseline"]]
    base_url = f"http://127.0.0.1:{args.port}"
    cookie = f"sessionid={prepared['cookie']}"
    server = start_server(env, args.port)
    try:
        runs: dict[tuple[str, int], Run] = {}

        def drive(name: str, concurrency: int) -> Run:
            url = base_url + prepared["paths"][name]
            warm(url, cookie)
            seconds = args.duration if concurrency == 1 else args.c8_duration
            print(f"  wrk {name} c={concurrency} {seconds}s …", flush=True)
            return wrk_run(wrk, url, cookie, concurrency, seconds)

        for name in wanted:
            runs[(name, 1)] = drive(name, 1)
        # At c=8 each page's share is of the baseline's rate beside it: the
        # baseline runs before the first page, between pages and after the
        # last (bench.pages.beside()); the whole pass runs --rounds times and
        # each page's row is its median round (bench.pages.median_shares()).
        pages = [name for name in wanted if name != "baseline"]
        rounds = []
        for number in range(1, args.rounds + 1):
            print(f"  round {number} of {args.rounds} at c=8", flush=True)
            baselines = [drive("baseline", 8)]
            page_runs = {}
            for name in pages:
                page_runs[name] = drive(name, 8)
                baselines.append(drive("baseline", 8))
            rounds.append(Round(baselines, page_runs))
        every_baseline = [run for r in rounds for run in r.baselines]
        runs[("baseline", 8)] = every_baseline[
            median_index([run.rps for run in every_baseline])
        ]
        shares = median_shares(rounds)
        rates = {}
        for name, share in shares.items():
            runs[(name, 8)] = share.run
            rates[(name, 8)] = share.baseline_rps
        transfer = {
            name: first_load(http_fetch(base_url, cookie), prepared["paths"][name])
            for name in ("today", "insights_all")
            if name in wanted
        }
        lcp_ms = None
        if "insights_all" in wanted:
            print("  Largest Contentful Paint, insights_all …", flush=True)
            lcp_ms = largest_contentful_paint(
                base_url, prepared["cookie"], prepared["paths"]["insights_all"],
                charts=prepared["measured"]["insights_all"]["charts"],
            )  # fmt: skip
    finally:
        stop(server)

    rows = result_rows(runs, prepared["measured"], rates)
    print()
    print(table(rows))
    print()
    for name, load in transfer.items():
        print(f"first load, {name}: {load['bytes'] / 1024:.1f} KB compressed")
        for part, size in load["parts"].items():
            print(f"    {size / 1024:8.1f} KB  {part}")
    if lcp_ms is not None:
        print(f"Largest Contentful Paint, insights_all, phone, 4× CPU: {lcp_ms:.0f} ms")
    if shares:
        print("shares of the baseline at c=8, by round (the median's row is above):")
        for name, share in shares.items():
            print(f"    {name:16s} " + "  ".join(f"{s:6.1%}" for s in share.shares))
    results = {
        "machine": machine(),
        "settings": {
            "server": "gunicorn, 2 sync workers, DEBUG=false, PostgreSQL",
            "duration_s": args.duration,
            "c8_duration_s": args.c8_duration,
            "c8_rounds": args.rounds,
            "data": f"demo: {args.years} years;"
            f" {args.other_users} users with 1 year each",
        },
        "rows": rows,
        "first_load": {
            name: {"bytes": load["bytes"], "parts": load["parts"]}
            for name, load in transfer.items()
        },
        "insights_all_lcp_ms": lcp_ms,
        # The baseline's runs at c=8 of each round, in order: before the
        # first page, between pages, after the last.
        "baseline_c8_rps": [[run.rps for run in r.baselines] for r in rounds],
        # Each page's share of the baseline beside it at c=8, round by round.
        "c8_shares": {
            name: [round(s, 4) for s in share.shares] for name, share in shares.items()
        },
    }
    failures = [row for row in rows if row["errors"] and row["concurrency"] == 1]
    failures += [
        {"page": name, "concurrency": 8, "errors": run.errors}
        for r in rounds
        for name, run in [*(("baseline", b) for b in r.baselines), *r.pages.items()]
        if run.errors
    ]
    if set(wanted) == {name for name, _ in PAGES}:
        checks = check_targets(rows, transfer, lcp_ms)
        results["targets"] = [
            {"target": what, "measured": measured, "met": met}
            for what, measured, met in checks
        ]
        print()
        for what, measured, met in checks:
            print(f"  {'met ' if met else 'MISSED'}  {what}: {measured}")
    args.output.write_text(json.dumps(results, indent=2) + "\n")
    print(f"\nwritten {args.output}")
    if failures:
        failed = [(r["page"], r["concurrency"], r["errors"]) for r in failures]
        print(f"requests failed: {failed}")
        return 1
    return 0


def step(label: str, function, *args):
    started = time.monotonic()
    print(f"== {label}", flush=True)
    function(*args)
    print(f"   {time.monotonic() - started:.1f}s", flush=True)


def server_env(database_url: str) -> dict[str, str]:
    env = dict(os.environ)
    env.update(
        DJANGO_SETTINGS_MODULE="bench.settings",
        DATABASE_URL=database_url,
        DEBUG="false",
        SECRET_KEY=env.get("SECRET_KEY") or "bench-" + "x" * 50,
        ALLOWED_HOSTS="127.0.0.1,localhost,testserver",
        SECURE_SSL_REDIRECT="false",
        SECURE_HSTS_SECONDS="0",
        SECURE_COOKIES="false",
        PYTHONPATH=str(ROOT),
    )
    return env


def manage(env: dict[str, str], *arguments: str) -> None:
    subprocess.run([PYTHON, "manage.py", *arguments], env=env, cwd=ROOT, check=True)


def recreate_database(url: str) -> None:
    parts = urlsplit(url)
    name = parts.path.lstrip("/")
    admin = urlunsplit(parts._replace(path="/postgres"))
    for sql in (
        f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)',
        f'CREATE DATABASE "{name}"',
    ):
        subprocess.run(["psql", admin, "-q", "-c", sql], check=True)


def port_is_free(port: int) -> bool:
    """Nothing listens on it. Connections of the last run still closing
    (TIME_WAIT) do not count: gunicorn binds with SO_REUSEADDR, and so does
    this probe, which a listening server still refuses."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            probe.bind(("127.0.0.1", port))
        except OSError:
            return False
    return True


def stop(server: subprocess.Popen) -> None:
    if server.poll() is None:
        server.terminate()
        try:
            server.wait(timeout=30)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()


def start_server(env: dict[str, str], port: int) -> subprocess.Popen:
    """Our own gunicorn on `port`, answering /healthz. Never measures another
    server: the port must be free before, and our child alive after."""
    if not port_is_free(port):
        sys.exit(f"port {port} is in use (an old server?); stop it or pass --port")
    server = subprocess.Popen(
        [
            str(BIN / "gunicorn"),
            "config.wsgi",
            "--bind",
            f"127.0.0.1:{port}",
            "--workers",
            "2",
            "--log-level",
            "warning",
        ],
        env=env,
        cwd=ROOT,
    )
    try:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            if server.poll() is not None:
                sys.exit(f"gunicorn exited with {server.returncode} while starting")
            try:
                url = f"http://127.0.0.1:{port}/healthz"
                with urllib.request.urlopen(url, timeout=5) as answer:
                    if answer.status == 200 and server.poll() is None:
                        return server
            except (urllib.error.URLError, ConnectionError, TimeoutError):
                pass  # still booting: a refused or slow first answer
            time.sleep(0.3)
        sys.exit("gunicorn did not answer /healthz within 60 s")
    except BaseException:
        stop(server)
        raise


def http_fetch(base_url: str, cookie: str):
    def fetch(path: str, headers: dict[str, str]):
        request = urllib.request.Request(
            base_url + path, headers={**headers, "Cookie": cookie}
        )
        try:
            with urllib.request.urlopen(request, timeout=30) as response:
                return response.status, dict(response.headers), response.read()
        except urllib.error.HTTPError as error:
            return error.code, dict(error.headers), error.read()

    return fetch


def warm(url: str, cookie: str) -> None:
    """A few requests first, so each worker has its caches filled."""
    for _ in range(6):
        request = urllib.request.Request(url, headers={"Cookie": cookie})
        with urllib.request.urlopen(request, timeout=30) as response:
            if response.status != 200 or "/accounts/login/" in response.url:
                sys.exit(f"{url} did not answer 200 for the signed-in user")
            response.read()


def wrk_run(wrk: str, url: str, cookie: str, concurrency: int, duration: int) -> Run:
    output = subprocess.run(
        [
            wrk,
            f"--threads={min(concurrency, 2)}",
            f"--connections={concurrency}",
            f"--duration={duration}s",
            "--timeout=10s",
            f"--script={ROOT / 'bench' / 'report.lua'}",
            f"--header=Cookie: {cookie}",
            # As a browser asks: the Insights pages are then sent compressed.
            "--header=Accept-Encoding: br, gzip",
            url,
        ],
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    return parse_wrk(output)


def machine() -> str:
    cpu = "unknown CPU"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    memory = ""
    try:
        kib = int(Path("/proc/meminfo").read_text().split()[1])
        memory = f", {kib / 1024 / 1024:.0f} GiB RAM"
    except (OSError, ValueError, IndexError):
        pass
    postgres = (
        subprocess.run(
            ["psql", "--version"], capture_output=True, text=True
        ).stdout.strip()
        or "psql not found"
    )
    return (
        f"{cpu}, {os.cpu_count()} cores{memory};"
        f" {platform.system()} {platform.release()};"
        f" Python {platform.python_version()}; {postgres}"
    )


if __name__ == "__main__":
    sys.exit(main())
