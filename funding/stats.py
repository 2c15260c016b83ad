"""Funding sums and cluster counts grouped by district, region, industry, year and source.

Money comes from the stored totals tables (region / federal district / industry / national ×
fiscal year, per source), so a national breakdown costs one small query. Those totals are
public figures: they count region-level lines and lines of published clusters only. Cases
they cannot answer honestly are aggregated from the funding lines the requester may see,
saying so in `money_basis`:

* the requester is staff (sees drafts) and some unpublished cluster has money inside the
  asked scope — the stored totals would leave it out while the counts include the draft;
* the question crosses two scopes no table holds (an industry within a region);
* nothing has been computed for the scope yet.

Anonymous clients therefore always get the stored, published-only figures; a test pins that a
draft's money never reaches them. Cluster counts always count the clusters the requester may see.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.db.models import Count, Model, QuerySet, Sum
from django.utils import timezone

from clusters import gate
from clusters.choices import Qualifier
from clusters.filtersets import ClusterFilterSet
from clusters.models import Cluster
from common.qualifiers import combine
from funding.choices import FundingSource
from funding.filtersets import FundingLineFilterSet
from funding.models import (
    FederalDistrictFundingTotal,
    FundingLine,
    IndustryFundingTotal,
    NationalFundingTotal,
    RegionFundingTotal,
)

SCOPES = ("federal_district", "region", "industry")
DIMENSIONS = (*SCOPES, "fiscal_year", "funding_source")
FILTERS = (*SCOPES, "fiscal_year", "funding_source")

BASIS_TOTALS = "stored_totals"
BASIS_LINES = "funding_lines"


class StatsQueryError(ValueError):
    """The request asks for a grouping the registry cannot answer; the message says why."""


@dataclass
class _Cell:
    amount: Decimal = Decimal(0)
    qualifier: str = Qualifier.EXACT
    has_money: bool = False

    def add(self, amount: Decimal, qualifier: str) -> None:
        self.amount += amount
        self.qualifier = combine((self.qualifier, qualifier))
        self.has_money = True


@dataclass
class FundingStats:
    group_by: list[str]
    money_basis: str
    computed_at: Any
    is_stale: bool
    rows: list[dict[str, Any]] = field(default_factory=list)


def _scope_key(obj: Model | None, label: str = "code") -> tuple | None:
    if obj is None:
        return None
    return (getattr(obj, label), obj.name)


def _stored_rows(scope_dims: set[str], cleaned: dict[str, Any]) -> tuple[str, QuerySet] | None:
    """The totals table that answers this question, filtered; None if no table does."""
    if "industry" in scope_dims and scope_dims & {"region", "federal_district"}:
        return None
    year = cleaned.get("fiscal_year")
    if "region" in scope_dims:
        qs = RegionFundingTotal.objects.select_related("region__federal_district")
        if cleaned.get("region"):
            qs = qs.filter(region=cleaned["region"])
        if cleaned.get("federal_district"):
            qs = qs.filter(region__federal_district=cleaned["federal_district"])
        table = "region"
    elif "federal_district" in scope_dims:
        qs = FederalDistrictFundingTotal.objects.select_related("federal_district")
        if cleaned.get("federal_district"):
            qs = qs.filter(federal_district=cleaned["federal_district"])
        table = "federal_district"
    elif "industry" in scope_dims:
        qs = IndustryFundingTotal.objects.select_related("industry")
        if cleaned.get("industry"):
            qs = qs.filter(industry=cleaned["industry"])
        table = "industry"
    else:
        qs = NationalFundingTotal.objects.all()
        table = "national"
    if year is not None:
        qs = qs.filter(fiscal_year=year)
    return table, qs


def _stored_key(table: str, row, dim: str):
    if dim == "fiscal_year":
        return row.fiscal_year
    if dim == "region":
        return _scope_key(row.region)
    if dim == "federal_district":
        district = row.region.federal_district if table == "region" else row.federal_district
        return _scope_key(district)
    if dim == "industry":
        return _scope_key(row.industry, "slug")
    raise AssertionError(dim)


_LINE_VALUES = {
    "federal_district": ("region__federal_district__code", "region__federal_district__name"),
    "region": ("region__code", "region__name"),
    "industry": ("cluster__industry__slug", "cluster__industry__name"),
    "fiscal_year": ("fiscal_year",),
    "funding_source": ("funding_source",),
}
_CLUSTER_VALUES = {
    "federal_district": ("region__federal_district__code", "region__federal_district__name"),
    "region": ("region__code", "region__name"),
    "industry": ("industry__slug", "industry__name"),
    "fiscal_year": ("funding_lines__fiscal_year",),
    "funding_source": ("funding_lines__funding_source",),
}


def _values_key(row: dict, dims: list[str], mapping: dict[str, tuple[str, ...]]) -> tuple:
    key = []
    for dim in dims:
        names = mapping[dim]
        if len(names) == 1:
            key.append(row[names[0]])
        else:
            key.append(None if row[names[0]] is None else tuple(row[n] for n in names))
    return tuple(key)


def _money_from_totals(table: str, qs: QuerySet, group_by: list[str], source: str | None):
    cells: dict[tuple, _Cell] = defaultdict(_Cell)
    computed_at, is_stale = None, False
    scope_dims = [d for d in group_by if d != "funding_source"]
    sources = [source] if source else list(FundingSource.values)
    for total in qs:
        base = tuple(_stored_key(table, total, d) for d in scope_dims)
        if total.computed_at and (computed_at is None or total.computed_at < computed_at):
            computed_at = total.computed_at
        is_stale = is_stale or total.is_stale
        if total.line_count == 0:
            continue
        for src in sources:
            amount = getattr(total, f"{src}_rub")
            qualifier = getattr(total, f"{src}_qualifier")
            if len(sources) == 1 or "funding_source" in group_by:
                if amount == 0 and qualifier == Qualifier.EXACT:
                    continue  # no money from this source here: no row, as from the lines
            if "funding_source" in group_by:
                cells[_reorder(base, scope_dims, src, group_by)].add(amount, qualifier)
            else:
                cells[base].add(amount, qualifier)
    return cells, computed_at, is_stale


def _reorder(base: tuple, scope_dims: list[str], source: str, group_by: list[str]) -> tuple:
    by_dim = dict(zip(scope_dims, base, strict=True)) | {"funding_source": source}
    return tuple(by_dim[d] for d in group_by)


def _money_from_lines(lines: QuerySet[FundingLine], group_by: list[str]):
    if "industry" in group_by:
        lines = lines.filter(cluster__isnull=False)  # industry money is cluster money only
    fields = [name for dim in group_by for name in _LINE_VALUES[dim]]
    cells: dict[tuple, _Cell] = defaultdict(_Cell)
    for row in lines.order_by().values(*fields, "qualifier").annotate(amount=Sum("amount_rub")):
        cells[_values_key(row, group_by, _LINE_VALUES)].add(row["amount"], row["qualifier"])
    return cells


def _cluster_counts(
    user, group_by: list[str], params: dict[str, Any], cleaned: dict[str, Any]
) -> dict[tuple, int]:
    scope_params = {k: params[k] for k in SCOPES if params.get(k)}
    clusters = ClusterFilterSet(scope_params, queryset=Cluster.objects.visible_to(user)).qs
    # Year and source conditions in ONE filter() call, so they hold for the same line.
    line_conditions: dict[str, Any] = {}
    if cleaned.get("fiscal_year") is not None:
        line_conditions["funding_lines__fiscal_year"] = cleaned["fiscal_year"]
    if cleaned.get("funding_source"):
        line_conditions["funding_lines__funding_source"] = cleaned["funding_source"]
    if {"fiscal_year", "funding_source"} & set(group_by) and not line_conditions:
        line_conditions["funding_lines__isnull"] = False
    if line_conditions:
        clusters = clusters.filter(**line_conditions)
    fields = [name for dim in group_by for name in _CLUSTER_VALUES[dim]]
    if not fields:
        return {(): clusters.aggregate(n=Count("pk", distinct=True))["n"]}
    rows = clusters.order_by().values(*fields).annotate(n=Count("pk", distinct=True))
    return {_values_key(row, group_by, _CLUSTER_VALUES): row["n"] for row in rows}


def _line_filters(params: dict[str, Any], queryset: QuerySet[FundingLine]) -> QuerySet:
    return FundingLineFilterSet({k: v for k, v in params.items() if k in FILTERS}, queryset).qs


def _sort_key(key: tuple) -> tuple:
    # None («год не указан», «без округа») last; scope tuples sort by name.
    return tuple((v is None, (v[1] if isinstance(v, tuple) else v) or 0) for v in key)


def funding_stats(
    *, user, group_by: list[str], params: dict[str, Any], cleaned: dict[str, Any]
) -> FundingStats:
    """Money and cluster counts per group, visible to `user`; reads only, writes nothing.

    `params` are the raw filter values (codes, slugs), `cleaned` the same after
    FundingLineFilterSet validated them (model instances, numbers).
    """
    unknown = [d for d in group_by if d not in DIMENSIONS]
    if unknown:
        raise StatsQueryError(f"Неизвестные измерения: {', '.join(unknown)}.")
    if len([d for d in group_by if d in SCOPES]) > 1:
        raise StatsQueryError(
            "Группировать можно только по одному из: федеральный округ, субъект, отрасль."
        )
    if len(set(group_by)) != len(group_by):
        raise StatsQueryError("Измерение указано дважды.")

    scope_dims = {d for d in group_by if d in SCOPES} | {d for d in SCOPES if cleaned.get(d)}
    stored = _stored_rows(scope_dims, cleaned)
    # The stored totals are the public view: exact for everyone who sees no draft, and for
    # the others too unless a draft they may see has money inside the asked scope.
    drafts_in_scope = gate.sees_some_drafts(user) and (
        _line_filters(
            params, FundingLine.objects.visible_to(user).exclude(gate.funding_line_visible_q(None))
        ).exists()
    )

    if stored is not None and not drafts_in_scope and not stored[1].exists():
        # Nothing computed yet for this scope: the lines are the only honest answer.
        stored = None
    if stored is not None and not drafts_in_scope:
        table, qs = stored
        cells, computed_at, is_stale = _money_from_totals(
            table, qs, group_by, cleaned.get("funding_source")
        )
        basis = BASIS_TOTALS
    else:
        visible = FundingLine.objects.visible_to(user)
        cells = _money_from_lines(_line_filters(params, visible), group_by)
        computed_at, is_stale = timezone.now(), False
        basis = BASIS_LINES

    counts = _cluster_counts(user, group_by, params, cleaned)
    rows = []
    for key in sorted(set(cells) | set(counts), key=_sort_key):
        cell = cells.get(key, _Cell())
        row: dict[str, Any] = {}
        for dim, value in zip(group_by, key, strict=True):
            if dim in SCOPES:
                label = "slug" if dim == "industry" else "code"
                value = None if value is None else {label: value[0], "name": value[1]}
            row[dim] = value
        row["cluster_count"] = counts.get(key, 0)
        # No money fact behind the group: unknown (null), never «0.00 exact».
        row["amount_rub"] = f"{cell.amount:.2f}" if cell.has_money else None
        row["qualifier"] = cell.qualifier if cell.has_money else None
        row["has_funding_data"] = cell.has_money
        rows.append(row)
    return FundingStats(group_by, basis, computed_at, is_stale, rows)
