"""Totals SQL and locks: how each totals table is computed from the lines, and who may write it.

A total is always recomputed from the funding lines themselves, never incremented: each row
is what a `SELECT ... GROUP BY` over its lines gives — directly for the parts (cluster×year
rows), or summed from parts that were themselves computed so (roll-ups: a cluster from its
cluster×year rows; region×industry from published cluster×year rows; a region from its
region×industry rows and its region-level lines; district and national from region rows;
industry from region×industry rows). The qualifier of every sum is the one rule of
common/qualifiers.py. An edit's scopes therefore read a cluster's few lines and a few
dozen stored rows per table, never a year's lines.

On PostgreSQL the writing transaction first takes a per-scope advisory lock
(`pg_advisory_xact_lock`) for every scope it will write, in one statement and in one global
order (KINDS order, sorted ids), and only then reads, so two recomputes of the same scope
never interleave and cannot deadlock: the one that writes last has also read last, after
every edit that scheduled it had committed; a roll-up reads its parts after the recompute
that last wrote them committed (it held their locks) or in its own transaction. SQLite
serialises writers by itself. Only rows whose values change are written.
"""

from __future__ import annotations

import zlib
from collections import defaultdict
from collections.abc import Iterable, Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from typing import Any

from django.db import connection, connections, transaction
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
    RegionIndustryFundingTotal,
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


def _values_sql(rollup: bool) -> list[str]:
    """The value columns (VALUE_FIELDS order) summed from lines `fl` or from totals rows `t`.

    Unknown is not zero: a budget part no line feeds is NULL, amount and qualifier (SUM over
    no value is NULL; roll-ups add only the parts that are known), and so are the total and
    its qualifier when no line feeds the scope at all.
    """
    vendor = connection.vendor
    if rollup:
        return [
            *(f"SUM(t.{s}_rub)" for s in SOURCES),
            "SUM(t.total_rub)",
            *(
                f"CASE WHEN COUNT(t.{s}_rub) = 0 THEN NULL"
                f" ELSE {combine_sql(f't.{s}_qualifier', vendor=vendor)} END"
                for s in SOURCES
            ),
            f"CASE WHEN COUNT(t.total_rub) = 0 THEN NULL"
            f" ELSE {combine_sql('t.qualifier', vendor=vendor)} END",
            "COALESCE(SUM(t.line_count), 0)",
        ]
    of_source = {s: f"fl.funding_source = '{s.value}'" for s in SOURCES}
    return [
        *(f"SUM(CASE WHEN {of_source[s]} THEN fl.amount_rub END)" for s in SOURCES),
        "SUM(fl.amount_rub)",
        *(
            f"CASE WHEN COUNT(CASE WHEN {of_source[s]} THEN 1 END) = 0 THEN NULL"
            f" ELSE {combine_sql('fl.qualifier', vendor=vendor, where=of_source[s])} END"
            for s in SOURCES
        ),
        f"CASE WHEN COUNT(fl.id) = 0 THEN NULL ELSE {combine_sql('fl.qualifier', vendor=vendor)} END",
        "COUNT(fl.id)",
    ]


def _line_values_sql() -> str:
    """The value columns summed from lines `fl`, named as the totals columns (VALUE_FIELDS)."""
    return ", ".join(
        f"{expr} AS {name}" for expr, name in zip(_values_sql(False), VALUE_FIELDS, strict=True)
    )


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
            from_sql=region_parts.replace("{lines}", _line_values_sql()),
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


# --- SQL ------------------------------------------------------------------------------------


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
    """A WHERE clause matching exactly `keys` (NULL years and industries included) and its
    parameters.

    `exprs` is one expression (the key is a cluster id or a year) or several (an id, then
    the rest of the key: a year; an industry and a year). Keys sharing the rest of the key
    become one `IN` list of ids.
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
    by_rest: dict[tuple[Any, ...], list[int]] = defaultdict(list)
    for scope_id, *rest in keys:
        by_rest[tuple(rest)].append(scope_id)
    parts, params = [], []
    for rest, ids in by_rest.items():
        conditions = []
        for expr, value in zip(exprs[1:], rest, strict=True):
            if value is None:
                conditions.append(f"{expr} IS NULL")
            else:
                conditions.append(f"{expr} = %s")
                params.append(value)
        conditions.append(f"{exprs[0]} IN ({', '.join(['%s'] * len(ids))})")
        params += ids
        parts.append(f"({' AND '.join(conditions)})")
    return " OR ".join(parts), params


def _scope_lock_id(key: Any) -> int:
    """A stable int4 for a scope key; collisions only serialise two unrelated scopes."""
    text = repr(tuple(key) if isinstance(key, tuple | list) else (key,))
    return zlib.crc32(text.encode()) - 2**31


def _lock(kind: TotalKind, keys: list[Any] | None) -> None:
    """Take this transaction's advisory locks for `keys` (None: the whole table). PostgreSQL only."""
    if keys is not None:
        _lock_scopes([(kind, keys)])
    elif connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT pg_advisory_xact_lock(%s)", [TABLE_LOCK_BASE + kind.lock_namespace]
            )


