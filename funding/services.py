"""Funding totals: recompute them from the lines, check them, flag them stale, schedule them.

Every function here is the only writer of the totals tables (`*FundingTotal`). A total is
always recomputed from the funding lines themselves, never incremented:

* one `DELETE` + one `INSERT ... SELECT ... GROUP BY` per totals table (and per chunk of
  scopes), so the work is done by the database whatever the number of lines;
* on PostgreSQL each such pair runs in a transaction that first takes a per-scope advisory
  lock (`pg_advisory_xact_lock`), and only then reads the lines, so two recomputes of the
  same scope never interleave: the one that writes last has also read last, after every
  edit that scheduled it had committed. A full recompute takes a table-wide exclusive lock
  that per-scope recomputes share. SQLite serialises writers by itself.
"""

from __future__ import annotations

import logging
import time
import zlib
from collections import defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal
from typing import Any

from django.db import connection, transaction
from django.db.models import Case, Count, IntegerField, Max, Q, Sum, Value, When
from django.utils import timezone

from clusters.choices import Qualifier
from clusters.models import Cluster
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
from funding.scopes import Scopes, scopes_of_lines

logger = logging.getLogger(__name__)

# Weakness order of qualifiers: a total is as exact as its least exact line.
RANK = {Qualifier.EXACT: 0, Qualifier.AT_LEAST: 1, Qualifier.APPROXIMATELY: 2}
QUALIFIER_BY_RANK = {rank: qualifier for qualifier, rank in RANK.items()}
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
            # A cluster whose industry is not known («не указано») counts in no industry.
            where_sql=f"c.industry_id IS NOT NULL AND {PUBLIC_SQL}",
            lock_namespace=4,
            line_keys=("cluster__industry_id", "fiscal_year"),
            line_filter=Q(cluster__is_published=True, cluster__industry__isnull=False),
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


def _rank_sql(column: str = "fl.qualifier") -> str:
    return (
        f"CASE {column} WHEN '{Qualifier.APPROXIMATELY.value}' THEN 2 "
        f"WHEN '{Qualifier.AT_LEAST.value}' THEN 1 ELSE 0 END"
    )


def _qualifier_sql(rank_expr: str) -> str:
    return (
        f"CASE {rank_expr} WHEN 2 THEN '{Qualifier.APPROXIMATELY.value}' "
        f"WHEN 1 THEN '{Qualifier.AT_LEAST.value}' ELSE '{Qualifier.EXACT.value}' END"
    )


