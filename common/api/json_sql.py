"""A page of list rows written as JSON by PostgreSQL, from the same `RowPlan`.

A planned list (common/api/rows.py) still reads its page and one query per nested list, then
writes every value in Python: ~60 % of an uncached request. For a plan whose every field has
an SQL form (`csv_copy.value_sql`, the rule the CSV export uses) the database can build each
row itself: `json_build_object` per row and per nested object, a correlated `json_agg(… ORDER
BY …)` per nested list — one statement for the page, compiled from the view's queryset, so its
filters, the gate, the order and the slice are the paginator's. Each row comes back as JSON
text; orjson reads it, the plan's `finalize_row` (if any) runs on it as on the Python path,
and the renderer writes the response as before, so the bytes and the ETag do not change
(`tests/test_list_parity.py` holds them equal for every endpoint and persona).

Where a field has no SQL form, a relation's absence would drop a key (DRF's SkipField), or the
database is not PostgreSQL, `json_rows()` returns None and the Python plan writes the rows.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from typing import Any

import orjson
from django.contrib.postgres.aggregates.mixins import OrderableAggMixin
from django.db import connections
from django.db.models import Aggregate, Expression, F, Func, OuterRef, QuerySet, Subquery, TextField

from common.api.csv_copy import Cell, value_sql
from common.api.rows import CellSpec, RowPlan, _Many, _One, _Scalar

# PostgreSQL's functions take at most 100 arguments (FUNC_MAX_ARGS): 50 name/value pairs.
MAX_PAIRS = 50
KEY = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")  # a field name, written into the SQL as a literal


class Unsupported(Exception):
    """The plan has a part the database cannot write as DRF does."""


class _Built(Func):
    """SQL assembled by `build` from its parts' compiled SQL, in order, each used once — so the
    parts' parameters (a nested list's filters) stay in the order they appear."""

    output_field = TextField()

    def __init__(self, build: Callable[[list[str]], str], *parts: Any):
        super().__init__(*parts)
        self.build = build

    def as_sql(self, compiler, connection, **extra_context):
        sqls, params = [], []
        for part in self.source_expressions:
            sql, part_params = compiler.compile(part)
            sqls.append(sql)
            params.extend(part_params)
        return self.build(sqls), params


class _JSONAgg(OrderableAggMixin, Aggregate):
    function = "JSON_AGG"
    template = "%(function)s(%(expressions)s %(order_by)s)"
    allow_distinct = False
    output_field = TextField()


def _json_value(spec: CellSpec) -> str:
    """The JSON value template (`{value}`: the column) of one scalar, as DRF writes it."""
    found = value_sql(spec, "{value}")
    if found is None:
        raise Unsupported(spec.path)
    if found.kind in ("text", "date", "datetime", "boolean"):
        return found.sql
    if found.kind == "integer":
        return "({value})::text" if found.as_string else found.sql
    if found.kind == "decimal" and found.as_string:
        return "({value})::text"
    raise Unsupported(f"{spec.path}: a decimal DRF writes as a number")


def _object(plan: RowPlan) -> Expression:
    """`json_build_object('name', value, …)` of one plan's nodes, in the serializer's order."""
    keys: list[str] = []
    parts: list[Any] = []
    for node in plan.nodes:
        if not KEY.match(node.name):
            raise Unsupported(node.name)
        keys.append(node.name)
        if isinstance(node, _Many):
            parts.append(_nested(node))
            continue
        if any(guard.raises and not node.allow_null for guard in node.guards):
            raise Unsupported(f"{node.name}: an absent relation drops the key (SkipField)")
        guards = [F(guard.path) for guard in node.guards]
        if isinstance(node, _Scalar):
            spec = CellSpec(node.path, (), node.represent, node.drf_field, node.model_field)
            parts.append(Cell(_json_value(spec), F(node.path), *guards))
        elif isinstance(node, _One):
            if node.pk_path is not None:
                guards.append(F(node.pk_path))
            inner = _object(node.plan)
            if guards:
                parts.append(_Built(_case_null(len(guards)), *guards, inner))
            else:
                parts.append(inner)
        else:
            raise Unsupported(node.name)
    if not keys:
        return _Built(lambda sqls: "json_build_object()")
    if len(keys) > MAX_PAIRS:
        raise Unsupported(f"{len(keys)} fields: json_build_object takes at most {MAX_PAIRS}")

    def build(sqls: list[str]) -> str:
        pairs = ", ".join(f"'{key}', {sql}" for key, sql in zip(keys, sqls, strict=True))
        return f"json_build_object({pairs})"

    return _Built(build, *parts)


def _case_null(guards: int) -> Callable[[list[str]], str]:
    def build(sqls: list[str]) -> str:
        absent = " OR ".join(f"{sql} IS NULL" for sql in sqls[:guards])
        return f"CASE WHEN {absent} THEN NULL ELSE {sqls[guards]} END"

    return build


def _nested(many: _Many) -> Expression:
    """A nested list as a correlated subquery: the Prefetch's rows of this parent (its gate and
    filters), the list's own filter, aggregated in the list's order; or its first row."""
    if many.plan.finalize is not None or any(isinstance(n, _Many) for n in many.plan.nodes):
        raise Unsupported(f"{many.name}: a finalized or nested row inside a nested list")
    rows = many.base.prefetch_related(None).filter(
        **{many.parent_column: OuterRef("pk")}, **many.row_filter
    )
    child = _object(many.plan)
    if many.first_only:
        first = rows.order_by(*many.ordering).annotate(_json=child).values("_json")[:1]
        return Subquery(first, output_field=TextField())
    aggregated = (
        rows.order_by()
        .values(many.parent_column)
        .annotate(_json=_JSONAgg(child, order_by=many.ordering))
        .values("_json")
    )
    return _Built(lambda sqls: f"coalesce(({sqls[0]}), '[]'::json)", Subquery(aggregated))


# id(plan) → (plan, its expression or None); the plan is kept, so its id is never reused.
_EXPRESSIONS: dict[int, tuple[RowPlan, Expression | None]] = {}


def row_expression(plan: RowPlan) -> Expression | None:
    """The (cached) SQL expression writing one row of `plan` as JSON, or None."""
    found = _EXPRESSIONS.get(id(plan))
    if found is None or found[0] is not plan:
        try:
            expression = _object(plan)
        except Unsupported:
            expression = None
        found = _EXPRESSIONS[id(plan)] = (plan, expression)
    return found[1]


def json_rows(plan: RowPlan, queryset: QuerySet) -> QuerySet | None:
    """The list's queryset (filters, gate, order; slice to come) yielding each row as JSON
    text, or None when the plan or the database has no SQL form for it."""
    if connections[queryset.db].vendor != "postgresql":
        return None
    expression = row_expression(plan)
    if expression is None:
        return None
    return (
        queryset.prefetch_related(None)
        .annotate(_json_row=_Built(lambda sqls: f"({sqls[0]})::text", expression))
        .values_list("_json_row", flat=True)
    )


def load(plan: RowPlan, texts: Iterable[str]) -> list[dict[str, Any]]:
    """The rows the serializer writes, from the JSON texts the database wrote."""
    rows = [orjson.loads(text) for text in texts]
    if plan.finalize is not None:
        rows = [plan.finalize(row) for row in rows]
    return rows


class CountedRows:
    """A page source for Django's paginator: rows read from `rows` (the JSON texts), counted
    on `counted` — the filtered queryset before any column is added, so the count joins only
    what the filters and the gate need (the projection's joins of region, source, industry…
    cannot change how many rows there are)."""

    def __init__(self, rows: QuerySet, counted: QuerySet):
        self.rows = rows
        self.counted = counted
        self.ordered = rows.ordered

    def count(self) -> int:
        return self.counted.count()

    def __len__(self) -> int:
        return self.count()

    def __getitem__(self, index):
        return self.rows[index]
