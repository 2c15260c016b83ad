"""A page of list rows written as JSON by PostgreSQL, from the same `RowPlan`.

A planned list (common/api/rows.py) still reads its page and one query per nested list, then
writes every value in Python: ~60 % of an uncached request. For a plan whose every field has
an SQL form (`csv_copy.value_sql`, the rule the CSV export uses) the database can build each
row itself: `json_build_object` per row and per nested object, a correlated `json_agg(… ORDER
BY …)` per nested list. The row's statement is compiled once per plan; a page is one
statement joining it to the page's ids, which come from the view's queryset, so its filters,
the gate, the order and the slice are the paginator's (`JsonRows`). Each row comes back as JSON
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
from django.core.exceptions import EmptyResultSet
from django.db import connections
from django.db.models import Aggregate, Expression, F, Func, OuterRef, QuerySet, Subquery, TextField

from common.api.csv_copy import Cell, value_sql
from common.api.rows import CellSpec, RowPlan, _Finalized, _Many, _One, _Scalar

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
        if isinstance(node, _Finalized):  # null here; the row's finalize_row writes it
            parts.append(_Built(lambda sqls: "NULL"))
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


# The page's ids, numbered in the page's order; the rows statement joins them (see JsonRows).
PAGE = '"__page"'


def row_expression(plan: RowPlan) -> Expression | None:
    """The (cached) SQL expression writing one row of `plan` as JSON, or None."""
    if "json_expression" not in plan.derived:
        try:
            plan.derived["json_expression"] = _object(plan)
        except Unsupported:
            plan.derived["json_expression"] = None
    return plan.derived["json_expression"]


def rows_statement(plan: RowPlan, model, using: str) -> tuple[str, tuple]:
    """The (cached) statement writing rows of `model` as JSON — `_page_pk`, `_json_row` — for
    every row, unfiltered: JsonRows joins it to one page's ids. It depends on the plan alone
    (its nested lists' querysets, gates included, are the plan's), so it is compiled once per
    plan and database, not per request: resolving and compiling the row's expression was most
    of an uncached list request's Python time."""
    key = ("json_statement", using)
    if key not in plan.derived:
        expression = row_expression(plan)
        statement = (
            model._base_manager.using(using)
            .order_by()  # a derived table without ORDER BY is flattened into the page's join
            .annotate(
                _page_pk=F("pk"),
                _json_row=_Built(lambda sqls: f"({sqls[0]})::text", expression),
            )
            .values_list("_page_pk", "_json_row")
        )
        sql, params = statement.query.get_compiler(using=using).as_sql()
        plan.derived[key] = (sql, tuple(params))
    return plan.derived[key]


class JsonRows:
    """A list's rows as the JSON texts the database writes, read a page (a slice) at a time.

    One statement a page: the ids of the view's queryset — its filters, the gate, its order
    and the slice, compiled by Django as for any list — numbered in that order, joined to the
    plan's cached rows statement:

        SELECT r._json_row
        FROM unnest(ARRAY(<ids, filtered, gated, ordered, sliced>)) WITH ORDINALITY "__page"(id, n)
        JOIN (<rows statement>) r ON r._page_pk = "__page".id ORDER BY "__page".n

    so the rows are those the gate let through, read in one snapshot, and only the ids'
    statement is compiled per request."""

    def __init__(self, plan: RowPlan, queryset: QuerySet):
        self.plan = plan
        self.queryset = queryset
        self.ordered = queryset.ordered

    def __iter__(self):
        return iter(self[:])

    def __getitem__(self, index):
        if not isinstance(index, slice):
            raise TypeError("JsonRows reads slices (pages) only")
        if index.stop is not None and index.stop <= (index.start or 0):
            return []
        ids = self.queryset.values_list("pk", flat=True)[index]
        try:
            ids_sql, ids_params = ids.query.get_compiler(using=ids.db).as_sql()
        except EmptyResultSet:  # a filter no row can meet (e.g. a year beyond the column's range)
            return []
        rows_sql, rows_params = rows_statement(self.plan, self.queryset.model, ids.db)
        sql = (
            f"SELECT r._json_row FROM unnest(ARRAY({ids_sql})) WITH ORDINALITY {PAGE}(id, n)"
            f" JOIN ({rows_sql}) r ON r._page_pk = {PAGE}.id ORDER BY {PAGE}.n"
        )
        with connections[ids.db].cursor() as cursor:
            cursor.execute(sql, (*ids_params, *rows_params))
            return [row[0] for row in cursor.fetchall()]


def json_rows(plan: RowPlan, queryset: QuerySet) -> JsonRows | None:
    """The list's rows (filters, gate, order; slice to come) as JSON texts, or None when the
    plan or the database has no SQL form for it."""
    if connections[queryset.db].vendor != "postgresql":
        return None
    if queryset.query.distinct:  # its ids would come with the ordering's columns
        return None
    if row_expression(plan) is None:
        return None
    return JsonRows(plan, queryset)


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

    def __init__(self, rows: JsonRows, counted: QuerySet, *, state=None):
        self.rows = rows
        self.counted = counted
        self.ordered = rows.ordered
        self.state = state  # the request's table versions: the count may come from cache

    def count(self) -> int:
        from common.response_cache import cached_count

        return cached_count(self.counted, self.state)

    def __len__(self) -> int:
        return self.count()

    def __getitem__(self, index):
        return self.rows[index]
