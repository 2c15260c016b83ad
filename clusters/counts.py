"""Counts of the clusters a user sees, by region, district, industry, kind or selection year:
the one path every page, facet and statistic counts clusters through.

For the public audience (a user who sees no draft: the gate, `gate.sees_some_drafts`) the
counts are sums over `ClusterCount` — a few rows per region, kept by the recompute
(funding/services/counts.py) — whatever the number of clusters; for a user who sees drafts
they are counted from the clusters the gate lets them see. Both paths take the same lookups
(`region`, `region__federal_district`, `industry`, `industry__isnull`, `kind`,
`selection_year`, …: ClusterCount has Cluster's field names) and give the same numbers
(tests/clusters/test_counts.py).
"""

from __future__ import annotations

from typing import Any

from django.db.models import Count, Q, QuerySet, Sum

from clusters import gate
from clusters.models import COUNT_DIMENSIONS, Cluster, ClusterCount


def from_counts(user) -> bool:
    """Whether `user` sees exactly the published clusters, which ClusterCount counts."""
    return not gate.sees_some_drafts(user)


def _check(lookups: dict[str, Any], group_by: str | None = None) -> None:
    for path in [*lookups, *([group_by] if group_by else [])]:
        if path.split("__", 1)[0] not in COUNT_DIMENSIONS:
            raise ValueError(f"clusters are not counted by {path!r} (COUNT_DIMENSIONS)")


def counted_rows(user, *conditions: Q, **lookups: Any) -> tuple[QuerySet, Any]:
    """The rows to count and what to count them with: (ClusterCount rows, Sum of their
    counts) for the public, (the clusters `user` sees, Count) otherwise; filtered by
    `conditions` and `lookups` on the counted fields."""
    _check(lookups)
    if from_counts(user):
        return ClusterCount.objects.filter(*conditions, **lookups), Sum("cluster_count")
    return Cluster.objects.visible_to(user).filter(*conditions, **lookups), Count("pk")


def cluster_count(user, **lookups: Any) -> int:
    """How many clusters `user` sees that match `lookups` (on the counted fields)."""
    rows, counter = counted_rows(user, **lookups)
    return rows.order_by().aggregate(n=counter)["n"] or 0


def cluster_counts(user, group_by: str, **lookups: Any) -> dict[Any, int]:
    """{key of `group_by`: clusters `user` sees with that key and matching `lookups`}; a key
    no such cluster has is absent (its count is 0: the registry has none)."""
    _check({}, group_by)
    rows, counter = counted_rows(user, **lookups)
    return dict(
        rows.order_by().values_list(group_by).annotate(n=counter).values_list(group_by, "n")
    )
