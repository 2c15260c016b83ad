"""Whole responses kept in the shared cache, each with the versions of the tables it read.

A public list or page is the same bytes for every request that asks the same thing of the same
data, so the second such request is answered from the cache (Redis in production) without
filtering, counting or rendering anything. An entry is found by what was asked:

- the code and settings that render it: `RESPONSE_CACHE_VERSION` (a release name; unset, a
  token of this process, so a restart or a deploy never serves an older rendering);
- the request: method, scheme, host and full path with its query, the media type chosen;
- who asks, as the gate sees it: `gate.audience_key(user)` (everyone who sees the same rows
  shares one key; pages are cached for anonymous visitors only);

and it is good only for the data it was made from: every table the response read, with that
table's version (common/data_versions.py: kept by database triggers, so any committed write —
a service, the admin, an import, a Celery recompute, `QuerySet.update()`, plain SQL — changes
it). A request reads all versions in ONE query before it reads a row; while it renders, the
tables its statements name are recorded (`recording()`); the entry stores them with the
versions read first. So an entry is never older than its versions say, and an edit of a
funding line leaves every response that read no funding table cached. A response that read a
table without a version is not kept.

An entry's key holds no version: the next rendering of the same request replaces it, so the
cache holds at most one entry per request and audience (Redis bounded, `maxmemory` in the
README) and no entry is written that no later request can find.

Inside a transaction (versions may include uncommitted writes) or on a database without
versions nothing is cached. A cache that is down costs a miss, never an error. A body over
`RESPONSE_CACHE_MAX_BYTES` is not kept.
Tests: tests/test_response_cache.py (the cached body equals the plain one; every kind of
write, even raw SQL and `.update()`, is seen at once; an unrelated write keeps an entry;
audiences never share an entry they should not).
"""

from __future__ import annotations

import hashlib
import logging
import os
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass

from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import EmptyResultSet
from django.db import connections, router
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse

from common import data_versions as data_versions_module
from common import gating

logger = logging.getLogger(__name__)

_PROCESS_TOKEN = os.urandom(8).hex()
# Response headers worth replaying; the rest are added again by the middleware on the way out.
_KEPT_HEADERS = ("Content-Type", "Content-Language", "Allow", "Content-Disposition", "Link")


def enabled() -> bool:
    return bool(getattr(settings, "RESPONSE_CACHE_SECONDS", 0))


class DataState:
    """What a request's response depends on: the table versions read when it began, and the
    tables its statements have named since (`recording()`)."""

    __slots__ = ("alias", "versions", "known", "tables", "armed")

    def __init__(self, alias: str, versions: dict[str, int]):
        self.alias = alias
        self.versions = versions
        self.known = data_versions_module.known_tables(alias, versions)
        self.tables: set[str] = set()
        self.armed = False

    def note(self, tables: frozenset[str]) -> None:
        self.tables |= tables

    def depends(self) -> tuple[tuple[str, int], ...] | None:
        """The versions of the tables read, or None if one of them has no version."""
        try:
            return tuple(sorted((table, self.versions[table]) for table in self.tables))
        except KeyError:
            return None

    def fresh(self, depends: tuple[tuple[str, int], ...]) -> bool:
        versions = self.versions
        return all(versions.get(table) == version for table, version in depends)


def data_versions(alias: str) -> dict[str, int] | None:
    """Every table's version on database `alias` (one query), or None (no caching)."""
    return data_versions_module.read(alias)


def read_alias() -> str:
    """The database this request's registry reads go to (a replica, or the primary)."""
    return router.db_for_read(gating.cluster_model())


def request_state(request: HttpRequest, *, read: bool = True) -> DataState | None:
    """The versions this request's reads go by, read once per request (None: no caching);
    with `read=False` only the ones already read, never a query of its own."""
    request = getattr(request, "_request", request)  # DRF's Request: the HttpRequest it wraps
    if not hasattr(request, "_registry_data_state"):
        if not read:
            return None
        state = None
        if enabled():
            alias = read_alias()
            versions = data_versions(alias)
            if versions is not None:
                state = DataState(alias, versions)
        request._registry_data_state = state
    return request._registry_data_state


def request_key(request: HttpRequest, *, audience: str, media_type: str) -> str | None:
    """The cache key of this request's response, or None when it must not be cached. From
    here on the request records the tables it reads (within `recording()`)."""
    if request.method not in ("GET", "HEAD") or not enabled():
        return None
    state = request_state(request)
    if state is None:
        return None
    state.armed = True
    release = getattr(settings, "RESPONSE_CACHE_VERSION", "") or _PROCESS_TOKEN
    parts = (release, request.build_absolute_uri(), media_type, audience, state.alias)
    digest = hashlib.blake2b("\x00".join(parts).encode(), digest_size=20).hexdigest()
    return f"response:{digest}"


