"""Who may write which totals rows, and when: PostgreSQL advisory locks, per scope and per
table, taken in one statement and in one global order (KINDS order, sorted ids) so that two
recomputes of the same scope never interleave and cannot deadlock. SQLite serialises
writers by itself, so nothing is taken there.
"""

from __future__ import annotations

import zlib
from typing import Any

from django.db import connection

from funding.services.kinds import TotalKind

# Single-bigint advisory keys for table-wide locks; per-scope locks use the two-int4 key
# space (namespace, hash), which PostgreSQL keeps apart from the bigint one.
TABLE_LOCK_BASE = 0x46554E4400000000  # "FUND"


def scope_lock_id(key: Any) -> int:
    """A stable int4 for a scope key; collisions only serialise two unrelated scopes."""
    text = repr(tuple(key) if isinstance(key, tuple | list) else (key,))
    return zlib.crc32(text.encode()) - 2**31


def lock(kind: TotalKind, keys: list[Any] | None) -> None:
    """Take this transaction's advisory locks for `keys` (None: the whole table). PostgreSQL only."""
    if keys is not None:
        lock_scopes([(kind, keys)])
    elif connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT pg_advisory_xact_lock(%s)", [TABLE_LOCK_BASE + kind.lock_namespace]
            )


def lock_scopes(parts: list[tuple[TotalKind, list[Any]]]) -> None:
    """Take this transaction's advisory locks for the scopes of several tables, in one
    statement. PostgreSQL only.

    Per table, in the order given (every caller passes KINDS order): its table lock shared
    (a first fill holds it exclusively), then one lock per scope, sorted — so that two
    recomputes over overlapping scopes always lock in the same order and cannot deadlock.
    A scoped recompute also tells the planner, for this transaction only, that its queries
    are small: index lookups rather than a hash of the whole clusters table, no parallel
    workers (both cost more than the few dozen rows a scope reads).
    """
    if connection.vendor != "postgresql":
        return
    tables: list[int | None] = []
    namespaces: list[int | None] = []
    ids: list[int | None] = []
    for kind, keys in parts:
        tables.append(TABLE_LOCK_BASE + kind.lock_namespace)
        namespaces.append(None)
        ids.append(None)
        for lock_id in sorted({scope_lock_id(k) for k in keys}):
            tables.append(None)
            namespaces.append(kind.lock_namespace)
            ids.append(lock_id)
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT set_config('enable_hashjoin', 'off', true),"
            " set_config('enable_mergejoin', 'off', true),"
            " set_config('max_parallel_workers_per_gather', '0', true),"
            " (SELECT count(CASE WHEN u.t IS NOT NULL THEN pg_advisory_xact_lock_shared(u.t)"
            " ELSE pg_advisory_xact_lock(u.n, u.k) END)"
            " FROM unnest(%s::bigint[], %s::integer[], %s::integer[]) AS u(t, n, k))",
            [tables, namespaces, ids],
        )
