"""Run inside Django (bench settings): sign the demo user in, look up the
pages' paths and count each page's queries and bytes. Prints one JSON object."""

from __future__ import annotations

import json
import os
import sys


def main(username: str) -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bench.settings")
    import django

    django.setup()
    from django.test import Client

    from accounts.models import User
    from bench.pages import measure, page_paths, session_cookie

    user = User.objects.get(username=username)
    paths = page_paths(user)
    client = Client()
    client.force_login(user)
    measured = measure(client, paths)
    json.dump(
        {"cookie": session_cookie(user), "paths": paths, "measured": measured},
        sys.stdout,
    )


if __name__ == "__main__":
    main(sys.argv[1] if len(sys.argv) > 1 else "demo")
