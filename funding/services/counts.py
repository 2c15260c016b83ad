"""The counts of published clusters (`clusters.ClusterCount`): how many clusters share one
(region, industry, kind, selection year), so that public counts of clusters are sums over a
few rows instead of a pass over every cluster (clusters/counts.py reads them).

Written only here, from the clusters and the gate's public rule, by region: a cluster write
schedules its old and new regions with the totals (`Scopes.count_region_ids`, see
`cluster_follow`), the recompute rewrites those regions' rows, the full recompute every row,
and the invariant (`funding_totals_check`) compares every row with the clusters themselves.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.db import connection, transaction
from django.db.models import Count

from clusters.models import COUNT_DIMENSIONS, Cluster, ClusterCount
from funding.services.kinds import TABLE_LOCK_BASE

NAME = "cluster_count"
LOCK_NAMESPACE = 9  # after the totals tables' (funding/services/kinds.py)
_FIELDS = tuple(
    f"{name}_id" if name in ("region", "industry") else name for name in COUNT_DIMENSIONS
)

Key = tuple[Any, ...]


def expected_counts(region_ids: Iterable[int] | None = None) -> dict[Key, int]:
    """What the rows should hold, straight from the clusters the public sees (the gate)."""
    clusters = Cluster.objects.visible_to(None)
    if region_ids is not None:
        clusters = clusters.filter(region_id__in=sorted(region_ids))
    rows = clusters.order_by().values_list(*_FIELDS).annotate(n=Count("pk"))
    return {tuple(row[:-1]): row[-1] for row in rows}


def stored_counts() -> dict[Key, int]:
    rows = ClusterCount.objects.values_list(*_FIELDS, "cluster_count")
    return {tuple(row[:-1]): row[-1] for row in rows}


def _lock(region_ids: list[int] | None) -> None:
    """Regions' locks (the table's shared), or the whole table's exclusive one (None).
    Sorted, in one statement: two recomputes cannot deadlock. PostgreSQL only."""
    if connection.vendor != "postgresql":
        return
    table = TABLE_LOCK_BASE + LOCK_NAMESPACE
    with connection.cursor() as cursor:
        if region_ids is None:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [table])
            return
        cursor.execute(
            "SELECT pg_advisory_xact_lock_shared(%s),"
            " (SELECT count(pg_advisory_xact_lock(%s, r)) FROM unnest(%s::integer[]) AS r)",
            [table, LOCK_NAMESPACE, sorted(region_ids)],
        )


def cluster_counts_recompute(*, region_ids: Iterable[int] | None = None) -> int:
    """Bring the rows of `region_ids` (None: every row) in step with the clusters; returns
    rows written (inserted, changed or deleted; rows that are right are not touched, so an
    unchanged table keeps its version and the responses cached from it). One transaction
    holding the regions' locks, so a concurrent recompute of a region reads what this one
    committed."""
    regions = None if region_ids is None else sorted(set(region_ids))
    if regions == []:
        return 0
    with transaction.atomic():
        _lock(regions)
        expected = expected_counts(regions)
        stored = ClusterCount.objects.all()
        if regions is not None:
            stored = stored.filter(region_id__in=regions)
        extra, changed = [], []
        for pk, *key, n in stored.values_list("pk", *_FIELDS, "cluster_count"):
            want = expected.pop(tuple(key), None)
            if want is None:
                extra.append(pk)
            elif want != n:
                changed.append(ClusterCount(pk=pk, cluster_count=want))
        ClusterCount.objects.filter(pk__in=extra).delete()
        ClusterCount.objects.bulk_update(changed, ["cluster_count"], batch_size=2000)
        ClusterCount.objects.bulk_create(
            [
                ClusterCount(**dict(zip(_FIELDS, key, strict=True)), cluster_count=n)
                for key, n in expected.items()
            ],
            batch_size=5000,
        )
    return len(extra) + len(changed) + len(expected)


def cluster_counts_check() -> list[tuple[Key, str, int | None, int | None]]:
    """(key, problem, stored, expected) for every row that differs from the clusters:
    "wrong", "missing" or "extra". Read-only; empty when the invariant holds."""
    expected = expected_counts()
    stored = stored_counts()
    problems = []
    for key, n in expected.items():
        have = stored.pop(key, None)
        if have is None:
            problems.append((key, "missing", None, n))
        elif have != n:
            problems.append((key, "wrong", have, n))
    problems += [(key, "extra", n, None) for key, n in stored.items()]
    return problems
