"""Facet counts for the cluster catalogue: how many clusters each filter option would give.

Each facet counts the clusters that match every *other* active filter, grouped by the
facet's own field: one GROUP BY query per facet, whatever the number of options or rows.
The filters put conditions on related rows in EXISTS subqueries (clusters/filtersets.py), so
each cluster is one row and a plain COUNT(*) counts it once — no COUNT(DISTINCT), which sorts.
"""

from __future__ import annotations

from django.db.models import Count, QuerySet
from django_filters import FilterSet

from clusters.models import Cluster

# filter name → the field its options group by
CLUSTER_FACETS: dict[str, str] = {
    "federal_district": "region__federal_district",
    "region": "region",
    "industry": "industry",
    "kind": "kind",
    "selection_year": "selection_year",
}


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


def facet_counts(filterset: FilterSet, facets: dict[str, str] | None = None) -> dict[str, dict]:
    """{filter name: {option key (pk, choice value or year): matching clusters}}."""
    counts: dict[str, dict] = {}
    for name, field in (facets or CLUSTER_FACETS).items():
        rows = (
            queryset_without(filterset, name).order_by().values_list(field).annotate(n=Count("pk"))
        )
        counts[name] = {key: n for key, n in rows if key is not None}
    return counts