def _lock_scopes(parts: list[tuple[TotalKind, list[Any]]]) -> None:
    """Take this transaction's advisory locks for the scopes of several tables, in one
    statement. PostgreSQL only.

    Per table, in the order given (every caller passes KINDS order): its table lock shared
    (a first fill holds it exclusively), then one lock per scope, sorted — so that two
    recomputes over overlapping scopes always lock in the same order and cannot deadlock.
    A scoped recompute also tells the planner, for this transaction only, that its queries
    are small: index lookups rather than a hash of the whole clusters table, no parallel
    workers (both cost more than the few dozen rows a scope reads).
    """
    if connection.vendor != "postgresql":
        return
    tables: list[int | None] = []
    namespaces: list[int | None] = []
    ids: list[int | None] = []
    for kind, keys in parts:
        tables.append(TABLE_LOCK_BASE + kind.lock_namespace)
        namespaces.append(None)
        ids.append(None)
        for lock_id in sorted({_scope_lock_id(k) for k in keys}):
            tables.append(None)
            namespaces.append(kind.lock_namespace)
            ids.append(lock_id)
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT set_config('enable_hashjoin', 'off', true),"
            " set_config('enable_mergejoin', 'off', true),"
            " set_config('max_parallel_workers_per_gather', '0', true),"
            " (SELECT count(CASE WHEN u.t IS NOT NULL THEN pg_advisory_xact_lock_shared(u.t)"
            " ELSE pg_advisory_xact_lock(u.n, u.k) END)"
            " FROM unnest(%s::bigint[], %s::integer[], %s::integer[]) AS u(t, n, k))",
            [tables, namespaces, ids],
        )


def _chunks(keys: Iterable[Any]) -> Iterator[list[Any]]:
    items = list(keys)
    for start in range(0, len(items), CHUNK):
        yield items[start : start + CHUNK]


# The full check's statements read every line once and hash hundreds of thousands of rows:
# JIT compilation costs them more than it saves, and the default work_mem spills the hashes.
FULL_CHECK_SETTINGS = {"jit": "off", "work_mem": "64MB"}


def _recompute_kind_all(kind: TotalKind, now: datetime) -> int:
    """Bring a whole table to what the lines give; returns rows written or deleted.

    PostgreSQL, table already filled: one read-only, set-based statement joins the
    aggregate with the table (`_full_check_sql`) and returns the scopes whose rows differ,
    are stale or are missing, and how many stored rows it matched; only if that is fewer
    than the table holds (rows that should vanish) does a second statement look for those
    (`_full_diff_sql`). Only the scopes found are then recomputed like any scoped
    recompute, under their own per-scope locks and from a fresh read. No table lock is
    held, so scoped recomputes never wait for a full one, and on a healthy database
    nothing is written (every `computed_at` stays).
    An empty table (first fill), and SQLite: DELETE, one INSERT ... SELECT, under the
    table's exclusive lock.
    """
    if connection.vendor == "postgresql" and kind.model.objects.exists():
        return _rewrite(kind, _wrong_scopes(kind), now)
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


def _rewrite(kind: TotalKind, keys: Iterable[Any], now: datetime) -> int:
    """Recompute `keys` of one table like any scoped recompute, chunk by chunk."""
    return sum(_recompute_kind(kind, chunk, now) for chunk in _chunks(keys))


def _wrong_scopes(kind: TotalKind) -> set[Any]:
    """Read-only (PostgreSQL): the scopes of every row of a filled table that is not what
    its parts give — wrong, stale, missing or (`_full_diff_sql`, only when the check
    matched fewer rows than the table holds) to vanish."""
    width = len(kind.scope_columns)
    with transaction.atomic(), connection.cursor() as cursor:
        for name, value in FULL_CHECK_SETTINGS.items():
            cursor.execute("SELECT set_config(%s, %s, true)", [name, value])
        cursor.execute(_full_check_sql(kind))
        rows = cursor.fetchall()
        keys = {row[1] if width == 1 else tuple(row[1:-1]) for row in rows if row[0]}
        cursor.execute(f"SELECT count(*) FROM {kind.table}")
        if sum(row[-1] for row in rows) != cursor.fetchone()[0]:
            cursor.execute(_full_diff_sql(kind))
            keys |= {row[0] if width == 1 else tuple(row) for row in cursor.fetchall()}
    return keys


