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

The groups of every grouping add up to the whole: clusters whose industry is not given are a
group of their own (industry null), money given jointly for several clusters (a region-level
line, no cluster, so no industry) is another (`is_joint`), and the subjects no decree has put
in a federal district are the group «вне федеральных округов» (federal_district null).
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.db.models import BooleanField, Count, ExpressionWrapper, Model, Q, QuerySet, Sum
from django.utils import timezone

from clusters import gate
from clusters.counts import from_counts
from clusters.facets import queryset_without
from clusters.filtersets import ClusterFilterSet
from clusters.models import Cluster, ClusterCount
from common.qualifiers import Qualifier, combine
from funding.choices import FundingSource
from funding.filtersets import FundingLineFilterSet
from funding.models import (
    FederalDistrictFundingTotal,
    FundingLine,
    IndustryFundingTotal,
    NationalFundingTotal,
    RegionFundingTotal,
    RegionIndustryFundingTotal,
)

SCOPES = ("federal_district", "region", "industry")
DIMENSIONS = (*SCOPES, "fiscal_year", "funding_source")
FILTERS = (*SCOPES, "fiscal_year", "funding_source")

BASIS_TOTALS = "stored_totals"
BASIS_LINES = "funding_lines"


class StatsQueryError(ValueError):
    """The request asks for a grouping the registry cannot answer; the message says why."""


# The industry key of money given jointly for several clusters: it belongs to no cluster,
# hence to no industry, and is a group of its own so that the industries add up to the whole.
JOINT = "joint"


@dataclass
class _Cell:
    amount: Decimal = Decimal(0)
    qualifier: str = Qualifier.EXACT
    has_money: bool = False
    sources: set[str] = field(default_factory=set)

    def add(self, amount: Decimal, qualifier: str, source: str) -> None:
        self.amount += amount
        self.qualifier = combine((self.qualifier, qualifier))
        self.has_money = True
        self.sources.add(source)


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


@dataclass
class _Part:
    """A totals table's rows that answer (part of) a question, and how a row names its group."""

    table: str
    rows: QuerySet
    fixed: dict[str, Any] = field(default_factory=dict)  # dimension → key, for every row


def _stored_parts(scope_dims: set[str], cleaned: dict[str, Any]) -> list[_Part] | None:
    """The totals tables that answer this question, filtered; None if none does.

    The first part is the main table (its emptiness means «nothing computed yet»); the others
    are the groups it leaves out, so that the groups add up to the national total."""
    if "industry" in scope_dims and scope_dims & {"region", "federal_district"}:
        return None
    year = cleaned.get("fiscal_year")
    parts: list[_Part] = []
    if "region" in scope_dims:
        qs = RegionFundingTotal.objects.select_related("region__federal_district")
        if cleaned.get("region"):
            qs = qs.filter(region=cleaned["region"])
        if cleaned.get("federal_district"):
            qs = qs.filter(region__federal_district=cleaned["federal_district"])
        parts.append(_Part("region", qs))
    elif "federal_district" in scope_dims:
        qs = FederalDistrictFundingTotal.objects.select_related("federal_district")
        if cleaned.get("federal_district"):
            parts.append(
                _Part("federal_district", qs.filter(federal_district=cleaned["federal_district"]))
            )
        else:
            parts.append(_Part("federal_district", qs))
            # The subjects outside every federal district: the group «вне округов».
            outside = RegionFundingTotal.objects.filter(region__federal_district__isnull=True)
            parts.append(_Part("region", outside, {"federal_district": None}))
    elif "industry" in scope_dims:
        qs = IndustryFundingTotal.objects.select_related("industry")
        if cleaned.get("industry"):
            parts.append(_Part("industry", qs.filter(industry=cleaned["industry"])))
        else:
            parts.append(_Part("industry", qs))
            # Clusters whose industry is not given, and money given jointly: groups of their own.
            unknown = RegionIndustryFundingTotal.objects.filter(industry__isnull=True)
            parts.append(_Part("region_industry", unknown, {"industry": None}))
            parts.append(_Part("joint", _joint_totals(), {"industry": JOINT}))
    else:
        parts.append(_Part("national", NationalFundingTotal.objects.all()))
    if year is not None:
        for part in parts:
            part.rows = part.rows.filter(fiscal_year=year)
    return parts


