"""Django's PostgreSQL backend, knowing the protocol's limit on parameters.

With server-side binding (config/settings.py), a statement's parameters are
sent apart from it, and the protocol counts them in 16 bits: a statement
holds at most 65,535. Django 5.2 sets no such limit for PostgreSQL, so it
would delete an account of more entries than that, or insert that many rows,
in one statement that PostgreSQL refuses. Told the limit, it splits them as
it does for SQLite.
"""

from __future__ import annotations

from django.db.backends.postgresql import base, features, operations
from django.utils.functional import cached_property

# The extended query protocol's count of parameters is a 16-bit integer.
PROTOCOL_MAX_PARAMS = 2**16 - 1


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
