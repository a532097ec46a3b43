"""Typed readers for environment variables.

Each helper fails loudly with the variable's name and the value it got, so a
typo in a deployment's `.env` stops the app at start rather than half-working.
"""

from __future__ import annotations

import os
import zoneinfo

from django.core.exceptions import ImproperlyConfigured

TRUE_WORDS = {"1", "true", "yes", "on"}
FALSE_WORDS = {"0", "false", "no", "off"}


def _raw(name: str) -> str | None:
    value = os.environ.get(name)
    if value is None or value.strip() == "":
        return None
    return value.strip()


def env_str(name: str, default: str = "") -> str:
    value = _raw(name)
    return default if value is None else value


def env_bool(name: str, default: bool) -> bool:
    value = _raw(name)
    if value is None:
        return default
    lowered = value.lower()
    if lowered in TRUE_WORDS:
        return True
    if lowered in FALSE_WORDS:
        return False
    raise ImproperlyConfigured(f"{name} must be true or false, got {value!r}.")


def env_int(name: str, default: int, *, minimum: int | None = None) -> int:
    value = _raw(name)
    if value is None:
        return default
    try:
        number = int(value)
    except ValueError:
        raise ImproperlyConfigured(
            f"{name} must be a whole number, got {value!r}."
        ) from None
    if minimum is not None and number < minimum:
        raise ImproperlyConfigured(f"{name} must be at least {minimum}, got {number}.")
    return number


def env_list(name: str, default: list[str]) -> list[str]:
    value = _raw(name)
    if value is None:
        return list(default)
    return [item.strip() for item in value.split(",") if item.strip()]


def env_choice(name: str, default: str, choices: tuple[str, ...]) -> str:
    value = _raw(name)
    if value is None:
        return default
    if value not in choices:
        allowed = ", ".join(choices)
        raise ImproperlyConfigured(f"{name} must be one of {allowed}; got {value!r}.")
    return value


def env_timezone(name: str, default: str) -> str:
    value = env_str(name, default)
    if value not in zoneinfo.available_timezones():
        raise ImproperlyConfigured(
            f"{name} must be an IANA time zone such as Europe/Berlin, got {value!r}."
        )
    return value


CACHE_BACKENDS = {
    "db": "django.core.cache.backends.db.DatabaseCache",
    "redis": "django.core.cache.backends.redis.RedisCache",
    "rediss": "django.core.cache.backends.redis.RedisCache",
    "locmem": "django.core.cache.backends.locmem.LocMemCache",
    "dummy": "django.core.cache.backends.dummy.DummyCache",
}
DEFAULT_CACHE_TABLE = "titrate_cache"


def env_cache(name: str) -> dict:
    """A CACHES entry from a URL: `db://TABLE` (the default, a table in the
    database), `redis://[:PASSWORD@]HOST:PORT/DB` or `rediss://…` (Django's
    Redis backend), `locmem://` (one process's memory) or `dummy://` (none)."""
    value = _raw(name)
    if value is None:
        return {"BACKEND": CACHE_BACKENDS["db"], "LOCATION": DEFAULT_CACHE_TABLE}
    scheme, separator, rest = value.partition("://")
    backend = CACHE_BACKENDS.get(scheme.lower()) if separator else None
    if backend is None:
        raise ImproperlyConfigured(
            f"{name} must start with one of "
            f"{', '.join(s + '://' for s in CACHE_BACKENDS)}; got {value!r}."
        )
    if scheme.lower() in ("redis", "rediss"):
        if not rest.strip("/"):
            raise ImproperlyConfigured(f"{name} needs a host: redis://HOST:6379/0.")
        return {"BACKEND": backend, "LOCATION": value}
    if scheme.lower() == "db":
        return {"BACKEND": backend, "LOCATION": rest.strip("/") or DEFAULT_CACHE_TABLE}
    if scheme.lower() == "locmem":
        return {"BACKEND": backend, "LOCATION": rest.strip("/") or "titrate"}
    return {"BACKEND": backend}
