"""Profile one benchmark page in-process with pyinstrument.

Usage: python -m bench.profile PAGE [--database-url URL] [--requests N]

Uses the database `make bench` filled (it must have run once) and the same
settings as the benchmark's server. Prints where the time of N requests went.
"""

from __future__ import annotations

import argparse
import os
import sys

from bench.pages import PAGES


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("page", choices=[name for name, _ in PAGES])
    parser.add_argument(
        "--database-url",
        default=os.environ.get(
            "BENCH_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/titrate_bench"
        ),
    )
    parser.add_argument("--requests", type=int, default=20)
    args = parser.parse_args()

    from bench.run import server_env

    os.environ.update(server_env(args.database_url))
    import django

    django.setup()
    from django.test import Client
    from pyinstrument import Profiler

    from accounts.models import User
    from bench.pages import page_paths

    user = User.objects.get(username="demo")
    path = page_paths(user)[args.page]
    client = Client()
    client.force_login(user)
    client.get(path)  # warm
    profiler = Profiler(interval=0.0005)
    with profiler:
        for _ in range(args.requests):
            response = client.get(path)
            if response.status_code != 200:
                sys.exit(f"{path} answered {response.status_code}")
    print(f"{args.requests} requests of {path}")
    print(profiler.output_text(unicode=True, color=False, show_all=False))


if __name__ == "__main__":
    main()
