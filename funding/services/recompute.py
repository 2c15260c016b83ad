"""Recompute the totals from the lines: exact scopes (an edit's), everything (the reconcile),
or some clusters — the runs, and the advisory locks they take. (The tables as data: kinds.py;
their value columns: values.py; the statements: statements.py; stale flags: stale.py.)

A total is always recomputed from the funding lines themselves, never incremented: each row
is what a `SELECT ... GROUP BY` over its lines gives — directly for the parts (cluster×year
rows), or summed from parts that were themselves computed so (roll-ups: a cluster from its
cluster×year rows; region×industry from published cluster×year rows; a region from its
region×industry rows and its region-level lines; district and national from region rows;
industry from region×industry rows). The qualifier of every sum is the one rule of
common/qualifiers.py. An edit's scopes therefore read a cluster's few lines and a few
dozen stored rows per table, never a year's lines.

On PostgreSQL the writing transaction first takes a per-scope advisory lock
(`pg_advisory_xact_lock`) for every scope it will write, in one statement and in one global
order (KINDS order, sorted ids), and only then reads, so two recomputes of the same scope
never interleave and cannot deadlock: the one that writes last has also read last, after
every edit that scheduled it had committed; a roll-up reads its parts after the recompute
that last wrote them committed (it held their locks) or in its own transaction. SQLite
serialises writers by itself. Only rows whose values change are written.
"""

from __future__ import annotations

import logging
import time
import zlib
from collections.abc import Iterable, Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from django.db import connection, connections, transaction
from django.utils import timezone

from clusters import gate
from funding.models import ClusterYearFundingTotal, FundingLine
from funding.scopes import Scopes, scopes_of_lines
from funding.services.counts import NAME as COUNTS
from funding.services.counts import cluster_counts_recompute
from funding.services.kinds import KIND_BY_NAME, KINDS, TABLE_LOCK_BASE, TotalKind
from funding.services.statements import (
    aggregate_select_sql,
    full_check_sql,
    full_diff_sql,
    write_kind,
)

logger = logging.getLogger(__name__)


@dataclass
class RecomputeReport:
    """What a recompute wrote: rows per totals table, and how long it took."""

    rows: dict[str, int] = field(default_factory=dict)
    seconds: float = 0.0

    def __str__(self) -> str:
        parts = ", ".join(f"{name}: {count}" for name, count in self.rows.items())
        return f"{parts} ({self.seconds:.2f} с)"


def funding_totals_recompute(*, scopes: Scopes, now: datetime | None = None) -> RecomputeReport:
    """Recompute exactly the given scopes from the lines.

    Effect: for each totals table, in dependency order (cluster×year rows from the lines;
    cluster and region×industry totals from cluster×year; region totals from region×industry
    and the region-level lines; district and national from region totals; industry from
    region×industry), writes the rows of the given scopes whose values changed or that were
    stale (computed_at = now, is_stale = False), inserts new ones and deletes those of
    scopes left without lines, except a cluster's, which always has one (zero, with
    line_count 0, when it has no lines). Rows that do not change are not touched. One
    transaction holding every scope's advisory lock on PostgreSQL (taken first, in one
    statement); past CHUNK scopes of one table, one transaction per table and chunk. A
    scope's roll-up reads the rows its parts have; the invariant check
    (`funding_totals_check`) compares every table with the lines themselves.
    """
    now = now or timezone.now()
    started = time.monotonic()
    report = RecomputeReport()
    parts = [(kind, list(kind.keys_of(scopes))) for kind in KINDS if kind.keys_of(scopes)]
    if all(len(keys) <= CHUNK for _kind, keys in parts):
        # An edit's few scopes: one transaction, every lock taken in one statement.
        report.rows = _recompute_scopes(parts, now)
    else:
        for kind, keys in parts:
            report.rows[kind.name] = sum(_recompute_kind(kind, c, now) for c in _chunks(keys))
    if scopes.count_region_ids:
        report.rows[COUNTS] = cluster_counts_recompute(region_ids=scopes.count_region_ids)
    report.seconds = time.monotonic() - started
    logger.info("funding totals recomputed for %d scopes: %s", len(scopes), report)
    return report


