"""Rate limits for the API and the public pages, counted in the shared cache.

The counters live in the `default` cache: Redis in production and tests (`CACHE_URL`), so every
worker and machine counts against one limit; local memory in the embedded default. A client is
its user when authenticated, else its real address: the one the outermost of
`TRUSTED_PROXY_COUNT` proxies saw, so a forged `X-Forwarded-For` changes nothing.
"""

from __future__ import annotations

import ipaddress
import logging

from django.conf import settings
from django.http import HttpRequest
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
        try:
            return super().allow_request(request, view)
        except Exception:  # noqa: BLE001 — a cache outage must not become a 500
            logger.warning("throttle cache unavailable; %s not counted", self.scope, exc_info=True)
            return True


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
    """Public pages: `pages` for every page, the stricter `search` for a catalogue search.

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
