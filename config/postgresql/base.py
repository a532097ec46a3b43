"""Django's PostgreSQL backend, knowing the protocol's limit on parameters,
and reading moments through psycopg's C parser.

With server-side binding (config/settings.py), a statement's parameters are
sent apart from it, and the protocol counts them in 16 bits: a statement
holds at most 65,535. Django 5.2 sets no such limit for PostgreSQL, so it
would delete an account of more entries than that, or insert that many rows,
in one statement that PostgreSQL refuses. Told the limit, it splits them as
it does for SQLite.

Django loads a `timestamptz` column through a subclass of psycopg's Python
loader (psycopg_any.BaseTzLoader: the moment in the connection's zone, its
tzinfo then replaced by the connection's); psycopg's own C loader, which
cannot be subclassed, parses the same text in a third of the time (1.6
against 4.7 µs a value here; a journal page reads some sixty). TzLoader
below does what Django's does around the C parser.
"""

from __future__ import annotations

from functools import cache

from django.conf import settings
from django.db.backends.postgresql import base, features, operations
from django.db.backends.postgresql.psycopg_any import get_adapters_template
from django.utils.functional import cached_property
from psycopg import adapt, adapters
from psycopg.pq import Format

# The extended query protocol's count of parameters is a 16-bit integer.
PROTOCOL_MAX_PARAMS = 2**16 - 1
TIMESTAMPTZ_OID = adapters.types["timestamptz"].oid
# psycopg's loader of timestamptz text: its C one where psycopg has its C
# implementation (psycopg-binary), else its Python one.
PARSER = adapters.get_loader(TIMESTAMPTZ_OID, Format.TEXT)


class TzLoader(adapt.Loader):
    """As Django's BaseTzLoader: the moment, with `timezone` as its tzinfo
    (None: naive)."""

    timezone = None

    def __init__(self, oid, context=None):
        super().__init__(oid, context)
        self._parse = PARSER(oid, context).load

    def load(self, data):
        return self._parse(data).replace(tzinfo=self.timezone)


@cache
def adapters_template(use_tz: bool, timezone) -> adapt.AdaptersMap:
    """Django's adapters for a connection, with TzLoader for its zone."""
    context = adapt.AdaptersMap(get_adapters_template(use_tz, timezone))
    loader = type(
        "ZoneTzLoader", (TzLoader,), {"timezone": timezone, "__module__": __name__}
    )
    context.register_loader("timestamptz", loader)
    return context


class DatabaseFeatures(features.DatabaseFeatures):
    @cached_property
    def max_query_params(self) -> int | None:
        options = self.connection.settings_dict["OPTIONS"]
        return PROTOCOL_MAX_PARAMS if options.get("server_side_binding") else None


class DatabaseOperations(operations.DatabaseOperations):
    def bulk_batch_size(self, fields, objs) -> int:
        limit = self.connection.features.max_query_params
        if limit is None:
            return super().bulk_batch_size(fields, objs)
        return limit // max(len(fields), 1)


class DatabaseWrapper(base.DatabaseWrapper):
    features_class = DatabaseFeatures
    ops_class = DatabaseOperations

    def get_connection_params(self):
        params = super().get_connection_params()
        params["context"] = adapters_template(settings.USE_TZ, self.timezone)
        return params
