"""The totals tables as data: each `TotalKind` says how its rows are computed from the lines
(cluster×year) or rolled up from another table (cluster, region×industry, region, district,
national, industry), which scope keys it has and which lock namespace it takes.

The SQL fragments here are built once, when the module is imported; the statements that run
them are funding/services/statements.py; the runs (a scope, a whole table) and their locks
funding/services/recompute.py.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.db.models import Q

from clusters import gate
from clusters.models import Cluster
from funding.models import (
    ClusterFundingTotal,
    ClusterYearFundingTotal,
    FederalDistrictFundingTotal,
    FundingLine,
    FundingTotal,
    IndustryFundingTotal,
    NationalFundingTotal,
    RegionFundingTotal,
    RegionIndustryFundingTotal,
)
from funding.scopes import Scopes
from funding.services.values import VALUE_FIELDS, line_values_sql

# Single-bigint advisory keys for table-wide locks (recompute.py, counts.py); per-scope locks
# use the two-int4 key space (namespace, hash), which PostgreSQL keeps apart from the bigint one.
TABLE_LOCK_BASE = 0x46554E4400000000  # "FUND"


@dataclass(frozen=True)
class TotalKind:
    """One totals table and how its rows are computed: from the lines, or rolled up.

    `from_sql`/`where_sql`/`key_exprs` give the rows as the recompute builds them: from the
    lines (`fl`) for cluster×year rows, from other totals tables (`t`) for the roll-ups
    (cluster and region×industry from cluster×year; region from region×industry plus its
    region-level lines; district and national from region; industry from region×industry).
    `lines_*` give the same rows straight from the lines; the stale path uses them to tell
    which rows an edit really changes.
    """

    name: str
    model: type[FundingTotal]
    scope_attr: str  # the Scopes attribute holding this table's scope keys
    key_columns: tuple[str, ...]  # columns of the totals table that identify a row
    scope_columns: tuple[str, ...]  # columns of the totals table a scope key matches
    lock_namespace: int
    line_keys: tuple[str, ...]  # the row key, as ORM lookups on FundingLine (for the check)
    line_filter: Q
    rollup_of: str | None  # name of the kind this one is summed from; None: from the lines
    key_exprs: tuple[str, ...]  # the row key, computed on the recompute's side
    scope_exprs: tuple[str, ...]  # the scope key, computed on the recompute's side
    from_sql: str
    where_sql: str  # rows of the recompute's side that count at all
    lines_key_exprs: tuple[str, ...]
    lines_scope_exprs: tuple[str, ...]
    lines_from_sql: str
    lines_where_sql: str
    extra_columns: tuple[str, ...] = ()  # copied attributes stored with the row
    extra_exprs: tuple[str, ...] = ()
    extra_line_keys: tuple[str, ...] = ()

    # Derived once, in __post_init__: the statements read them as plain data.
    table: str = field(init=False)
    row_columns: tuple[str, ...] = field(init=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "table", self.model._meta.db_table)
        row_columns = (*self.key_columns, *self.extra_columns, *VALUE_FIELDS)
        object.__setattr__(self, "row_columns", row_columns)

    def keys_of(self, scopes: Scopes) -> set[Any]:
        return getattr(scopes, self.scope_attr)


# Region, district, industry and national totals are public figures: they count the lines of
# published clusters and the region-level lines, never a draft's money. A cluster's own totals
# count all its lines (a draft's page is for staff only).
# The rule is the gate's (clusters/gate.py) for a user who sees no draft.
PUBLIC_SQL = f"(fl.cluster_id IS NULL OR {gate.PUBLIC_CLUSTER_SQL('c')})"
PUBLIC_Q = gate.funding_line_visible_q(None)
PUBLIC_CLUSTER_Q = gate.cluster_visible_q(None, "cluster__")


def _kinds() -> list[TotalKind]:
    line = FundingLine._meta.db_table
    cluster = Cluster._meta.db_table
    region = FundingLine._meta.get_field("region").related_model._meta.db_table
    cluster_year = ClusterYearFundingTotal._meta.db_table
    region_industry = RegionIndustryFundingTotal._meta.db_table
    region_total = RegionFundingTotal._meta.db_table
    public_lines = f"{line} fl LEFT JOIN {cluster} c ON c.id = fl.cluster_id"
    cluster_lines = f"{line} fl JOIN {cluster} c ON c.id = fl.cluster_id"
    published = gate.PUBLIC_CLUSTER_SQL("c")
    # A region's parts: its region×industry rows and its region-level lines (no cluster),
    # the latter summed per (region, year) in the same columns.
    region_parts = (
        f"(SELECT region_id, fiscal_year, {', '.join(VALUE_FIELDS)} FROM {region_industry}"
        f" UNION ALL SELECT fl.region_id, fl.fiscal_year, {{lines}} FROM {line} fl"
        f" WHERE fl.cluster_id IS NULL GROUP BY fl.region_id, fl.fiscal_year) t"
    )
    # In dependency order: a roll-up comes after the table it is summed from.
    return [
        TotalKind(
            name="cluster_year",
            model=ClusterYearFundingTotal,
            scope_attr="cluster_ids",
            key_columns=("cluster_id", "fiscal_year"),
            scope_columns=("cluster_id",),
            lock_namespace=6,
            line_keys=("cluster_id", "fiscal_year"),
            line_filter=Q(cluster__isnull=False),
            rollup_of=None,
            key_exprs=("fl.cluster_id", "fl.fiscal_year"),
            scope_exprs=("fl.cluster_id",),
            from_sql=cluster_lines,
            where_sql="",
            lines_key_exprs=("fl.cluster_id", "fl.fiscal_year"),
            lines_scope_exprs=("fl.cluster_id",),
            lines_from_sql=cluster_lines,
            lines_where_sql="",
            extra_columns=("industry_id", "is_published", "region_id"),
            extra_exprs=("c.industry_id", "c.is_published", "c.region_id"),
            extra_line_keys=("cluster__industry_id", "cluster__is_published", "cluster__region_id"),
        ),
        TotalKind(
            name="cluster",
            model=ClusterFundingTotal,
            scope_attr="cluster_ids",
            key_columns=("cluster_id",),
            scope_columns=("cluster_id",),
            lock_namespace=1,
            line_keys=("cluster_id",),
            line_filter=Q(cluster__isnull=False),
            rollup_of="cluster_year",
            key_exprs=("c.id",),
            scope_exprs=("c.id",),
            # Every cluster gets a row; with no lines its values are NULL (unknown) and line_count 0.
            from_sql=f"{cluster} c LEFT JOIN {cluster_year} t ON t.cluster_id = c.id",
            where_sql="",
            lines_key_exprs=("c.id",),
            lines_scope_exprs=("c.id",),
            lines_from_sql=f"{cluster} c LEFT JOIN {line} fl ON fl.cluster_id = c.id",
            lines_where_sql="",
        ),
        TotalKind(
            name="region_industry",
            model=RegionIndustryFundingTotal,
            scope_attr="region_industry_years",
            key_columns=("region_id", "industry_id", "fiscal_year"),
            scope_columns=("region_id", "industry_id", "fiscal_year"),
            lock_namespace=7,
            line_keys=("region_id", "cluster__industry_id", "fiscal_year"),
            line_filter=PUBLIC_CLUSTER_Q,
            rollup_of="cluster_year",
            key_exprs=("t.region_id", "t.industry_id", "t.fiscal_year"),
            scope_exprs=("t.region_id", "t.industry_id", "t.fiscal_year"),
            from_sql=f"{cluster_year} t",
            # t.is_published: the cluster's publication, copied into its rows (gate, anonymous).
            where_sql=gate.PUBLIC_CLUSTER_SQL("t"),
            lines_key_exprs=("fl.region_id", "c.industry_id", "fl.fiscal_year"),
            lines_scope_exprs=("fl.region_id", "c.industry_id", "fl.fiscal_year"),
            lines_from_sql=cluster_lines,
            lines_where_sql=published,
        ),
        TotalKind(
            name="region",
            model=RegionFundingTotal,
            scope_attr="region_years",
            key_columns=("region_id", "fiscal_year"),
            scope_columns=("region_id", "fiscal_year"),
            lock_namespace=2,
            line_keys=("region_id", "fiscal_year"),
            line_filter=PUBLIC_Q,
            rollup_of="region_industry",
            key_exprs=("t.region_id", "t.fiscal_year"),
            scope_exprs=("t.region_id", "t.fiscal_year"),
            from_sql=region_parts.replace("{lines}", line_values_sql()),
            where_sql="",
            lines_key_exprs=("fl.region_id", "fl.fiscal_year"),
            lines_scope_exprs=("fl.region_id", "fl.fiscal_year"),
            lines_from_sql=public_lines,
            lines_where_sql=PUBLIC_SQL,
        ),
        TotalKind(
            name="district",
            model=FederalDistrictFundingTotal,
            scope_attr="district_years",
            key_columns=("federal_district_id", "fiscal_year"),
            scope_columns=("federal_district_id", "fiscal_year"),
            lock_namespace=3,
            line_keys=("region__federal_district_id", "fiscal_year"),
            line_filter=Q(region__federal_district__isnull=False) & PUBLIC_Q,
            rollup_of="region",
            key_exprs=("r.federal_district_id", "t.fiscal_year"),
            scope_exprs=("r.federal_district_id", "t.fiscal_year"),
            from_sql=f"{region_total} t JOIN {region} r ON r.id = t.region_id",
            where_sql="r.federal_district_id IS NOT NULL",
            lines_key_exprs=("r.federal_district_id", "fl.fiscal_year"),
            lines_scope_exprs=("r.federal_district_id", "fl.fiscal_year"),
            lines_from_sql=f"{public_lines} JOIN {region} r ON r.id = fl.region_id",
            lines_where_sql=f"r.federal_district_id IS NOT NULL AND {PUBLIC_SQL}",
        ),
        TotalKind(
            name="national",
            model=NationalFundingTotal,
            scope_attr="national_years",
            key_columns=("fiscal_year",),
            scope_columns=("fiscal_year",),
            lock_namespace=5,
            line_keys=("fiscal_year",),
            line_filter=PUBLIC_Q,
            rollup_of="region",
            key_exprs=("t.fiscal_year",),
            scope_exprs=("t.fiscal_year",),
            from_sql=f"{region_total} t",
            where_sql="",
            lines_key_exprs=("fl.fiscal_year",),
            lines_scope_exprs=("fl.fiscal_year",),
            lines_from_sql=public_lines,
            lines_where_sql=PUBLIC_SQL,
        ),
        TotalKind(
            name="industry",
            model=IndustryFundingTotal,
            scope_attr="industry_years",
            key_columns=("industry_id", "fiscal_year"),
            scope_columns=("industry_id", "fiscal_year"),
            lock_namespace=4,
            line_keys=("cluster__industry_id", "fiscal_year"),
            # A cluster whose industry is not known («не указано») counts in no industry.
            line_filter=PUBLIC_CLUSTER_Q & Q(cluster__industry__isnull=False),
            rollup_of="region_industry",
            key_exprs=("t.industry_id", "t.fiscal_year"),
            scope_exprs=("t.industry_id", "t.fiscal_year"),
            from_sql=f"{region_industry} t",
            where_sql="t.industry_id IS NOT NULL",
            lines_key_exprs=("c.industry_id", "fl.fiscal_year"),
            lines_scope_exprs=("c.industry_id", "fl.fiscal_year"),
            lines_from_sql=cluster_lines,
            lines_where_sql=f"{published} AND c.industry_id IS NOT NULL",
        ),
    ]


KINDS = _kinds()
KIND_BY_NAME = {kind.name: kind for kind in KINDS}