def _wrong_scopes_in_thread(kind: TotalKind) -> set[Any]:
    """`_wrong_scopes` on a connection of its own (a thread's), closed afterwards."""
    try:
        return _wrong_scopes(kind)
    finally:
        connections.close_all()


def _published_parts(cluster_ids: Iterable[int]) -> set[Any]:
    """The region×industry scopes the stored cluster×year rows of `cluster_ids` count in."""
    parts: set[Any] = set()
    for chunk in _chunks(cluster_ids):
        parts |= set(
            # The public rule of the gate (its anonymous view) on the copied `is_published`.
            ClusterYearFundingTotal.objects.filter(
                gate.cluster_visible_q(None), cluster_id__in=chunk
            )
            .order_by()
            .values_list("region_id", "industry_id", "fiscal_year")
            .distinct()
        )
    return parts


def _recompute_all(now: datetime) -> dict[str, int]:
    """Bring every table to what the lines give; rows written or deleted per table.

    Each table as `_recompute_kind_all`, in KINDS order, except that on PostgreSQL (filled
    tables, outside any transaction) the two checks that read the most run side by side,
    on two connections — the lines against cluster×year rows in a thread, the cluster and
    region×industry rows against the stored cluster×year rows here — as a parallel plan
    would, since PostgreSQL does not parallelise these joins by itself. Checking a roll-up
    against parts that may yet be corrected is made safe by also rewriting the roll-ups of
    every cluster whose parts were corrected (its total, and the region×industry rows its
    parts counted in before and count in after).
    """
    first = [KIND_BY_NAME[name] for name in ("cluster_year", "cluster", "region_industry")]
    side_by_side = (
        connection.vendor == "postgresql"
        and not connection.in_atomic_block  # another connection could not see its writes
        and all(kind.model.objects.exists() for kind in first)
    )
    if not side_by_side:
        return {kind.name: _recompute_kind_all(kind, now) for kind in KINDS}
    cluster_year, cluster, region_industry = first
    with ThreadPoolExecutor(max_workers=1) as pool:
        parts_check = pool.submit(_wrong_scopes_in_thread, cluster_year)
        clusters = _wrong_scopes(cluster)
        region_parts = _wrong_scopes(region_industry)
        corrected = parts_check.result()
    region_parts |= _published_parts(corrected)
    rows = {cluster_year.name: _rewrite(cluster_year, corrected, now)}
    region_parts |= _published_parts(corrected)
    rows[cluster.name] = _rewrite(cluster, clusters | corrected, now)
    rows[region_industry.name] = _rewrite(region_industry, region_parts, now)
    for kind in KINDS:
        if kind not in first:
            rows[kind.name] = _recompute_kind_all(kind, now)
    return rows


def _key_match_sql(kind: TotalKind, agg_cols: list[str]) -> str:
    """The join condition of a stored row `t` and an aggregate row `agg` on the row key.

    A nullable key column (the «год не указан» bucket, an unknown industry) is matched as
    -1, so that the join stays a hash join.
    """
    parts = []
    for i, column in enumerate(kind.key_columns):
        if kind.model._meta.get_field(column).null:
            parts.append(f"COALESCE(t.{column}, -1) = COALESCE(agg.{agg_cols[i]}, -1)")
        else:
            parts.append(f"t.{column} = agg.{agg_cols[i]}")
    return " AND ".join(parts)


def _full_check_sql(kind: TotalKind) -> str:
    """Read-only: (wrong, scope key..., stored rows matched) grouped by the wrong scopes.

    A LEFT JOIN of the aggregate with the table (PostgreSQL runs it in parallel, a FULL
    JOIN it cannot): one row (false, NULL...) counting every stored row that is right,
    and one per scope with a row that is wrong, stale or missing.
    """
    width = len(kind.key_columns)
    names = kind.row_columns
    agg_cols = [f"c{i}" for i in range(len(names))]
    pk = kind.model._meta.pk.column
    stored_values = ", ".join(f"t.{col}" for col in names[width:])
    new_values = ", ".join(f"agg.{c}" for c in agg_cols[width:])
    wrong = f"(t.{pk} IS NULL OR t.is_stale OR ({stored_values}) IS DISTINCT FROM ({new_values}))"
    scope = [
        f"CASE WHEN {wrong} THEN agg.{agg_cols[kind.key_columns.index(col)]} END"
        for col in kind.scope_columns
    ]
    groups = ", ".join(str(i) for i in range(1, len(scope) + 2))
    return (
        f"SELECT {wrong}, {', '.join(scope)}, count(t.{pk}) "
        f"FROM ({_aggregate_select_sql(kind, '')}) agg "
        f"LEFT JOIN {kind.table} t ON {_key_match_sql(kind, agg_cols)} GROUP BY {groups}"
    )


