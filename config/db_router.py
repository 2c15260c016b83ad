"""Reads of public pages and API lists from PostgreSQL replicas; everything else on the primary.

With `DATABASE_REPLICA_URL` set (one URL or several, comma-separated) the settings add the
aliases `replica_0`, `replica_1`, … and this router. A read goes to a replica only when all
of these hold, and to `default` (the primary) otherwise:

- the request is a GET/HEAD outside the admin (`ReplicaReadsMiddleware` opens the window;
  Celery tasks, management commands and the shell never do, so they read the primary);
- the client has not written in the last `DATABASE_REPLICA_STICKY_SECONDS` (a cookie set by
  every unsafe request), so a visitor who just saved sees the saved data, whatever the lag;
- no transaction is open on the primary (reads inside a write transaction see its writes);
- the model is registry data (regions, clusters, funding): sessions, users, tokens and
  history always come from the primary.
"""

from __future__ import annotations

import random
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar

from django.conf import settings
from django.db import DEFAULT_DB_ALIAS, connections
from django.http import HttpRequest, HttpResponse

REPLICA_APPS = frozenset({"regions", "clusters", "funding"})
STICKY_COOKIE = "primary_until"
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})

# The replica this request reads from (one per request, so its queries see one snapshot's lag).
_replica: ContextVar[str | None] = ContextVar("replica", default=None)


def replica_aliases() -> list[str]:
    return [alias for alias in settings.DATABASES if alias.startswith("replica_")]


@contextmanager
def replica_reads(enabled: bool = True) -> Iterator[None]:
    """Within the block, registry reads outside a transaction may go to one replica."""
    replicas = replica_aliases()
    token = _replica.set(random.choice(replicas) if enabled and replicas else None)
    try:
        yield
    finally:
        _replica.reset(token)


class ReplicaRouter:
    """See the module docstring. Writes and migrations always go to the primary."""

    def db_for_read(self, model, **hints) -> str:
        replica = _replica.get()
        if (
            replica is not None
            and model._meta.app_label in REPLICA_APPS
            and not connections[DEFAULT_DB_ALIAS].in_atomic_block
        ):
            return replica
        return DEFAULT_DB_ALIAS

    def db_for_write(self, model, **hints) -> str:
        return DEFAULT_DB_ALIAS

    def allow_relation(self, obj1, obj2, **hints) -> bool:
        return True  # the replicas hold the primary's rows

    def allow_migrate(self, db, app_label, model_name=None, **hints) -> bool:
        return db == DEFAULT_DB_ALIAS


class ReplicaReadsMiddleware:
    """Opens the replica window for safe requests outside the admin; marks writers sticky."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response
        self.admin_prefix = "/admin/"

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if not replica_aliases():
            return self.get_response(request)
        safe = request.method in SAFE_METHODS
        sticky = _sticky_until(request) > time.time()
        enabled = safe and not sticky and not request.path.startswith(self.admin_prefix)
        with replica_reads(enabled):
            response = self.get_response(request)
        if not safe:
            seconds = settings.DATABASE_REPLICA_STICKY_SECONDS
            response.set_cookie(
                STICKY_COOKIE,
                str(int(time.time() + seconds)),
                max_age=seconds,
                httponly=True,
                samesite="Lax",
                secure=settings.SESSION_COOKIE_SECURE,
            )
        return response


def _sticky_until(request: HttpRequest) -> float:
    try:
        return float(request.COOKIES.get(STICKY_COOKIE, "0"))
    except ValueError:
        return 0.0
