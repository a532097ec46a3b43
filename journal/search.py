"""Full-text search over notes and prompt answers, and tag names, with the
same web-search syntax on both databases: words must all appear ("evening
calm" finds "the evening was calm"), "a quoted phrase" appears as written,
-word must not appear, and "or" between words offers alternatives.

PostgreSQL matches each word through a tsvector over both texts, backed by a
GIN index on the same expression (migration 0002). SQLite matches through an
FTS5 table kept by triggers (migration 0005). A word also matches an entry
with a tag whose name contains it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import reduce
from operator import and_, or_

from django.contrib.postgres.search import SearchQuery, SearchVectorField
from django.db import connection
from django.db.models import F, Func, Q, Value
from django.db.models.expressions import RawSQL
from django.db.models.functions import StrIndex, Upper

from journal.models import Entry

# "simple" does not stem or drop stop words: notes come in any language.
SEARCH_CONFIG = "simple"
# Enough for any real search; bounds the size of the query it becomes.
MAX_TERMS = 12
TOKEN = re.compile(r'-?"[^"]*"?|\S+')


class SearchDocument(Func):
    """An entry's note and prompt answer as one tsvector: the expression of
    the search index (migration 0002), written with its constants in the SQL.

    Django's SearchVector sends the configuration and the empty strings as
    query parameters. A prepared statement's generic plan then holds an
    expression that is not the index's, and PostgreSQL could match a search
    only by computing every entry's tsvector (about 30 ms a search on five
    years of ten people's journals, with that plan forced); so it planned
    every search afresh instead: 0.55 to 0.70 ms of PostgreSQL's time a
    search, against 0.42 to 0.45 with the plan kept."""

    output_field = SearchVectorField()

    def __init__(self):
        super().__init__(F("note"), F("prompt_answer"))

    def as_sql(self, compiler, connection, **extra):
        (note, note_params), (answer, answer_params) = (
            compiler.compile(expression) for expression in self.get_source_expressions()
        )
        sql = (
            f"to_tsvector('{SEARCH_CONFIG}'::regconfig, "
            f"COALESCE({note}, '') || ' ' || COALESCE({answer}, ''))"
        )
        return sql, [*note_params, *answer_params]


@dataclass
class Group:
    """Terms that must all match (`wanted`) and must not (`unwanted`)."""

    wanted: list[str] = field(default_factory=list)
    unwanted: list[str] = field(default_factory=list)


def parse(text: str) -> list[Group]:
    """Web-search syntax as alternatives ("or") of all-of groups."""
    groups, current, terms = [], Group(), 0
    for token in TOKEN.findall(text):
        if token.lower() == "or":
            groups.append(current)
            current = Group()
            continue
        negative = token.startswith("-")
        term = token.lstrip("-").strip('"').strip()
        if not term or terms >= MAX_TERMS:
            continue
        terms += 1
        (current.unwanted if negative else current.wanted).append(term)
    groups.append(current)
    return [group for group in groups if group.wanted or group.unwanted]


# One group's terms for the query: (wanted words, wanted marks, unwanted
# words, unwanted marks). A mark is a term with no word character in it
# ("!!"): no note's words hold it, a tag's name may.
Terms = tuple[list[str], list[str], list[str], list[str]]


def terms(text: str) -> list[Terms]:
    """The search `text`'s groups of terms, for `condition`; none for a text
    that asks for nothing."""

    def split(found: list[str]) -> tuple[list[str], list[str]]:
        words = [term for term in found if re.search(r"\w", term)]
        return words, [term for term in found if not re.search(r"\w", term)]

    groups = parse(text.replace("\x00", ""))
    return [(*split(group.wanted), *split(group.unwanted)) for group in groups]


def _in_text(user_id: int, term: str, word: bool) -> Q:
    if not word:
        return Q(pk__in=[])  # punctuation alone is no word in any note
    if connection.vendor == "postgresql":
        query = SearchQuery(term, search_type="phrase", config=SEARCH_CONFIG)
        # The person's entries only: PostgreSQL then reads from the table
        # only the entries both the search index and the person's index
        # name. Matched through the search index alone, a search read every
        # person's entries holding the word: with fifty people of about
        # 1,500 entries each, "walk" took 3.9 ms at the database rather
        # than 1.0 (bench/RESULTS.md, round 35).
        matching = (
            Entry.objects.filter(user=user_id)
            .annotate(search=SearchDocument())
            .filter(search=query)
        )
        return Q(pk__in=matching.values("pk"))
    # One FTS5 phrase: the term's words in this order.
    phrase = '"' + term.replace('"', '""') + '"'
    return Q(
        pk__in=RawSQL(
            "SELECT rowid FROM journal_entry_fts WHERE journal_entry_fts MATCH %s",
            [phrase],
        )
    )


def _matches(user_id: int, term: str, word: bool) -> Q:
    """The person's entries with the term in their text or in the name of
    one of their tags. Both parts read the person's rows alone, so a search
    costs what the person's journal holds, not the instance's (matching
    every person's tags, a search of ten people's journals took 2 ms in
    PostgreSQL instead of 1.3). The name is matched as icontains would, with
    the term as a parameter of its own (config.prepared). On SQLite the text
    is matched through the FTS5 table, which knows nothing of people; the
    caller's entries are the person's."""
    tagged = Entry.tags.through.objects.alias(
        at=StrIndex(Upper("tag__name"), Upper(Value(term)))
    ).filter(tag__user=user_id, at__gt=0)
    return _in_text(user_id, term, word) | Q(pk__in=tagged.values("entry_id"))


def condition(user_id: int, groups: list[Terms]) -> Q:
    """Entries matching any of the groups, each with all its wanted terms
    and none of its unwanted ones."""
    alternatives = []
    for wanted_words, wanted_marks, unwanted_words, unwanted_marks in groups:
        conditions = [_matches(user_id, term, True) for term in wanted_words]
        conditions += [_matches(user_id, term, False) for term in wanted_marks]
        conditions += [~_matches(user_id, term, True) for term in unwanted_words]
        conditions += [~_matches(user_id, term, False) for term in unwanted_marks]
        alternatives.append(reduce(and_, conditions))
    return reduce(or_, alternatives)
