"""Whole responses kept in the shared cache, keyed by everything they depend on.

A public list or page is the same bytes for every request that asks the same thing of the same
data, so the second such request is answered from the cache (Redis in production) without
filtering, counting or rendering anything. What a response depends on, and so its key:

- the code and settings that render it: `RESPONSE_CACHE_VERSION` (a release name; unset, a
  token of this process, so a restart or a deploy never serves an older rendering);
- the request: method, scheme, host and full path with its query, the media type chosen;
- who asks, as the gate sees it: `gate.audience_key(user)` (everyone who sees the same rows
  shares one key; pages are cached for anonymous visitors only);
- the data: the database's *snapshot* (`pg_current_snapshot()`) on the connection the request
  reads from. It changes with every transaction that writes anything there and commits —
  through a service, the admin, an import, a Celery recompute, a migration or plain SQL — and
  is taken before the response reads a row, so an entry can never be older than its key
  says. Nothing has to remember to invalidate anything: a changed snapshot is a new key,
  and old entries expire (`RESPONSE_CACHE_SECONDS`).

Where no snapshot can be read (SQLite, the embedded default) or the request runs inside a
transaction, nothing is cached. A cache that is down costs a miss, never an error. A body over
`RESPONSE_CACHE_MAX_BYTES` is not kept, so each entry is small and the rate limits bound how
fast one client can add entries.
Tests: tests/test_response_cache.py (the cached body equals the plain one; every kind of
write, even raw SQL, is seen at once; audiences never share an entry they should not).
"""

from __future__ import annotations

import hashlib
import logging
import os
from dataclasses import dataclass

from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import EmptyResultSet
from django.db import connections, router
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse

from common import gating

logger = logging.getLogger(__name__)

_PROCESS_TOKEN = os.urandom(8).hex()
# Response headers worth replaying; the rest are added again by the middleware on the way out.
_KEPT_HEADERS = ("Content-Type", "Content-Language", "Allow", "Content-Disposition", "Link")


def enabled() -> bool:
    return bool(getattr(settings, "RESPONSE_CACHE_SECONDS", 0))


def data_version(alias: str) -> str | None:
    """The snapshot of database `alias` as text, or None when it has none to give."""
    connection = connections[alias]
    if connection.vendor != "postgresql" or connection.in_atomic_block:
        return None
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_current_snapshot()::text")
        return cursor.fetchone()[0]


def read_alias() -> str:
    """The database this request's registry reads go to (a replica, or the primary)."""
    return router.db_for_read(gating.cluster_model())


def request_version(request: HttpRequest, *, read: bool = True) -> str | None:
    """The snapshot this request's reads go by, read once per request (None: no caching);
    with `read=False` only the one already read, never a query of its own."""
    if not hasattr(request, "_registry_data_version"):
        if not read:
            return None
        request._registry_data_version = data_version(read_alias()) if enabled() else None
    return request._registry_data_version


def request_key(request: HttpRequest, *, audience: str, media_type: str) -> str | None:
    """The cache key of this request's response, or None when it must not be cached."""
    if request.method not in ("GET", "HEAD") or not enabled():
        return None
    version = request_version(request)
    if version is None:
        return None
    release = getattr(settings, "RESPONSE_CACHE_VERSION", "") or _PROCESS_TOKEN
    parts = (release, request.build_absolute_uri(), media_type, audience, version)
    digest = hashlib.blake2b("\x00".join(parts).encode(), digest_size=20).hexdigest()
    return f"response:{digest}"


def user_key(request: HttpRequest, *, media_type: str) -> str | None:
    return request_key(
        request, audience=gating.gate().audience_key(request.user), media_type=media_type
    )


@dataclass(frozen=True)
class Stored:
    content: bytes
    headers: tuple[tuple[str, str], ...]
    etag: str | None

    def response(self) -> HttpResponse:
        response = HttpResponse(self.content)
        for name, value in self.headers:
            response[name] = value
        if self.etag:
            response["ETag"] = self.etag
        return response


def lookup(key: str | None) -> Stored | None:
    if key is None:
        return None
    try:
        return cache.get(key)
    except Exception:  # a cache outage is a miss
        logger.warning("response cache unavailable", exc_info=True)
        return None


def store(key: str | None, response: HttpResponse, *, etag: str | None = None) -> None:
    """Keep a finished 200 response under `key` (nothing else is ever kept)."""
    if key is None or response.status_code != 200 or response.streaming or response.cookies:
        return
    if len(response.content) > settings.RESPONSE_CACHE_MAX_BYTES:
        return  # a 500-row page is served, not kept: bounded memory per entry
    headers = tuple((name, response[name]) for name in _KEPT_HEADERS if response.has_header(name))
    try:
        cache.set(key, Stored(response.content, headers, etag), settings.RESPONSE_CACHE_SECONDS)
    except Exception:
        logger.warning("response cache unavailable", exc_info=True)


def cached_count(queryset: QuerySet, version: str | None) -> int:
    """`queryset.count()`, kept in the shared cache for data `version` (a request's snapshot).

    Every page of one filtered list counts the same rows: a client paging through a large
    list would count them again for each page (funding lines of a year: 11–18 ms over 20 000
    lines). The key is the counted statement itself — its SQL and parameters, so the gate,
    the filters and the user's regions are in it — and the snapshot, as for whole responses,
    so a count is never older than its key says. No version (SQLite, inside a transaction,
    the response cache off): counted every time. A cache that is down costs a count.
    """
    if version is None:
        return queryset.count()
    try:
        sql, params = queryset.query.get_compiler(using=queryset.db).as_sql()
    except EmptyResultSet:
        return 0
    release = getattr(settings, "RESPONSE_CACHE_VERSION", "") or _PROCESS_TOKEN
    parts = (release, queryset.db, sql, repr(tuple(params)), version)
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
