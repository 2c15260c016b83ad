"""The statements of a recompute: what the rows of some scopes should hold beside what they
hold (one round trip), the writes of the rows that differ, and the whole-table check.

Each kind's SELECT is compiled once per process (`_HEADS`, at import; `full_check_sql` and
`full_diff_sql` cached per kind and vendor); a recompute only adds its scopes' WHERE and
parameters.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from datetime import datetime
from decimal import Decimal
from functools import cache
from typing import Any

from django.db import connection

from funding.services.kinds import KIND_BY_NAME, KINDS, TotalKind
from funding.services.values import values_sql

CENT = Decimal("0.01")


def aggregate_select_sql(kind: TotalKind, scope_where: str, *, from_lines: bool = False) -> str:
    """`SELECT key..., extra..., values... GROUP BY key`: one row per total, in row_columns order.

    `from_lines`: straight from the lines even for a roll-up (the stale path's comparison).
    """
    select, where_sql, group = _HEADS[kind.name, from_lines]
    where = " AND ".join(f"({w})" for w in (where_sql, scope_where) if w)
    return f"{select}{' WHERE ' + where if where else ''} GROUP BY {group}"


def _aggregate_head(kind: TotalKind, from_lines: bool) -> tuple[str, str, str]:
    """A kind's SELECT ... FROM, its own WHERE and its GROUP BY."""
    if from_lines:
        key_exprs, from_sql = kind.lines_key_exprs, kind.lines_from_sql
        where_sql = kind.lines_where_sql
        rollup = False
    else:
        key_exprs, from_sql, where_sql = kind.key_exprs, kind.from_sql, kind.where_sql
        rollup = kind.rollup_of is not None
    columns = [*key_exprs, *kind.extra_exprs, *values_sql(rollup)]
    aliased = ", ".join(f"{column} AS c{i}" for i, column in enumerate(columns))
    group = ", ".join((*key_exprs, *kind.extra_exprs))
    return f"SELECT {aliased} FROM {from_sql}", where_sql, group


# Every kind's statement head, compiled once per process when the module is imported (as
# KINDS are, for this process's database): a recompute only adds its scopes' WHERE.
_HEADS = {
    (kind.name, lines): _aggregate_head(kind, lines) for kind in KINDS for lines in (False, True)
}


def scope_where(keys: list[Any], exprs: tuple[str, ...]) -> tuple[str, list]:
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


def full_check_sql(kind: TotalKind) -> str:
    return _full_check_sql(kind.name, connection.vendor)


@cache
def _full_check_sql(name: str, vendor: str) -> str:
    """Read-only: (wrong, scope key..., stored rows matched) grouped by the wrong scopes.

    A LEFT JOIN of the aggregate with the table (PostgreSQL runs it in parallel, a FULL
    JOIN it cannot): one row (false, NULL...) counting every stored row that is right,
    and one per scope with a row that is wrong, stale or missing.
    """
    kind = KIND_BY_NAME[name]
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
        f"FROM ({aggregate_select_sql(kind, '')}) agg "
        f"LEFT JOIN {kind.table} t ON {_key_match_sql(kind, agg_cols)} GROUP BY {groups}"
    )


def full_diff_sql(kind: TotalKind) -> str:
    return _full_diff_sql(kind.name, connection.vendor)


@cache
def _full_diff_sql(name: str, vendor: str) -> str:
    """The scope keys of every row that is not what the lines give (read-only)."""
    kind = KIND_BY_NAME[name]
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
        f"SELECT DISTINCT {scope} FROM ({aggregate_select_sql(kind, '')}) agg "
        f"FULL JOIN {kind.table} t ON {_key_match_sql(kind, agg_cols)} "
        f"WHERE t.{pk} IS NULL OR {present} IS NULL OR t.is_stale "
        f"OR ({stored_values}) IS DISTINCT FROM ({new_values})"
    )


def normalise(row: Iterable[Any], kind: TotalKind) -> tuple[Any, ...]:
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


def computed_and_stored(
    kind: TotalKind, keys: list[Any], *, from_lines: bool = False
) -> tuple[dict[tuple[Any, ...], tuple[Any, ...]], dict[tuple[Any, ...], tuple[Any, Any, bool]]]:
    """What the rows of `keys` should hold, and what they hold, in one query (one round trip).

    Returns ({row key: row_columns values}, {row key: (pk, row_columns values, is_stale)}).
    `from_lines`: straight from the lines even for a roll-up (the stale path's comparison).
    """
    exprs = kind.lines_scope_exprs if from_lines else kind.scope_exprs
    where, params = scope_where(keys, exprs)
    stored_where, stored_params = scope_where(keys, kind.scope_columns)
    aggregate = aggregate_select_sql(kind, where, from_lines=from_lines)
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
        values = normalise(row[2:-1], kind)
        if row[0] == 0:
            computed[values[:width]] = values
        else:
            stored[values[:width]] = (row[1], values, bool(row[-1]))
    return computed, stored


def write_kind(kind: TotalKind, keys: list[Any], now: datetime) -> int:
    """Write the rows of `keys` that differ from what the lines give (caller holds the locks).

    Only rows whose values change (or that are flagged stale) are written, so a recompute
    that changes nothing leaves `computed_at` alone: editing a draft's line rewrites no
    public total, not even its time stamp.
    """
    computed, stored = computed_and_stored(kind, keys)
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