def _joint_totals() -> QuerySet:
    """The public region-level (joint) lines summed per year and source, as total-like rows
    (`fiscal_year`, `funding_source`, `qualifier`, `amount`): read from the lines through their
    index on (region, year) for lines with no cluster; no totals table holds them alone."""
    return (
        FundingLine.objects.visible_to(None)
        .filter(cluster__isnull=True)
        .order_by()
        .values("fiscal_year", "funding_source", "qualifier")
        .annotate(amount=Sum("amount_rub"))
    )


def _stored_key(part: _Part, row, dim: str):
    if dim in part.fixed:
        return part.fixed[dim]
    if dim == "fiscal_year":
        return row["fiscal_year"] if isinstance(row, dict) else row.fiscal_year
    if dim == "region":
        return _scope_key(row.region)
    if dim == "federal_district":
        district = row.region.federal_district if part.table == "region" else row.federal_district
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


def _money_from_totals(parts: list[_Part], group_by: list[str], source: str | None):
    cells: dict[tuple, _Cell] = defaultdict(_Cell)
    computed_at, is_stale = None, False
    scope_dims = [d for d in group_by if d != "funding_source"]
    sources = [source] if source else list(FundingSource.values)

    def add(base: tuple, src: str, amount: Decimal, qualifier: str) -> None:
        if "funding_source" in group_by:
            cells[_reorder(base, scope_dims, src, group_by)].add(amount, qualifier, src)
        else:
            cells[base].add(amount, qualifier, src)

    for part in parts:
        for total in part.rows:
            base = tuple(_stored_key(part, total, d) for d in scope_dims)
            if part.table == "joint":  # summed lines: one budget and qualifier per row
                if total["funding_source"] in sources:
                    add(base, total["funding_source"], total["amount"], total["qualifier"])
                continue
            if total.computed_at and (computed_at is None or total.computed_at < computed_at):
                computed_at = total.computed_at
            is_stale = is_stale or total.is_stale
            if not total.has_data:
                continue
            for src in sources:
                if not total.part_known(src):
                    continue  # no line gives this budget here: no money, as from the lines
                add(base, src, total.part_amount(src), total.part_qualifier(src))
    return cells, computed_at, is_stale


def _reorder(base: tuple, scope_dims: list[str], source: str, group_by: list[str]) -> tuple:
    by_dim = dict(zip(scope_dims, base, strict=True)) | {"funding_source": source}
    return tuple(by_dim[d] for d in group_by)


def _money_from_lines(lines: QuerySet[FundingLine], group_by: list[str]):
    fields = [name for dim in group_by for name in _LINE_VALUES[dim]]
    joint_apart = "industry" in group_by  # joint money is a group of its own by industry
    cells: dict[tuple, _Cell] = defaultdict(_Cell)
    rows = (
        lines.order_by()
        .values(
            *fields,
            "funding_source",
            "qualifier",
            _joint=ExpressionWrapper(Q(cluster__isnull=True), output_field=BooleanField()),
        )
        .annotate(amount=Sum("amount_rub"))
    )
    for row in rows:
        key = _values_key(row, group_by, _LINE_VALUES)
        if joint_apart and row["_joint"]:
            key = tuple(
                JOINT if dim == "industry" else k for dim, k in zip(group_by, key, strict=True)
            )
        cells[key].add(row["amount"], row["qualifier"], row["funding_source"])
    return cells


