"""Rate limits for the API, the public pages and the open-data files, counted in the shared cache.

The counters live in the `default` cache: Redis in production and tests (`CACHE_URL`), so every
worker and machine counts against one limit; local memory in the embedded default. A client is
its user when authenticated, else its real address: the one the outermost of
`TRUSTED_PROXY_COUNT` proxies saw, so a forged `X-Forwarded-For` changes nothing.

A counter counts and expires in one Redis round trip (`count_request`: a Lua script, which
Redis runs as one command): a fixed window that starts with the client's first request. DRF's
own throttle reads a list of timestamps and writes it back in two calls, so concurrent
requests of one client all read the same list and many more than the limit passed (issue 20).
"""

from __future__ import annotations

import hashlib
import ipaddress
import logging
import time

from django.conf import settings
from django.core.cache import caches
from django.core.cache.backends.redis import RedisCache
from django.http import HttpRequest
from redis.exceptions import NoScriptError
from rest_framework.settings import api_settings
from rest_framework.throttling import SimpleRateThrottle

from common.access import ANALYST

logger = logging.getLogger(__name__)

# The role (issue 8) whose members read the API through tokens, at a higher rate.
ANALYST_GROUP = ANALYST


def client_ip(request: HttpRequest) -> str:
    """The address of the client that reached the outermost trusted proxy.

    Each of the `TRUSTED_PROXY_COUNT` proxies appends the address it received the request from
    to `X-Forwarded-For`, so the client is the n-th entry from the right; anything to its left
    was written by the client and is ignored. A request that did not pass every proxy (fewer
    entries) or whose entry is not an address is counted by `REMOTE_ADDR`.
    """
    remote = request.META.get("REMOTE_ADDR", "") or ""
    count = settings.TRUSTED_PROXY_COUNT
    if count <= 0:
        return remote
    forwarded = [a.strip() for a in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")]
    forwarded = [a for a in forwarded if a]
    if len(forwarded) < count:
        return remote
    candidate = forwarded[-count]
    try:
        return str(ipaddress.ip_address(candidate))
    except ValueError:
        return remote


# INCR, and the window's expiry set with the first count (or if a counter was ever left
# without one): one command for Redis, so no request of another worker comes between.
COUNT_SCRIPT = """
local count = redis.call('INCR', KEYS[1])
local ttl = redis.call('PTTL', KEYS[1])
if ttl < 0 then
  redis.call('PEXPIRE', KEYS[1], ARGV[1])
  ttl = tonumber(ARGV[1])
end
return {count, ttl}
"""
COUNT_SCRIPT_SHA = hashlib.sha1(COUNT_SCRIPT.encode()).hexdigest()  # noqa: S324 — Redis's id


def count_request(key: str, window_seconds: int, *, cache=None) -> tuple[int, float]:
    """Count one request under `key` in a window of `window_seconds` that starts with the
    first one: (requests in this window so far, this one included; seconds until it ends).

    Redis: one EVALSHA of COUNT_SCRIPT. Another cache (the embedded default's local memory):
    `add` and `incr` under that cache's own lock, with the window's end kept beside it.
    """
    cache = caches["default"] if cache is None else cache
    window_ms = max(1, int(window_seconds * 1000))
    if isinstance(cache, RedisCache):
        full_key = cache.make_and_validate_key(key)
        client = cache._cache.get_client(full_key, write=True)
        try:
            count, ttl_ms = client.evalsha(COUNT_SCRIPT_SHA, 1, full_key, window_ms)
        except NoScriptError:  # the first call since Redis started: it learns the script
            count, ttl_ms = client.eval(COUNT_SCRIPT, 1, full_key, window_ms)
        return int(count), int(ttl_ms) / 1000
    now = time.time()
    cache.add(f"{key}:ends", now + window_seconds, window_seconds)
    cache.add(key, 0, window_seconds)
    try:
        count = cache.incr(key)
    except ValueError:  # the window ended between the two calls: this request starts one
        cache.set(key, 1, window_seconds)
        count = 1
    ends = cache.get(f"{key}:ends") or now + window_seconds
    return count, max(0.0, ends - now)


def _is_analyst(user) -> bool:
    return user.groups.filter(name=ANALYST_GROUP).exists()


class ScopedRateThrottle(SimpleRateThrottle):
    """A SimpleRateThrottle whose scope (and so its rate) is chosen per request.

    Rates are read from settings at each request, so `override_settings` and deployment
    variables both apply. If the cache is unreachable the request is let through and logged:
    an outage of the counters must not take the registry down with it.
    """

    def __init__(self) -> None:  # the rate is known only once the request is
        pass

    def get_scope(self, request) -> str | None:
        raise NotImplementedError

    def get_ident(self, request) -> str:
        return client_ip(request)

    def get_cache_key(self, request, view) -> str | None:
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            ident = f"user-{user.pk}"
        else:
            ident = f"ip-{self.get_ident(request)}"
        return self.cache_format % {"scope": self.scope, "ident": ident}

    def allow_request(self, request, view) -> bool:
        self.scope = self.get_scope(request)
        if self.scope is None:
            return True
        self.rate = api_settings.DEFAULT_THROTTLE_RATES.get(self.scope)
        if self.rate is None:
            return True
        self.num_requests, self.duration = self.parse_rate(self.rate)
        self.key = self.get_cache_key(request, view)
        if self.key is None:
            return True
        try:
            count, self.remaining = count_request(self.key, self.duration)
        except Exception:  # noqa: BLE001 — a cache outage must not become a 500
            logger.warning("throttle cache unavailable; %s not counted", self.scope, exc_info=True)
            return True
        return count <= self.num_requests

    def wait(self) -> float:
        """Seconds until this client's window ends (the `Retry-After`)."""
        return max(1.0, getattr(self, "remaining", self.duration))


class RegistryAPIThrottle(ScopedRateThrottle):
    """API: `anon` by address; tokens and sessions by user — `staff`, `analyst` or `user`."""

    def get_scope(self, request) -> str:
        user = getattr(request, "user", None)
        if user is None or not user.is_authenticated:
            return "anon"
        if user.is_staff:
            return "staff"
        return "analyst" if _is_analyst(user) else "user"


class PageRateThrottle(ScopedRateThrottle):
    """Public pages and the open-data files: `pages` for every one, the stricter `search` for a
    catalogue search.

    Staff logged into the admin are not limited on the public pages.
    """

    search_views = frozenset({"clusters:list"})

    def get_scope(self, request) -> str | None:
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated and user.is_staff:
            return None
        match = getattr(request, "resolver_match", None)
        if match is not None and match.view_name in self.search_views and request.GET:
            return "search"
        return "pages"