def user_key(request: HttpRequest, *, media_type: str) -> str | None:
    return request_key(
        request, audience=gating.gate().audience_key(request.user), media_type=media_type
    )


@contextmanager
def recording(request: HttpRequest) -> Iterator[None]:
    """Record the tables every statement on the read database names while the block runs, once
    `request_key()` armed the request (before that, e.g. authentication, nothing is noted)."""
    if request.method not in ("GET", "HEAD") or not enabled():
        yield
        return
    alias = read_alias()
    request = getattr(request, "_request", request)

    def record(execute, sql, params, many, context):
        state = getattr(request, "_registry_data_state", None)
        if state is not None and state.armed:
            state.note(data_versions_module.tables_in(sql, state.known))
        return execute(sql, params, many, context)

    with connections[alias].execute_wrapper(record):
        yield


@dataclass(frozen=True)
class Stored:
    content: bytes
    headers: tuple[tuple[str, str], ...]
    etag: str | None
    depends: tuple[tuple[str, int], ...] = ()

    def response(self) -> HttpResponse:
        response = HttpResponse(self.content)
        for name, value in self.headers:
            response[name] = value
        if self.etag:
            response["ETag"] = self.etag
        response["X-Cache"] = "hit"  # for operators and the soak (bench/soak.py)
        return response


def lookup(key: str | None, request: HttpRequest) -> Stored | None:
    """The entry under `key` if every table it read still has the version it had."""
    if key is None:
        return None
    try:
        stored = cache.get(key)
    except Exception:  # a cache outage is a miss
        logger.warning("response cache unavailable", exc_info=True)
        return None
    state = request_state(request, read=False)
    if not isinstance(stored, Stored) or state is None or not state.fresh(stored.depends):
        return None
    # A hit depends on what its entry read (a page may cache a part of another, e.g. a count).
    state.note(frozenset(table for table, _ in stored.depends))
    return stored


def store(
    key: str | None, response: HttpResponse, request: HttpRequest, *, etag: str | None = None
) -> None:
    """Keep a finished 200 response under `key` with the versions of the tables it read
    (nothing else is ever kept, nor a response that read a table without a version)."""
    if key is None or response.status_code != 200 or response.streaming or response.cookies:
        return
    if len(response.content) > settings.RESPONSE_CACHE_MAX_BYTES:
        return  # a 500-row page is served, not kept: bounded memory per entry
    state = request_state(request, read=False)
    depends = None if state is None else state.depends()
    if depends is None:
        return
    headers = tuple((name, response[name]) for name in _KEPT_HEADERS if response.has_header(name))
    try:
        cache.set(
            key, Stored(response.content, headers, etag, depends), settings.RESPONSE_CACHE_SECONDS
        )
    except Exception:
        logger.warning("response cache unavailable", exc_info=True)


def cached_count(queryset: QuerySet, state: DataState | None) -> int:
    """`queryset.count()`, kept in the shared cache with the versions of the tables it counts.

    Every page of one filtered list counts the same rows: a client paging through a large
    list would count them again for each page (funding lines of a year: 11–18 ms over 20 000
    lines). The key is the counted statement itself — its SQL and parameters, so the gate,
    the filters and the user's regions are in it — and the versions (the request's, read
    before any row) of the tables it names, so a count is never older than its key says. No
    versions (inside a transaction, the response cache off), or a table without one: counted
    every time. A cache that is down costs a count.
    """
    if state is None:
        return queryset.count()
    try:
        sql, params = queryset.query.get_compiler(using=queryset.db).as_sql()
    except EmptyResultSet:
        return 0
    tables = data_versions_module.tables_in(sql, state.known)
    try:
        versions = tuple(sorted((table, state.versions[table]) for table in tables))
    except KeyError:
        return queryset.count()
    state.note(tables)
    release = getattr(settings, "RESPONSE_CACHE_VERSION", "") or _PROCESS_TOKEN
    parts = (release, queryset.db, sql, repr(tuple(params)), repr(versions))
    key = "count:" + hashlib.blake2b("\x00".join(parts).encode(), digest_size=20).hexdigest()
    try:
        found = cache.get(key)
    except Exception:  # a cache outage is a miss
        logger.warning("response cache unavailable", exc_info=True)
        found = None
    if found is not None:
        return found
    counted = queryset.count()
    try:
        cache.set(key, counted, settings.RESPONSE_CACHE_SECONDS)
    except Exception:
        logger.warning("response cache unavailable", exc_info=True)
    return counted
