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
from decimal import Decimal
from typing import Any

from django.db import connection, transaction
from django.db.models import Q

from clusters import gate
from clusters.models import Cluster
from common.qualifiers import combine_sql
from funding.choices import FundingSource
from funding.models import (
    ClusterFundingTotal,
    ClusterYearFundingTotal,
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
CENT = Decimal("0.01")


@dataclass(frozen=True)
class TotalKind:
    """One totals table and how its rows are computed: from the lines, or rolled up.

    `from_sql`/`where_sql`/`key_exprs` give the rows as the recompute builds them: from the
    lines (`fl`) for cluster×year and region totals, from another totals table (`t`) for
    the roll-ups (cluster from cluster×year; district and national from region; industry
    from cluster×year). `lines_*` give the same rows straight from the lines; the stale
    path uses them to tell which rows an edit really changes.
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

    @property
    def table(self) -> str:
        return self.model._meta.db_table

    @property
    def row_columns(self) -> tuple[str, ...]:
        return (*self.key_columns, *self.extra_columns, *VALUE_FIELDS)

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
    region_total = RegionFundingTotal._meta.db_table
    public_lines = f"{line} fl LEFT JOIN {cluster} c ON c.id = fl.cluster_id"
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
            from_sql=f"{line} fl JOIN {cluster} c ON c.id = fl.cluster_id",
            where_sql="",
            lines_key_exprs=("fl.cluster_id", "fl.fiscal_year"),
            lines_scope_exprs=("fl.cluster_id",),
            lines_from_sql=f"{line} fl JOIN {cluster} c ON c.id = fl.cluster_id",
            lines_where_sql="",
            extra_columns=("industry_id", "is_published"),
            extra_exprs=("c.industry_id", "c.is_published"),
            extra_line_keys=("cluster__industry_id", "cluster__is_published"),
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
            # Every cluster gets a row, zero when it has no lines.
            from_sql=f"{cluster} c LEFT JOIN {cluster_year} t ON t.cluster_id = c.id",
            where_sql="",
            lines_key_exprs=("c.id",),
            lines_scope_exprs=("c.id",),
            lines_from_sql=f"{cluster} c LEFT JOIN {line} fl ON fl.cluster_id = c.id",
            lines_where_sql="",
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
            rollup_of=None,
            key_exprs=("fl.region_id", "fl.fiscal_year"),
            scope_exprs=("fl.region_id", "fl.fiscal_year"),
            from_sql=public_lines,
            where_sql=PUBLIC_SQL,
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
            rollup_of="cluster_year",
            key_exprs=("t.industry_id", "t.fiscal_year"),
            scope_exprs=("t.industry_id", "t.fiscal_year"),
            from_sql=f"{cluster_year} t",
            # t.is_published: the cluster's publication, copied into its rows (gate, anonymous).
            where_sql=f"{gate.PUBLIC_CLUSTER_SQL('t')} AND t.industry_id IS NOT NULL",
            lines_key_exprs=("c.industry_id", "fl.fiscal_year"),
            lines_scope_exprs=("c.industry_id", "fl.fiscal_year"),
            lines_from_sql=f"{line} fl JOIN {cluster} c ON c.id = fl.cluster_id",
            lines_where_sql=f"{gate.PUBLIC_CLUSTER_SQL('c')} AND c.industry_id IS NOT NULL",
        ),
    ]


KINDS = _kinds()
KIND_BY_NAME = {kind.name: kind for kind in KINDS}


# --- SQL ------------------------------------------------------------------------------------


def _values_sql(rollup: bool) -> list[str]:
    """The value columns (VALUE_FIELDS order) summed from lines `fl` or from totals rows `t`."""
    vendor = connection.vendor
    if rollup:
        return [
            *(f"COALESCE(SUM(t.{s}_rub), 0)" for s in SOURCES),
            "COALESCE(SUM(t.total_rub), 0)",
            *(combine_sql(f"t.{s}_qualifier", vendor=vendor) for s in SOURCES),
            combine_sql("t.qualifier", vendor=vendor),
            "COALESCE(SUM(t.line_count), 0)",
        ]
    return [
        *(
            f"COALESCE(SUM(CASE WHEN fl.funding_source = '{s.value}' THEN fl.amount_rub END), 0)"
            for s in SOURCES
        ),
        "COALESCE(SUM(fl.amount_rub), 0)",
        *(
            combine_sql("fl.qualifier", vendor=vendor, where=f"fl.funding_source = '{s.value}'")
            for s in SOURCES
        ),
        combine_sql("fl.qualifier", vendor=vendor),
        "COUNT(fl.id)",
    ]


def _aggregate_select_sql(kind: TotalKind, scope_where: str, *, from_lines: bool = False) -> str:
    """`SELECT key..., extra..., values... GROUP BY key`: one row per total, in row_columns order.

    `from_lines`: straight from the lines even for a roll-up (the stale path's comparison).
    """
    if from_lines:
        key_exprs, from_sql = kind.lines_key_exprs, kind.lines_from_sql
        where_sql = kind.lines_where_sql
        rollup = False
    else:
        key_exprs, from_sql, where_sql = kind.key_exprs, kind.from_sql, kind.where_sql
        rollup = kind.rollup_of is not None
    columns = [*key_exprs, *kind.extra_exprs, *_values_sql(rollup)]
    where = " AND ".join(f"({w})" for w in (where_sql, scope_where) if w)
    aliased = ", ".join(f"{column} AS c{i}" for i, column in enumerate(columns))
    group = ", ".join((*key_exprs, *kind.extra_exprs))
    return f"SELECT {aliased} FROM {from_sql}{' WHERE ' + where if where else ''} GROUP BY {group}"


def _scope_where(keys: list[Any], exprs: tuple[str, ...]) -> tuple[str, list]:
    """A WHERE clause matching exactly `keys` (NULL years included) and its parameters.

    `exprs` is one expression (the key is a cluster id or a year) or two (an id and a year).
    """
    if len(exprs) == 1:
        values = [k for k in keys if k is not None]
        parts, params = [], []
        if values:
            parts.append(f"{exprs[0]} IN ({', '.join(['%s'] * len(values))})")
            params += values
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
    """Take this transaction's advisory locks for `keys` (None: the whole table). PostgreSQL only.

    A scoped recompute also tells the planner, for this transaction only, that its queries
    are small: index lookups rather than a hash of the whole clusters table, no parallel
    workers (both cost more than the few thousand rows a scope reads).
    """
    if connection.vendor != "postgresql":
        return
    table_key = TABLE_LOCK_BASE + kind.lock_namespace
    with connection.cursor() as cursor:
        if keys is None:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [table_key])
            return
        # Sorted, so that two recomputes over overlapping scopes cannot deadlock.
        ids = sorted({_scope_lock_id(k) for k in keys})
        cursor.execute(
            "SELECT set_config('enable_hashjoin', 'off', true),"
            " set_config('enable_mergejoin', 'off', true),"
            " set_config('max_parallel_workers_per_gather', '0', true),"
            " pg_advisory_xact_lock_shared(%s),"
            " (SELECT count(pg_advisory_xact_lock(%s, k)) FROM unnest(%s::integer[]) AS k)",
            [table_key, kind.lock_namespace, ids],
        )


def _chunks(keys: Iterable[Any]) -> Iterator[list[Any]]:
    items = list(keys)
    for start in range(0, len(items), CHUNK):
        yield items[start : start + CHUNK]


def _recompute_kind_all(kind: TotalKind, now: datetime) -> int:
    """Bring a whole table to what the lines give; returns rows written or deleted.

    PostgreSQL, table already filled: one read-only, set-based statement joins the
    aggregate with the table (a hash FULL JOIN on the key, the «год не указан» bucket as -1)
    and returns the scopes whose rows differ, are stale, are missing or should vanish; only
    those are then recomputed like any scoped recompute, under their own per-scope locks
    and from a fresh read. No table lock is held, so scoped recomputes never wait for a full
    one, and on a healthy database nothing is written (every `computed_at` stays).
    An empty table (first fill), and SQLite: DELETE, one INSERT ... SELECT, under the
    table's exclusive lock.
    """
    if connection.vendor == "postgresql" and kind.model.objects.exists():
        with connection.cursor() as cursor:
            cursor.execute(_full_diff_sql(kind))
            width = len(kind.scope_columns)
            keys = {row[0] if width == 1 else tuple(row) for row in cursor.fetchall()}
        return sum(_recompute_kind(kind, chunk, now) for chunk in _chunks(keys))
    stamp = connection.ops.adapt_datetimefield_value(now)
    columns = [*kind.row_columns, "computed_at", "is_stale"]
    with transaction.atomic():
        _lock(kind, None)  # before reading, in the writing transaction
        with connection.cursor() as cursor:
            cursor.execute(f"DELETE FROM {kind.table}")
            cursor.execute(
                f"INSERT INTO {kind.table} ({', '.join(columns)}) "
                f"SELECT agg.*, %s, %s FROM ({_aggregate_select_sql(kind, '')}) agg",
                [stamp, False],
            )
            written = cursor.rowcount
            if connection.vendor == "postgresql" and written > 1000:
                cursor.execute(f"ANALYZE {kind.table}")  # fresh statistics for scoped plans
            return written


def _full_diff_sql(kind: TotalKind) -> str:
    """The scope keys of every row that is not what the lines give (read-only)."""
    width = len(kind.key_columns)
    names = kind.row_columns
    agg_cols = [f"c{i}" for i in range(len(names))]
    pk = kind.model._meta.pk.column
    on_parts = []
    for i, column in enumerate(kind.key_columns):
        if column == "fiscal_year":  # the «год не указан» bucket: NULL, matched as -1
            on_parts.append(f"COALESCE(t.{column}, -1) = COALESCE(agg.{agg_cols[i]}, -1)")
        else:
            on_parts.append(f"t.{column} = agg.{agg_cols[i]}")
    present = f"agg.{agg_cols[-1]}"  # line_count: never NULL on the aggregate's side
    stored_values = ", ".join(f"t.{col}" for col in names[width:])
    new_values = ", ".join(f"agg.{c}" for c in agg_cols[width:])
    scope = ", ".join(
        f"COALESCE(agg.{agg_cols[i]}, t.{col})" for i, col in enumerate(kind.scope_columns)
    )
    return (
        f"SELECT DISTINCT {scope} FROM ({_aggregate_select_sql(kind, '')}) agg "
        f"FULL JOIN {kind.table} t ON {' AND '.join(on_parts)} "
        f"WHERE t.{pk} IS NULL OR {present} IS NULL OR t.is_stale "
        f"OR ({stored_values}) IS DISTINCT FROM ({new_values})"
    )


def _normalise(row: Iterable[Any], kind: TotalKind) -> tuple[Any, ...]:
    """A row as comparable values: money as Decimal cents (SQLite returns floats), bools."""
    out = []
    for name, value in zip(kind.row_columns, row, strict=True):
        if name.endswith("_rub"):
            value = Decimal(str(value or 0)).quantize(CENT)
        elif name == "is_published":
            value = bool(value)
        elif name == "line_count":
            value = int(value or 0)
        out.append(value)
    return tuple(out)


def _computed_rows(
    kind: TotalKind, keys: list[Any], *, from_lines: bool = False
) -> dict[tuple[Any, ...], tuple[Any, ...]]:
    """What the rows of `keys` should hold: {row key: row_columns values}."""
    exprs = kind.lines_scope_exprs if from_lines else kind.scope_exprs
    where, params = _scope_where(keys, exprs)
    width = len(kind.key_columns)
    with connection.cursor() as cursor:
        cursor.execute(_aggregate_select_sql(kind, where, from_lines=from_lines), params)
        rows = [_normalise(row, kind) for row in cursor.fetchall()]
    return {row[:width]: row for row in rows}


def _stored_rows(kind: TotalKind, keys: list[Any]) -> dict[tuple[Any, ...], tuple[Any, Any, bool]]:
    """The rows of `keys` as stored: {row key: (pk, row_columns values, is_stale)}."""
    where, params = _scope_where(keys, kind.scope_columns)
    pk = kind.model._meta.pk.column
    width = len(kind.key_columns)
    columns = ", ".join(kind.row_columns)
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {pk}, {columns}, is_stale FROM {kind.table} WHERE {where}", params)
        rows = cursor.fetchall()
    stored = {}
    for row in rows:
        values = _normalise(row[1:-1], kind)
        stored[values[:width]] = (row[0], values, bool(row[-1]))
    return stored


def _recompute_kind(kind: TotalKind, keys: list[Any], now: datetime) -> int:
    """Bring the rows of `keys` to what the lines give; returns the rows written or deleted.

    Only rows whose values change (or that are flagged stale) are written, so a recompute
    that changes nothing leaves `computed_at` alone: editing a draft's line rewrites no
    public total, not even its time stamp.
    """
    with transaction.atomic():
        _lock(kind, keys)  # before reading, in the writing transaction
        computed = _computed_rows(kind, keys)
        stored = _stored_rows(kind, keys)
        width = len(kind.key_columns)
        deletes = [pk for key, (pk, _v, _s) in stored.items() if key not in computed]
        updates = []
        inserts = []
        for key, values in computed.items():
            if key not in stored:
                inserts.append(values)
            else:
                pk, old, is_stale = stored[key]
                if old != values or is_stale:
                    updates.append((*values[width:], pk))
        stamp = connection.ops.adapt_datetimefield_value(now)
        pk_column = kind.model._meta.pk.column
        with connection.cursor() as cursor:
            if deletes:
                marks = ", ".join(["%s"] * len(deletes))
                cursor.execute(f"DELETE FROM {kind.table} WHERE {pk_column} IN ({marks})", deletes)
            if updates:
                sets = ", ".join(f"{c} = %s" for c in kind.row_columns[width:])
                cursor.executemany(
                    f"UPDATE {kind.table} SET {sets}, computed_at = %s, is_stale = %s "
                    f"WHERE {pk_column} = %s",
                    [(*u[:-1], stamp, False, u[-1]) for u in updates],
                )
            if inserts:
                columns = [*kind.row_columns, "computed_at", "is_stale"]
                marks = ", ".join(["%s"] * len(columns))
                cursor.executemany(
                    f"INSERT INTO {kind.table} ({', '.join(columns)}) VALUES ({marks})",
                    [(*row, stamp, False) for row in inserts],
                )
        return len(deletes) + len(updates) + len(inserts)
