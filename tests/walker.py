"""The route walker: every URL of our apps, checked for login and ownership.

Apps register the object types their URLs take (`register_object_type`), keyed
by the URL keyword argument, instead of writing walkers of their own.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from functools import cache, partial
from typing import Any

from django.apps import apps
from django.db import models
from django.db.models import QuerySet
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver

from config.prepared import ahead, prepared

OUR_MODULES = (
    "config", "accounts", "journal", "protocols", "insights", "experiments",
    "reminders", "portability",
)  # fmt: skip

# View names that anonymous visitors may open.
PUBLIC_ROUTES = {"healthz", "offline", "service_worker", "favicon", "protocols:feed"}


@dataclass(frozen=True)
class Route:
    name: str
    pattern: str  # the full route, e.g. "journal/entry/<int:entry_id>/"
    kwargs: tuple[str, ...]
    callback: Callable

    @property
    def object_kwargs(self) -> tuple[str, ...]:
        return tuple(k for k in self.kwargs if k not in PLAIN_KWARGS)

    def url(self, values: dict[str, Any]) -> str:
        values = {**PLAIN_KWARGS, **values}
        path = self.pattern
        for key in self.kwargs:
            start = path.index("<")
            end = path.index(">", start)
            assert path[start:end].endswith(key), f"{self.pattern}: {key}"
            path = path[:start] + str(values[key]) + path[end + 1 :]
        return "/" + path


# URL arguments that name no object (a month of a calendar): any user may ask.
PLAIN_KWARGS: dict[str, Any] = {
    "year": 2026,
    "month": 1,
    "day": 5,
    "chart": "timeline",
    "key": "phq9",  # a questionnaire, the same for everyone
}


@dataclass(frozen=True)
class ObjectType:
    kwarg: str
    create: Callable[[Any], models.Model]  # makes an object owned by a user
    url_value: Callable[[models.Model], Any]


OBJECT_TYPES: dict[str, ObjectType] = {}


def register_object_type(
    kwarg: str,
    create: Callable[[Any], models.Model],
    url_value: Callable[[models.Model], Any] = lambda obj: obj.pk,
) -> None:
    OBJECT_TYPES[kwarg] = ObjectType(kwarg, create, url_value)


def _walk(resolvers, prefix: str = "", namespace: str = "") -> Iterator[Route]:
    for entry in resolvers:
        if isinstance(entry, URLResolver):
            ns = entry.namespace or ""
            full_ns = f"{namespace}:{ns}" if namespace and ns else (ns or namespace)
            yield from _walk(entry.url_patterns, prefix + str(entry.pattern), full_ns)
        elif isinstance(entry, URLPattern):
            callback = entry.callback
            module = getattr(callback, "__module__", "")
            if module.split(".")[0] not in OUR_MODULES:
                continue
            pattern = prefix + str(entry.pattern)
            name = f"{namespace}:{entry.name}" if namespace else (entry.name or "")
            yield Route(
                name=name,
                pattern=pattern,
                kwargs=tuple(entry.pattern.converters),
                callback=callback,
            )


def our_routes(urlconf: str | None = None) -> list[Route]:
    return list(_walk(get_resolver(urlconf).url_patterns))


def snapshot() -> dict[str, list[tuple]]:
    """Every row of every model of our apps, to prove a request changed nothing.
    On PostgreSQL the reads go together, in one round trip."""
    reads = _snapshot_reads(OUR_MODULES)
    with ahead([read.read() for _, read in reads]):
        return {label: read() for label, read in reads}


@cache
def _snapshot_reads(modules: tuple[str, ...]) -> list[tuple[str, prepared]]:
    """Each model's read of all its rows, compiled once (config.prepared) for
    each set of apps (the walker's self-test adds its own): built afresh, the
    thirty queries took 22 ms of every snapshot, most of the ownership walk's
    time."""
    return [
        (model._meta.label, prepared(partial(_all_rows, model)))
        for model in apps.get_models()
        if model._meta.app_label in modules
    ]


def _all_rows(model: type[models.Model]) -> QuerySet:
    return model.objects.order_by("pk").values_list()


def foreign_object_failures(route: Route, owner, other_client: Client) -> list[str]:
    """Another user's GET and POST of the owner's object: 404, nothing changed."""
    values = {}
    for kwarg in route.object_kwargs:
        if kwarg not in OBJECT_TYPES:
            return [f"{route.pattern}: no object type registered for <{kwarg}>"]
        kind = OBJECT_TYPES[kwarg]
        values[kwarg] = kind.url_value(kind.create(owner))
    url = route.url(values)
    failures = []
    before = snapshot()
    for method in ("get", "post"):
        response = getattr(other_client, method)(url)
        if response.status_code == 405 and not _allows(route, method, other_client):
            # The route never takes this method, whoever's object it names:
            # the 405 tells nothing about the object.
            pass
        elif response.status_code != 404:
            failures.append(f"{method.upper()} {url} -> {response.status_code}")
        after = snapshot()
        changed = [label for label in after if after[label] != before[label]]
        if changed:
            failures.append(
                f"{method.upper()} {url} changed the database: {', '.join(changed)}"
            )
        before = after  # what the next method's request must leave as it is
    return failures


MISSING_ID = 2_000_000_000


def _allows(route: Route, method: str, client: Client) -> bool:
    """Whether the route accepts the method at all, asked with ids nobody has."""
    url = route.url(dict.fromkeys(route.object_kwargs, MISSING_ID))
    return getattr(client, method)(url).status_code != 405
