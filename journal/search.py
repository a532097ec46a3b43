"""Full-text search over notes and prompt answers.

PostgreSQL: a tsvector over both texts, backed by a GIN index on the same
expression (migration 0002), queried with web-search syntax ("quoted phrase",
-excluded, or). SQLite: a case-insensitive contains on either text.
"""

from __future__ import annotations

from django.contrib.postgres.search import SearchQuery, SearchVector
from django.db import connection
from django.db.models import Q, QuerySet

# "simple" does not stem or drop stop words: notes come in any language.
SEARCH_CONFIG = "simple"


def search_vector() -> SearchVector:
    return SearchVector("note", "prompt_answer", config=SEARCH_CONFIG)


def search_entries(entries: QuerySet, text: str) -> QuerySet:
    text = text.strip()
    if not text:
        return entries
    if connection.vendor == "postgresql":
        query = SearchQuery(text, search_type="websearch", config=SEARCH_CONFIG)
        return entries.annotate(search=search_vector()).filter(search=query)
    return entries.filter(Q(note__icontains=text) | Q(prompt_answer__icontains=text))