def _cluster_counts(
    user, group_by: list[str], params: dict[str, Any], cleaned: dict[str, Any]
) -> dict[tuple, int]:
    scope_params = {k: params[k] for k in SCOPES if params.get(k)}
    filterset = ClusterFilterSet(scope_params, queryset=Cluster.objects.visible_to(user))
    clusters = filterset.qs
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
    # Only a join to the lines repeats a cluster; the scope filters are single-valued, and
    # COUNT(DISTINCT) sorts every cluster where COUNT only adds (116 → 29 ms at 100 000).
    distinct = bool(line_conditions)
    counter = Count("pk", distinct=distinct)
    if not line_conditions and from_counts(user) and filterset.is_valid():
        # Scope filters only, for the public: the counts of clusters (clusters/counts.py)
        # have the same fields, and sum to the same numbers over a few rows per region.
        clusters = queryset_without(filterset, "", ClusterCount.objects.all())
        counter = Sum("cluster_count")
    fields = [name for dim in group_by for name in _CLUSTER_VALUES[dim]]
    if not fields:
        return {(): clusters.order_by().aggregate(n=counter)["n"] or 0}
    rows = clusters.order_by().values(*fields).annotate(n=counter)
    return {_values_key(row, group_by, _CLUSTER_VALUES): row["n"] for row in rows}


def _line_filters(params: dict[str, Any], queryset: QuerySet[FundingLine], user) -> QuerySet:
    wanted = {k: v for k, v in params.items() if k in FILTERS}
    return FundingLineFilterSet(wanted, queryset, user=user).qs


def _sort_key(key: tuple) -> tuple:
    # None («год не указан», «отрасль не указана», «вне округов») after the named groups, the
    # joint money last; scope tuples sort by name.
    return tuple(
        (2 if v == JOINT else 1 if v is None else 0, (v[1] if isinstance(v, tuple) else v) or 0)
        for v in key
    )


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
    stored = _stored_parts(scope_dims, cleaned)
    # The stored totals are the public view: exact for everyone who sees no draft, and for
    # the others too unless a draft they may see has money inside the asked scope.
    drafts_in_scope = gate.sees_some_drafts(user) and (
        _line_filters(
            params,
            FundingLine.objects.visible_to(user).exclude(gate.funding_line_visible_q(None)),
            user,
        ).exists()
    )

    if stored is not None and not drafts_in_scope and not stored[0].rows.exists():
        # Nothing computed yet for this scope: the lines are the only honest answer.
        stored = None
    if stored is not None and not drafts_in_scope:
        cells, computed_at, is_stale = _money_from_totals(
            stored, group_by, cleaned.get("funding_source")
        )
        basis = BASIS_TOTALS
    else:
        visible = FundingLine.objects.visible_to(user)
        cells = _money_from_lines(_line_filters(params, visible, user), group_by)
        computed_at, is_stale = timezone.now(), False
        basis = BASIS_LINES

    counts = _cluster_counts(user, group_by, params, cleaned)
    rows = []
    for key in sorted(set(cells) | set(counts), key=_sort_key):
        cell = cells.get(key, _Cell())
        row: dict[str, Any] = {}
        is_joint = JOINT in key
        for dim, value in zip(group_by, key, strict=True):
            if dim in SCOPES:
                label = "slug" if dim == "industry" else "code"
                value = None if value in (None, JOINT) else {label: value[0], "name": value[1]}
            row[dim] = value
        row["is_joint"] = is_joint
        # Joint money belongs to no cluster: the group has no cluster count, not zero.
        row["cluster_count"] = None if is_joint else counts.get(key, 0)
        # No money fact behind the group: unknown (null), never «0.00 exact».
        row["amount_rub"] = f"{cell.amount:.2f}" if cell.has_money else None
        row["qualifier"] = cell.qualifier if cell.has_money else None
        row["parts_known"] = [s for s in FundingSource.values if s in cell.sources]
        row["has_funding_data"] = cell.has_money
        rows.append(row)
    return FundingStats(group_by, basis, computed_at, is_stale, rows)