def funding_totals_recompute_all(*, now: datetime | None = None) -> RecomputeReport:
    """Recompute every total of every table from the lines.

    Effect: each totals table, in dependency order (from the lines, or rolled up from the
    table before it): one set-based statement finds every row that differs from what the
    lines give, is stale, missing or vanished, and only those scopes are rewritten, each
    under its per-scope locks (PostgreSQL; see _recompute_kind_all; _recompute_all
    runs the cluster×year check beside the cluster and region×industry ones, on a second
    connection) — no table lock, so scoped recomputes never wait for it. An empty table is filled by one INSERT ... SELECT.
    Clears every stale flag and removes rows of vanished scopes.
    """
    now = now or timezone.now()
    started = time.monotonic()
    report = RecomputeReport()
    report.rows = _recompute_all(now)
    report.rows[COUNTS] = cluster_counts_recompute()
    report.seconds = time.monotonic() - started
    logger.info("funding totals recomputed in full: %s", report)
    return report


def funding_totals_recompute_for_clusters(
    *, cluster_ids: Iterable[int], now: datetime | None = None
) -> RecomputeReport:
    """Recompute the given clusters' totals and every region/district/industry/national total
    their lines count in. Effect as `funding_totals_recompute`."""
    cluster_ids = set(cluster_ids)
    scopes = scopes_of_lines(FundingLine.objects.filter(cluster_id__in=cluster_ids))
    scopes.cluster_ids |= cluster_ids
    return funding_totals_recompute(scopes=scopes, now=now)


# --- runs ----------------------------------------------------------------------------------

# Scopes per statement: keeps the parameter count far below every backend's limit.
CHUNK = 2000


def _chunks(keys: Iterable[Any]) -> Iterator[list[Any]]:
    items = list(keys)
    for start in range(0, len(items), CHUNK):
        yield items[start : start + CHUNK]


# The full check's statements read every line once and hash hundreds of thousands of rows:
# JIT compilation costs them more than it saves, and the default work_mem spills the hashes.
FULL_CHECK_SETTINGS = {"jit": "off", "work_mem": "64MB"}


def _recompute_kind_all(kind: TotalKind, now: datetime) -> int:
    """Bring a whole table to what the lines give; returns rows written or deleted.

    PostgreSQL, table already filled: one read-only, set-based statement joins the
    aggregate with the table (`statements.full_check_sql`) and returns the scopes whose rows differ,
    are stale or are missing, and how many stored rows it matched; only if that is fewer
    than the table holds (rows that should vanish) does a second statement look for those
    (`statements.full_diff_sql`). Only the scopes found are then recomputed like any scoped
    recompute, under their own per-scope locks and from a fresh read. No table lock is
    held, so scoped recomputes never wait for a full one, and on a healthy database
    nothing is written (every `computed_at` stays).
    An empty table (first fill), and SQLite: DELETE, one INSERT ... SELECT, under the
    table's exclusive lock.
    """
    if connection.vendor == "postgresql" and kind.model.objects.exists():
        return _rewrite(kind, _wrong_scopes(kind), now)
    stamp = connection.ops.adapt_datetimefield_value(now)
    columns = [*kind.row_columns, "computed_at", "is_stale"]
    with transaction.atomic():
        lock(kind, None)  # before reading, in the writing transaction
        with connection.cursor() as cursor:
            cursor.execute(f"DELETE FROM {kind.table}")
            cursor.execute(
                f"INSERT INTO {kind.table} ({', '.join(columns)}) "
                f"SELECT agg.*, %s, %s FROM ({aggregate_select_sql(kind, '')}) agg",
                [stamp, False],
            )
            written = cursor.rowcount
            if connection.vendor == "postgresql" and written > 1000:
                cursor.execute(f"ANALYZE {kind.table}")  # fresh statistics for scoped plans
            return written


def _rewrite(kind: TotalKind, keys: Iterable[Any], now: datetime) -> int:
    """Recompute `keys` of one table like any scoped recompute, chunk by chunk."""
    return sum(_recompute_kind(kind, chunk, now) for chunk in _chunks(keys))