def _full_diff_sql(kind: TotalKind) -> str:
    """The scope keys of every row that is not what the lines give (read-only)."""
    width = len(kind.key_columns)
    names = kind.row_columns
    agg_cols = [f"c{i}" for i in range(len(names))]
    pk = kind.model._meta.pk.column
    present = f"agg.{agg_cols[-1]}"  # line_count: never NULL on the aggregate's side
    stored_values = ", ".join(f"t.{col}" for col in names[width:])
    new_values = ", ".join(f"agg.{c}" for c in agg_cols[width:])
    scope = ", ".join(
        f"COALESCE(agg.{agg_cols[i]}, t.{col})" for i, col in enumerate(kind.scope_columns)
    )
    return (
        f"SELECT DISTINCT {scope} FROM ({_aggregate_select_sql(kind, '')}) agg "
        f"FULL JOIN {kind.table} t ON {_key_match_sql(kind, agg_cols)} "
        f"WHERE t.{pk} IS NULL OR {present} IS NULL OR t.is_stale "
        f"OR ({stored_values}) IS DISTINCT FROM ({new_values})"
    )


def _normalise(row: Iterable[Any], kind: TotalKind) -> tuple[Any, ...]:
    """A row as comparable values: money as Decimal cents (SQLite returns floats), bools."""
    out = []
    for name, value in zip(kind.row_columns, row, strict=True):
        if name.endswith("_rub"):
            value = None if value is None else Decimal(str(value)).quantize(CENT)
        elif name == "is_published":
            value = bool(value)
        elif name == "line_count":
            value = int(value or 0)
        out.append(value)
    return tuple(out)


def _computed_and_stored(
    kind: TotalKind, keys: list[Any], *, from_lines: bool = False
) -> tuple[dict[tuple[Any, ...], tuple[Any, ...]], dict[tuple[Any, ...], tuple[Any, Any, bool]]]:
    """What the rows of `keys` should hold, and what they hold, in one query (one round trip).

    Returns ({row key: row_columns values}, {row key: (pk, row_columns values, is_stale)}).
    `from_lines`: straight from the lines even for a roll-up (the stale path's comparison).
    """
    exprs = kind.lines_scope_exprs if from_lines else kind.scope_exprs
    where, params = _scope_where(keys, exprs)
    stored_where, stored_params = _scope_where(keys, kind.scope_columns)
    aggregate = _aggregate_select_sql(kind, where, from_lines=from_lines)
    names = ", ".join(f"a.c{i}" for i in range(len(kind.row_columns)))
    pk = kind.model._meta.pk.column
    width = len(kind.key_columns)
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT 0, NULL, {names}, NULL FROM ({aggregate}) a UNION ALL "
            f"SELECT 1, {pk}, {', '.join(kind.row_columns)}, is_stale FROM {kind.table} "
            f"WHERE {stored_where}",
            [*params, *stored_params],
        )
        rows = cursor.fetchall()
    computed, stored = {}, {}
    for row in rows:
        values = _normalise(row[2:-1], kind)
        if row[0] == 0:
            computed[values[:width]] = values
        else:
            stored[values[:width]] = (row[1], values, bool(row[-1]))
    return computed, stored


def _recompute_kind(kind: TotalKind, keys: list[Any], now: datetime) -> int:
    """Bring the rows of `keys` to what the lines give, in a transaction of its own that
    takes their locks first; returns the rows written or deleted."""
    with transaction.atomic():
        _lock(kind, keys)  # before reading, in the writing transaction
        return _write_kind(kind, keys, now)


def _recompute_scopes(parts: list[tuple[TotalKind, list[Any]]], now: datetime) -> dict[str, int]:
    """Bring the rows of several tables' scopes (in KINDS order) to what the lines give, in
    ONE transaction that takes every lock first (one statement); rows written per table.

    A roll-up reads its parts as this transaction just wrote them, and the parts of other
    scopes as last committed by recomputes that held their locks — so the last recompute
    of a scope still reads last (see the module docstring).
    """
    with transaction.atomic():
        _lock_scopes(parts)
        return {kind.name: _write_kind(kind, keys, now) for kind, keys in parts}


def _write_kind(kind: TotalKind, keys: list[Any], now: datetime) -> int:
    """Write the rows of `keys` that differ from what the lines give (caller holds the locks).

    Only rows whose values change (or that are flagged stale) are written, so a recompute
    that changes nothing leaves `computed_at` alone: editing a draft's line rewrites no
    public total, not even its time stamp.
    """
    computed, stored = _computed_and_stored(kind, keys)
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