def _aggregate_select_sql(kind: TotalKind, scope_where: str) -> str:
    """`SELECT key..., values... FROM lines GROUP BY key`: one row per scope, in the table's order."""
    sums = [
        f"COALESCE(SUM(CASE WHEN fl.funding_source = '{s.value}' THEN fl.amount_rub END), 0)"
        for s in SOURCES
    ]
    qualifiers = [
        _qualifier_sql(f"MAX(CASE WHEN fl.funding_source = '{s.value}' THEN {_rank_sql()} END)")
        for s in SOURCES
    ]
    columns = [
        *kind.key_exprs,
        *sums,
        "COALESCE(SUM(fl.amount_rub), 0)",
        *qualifiers,
        _qualifier_sql(f"MAX({_rank_sql()})"),
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


# --- recompute ------------------------------------------------------------------------------


@dataclass
class RecomputeReport:
    """What a recompute wrote: rows per totals table, and how long it took."""

    rows: dict[str, int] = field(default_factory=dict)
    seconds: float = 0.0

    def __str__(self) -> str:
        parts = ", ".join(f"{name}: {count}" for name, count in self.rows.items())
        return f"{parts} ({self.seconds:.2f} с)"


def funding_totals_recompute(*, scopes: Scopes, now: datetime | None = None) -> RecomputeReport:
    """Recompute exactly the given scopes from the lines.

    Effect: for each totals table, deletes the rows of the given scopes and inserts them anew
    (computed_at = now, is_stale = False); a scope that no longer has lines keeps no row,
    except a cluster, which always has one (zero when it has no lines). One transaction per
    table and chunk of scopes, each holding the scopes' advisory locks on PostgreSQL.
    """
    now = now or timezone.now()
    started = time.monotonic()
    report = RecomputeReport()
    for kind in KINDS:
        keys = kind.keys_of(scopes)
        if not keys:
            continue
        report.rows[kind.name] = sum(_recompute_kind(kind, chunk, now) for chunk in _chunks(keys))
    report.seconds = time.monotonic() - started
    logger.info("funding totals recomputed for %d scopes: %s", len(scopes), report)
    return report


def funding_totals_recompute_all(*, now: datetime | None = None) -> RecomputeReport:
    """Recompute every total of every table from the lines.

    Effect: each totals table is emptied and refilled by one INSERT ... SELECT, in its own
    transaction holding that table's exclusive advisory lock (PostgreSQL), so no per-scope
    recompute runs inside it. Clears every stale flag and removes rows of vanished scopes.
    """
    now = now or timezone.now()
    started = time.monotonic()
    report = RecomputeReport()
    for kind in KINDS:
        report.rows[kind.name] = _recompute_kind(kind, None, now)
    report.seconds = time.monotonic() - started
    logger.info("funding totals recomputed in full: %s", report)
    return report


def funding_totals_recompute_for_clusters(
    *, cluster_ids: Iterable[int], now: datetime | None = None
) -> RecomputeReport:
    """Recompute the given clusters' totals and every region/district/industry/national total
    their lines count in. Effect as `funding_totals_recompute`."""
    cluster_ids = set(cluster_ids)
    scopes = scopes_of_lines(FundingLine.objects.filter(cluster_id__in=cluster_ids))
    scopes.cluster_ids |= cluster_ids
    return funding_totals_recompute(scopes=scopes, now=now)


# --- stale flags ----------------------------------------------------------------------------


def _key_q(kind: TotalKind, key: Any, fields: tuple[str, ...]) -> Q:
    values = key if isinstance(key, tuple) else (key,)
    q = Q()
    for name, value in zip(fields, values, strict=True):
        q &= Q(**{f"{name}__isnull": True}) if value is None else Q(**{name: value})
    return q


def funding_totals_mark_stale(*, scopes: Scopes) -> int:
    """Flag the totals of `scopes` as stale, creating (zero, stale) rows where none exist.

    Used when a recompute could not be scheduled. Takes the same per-scope locks as a
    recompute, so a flag is never overwritten by a recompute that read the lines before the
    edit. Returns the number of rows flagged or created.
    """
    flagged = 0
    for kind in KINDS:
        keys = kind.keys_of(scopes)
        if kind.name == "cluster":
            keys = set(Cluster.objects.filter(pk__in=keys).values_list("pk", flat=True))
        if not keys:
            continue
        fields = kind.key_columns
        for chunk in _chunks(keys):
            with transaction.atomic():
                _lock(kind, chunk)
                q = Q()
                for key in chunk:
                    q |= _key_q(kind, key, fields)
                rows = kind.model.objects.filter(q)
                existing = {row if len(fields) > 1 else row[0] for row in rows.values_list(*fields)}
                flagged += rows.update(is_stale=True)
                missing = [k for k in chunk if k not in existing]
                kind.model.objects.bulk_create(
                    [
                        kind.model(
                            is_stale=True,
                            **dict(zip(fields, k if isinstance(k, tuple) else (k,), strict=True)),
                        )
                        for k in missing
                    ]
                )
                flagged += len(missing)
    logger.warning("funding totals flagged stale: %d rows", flagged)
    return flagged


# --- the invariant --------------------------------------------------------------------------


@dataclass(frozen=True)
class TotalDiscrepancy:
    """One stored total that does not equal what its lines give (or is flagged stale)."""

    kind: str
    key: tuple[Any, ...]
    problem: str  # "wrong", "missing", "extra" or "stale"
    stored: dict[str, Any] | None
    expected: dict[str, Any] | None

    def __str__(self) -> str:
        label = ", ".join("год не указан" if v is None else str(v) for v in self.key)
        text = f"{self.kind} [{label}]: {self.problem}"
        if self.problem == "wrong":
            diffs = [
                f"{name} {self.stored[name]} → {self.expected[name]}"
                for name in VALUE_FIELDS
                if self.stored[name] != self.expected[name]
            ]
            text += " (" + "; ".join(diffs) + ")"
        return text


def _rank_case() -> Case:
    return Case(
        When(qualifier=Qualifier.APPROXIMATELY, then=Value(2)),
        When(qualifier=Qualifier.AT_LEAST, then=Value(1)),
        default=Value(0),
        output_field=IntegerField(),
    )


def _expected_rows(kind: TotalKind) -> dict[tuple[Any, ...], dict[str, Any]]:
    """The kind's totals computed straight from the lines with the ORM (not the recompute SQL)."""
    annotations: dict[str, Any] = {}
    for s in SOURCES:
        annotations[f"{s}_rub"] = Sum("amount_rub", filter=Q(funding_source=s))
        annotations[f"{s}_rank"] = Max(_rank_case(), filter=Q(funding_source=s))
    annotations.update(total_rub=Sum("amount_rub"), rank=Max(_rank_case()), line_count=Count("id"))
    rows = (
        FundingLine.objects.filter(kind.line_filter)
        .order_by()
        .values(*kind.line_keys)
        .annotate(**annotations)
    )
    zero = Decimal(0)
    expected: dict[tuple[Any, ...], dict[str, Any]] = {}
    if kind.name == "cluster":  # every cluster has a row, zero without lines
        for pk in Cluster.objects.values_list("pk", flat=True):
            expected[(pk,)] = {name: zero for name in VALUE_FIELDS if name.endswith("_rub")}
            expected[(pk,)].update(
                {name: Qualifier.EXACT for name in VALUE_FIELDS if name.endswith("qualifier")},
                line_count=0,
            )
    for row in rows:
        key = tuple(row[name] for name in kind.line_keys)
        values = {f"{s}_rub": row[f"{s}_rub"] or zero for s in SOURCES}
        values["total_rub"] = row["total_rub"] or zero
        for s in SOURCES:
            values[f"{s}_qualifier"] = QUALIFIER_BY_RANK[row[f"{s}_rank"] or 0]
        values["qualifier"] = QUALIFIER_BY_RANK[row["rank"] or 0]
        values["line_count"] = row["line_count"]
        expected[key] = values
    return expected


def _stored_rows(kind: TotalKind) -> dict[tuple[Any, ...], dict[str, Any]]:
    fields = kind.key_columns
    return {
        tuple(row.pop(name) for name in fields): row
        for row in kind.model.objects.order_by().values(*fields, *VALUE_FIELDS, "is_stale")
    }


def funding_totals_check() -> list[TotalDiscrepancy]:
    """Compare every stored total with the sums computed straight from the lines.

    Read-only. Returns one discrepancy per row that is wrong, missing (a scope with lines
    but no row), extra (a row whose scope has no lines) or flagged stale; an empty list
    means the invariant holds.
    """
    problems: list[TotalDiscrepancy] = []
    for kind in KINDS:
        expected = _expected_rows(kind)
        stored = _stored_rows(kind)
        for key, values in expected.items():
            row = stored.pop(key, None)
            if row is None:
                problems.append(TotalDiscrepancy(kind.name, key, "missing", None, values))
                continue
            is_stale = row.pop("is_stale")
            if row != values:
                problems.append(TotalDiscrepancy(kind.name, key, "wrong", row, values))
            elif is_stale:
                problems.append(TotalDiscrepancy(kind.name, key, "stale", row, values))
        for key, row in stored.items():
            row.pop("is_stale")
            problems.append(TotalDiscrepancy(kind.name, key, "extra", row, None))
    return problems


@dataclass
class ReconcileReport:
    """What a reconcile found wrong before it recomputed everything."""

    discrepancies: list[TotalDiscrepancy]
    recompute: RecomputeReport

    @property
    def corrected(self) -> int:
        return len(self.discrepancies)


def funding_totals_reconcile(*, now: datetime | None = None) -> ReconcileReport:
    """Check every total, then recompute everything; returns what was wrong.

    Effect: as `funding_totals_recompute_all` (all rows rewritten, stale flags cleared).
    The check runs before the recompute without its locks, so an edit committed in between
    may be reported although the scheduled recompute would have fixed it anyway.
    """
    discrepancies = funding_totals_check()
    report = ReconcileReport(discrepancies, funding_totals_recompute_all(now=now))
    if discrepancies:
        logger.warning(
            "funding totals reconcile corrected %d rows: %s",
            len(discrepancies),
            "; ".join(str(d) for d in discrepancies[:20]),
        )
    return report


# --- scheduling -----------------------------------------------------------------------------


class _PendingRecompute:
    """The scopes touched in one transaction, enqueued as one task when it commits."""

    def __init__(self) -> None:
        self.scopes = Scopes()
        self.done = False

    def __call__(self) -> None:
        self.done = True
        funding_totals_enqueue(scopes=self.scopes)


def _pending_of_current_transaction() -> _PendingRecompute | None:
    pending = getattr(connection, "_funding_pending", None)
    if pending is None or pending.done or not connection.in_atomic_block:
        return None
    # A rolled-back savepoint drops its on-commit callbacks; then start a new batch.
    if not any(func is pending for _sids, func, _robust in connection.run_on_commit):
        return None
    return pending


def funding_totals_schedule(*, scopes: Scopes) -> None:
    """Schedule the recompute of `scopes` for when the current transaction commits.

    All scopes touched in one transaction are merged and enqueued as one task
    (`funding_totals_recompute_task`); outside a transaction it is enqueued at once.
    Nothing is enqueued if the transaction rolls back.
    """
    if not scopes:
        return
    pending = _pending_of_current_transaction()
    if pending is not None:
        pending.scopes.update(scopes)
        return
    pending = _PendingRecompute()
    pending.scopes.update(scopes)
    connection._funding_pending = pending
    transaction.on_commit(pending)


def funding_totals_enqueue(*, scopes: Scopes) -> bool:
    """Enqueue `funding_totals_recompute_task` for `scopes` now (in-process when eager).

    If the broker cannot take the message (down, refused, timed out) or the in-process
    recompute fails, the edit that caused it is already committed: the totals of `scopes`
    are flagged stale instead, the failure is logged, and False is returned. The periodic
    reconcile recomputes them.
    """
    from funding.tasks import funding_totals_recompute_task

    try:
        # No publish retries: the request that saved the line must not hang on a dead broker.
        funding_totals_recompute_task.apply_async(
            kwargs={"scopes": scopes.to_primitives()}, retry=False
        )
        return True
    except Exception:
        logger.exception(
            "funding totals: could not recompute %d scopes; flagging stale", len(scopes)
        )
    try:
        funding_totals_mark_stale(scopes=scopes)
    except Exception:
        logger.exception("funding totals: could not flag stale either; reconcile will fix")
    return False