def _wrong_scopes(kind: TotalKind) -> set[Any]:
    """Read-only (PostgreSQL): the scopes of every row of a filled table that is not what
    its parts give — wrong, stale, missing or (`_full_diff_sql`, only when the check
    matched fewer rows than the table holds) to vanish."""
    width = len(kind.scope_columns)
    with transaction.atomic(), connection.cursor() as cursor:
        for name, value in FULL_CHECK_SETTINGS.items():
            cursor.execute("SELECT set_config(%s, %s, true)", [name, value])
        cursor.execute(full_check_sql(kind))
        rows = cursor.fetchall()
        keys = {row[1] if width == 1 else tuple(row[1:-1]) for row in rows if row[0]}
        cursor.execute(f"SELECT count(*) FROM {kind.table}")
        if sum(row[-1] for row in rows) != cursor.fetchone()[0]:
            cursor.execute(full_diff_sql(kind))
            keys |= {row[0] if width == 1 else tuple(row) for row in cursor.fetchall()}
    return keys


def _wrong_scopes_in_thread(kind: TotalKind) -> set[Any]:
    """`_wrong_scopes` on a connection of its own (a thread's), closed afterwards."""
    try:
        return _wrong_scopes(kind)
    finally:
        connections.close_all()


def _published_parts(cluster_ids: Iterable[int]) -> set[Any]:
    """The region×industry scopes the stored cluster×year rows of `cluster_ids` count in."""
    parts: set[Any] = set()
    for chunk in _chunks(cluster_ids):
        parts |= set(
            # The public rule of the gate (its anonymous view) on the copied `is_published`.
            ClusterYearFundingTotal.objects.filter(
                gate.cluster_visible_q(None), cluster_id__in=chunk
            )
            .order_by()
            .values_list("region_id", "industry_id", "fiscal_year")
            .distinct()
        )
    return parts


def _recompute_all(now: datetime) -> dict[str, int]:
    """Bring every table to what the lines give; rows written or deleted per table.

    Each table as `_recompute_kind_all`, in KINDS order, except that on PostgreSQL (filled
    tables, outside any transaction) the two checks that read the most run side by side,
    on two connections — the lines against cluster×year rows in a thread, the cluster and
    region×industry rows against the stored cluster×year rows here — as a parallel plan
    would, since PostgreSQL does not parallelise these joins by itself. Checking a roll-up
    against parts that may yet be corrected is made safe by also rewriting the roll-ups of
    every cluster whose parts were corrected (its total, and the region×industry rows its
    parts counted in before and count in after).
    """
    first = [KIND_BY_NAME[name] for name in ("cluster_year", "cluster", "region_industry")]
    side_by_side = (
        connection.vendor == "postgresql"
        and not connection.in_atomic_block  # another connection could not see its writes
        and all(kind.model.objects.exists() for kind in first)
    )
    if not side_by_side:
        return {kind.name: _recompute_kind_all(kind, now) for kind in KINDS}
    cluster_year, cluster, region_industry = first
    with ThreadPoolExecutor(max_workers=1) as pool:
        parts_check = pool.submit(_wrong_scopes_in_thread, cluster_year)
        clusters = _wrong_scopes(cluster)
        region_parts = _wrong_scopes(region_industry)
        corrected = parts_check.result()
    region_parts |= _published_parts(corrected)
    rows = {cluster_year.name: _rewrite(cluster_year, corrected, now)}
    region_parts |= _published_parts(corrected)
    rows[cluster.name] = _rewrite(cluster, clusters | corrected, now)
    rows[region_industry.name] = _rewrite(region_industry, region_parts, now)
    for kind in KINDS:
        if kind not in first:
            rows[kind.name] = _recompute_kind_all(kind, now)
    return rows


def _recompute_kind(kind: TotalKind, keys: list[Any], now: datetime) -> int:
    """Bring the rows of `keys` to what the lines give, in a transaction of its own that
    takes their locks first; returns the rows written or deleted."""
    with transaction.atomic():
        lock(kind, keys)  # before reading, in the writing transaction
        return write_kind(kind, keys, now)


def _recompute_scopes(parts: list[tuple[TotalKind, list[Any]]], now: datetime) -> dict[str, int]:
    """Bring the rows of several tables' scopes (in KINDS order) to what the lines give, in
    ONE transaction that takes every lock first (one statement); rows written per table.

    A roll-up reads its parts as this transaction just wrote them, and the parts of other
    scopes as last committed by recomputes that held their locks — so the last recompute
    of a scope still reads last (see the module docstring).
    """
    with transaction.atomic():
        lock_scopes(parts)
        return {kind.name: write_kind(kind, keys, now) for kind, keys in parts}


# --- locks ---------------------------------------------------------------------------------


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
