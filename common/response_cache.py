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
from django.db import connections, router
from django.http import HttpRequest, HttpResponse

from clusters import gate
from clusters.models import Cluster

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
    return router.db_for_read(Cluster)


def request_key(request: HttpRequest, *, audience: str, media_type: str) -> str | None:
    """The cache key of this request's response, or None when it must not be cached."""
    if request.method not in ("GET", "HEAD") or not enabled():
        return None
    version = data_version(read_alias())
    if version is None:
        return None
    release = getattr(settings, "RESPONSE_CACHE_VERSION", "") or _PROCESS_TOKEN
    parts = (release, request.build_absolute_uri(), media_type, audience, version)
    digest = hashlib.blake2b("\x00".join(parts).encode(), digest_size=20).hexdigest()
    return f"response:{digest}"


def user_key(request: HttpRequest, *, media_type: str) -> str | None:
    return request_key(request, audience=gate.audience_key(request.user), media_type=media_type)


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
