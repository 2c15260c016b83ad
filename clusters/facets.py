"""Facet counts for the cluster catalogue: how many clusters each filter option would give.

Each facet counts the clusters that match every *other* active filter, grouped by the
facet's own field: one GROUP BY per facet whose filter is set, and one GROUPING SETS statement
for all the facets whose filter is empty (they count the same rows), whatever the number of
options or rows.
The filters put conditions on related rows in EXISTS subqueries (clusters/filtersets.py), so
each cluster is one row and a plain COUNT(*) counts it once — no COUNT(DISTINCT), which sorts.
"""

from __future__ import annotations

from django.core.exceptions import EmptyResultSet
from django.db import connections
from django.db.models import Count, QuerySet
from django_filters import FilterSet
from django_filters.constants import EMPTY_VALUES

from clusters.filtersets import NOT_GIVEN
from clusters.models import Cluster

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


def queryset_without(filterset: FilterSet, skip: str) -> QuerySet[Cluster]:
    """The filterset's queryset with every validated filter applied except `skip`.

    Reuses the already-validated form, so no option is looked up a second time.
    """
    queryset = filterset.queryset.all()
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


def _grouped(queryset: QuerySet[Cluster], fields: dict[str, str]) -> dict[str, dict] | None:
    """Several facets over the same rows in one statement: `GROUP BY GROUPING SETS`, one scan
    of the rows for all of them (PostgreSQL; None elsewhere)."""
    if connections[queryset.db].vendor != "postgresql":
        return None
    names = list(fields)
    try:
        inner, params = queryset.order_by().values_list(*fields.values()).query.sql_with_params()
    except EmptyResultSet:  # a filter no row can meet
        return {name: {} for name in names}
    columns = [f"f{index}" for index in range(len(names))]
    sql = (
        f"SELECT {', '.join(f'GROUPING({c})' for c in columns)}, {', '.join(columns)}, COUNT(*)"
        f" FROM ({inner}) AS facet_rows ({', '.join(columns)})"
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
    counts: dict[str, dict] = {}
    if len(shared) > 1:
        grouped = _grouped(queryset_without(filterset, ""), shared)
        if grouped is not None:
            counts.update(grouped)
    for name, field in facets.items():
        if name in counts:
            continue
        rows = (
            queryset_without(filterset, name).order_by().values_list(field).annotate(n=Count("pk"))
        )
        options = ((_option_key(name, key), n) for key, n in rows)
        counts[name] = {key: n for key, n in options if key is not None}
    return {name: counts[name] for name in facets}
