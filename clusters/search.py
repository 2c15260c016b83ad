"""Free-text search: one meaning on PostgreSQL and on the embedded SQLite default.

A query is split into words; each word is reduced to its Russian Snowball stem and must
start a word of the cluster's documents (its name and description, a member college's
names and town, a partner employer's name, its region's name): «смоленск», «Смоленская»
and «СМОЛЕНСКОЙ» all find the Smolensk cluster, «машиностроительный» finds
«…машиностроительной отрасли». Case and «ё» never matter.

* PostgreSQL: `to_tsvector('russian', …) @@ to_tsquery('russian', 'stem:*')`, one
  expression GIN index per table (migration `0002_search_indexes`), so the search holds at
  100× the data. When no cluster matches, names are compared by trigram word similarity
  (pg_trgm, GIN index too: `query <% name` at the connection's threshold finds the
  candidates, `WordSimilar`), which forgives a typo («смаленск»). The search runs once per
  request: `ClusterQuerySet.search` reads the matched ids, and the catalogue's list, count
  and facets filter by them (`ClusterFilterSet.search`).
* SQLite: the same Snowball stemmer (the `snowballstemmer` package implements the algorithm
  PostgreSQL's `russian` configuration uses) runs as a SQL function over the same documents;
  a word matches when a document stem starts with the query stem, as `:*` does. No index.
"""

from __future__ import annotations

import functools
import re

import snowballstemmer
from django.contrib.postgres.search import SearchQuery, SearchVectorField
from django.db.models import BooleanField, F, Func, QuerySet, TextField

WORD = re.compile(r"[^\W_]+")
MAX_WORDS = 8
SQLITE_FUNCTION = "registry_stems"
# word_similarity of the query to a cluster name above which a typo is forgiven
TRIGRAM_THRESHOLD = 0.4


@functools.cache
def _stemmer():
    return snowballstemmer.stemmer("russian")


@functools.lru_cache(maxsize=100_000)
def _stem(word: str) -> str:
    """A word's Snowball stem, kept: a document's words repeat across rows and queries (the
    SQLite search stems every word of every document per query — 45 000 calls for
    «колледж» over the seeded registry, 2.9 s — most of them words seen before)."""
    return _stemmer().stemWord(word)


def words(text: str) -> list[str]:
    return WORD.findall((text or "").lower().replace("ё", "е"))


def query_words(text: str) -> list[tuple[str, str]]:
    """(word, stem) of each distinct query word, in query order, at most MAX_WORDS.

    PostgreSQL gets the word (`to_tsquery` stems it itself; a stem given to it would be
    stemmed twice), SQLite the stem.
    """
    pairs = {}
    for word in words(text)[:MAX_WORDS]:
        stem = _stem(word)
        if stem:
            pairs.setdefault(stem, word)
    return [(word, stem) for stem, word in pairs.items()]


@functools.lru_cache(maxsize=20_000)
def document_stems(*parts: str | None) -> str:
    """« stem stem …» of a document: what the SQLite function returns (leading space). Kept
    per document text: a row's document is the same from one query to the next."""
    text = " ".join(part for part in parts if part)
    return " " + " ".join(_stem(word) for word in words(text))


def register_sqlite_function(sender, connection, **kwargs) -> None:
    """`connection_created` receiver: gives SQLite the stemming function the search needs."""
    if connection.vendor == "sqlite":
        connection.connection.create_function(
            SQLITE_FUNCTION, -1, document_stems, deterministic=True
        )


class RussianVector(Func):
    """`to_tsvector('russian', a || ' ' || b …)` — the very expression the GIN indexes hold."""

    template = "to_tsvector('russian'::regconfig, %(expressions)s)"
    arg_joiner = " || ' ' || "
    output_field = SearchVectorField()


class WordSimilar(Func):
    """`query <% name`: pg_trgm's word similarity at least the connection's threshold, the
    form its GIN index answers (`word_similarity(…) >= x` is computed for every row)."""

    template = "%(expressions)s"
    arg_joiner = " <%% "
    output_field = BooleanField()


class SqliteStems(Func):
    function = SQLITE_FUNCTION
    arg_joiner = ", "
    output_field = TextField()


# table → the text columns of its search document (and of its index), in index order.
DOCUMENTS: dict[str, tuple[str, ...]] = {
    "clusters_cluster": ("name", "description"),
    "clusters_college": ("full_name", "short_name", "town"),
    "clusters_employer": ("name",),
    "regions_region": ("name",),
}


def matching(
    queryset: QuerySet, columns: tuple[str, ...], word: tuple[str, str], vendor: str
) -> QuerySet:
    """Rows of `queryset` whose document has a word whose stem starts with the word's stem."""
    text, stem = word
    if vendor == "postgresql":
        vector = RussianVector(*(F(c) for c in columns))
        query = SearchQuery(f"{text}:*", search_type="raw", config="russian")
        return queryset.annotate(_document=vector).filter(_document=query)
    stems = SqliteStems(*(F(c) for c in columns))
    return queryset.annotate(_document=stems).filter(_document__contains=f" {stem}")
