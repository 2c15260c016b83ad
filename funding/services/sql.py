"""Totals SQL and locks: how each totals table is computed from the lines, and who may write it.

A total is always recomputed from the funding lines themselves, never incremented: one
`DELETE` + one `INSERT ... SELECT ... GROUP BY` per totals table (and per chunk of scopes),
so the work is done by the database whatever the number of lines. On PostgreSQL each such
pair runs in a transaction that first takes a per-scope advisory lock
(`pg_advisory_xact_lock`), and only then reads the lines, so two recomputes of the same scope
never interleave: the one that writes last has also read last, after every edit that
scheduled it had committed. SQLite serialises writers by itself.
"""

from __future__ import annotations

import zlib
from collections import defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.db import connection, transaction
from django.db.models import Q

from clusters.models import Cluster
from common.qualifiers import combine_sql
from funding.choices import FundingSource
from funding.models import (
    ClusterFundingTotal,
    FederalDistrictFundingTotal,
    FundingLine,
    FundingTotal,
    IndustryFundingTotal,
    NationalFundingTotal,
    RegionFundingTotal,
)
from funding.scopes import Scopes

SOURCES = list(FundingSource)
VALUE_FIELDS = [
    *(f"{s}_rub" for s in SOURCES),
    "total_rub",
    *(f"{s}_qualifier" for s in SOURCES),
    "qualifier",
    "line_count",
]
# Scopes per statement: keeps the parameter count far below every backend's limit.
CHUNK = 2000
# Single-bigint advisory keys for table-wide locks; per-scope locks use the two-int4 key
# space (namespace, hash), which PostgreSQL keeps apart from the bigint one.
TABLE_LOCK_BASE = 0x46554E4400000000  # "FUND"


@dataclass(frozen=True)
class TotalKind:
    """One totals table and how its rows are computed from the lines."""

    name: str
    model: type[FundingTotal]
    scope_attr: str  # the Scopes attribute holding this table's keys
    key_columns: tuple[str, ...]  # columns of the totals table that identify a row
    key_exprs: tuple[str, ...]  # the same, computed from the lines' side of the query
    from_sql: str
    where_sql: str  # rows of the lines' side that count at all
    lock_namespace: int
    line_keys: tuple[str, ...]  # the same key, as ORM lookups on FundingLine (for the check)
    line_filter: Q

    @property
    def has_year(self) -> bool:
        return "fiscal_year" in self.key_columns

    def keys_of(self, scopes: Scopes) -> set[Any]:
        return getattr(scopes, self.scope_attr)


# Region, district, industry and national totals are public figures: they count the lines of
# published clusters and the region-level lines, never a draft's money. A cluster's own total
# counts all its lines (a draft's page is for staff only).
PUBLIC_SQL = "(fl.cluster_id IS NULL OR c.is_published)"
PUBLIC_Q = Q(cluster__isnull=True) | Q(cluster__is_published=True)


def _kinds() -> list[TotalKind]:
    line = FundingLine._meta.db_table
    cluster = Cluster._meta.db_table
    region = FundingLine._meta.get_field("region").related_model._meta.db_table
    return [
        TotalKind(
            name="cluster",
            model=ClusterFundingTotal,
            scope_attr="cluster_ids",
            key_columns=("cluster_id",),
            key_exprs=("c.id",),
            # Every cluster gets a row, zero when it has no lines.
            from_sql=f"{cluster} c LEFT JOIN {line} fl ON fl.cluster_id = c.id",
            where_sql="",
            lock_namespace=1,
            line_keys=("cluster_id",),
            line_filter=Q(cluster__isnull=False),
        ),
        TotalKind(
            name="region",
            model=RegionFundingTotal,
            scope_attr="region_years",
            key_columns=("region_id", "fiscal_year"),
            key_exprs=("fl.region_id", "fl.fiscal_year"),
            from_sql=f"{line} fl LEFT JOIN {cluster} c ON c.id = fl.cluster_id",
            where_sql=PUBLIC_SQL,
            lock_namespace=2,
            line_keys=("region_id", "fiscal_year"),
            line_filter=PUBLIC_Q,
        ),
        TotalKind(
            name="district",
            model=FederalDistrictFundingTotal,
            scope_attr="district_years",
            key_columns=("federal_district_id", "fiscal_year"),
            key_exprs=("r.federal_district_id", "fl.fiscal_year"),
            from_sql=(
                f"{line} fl JOIN {region} r ON r.id = fl.region_id"
                f" LEFT JOIN {cluster} c ON c.id = fl.cluster_id"
            ),
            where_sql=f"r.federal_district_id IS NOT NULL AND {PUBLIC_SQL}",
            lock_namespace=3,
            line_keys=("region__federal_district_id", "fiscal_year"),
            line_filter=Q(region__federal_district__isnull=False) & PUBLIC_Q,
        ),
        TotalKind(
            name="industry",
            model=IndustryFundingTotal,
            scope_attr="industry_years",
            key_columns=("industry_id", "fiscal_year"),
            key_exprs=("c.industry_id", "fl.fiscal_year"),
            from_sql=f"{line} fl JOIN {cluster} c ON c.id = fl.cluster_id",
            where_sql=PUBLIC_SQL,
            lock_namespace=4,
            line_keys=("cluster__industry_id", "fiscal_year"),
            line_filter=Q(cluster__is_published=True),
        ),
        TotalKind(
            name="national",
            model=NationalFundingTotal,
            scope_attr="national_years",
            key_columns=("fiscal_year",),
            key_exprs=("fl.fiscal_year",),
            from_sql=f"{line} fl LEFT JOIN {cluster} c ON c.id = fl.cluster_id",
            where_sql=PUBLIC_SQL,
            lock_namespace=5,
            line_keys=("fiscal_year",),
            line_filter=PUBLIC_Q,
        ),
    ]


