"""Facet counts for the cluster catalogue: how many clusters each filter option would give.

Each facet counts the clusters that match every *other* active filter, grouped by the
facet's own field: one GROUP BY per facet whose filter is set, and one GROUPING SETS statement
for all the facets whose filter is empty (they count the same rows), whatever the number of
options or rows.
The filters put conditions on related rows in EXISTS subqueries (clusters/filtersets.py), so
each cluster is one row and a plain COUNT(*) counts it once — no COUNT(DISTINCT), which sorts.

When the rows are all the clusters the user sees, the user sees what the public does and
every active filter is a facet's (district, region, industry, kind, selection year), the
same statements run over the counts of published clusters (`ClusterCount`, clusters/counts.py)
and add their counts up: a few rows per region instead of every cluster, the same numbers
(tests/clusters/test_counts.py).
"""

from __future__ import annotations

from django.core.exceptions import EmptyResultSet
from django.db import connections
from django.db.models import Count, QuerySet, Sum
from django_filters import FilterSet
from django_filters.constants import EMPTY_VALUES

from clusters.counts import from_counts
from clusters.filtersets import NOT_GIVEN
from clusters.models import Cluster, ClusterCount

# filter name → the field its options group by
CLUSTER_FACETS: dict[str, str] = {
    "federal_district": "region__federal_district",
    "region": "region",
    "industry": "industry",
    "kind": "kind",
    "selection_year": "selection_year",
}
# Facets with an option for the rows whose field the sources do not give (?industry=none,
# ?kind=none): that group's key (NULL industry, empty kind) is counted under NOT_GIVEN.
NOT_GIVEN_KEYS: dict[str, object] = {"industry": None, "kind": ""}


def _option_key(name: str, key):
    """The facet's key of a group: NOT_GIVEN for a facet's «не указано» group, the key
    itself otherwise; None for a group with no option (no district, no year)."""
    if name in NOT_GIVEN_KEYS and key == NOT_GIVEN_KEYS[name]:
        return NOT_GIVEN
    return key


def queryset_without(
    filterset: FilterSet, skip: str, base: QuerySet | None = None
) -> QuerySet[Cluster]:
    """The filterset's queryset (or `base`, rows with the same field names) with every
    validated filter applied except `skip`.

    Reuses the already-validated form, so no option is looked up a second time.
    """
    queryset = (filterset.queryset if base is None else base).all()
    if not filterset.is_bound or not filterset.is_valid():
        return queryset
    cleaned = {name: value for name, value in filterset.form.cleaned_data.items() if name != skip}
    for name, value in cleaned.items():
        queryset = filterset.filters[name].filter(queryset, value)
    # Filters applied across fields (year and source on one funding line) are not in the
    # per-filter methods: without them a count would ignore ?fiscal_year=&funding_source=.
    conditions = getattr(filterset, "funding_line_conditions", None)
    line = conditions(cleaned) if conditions else None
    return queryset.filter(line) if line is not None else queryset


def _active(filterset: FilterSet) -> set[str]:
    """The filters whose validated value narrows the rows (an empty one is skipped by
    django-filter, so a facet whose own filter is empty counts the same rows as the list)."""
    if not filterset.is_bound or not filterset.is_valid():
        return set()
    return {
        name for name, value in filterset.form.cleaned_data.items() if value not in EMPTY_VALUES
    }


def _counted_rows(filterset: FilterSet, facets: dict[str, str]) -> bool:
    """Whether the facets may be counted over ClusterCount: the filterset's rows are every
    cluster its user sees, that user sees what the public does, and each active filter is a
    facet's (ClusterCount has those fields; a search, a year or a college it has not)."""
    if not from_counts(filterset.user) or not _active(filterset) <= set(CLUSTER_FACETS):
        return False
    if not set(facets.values()) <= set(CLUSTER_FACETS.values()):
        return False
    return filterset.queryset.query.where == Cluster.objects.visible_to(filterset.user).query.where


def listed_count(filterset: FilterSet) -> int | None:
    """The size of the filterset's list, summed over ClusterCount when the facets may be
    (`_counted_rows`); None when it must be counted from the clusters."""
    if not _counted_rows(filterset, CLUSTER_FACETS):
        return None
    rows = queryset_without(filterset, "", ClusterCount.objects.all())
    return rows.order_by().aggregate(n=Sum("cluster_count"))["n"] or 0


def _grouped(
    queryset: QuerySet[Cluster], fields: dict[str, str], summed: bool = False
) -> dict[str, dict] | None:
    """Several facets over the same rows in one statement: `GROUP BY GROUPING SETS`, one scan
    of the rows for all of them (PostgreSQL; None elsewhere). `summed`: the rows are
    ClusterCount's, each counting `cluster_count` clusters."""
    if connections[queryset.db].vendor != "postgresql":
        return None
    names = list(fields)
    columns = list(fields.values()) + (["cluster_count"] if summed else [])
    try:
        inner, params = queryset.order_by().values_list(*columns).query.sql_with_params()
    except EmptyResultSet:  # a filter no row can meet
        return {name: {} for name in names}
    columns = [f"f{index}" for index in range(len(names))]
    counter = "SUM(n)" if summed else "COUNT(*)"
    sql = (
        f"SELECT {', '.join(f'GROUPING({c})' for c in columns)}, {', '.join(columns)}, {counter}"
        f" FROM ({inner}) AS facet_rows ({', '.join(columns + (['n'] if summed else []))})"
        f" GROUP BY GROUPING SETS ({', '.join(f'({c})' for c in columns)})"
    )
    counts: dict[str, dict] = {name: {} for name in names}
    with connections[queryset.db].cursor() as cursor:
        cursor.execute(sql, params)
        for row in cursor.fetchall():
            flags, keys, n = row[: len(names)], row[len(names) : -1], row[-1]
            index = flags.index(0)  # the one column this row is grouped by
            key = _option_key(names[index], keys[index])
            if key is not None:
                counts[names[index]][key] = n
    return counts


def facet_counts(filterset: FilterSet, facets: dict[str, str] | None = None) -> dict[str, dict]:
    """{filter name: {option key (pk, choice value or year): matching clusters}}.

    A facet whose own filter is set counts the rows of every *other* filter, in a query of
    its own; the facets whose filter is empty all count the list's rows, grouped in one
    statement where the database can (one scan instead of one per facet)."""
    facets = facets or CLUSTER_FACETS
    active = _active(filterset)
    shared = {name: field for name, field in facets.items() if name not in active}
    summed = _counted_rows(filterset, facets)
    base = ClusterCount.objects.all() if summed else None
    counter = Sum("cluster_count") if summed else Count("pk")
    counts: dict[str, dict] = {}
    if len(shared) > 1:
        grouped = _grouped(queryset_without(filterset, "", base), shared, summed)
        if grouped is not None:
            counts.update(grouped)
    for name, field in facets.items():
        if name in counts:
            continue
        rows = (
            queryset_without(filterset, name, base)
            .order_by()
            .values_list(field)
            .annotate(n=counter)
        )
        options = ((_option_key(name, key), n) for key, n in rows)
        counts[name] = {key: n for key, n in options if key is not None}
    return {name: counts[name] for name in facets}