KINDS = _kinds()
KIND_BY_NAME = {kind.name: kind for kind in KINDS}


# --- SQL ------------------------------------------------------------------------------------


def _aggregate_select_sql(kind: TotalKind, scope_where: str) -> str:
    """`SELECT key..., values... FROM lines GROUP BY key`: one row per scope, in the table's order."""
    sums = [
        f"COALESCE(SUM(CASE WHEN fl.funding_source = '{s.value}' THEN fl.amount_rub END), 0)"
        for s in SOURCES
    ]
    vendor = connection.vendor
    qualifiers = [
        combine_sql("fl.qualifier", vendor=vendor, where=f"fl.funding_source = '{s.value}'")
        for s in SOURCES
    ]
    columns = [
        *kind.key_exprs,
        *sums,
        "COALESCE(SUM(fl.amount_rub), 0)",
        *qualifiers,
        combine_sql("fl.qualifier", vendor=vendor),
        "COUNT(fl.id)",
    ]
    where = " AND ".join(f"({w})" for w in (kind.where_sql, scope_where) if w)
    aliased = ", ".join(f"{column} AS c{i}" for i, column in enumerate(columns))
    return (
        f"SELECT {aliased} FROM {kind.from_sql}"
        f"{' WHERE ' + where if where else ''} GROUP BY {', '.join(kind.key_exprs)}"
    )


def _scope_where(kind: TotalKind, keys: list[Any], exprs: tuple[str, ...]) -> tuple[str, list]:
    """A WHERE clause matching exactly `keys` (NULL years included) and its parameters."""
    if not kind.has_year:
        return f"{exprs[0]} IN ({', '.join(['%s'] * len(keys))})", list(keys)
    if len(exprs) == 1:  # national: the key is the year itself
        years = [y for y in keys if y is not None]
        parts, params = [], []
        if years:
            parts.append(f"{exprs[0]} IN ({', '.join(['%s'] * len(years))})")
            params += years
        if None in keys:
            parts.append(f"{exprs[0]} IS NULL")
        return " OR ".join(parts), params
    by_year: dict[int | None, list[int]] = defaultdict(list)
    for scope_id, year in keys:
        by_year[year].append(scope_id)
    parts, params = [], []
    for year, ids in by_year.items():
        marks = ", ".join(["%s"] * len(ids))
        if year is None:
            parts.append(f"({exprs[1]} IS NULL AND {exprs[0]} IN ({marks}))")
        else:
            parts.append(f"({exprs[1]} = %s AND {exprs[0]} IN ({marks}))")
            params.append(year)
        params += ids
    return " OR ".join(parts), params


def _scope_lock_id(key: Any) -> int:
    """A stable int4 for a scope key; collisions only serialise two unrelated scopes."""
    text = repr(tuple(key) if isinstance(key, tuple | list) else (key,))
    return zlib.crc32(text.encode()) - 2**31


def _lock(kind: TotalKind, keys: list[Any] | None) -> None:
    """Take this transaction's advisory locks for `keys` (None: the whole table). PostgreSQL only."""
    if connection.vendor != "postgresql":
        return
    table_key = TABLE_LOCK_BASE + kind.lock_namespace
    with connection.cursor() as cursor:
        if keys is None:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [table_key])
            return
        cursor.execute("SELECT pg_advisory_xact_lock_shared(%s)", [table_key])
        # Sorted, so that two recomputes over overlapping scopes cannot deadlock.
        ids = sorted({_scope_lock_id(k) for k in keys})
        cursor.execute(
            "SELECT count(pg_advisory_xact_lock(%s, k)) FROM unnest(%s::integer[]) AS k",
            [kind.lock_namespace, ids],
        )


def _chunks(keys: Iterable[Any]) -> Iterator[list[Any]]:
    items = list(keys)
    for start in range(0, len(items), CHUNK):
        yield items[start : start + CHUNK]


def _recompute_kind(kind: TotalKind, keys: list[Any] | None, now: datetime) -> int:
    """Replace the rows of `keys` (None: all rows) of one table; returns rows written."""
    table = kind.model._meta.db_table
    stamp = connection.ops.adapt_datetimefield_value(now)
    columns = [*kind.key_columns, *VALUE_FIELDS, "computed_at", "is_stale"]
    if keys is None:
        delete_sql, delete_params = f"DELETE FROM {table}", []
        select_sql, select_params = _aggregate_select_sql(kind, ""), []
    else:
        where, delete_params = _scope_where(kind, keys, kind.key_columns)
        delete_sql = f"DELETE FROM {table} WHERE {where}"
        where, select_params = _scope_where(kind, keys, kind.key_exprs)
        select_sql = _aggregate_select_sql(kind, where)
    # computed_at and is_stale are added around the aggregate, as constants of the statement.
    insert_sql = (
        f"INSERT INTO {table} ({', '.join(columns)}) SELECT agg.*, %s, %s FROM ({select_sql}) agg"
    )
    with transaction.atomic():
        _lock(kind, keys)  # before reading the lines, in the writing transaction
        with connection.cursor() as cursor:
            cursor.execute(delete_sql, delete_params)
            cursor.execute(insert_sql, [stamp, False, *select_params])
            return cursor.rowcount
