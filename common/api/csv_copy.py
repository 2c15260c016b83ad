"""CSV written by PostgreSQL: `COPY (<the plan's SELECT>) TO STDOUT WITH CSV`, streamed.

The Python path (`RowPlan.iter_cells` + `csv.writer`) costs ~25 µs a row in cell formatting;
for a flat row plan the database can write the same bytes itself. Each CSV column of the plan
(`RowPlan.cell_specs`) becomes one SQL expression chosen by its serializer field and model
column type — text, integer, boolean, decimal, date, datetime — that writes what
`common.api.csv._safe_scalar(field.to_representation(value))` writes: the same text, formula
guard (`common.spreadsheet.spreadsheet_safe_sql`), an empty cell for a null value or an absent
related object. The SELECT is compiled from the view's queryset, so its filters, the gate and
the order are those of the Python path. A column these rules do not cover (another field class,
a custom format, a decimal column of another scale) makes `copy_query()` return None and the
export takes the Python path, as does any database but PostgreSQL. `tests/test_csv_copy.py`
holds the two paths equal byte for byte for every list endpoint.

Two CSV details differ between the writers and are bridged here: PostgreSQL quotes an empty
string (`""`) where Python's csv writes nothing — every empty text becomes NULL —, and it ends
rows with LF where Python's csv writer ends them with CRLF. PostgreSQL sends every row of a
`COPY TO` as one CopyData message (protocol docs, «COPY Operations»), so each chunk read is
exactly one row and its last byte, the terminator, is replaced.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from contextlib import closing
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from functools import lru_cache
from typing import Any
from zoneinfo import ZoneInfo

from django.conf import settings
from django.core.exceptions import EmptyResultSet
from django.db import connections, models, transaction
from django.db.models import F, Func, Max, Min, QuerySet, TextField
from rest_framework import ISO_8601, serializers
from rest_framework.settings import api_settings

from common.api.rows import CellSpec, RowPlan, _identity
from common.spreadsheet import requote_csv_row, spreadsheet_safe_sql

TEXT_COLUMNS = (models.CharField, models.TextField)  # slug, URL and e-mail fields included
INTEGER_COLUMNS = (models.IntegerField, models.AutoField)  # every integer kind
TEXT_FIELDS = (
    serializers.CharField,
    serializers.SlugField,
    serializers.EmailField,
    serializers.URLField,
)
# DRF's integer fields: `int(value)` (or its str, for BigIntegerField's coerce_to_string).
INTEGER_FIELDS = tuple(
    field
    for field in (serializers.IntegerField, getattr(serializers, "BigIntegerField", None))
    if field is not None
)
ZONE_NAME = re.compile(r"^[A-Za-z0-9_+\-/]+$")


def _column(model_field: models.Field | None) -> models.Field | None:
    """The column a value is read from: a foreign key's `*_id` holds its target's type."""
    if model_field is not None and model_field.is_relation:
        return model_field.target_field
    return model_field


def _is_iso(drf_field: serializers.Field, default: Any) -> bool:
    output = getattr(drf_field, "format", default)
    return isinstance(output, str) and output.lower() == ISO_8601


def _zone_name(drf_field: serializers.DateTimeField) -> str | None:
    zone = drf_field.timezone if hasattr(drf_field, "timezone") else drf_field.default_timezone()
    if zone is UTC:
        return "UTC"
    if isinstance(zone, ZoneInfo) and ZONE_NAME.match(zone.key):
        return zone.key
    return None


def _offset_text(offset: timedelta) -> str:
    """An offset as `datetime.isoformat()` writes it, `+00:00` as DRF writes it: `Z`."""
    if not offset:
        return "Z"
    sign, offset = ("-", -offset) if offset < timedelta(0) else ("+", offset)
    minutes, seconds = divmod(int(offset.total_seconds()), 60)
    text = f"{sign}{minutes // 60:02d}:{minutes % 60:02d}"
    return f"{text}:{seconds:02d}" if seconds else text


@lru_cache(maxsize=64)
def _zone_offsets(zone: str) -> tuple[timedelta, ...]:
    """The offsets `zone` has had since 1970 and has now (sampled twice a month): the usual
    ones, which the datetime SQL writes from a list; any other takes its general branch."""
    info = ZoneInfo(zone)
    found = dict.fromkeys(
        datetime(year, month, day, tzinfo=UTC).astimezone(info).utcoffset()
        for year in range(1970, 2041)
        for month in range(1, 13)
        for day in (1, 16)
    )
    return tuple(found)


def _datetime_sql(value: str, zone: str) -> str:
    """`value.astimezone(zone).isoformat()`, `+00:00` written `Z`, as DRF's DateTimeField:
    microseconds only when there are some, the offset as ±HH:MM (±HH:MM:SS for the odd
    historical one).

    One to_char a row, and the offset as a simple CASE over the zone's usual offsets, so
    PostgreSQL converts the value three times a row (the local time, and local − UTC once)
    instead of nine; an offset not in the list takes the general branch, which computes it
    again as often as it needs."""
    local = f"({value} AT TIME ZONE '{zone}')"
    offset = f"({local} - ({value} AT TIME ZONE 'UTC'))"
    pattern = f"CASE WHEN extract(second FROM {offset}) = 0 THEN 'HH24:MI' ELSE 'HH24:MI:SS' END"
    general = (
        f"CASE WHEN {offset} = interval '0' THEN 'Z'"
        f" WHEN {offset} > interval '0' THEN '+' || to_char({offset}, {pattern})"
        f" ELSE '-' || to_char(-{offset}, {pattern}) END"
    )
    usual = " ".join(
        f"WHEN interval '{int(known.total_seconds())} seconds' THEN '{_offset_text(known)}'"
        for known in _zone_offsets(zone)
    )
    seconds = 'YYYY-MM-DD"T"HH24:MI:SS'
    return (
        f"CASE WHEN date_trunc('second', {value}) = {value} THEN to_char({local}, '{seconds}')"
        f" ELSE to_char({local}, '{seconds}.US') END"
        f" || CASE {offset} {usual} ELSE {general} END"
    )


def _number_sql(value: str) -> str:
    """A number's text, guarded by the one formula rule (a negative number starts with `-`)."""
    return spreadsheet_safe_sql(f"({value})::text")


@dataclass(frozen=True)
class SqlValue:
    """A value as DRF's field writes it, in SQL — the one rule both database-written outputs
    (this module's CSV cells and common/api/json_sql.py's JSON rows) build on.

    `kind` is text, integer, decimal, boolean, date or datetime; `sql` is the text DRF writes
    for text, date and datetime kinds, the column itself for numbers and booleans; `as_string`
    says DRF writes the value as a string (a decimal coerced to string, an integer through a
    CharField). A serializer field class with its own `to_representation` gives its SQL form
    by defining `sql_value(self, value, column) -> SqlValue | None` beside it; the parity
    tests hold the two equal."""

    kind: str
    sql: str
    as_string: bool


def value_sql(spec: CellSpec, value: str) -> SqlValue | None:
    """The SQL of `spec`'s value from column expression `value` (guards not included), or None
    when this field's representation of this column has no SQL form here."""
    drf_field, column = spec.drf_field, _column(spec.model_field)
    if drf_field is None or column is None:
        return None
    kind = type(drf_field)
    if "sql_value" in vars(kind):  # a field class that writes its own value states it in SQL too
        return kind.sql_value(drf_field, value, column)
    if kind in TEXT_FIELDS or (kind is serializers.ChoiceField and spec.represent is _identity):
        if isinstance(column, TEXT_COLUMNS):
            return SqlValue("text", value, as_string=True)
        if isinstance(column, INTEGER_COLUMNS) and kind is not serializers.ChoiceField:
            return SqlValue("integer", value, as_string=True)
        return None
    if kind in INTEGER_FIELDS and isinstance(column, INTEGER_COLUMNS):
        return SqlValue("integer", value, as_string=bool(getattr(drf_field, "coerce_to_string", 0)))
    if kind is serializers.BooleanField and isinstance(column, models.BooleanField):
        return SqlValue("boolean", value, as_string=False)
    if kind is serializers.DecimalField and isinstance(column, models.DecimalField):
        # numeric(p, s) prints exactly s decimals, as DRF's quantize and '{:f}' do when the
        # serializer's scale is the column's; another scale would round, so not here.
        coerce = getattr(drf_field, "coerce_to_string", api_settings.COERCE_DECIMAL_TO_STRING)
        if (
            drf_field.decimal_places != column.decimal_places
            or drf_field.decimal_places is None
            or (drf_field.max_digits is not None and drf_field.max_digits < column.max_digits)
            or drf_field.normalize_output
            or drf_field.localize
            or (not coerce and drf_field.decimal_places > 6)  # str(Decimal) turns exponential
        ):
            return None
        return SqlValue("decimal", value, as_string=bool(coerce))
    if kind is serializers.DateField and isinstance(column, models.DateField):
        if isinstance(column, models.DateTimeField) or not _is_iso(
            drf_field, api_settings.DATE_FORMAT
        ):
            return None
        return SqlValue("date", f"to_char({value}, 'YYYY-MM-DD')", as_string=True)
    if kind is serializers.DateTimeField and isinstance(column, models.DateTimeField):
        zone = _zone_name(drf_field) if settings.USE_TZ else None
        if zone is None or not _is_iso(drf_field, api_settings.DATETIME_FORMAT):
            return None
        return SqlValue("datetime", _datetime_sql(value, zone), as_string=True)
    return None


def text_cell_sql(text: str) -> str:
    """A text cell as `_safe_scalar` writes it: guarded against formulas, NULL (an empty cell)
    for an empty text."""
    return f"CASE WHEN {text} = '' THEN NULL ELSE {spreadsheet_safe_sql(text)} END"


def guarded_sql(found: SqlValue) -> str:
    """A value as a spreadsheet cell holds it as text (a CSV cell, an XLSX text cell): the
    guards its kind needs, no more."""
    sql = found.sql
    if found.kind == "text":  # an empty text is an empty cell, as None is
        return text_cell_sql(sql)
    if found.kind in ("integer", "decimal"):
        return _number_sql(sql)
    if found.kind == "boolean":
        return f"CASE WHEN {sql} THEN 'true' WHEN NOT {sql} THEN 'false' END"  # null: null
    return sql  # a date or datetime: its ISO text never starts a formula


def cell_sql(spec: CellSpec, value: str) -> str | None:
    """The SQL writing one CSV cell from column expression `value` (guards not included), or
    None when this column's representation has no SQL form here."""
    found = value_sql(spec, value)
    return None if found is None else guarded_sql(found)


class Cell(Func):
    """One cell in SQL (of the CSV, or the content of an XLSX cell): `template` with the
    compiled value column for `{value}`, and NULL when any of the guard columns (relations
    crossed on the way) is NULL."""

    output_field = TextField()

    def __init__(self, template: str, value: F, *guards: F):
        super().__init__(value, *guards)
        self.cell_template = template

    def as_sql(self, compiler, connection, **extra_context):
        compiled = [compiler.compile(expression) for expression in self.source_expressions]
        params = [param for _, expression_params in compiled for param in expression_params]
        if params:  # columns compile without parameters; anything else is not ours to repeat
            raise ValueError("a cell column compiled with parameters")
        value, *guards = (sql for sql, _ in compiled)
        cell = self.cell_template.replace("{value}", value)  # not format(): literals may hold {}
        if guards:
            absent = " OR ".join(f"{guard} IS NULL" for guard in guards)
            cell = f"CASE WHEN {absent} THEN NULL ELSE {cell} END"
        return cell, []


# A whole export in id order is read in id ranges, one COPY each: a range is planned as an
# index scan (its first row comes at once), where one COPY of a million joined rows is planned
# for its total cost (hash joins and a sort: seconds before the first row). Each range builds
# its joins' hashes again, so the ranges grow from the first (first row fast) to the largest.
COPY_ID_RANGE = 20_000
COPY_ID_RANGE_MAX = 320_000
INTEGER_KEYS = (models.AutoField, models.IntegerField)


@dataclass(frozen=True)
class CopyExport:
    """The cells' SELECT (the view's queryset: filters, gate, order) and, when it is ordered by
    an integer primary key alone, that direction ("pk" or "-pk") to read it in id ranges; the
    COPY options that write it."""

    select: QuerySet
    id_order: str | None
    options: str = "(FORMAT csv)"


def id_order(queryset: QuerySet) -> str | None:
    """The direction, "pk" or "-pk", when the queryset is ordered by its integer primary key
    alone (None otherwise)."""
    pk = queryset.model._meta.pk
    names = {"pk", pk.name, pk.attname}
    order = [str(term) for term in queryset.query.order_by]
    if isinstance(pk, INTEGER_KEYS) and len(order) == 1:
        if order[0] in names:
            return "pk"
        if order[0].startswith("-") and order[0][1:] in names:
            return "-pk"
    return None


def copy_query(plan: RowPlan, queryset: QuerySet, specs: list[CellSpec]) -> CopyExport | None:
    """The export of these rows as PostgreSQL writes it, or None if a column has no SQL form,
    the database is not PostgreSQL or the plan writes one column (Python's csv quotes a lone
    empty cell, COPY would not)."""
    if connections[queryset.db].vendor != "postgresql" or len(specs) < 2:
        return None
    cells: dict[str, Cell] = {}
    for index, spec in enumerate(specs):
        template = cell_sql(spec, "{value}")
        if template is None:
            return None
        cells[f"_csv_{index}"] = Cell(template, F(spec.path), *(F(g) for g in spec.guards))
    select = queryset.prefetch_related(None).annotate(**cells).values_list(*cells)
    return CopyExport(select, id_order(queryset))


def _copy_sql(select: QuerySet, options: str) -> tuple[str, tuple[Any, ...]]:
    sql, params = select.query.get_compiler(using=select.db).as_sql()
    return f"COPY ({sql}) TO STDOUT WITH {options}", tuple(params)


def _statements(export: CopyExport) -> Iterator[tuple[str, tuple[Any, ...]]]:
    try:
        whole = _copy_sql(export.select, export.options)
    except EmptyResultSet:
        return  # a filter no row can meet (a year beyond the column's range): no statement
    if export.id_order is None:
        yield whole
        return
    model = export.select.model
    bounds = model._base_manager.using(export.select.db).aggregate(low=Min("pk"), high=Max("pk"))
    if bounds["low"] is None:
        yield whole  # an empty table: the one statement, no rows
        return
    low, end = bounds["low"], bounds["high"] + 1
    size = COPY_ID_RANGE
    while low < end:  # [low, end) shrinks from the side the export starts at
        if export.id_order == "pk":
            start, stop = low, min(low + size, end)
            low = stop
        else:
            start, stop = max(end - size, low), end
            end = start
        yield _copy_sql(export.select.filter(pk__gte=start, pk__lt=stop), export.options)
        size = min(size * 2, COPY_ID_RANGE_MAX)


def copy_data(export: CopyExport) -> Iterator[memoryview]:
    """The CopyData messages PostgreSQL sends for `export` (one a row: protocol docs, «COPY
    Operations»), statement after statement, never held in memory.

    The id ranges are read in one REPEATABLE READ transaction, so the whole export is one
    snapshot, as one cursor's is (inside a transaction already open, its savepoint: that
    transaction's own rules). When the consumer stops early (a client that hung up: the
    response closes this generator), psycopg cancels the COPY and drains it, and the
    transaction rolls back, so the connection goes back to its pool idle, not inside a broken
    COPY.
    """
    using = export.select.db
    connection = connections[using]
    outermost = not connection.in_atomic_block
    with transaction.atomic(using=using):
        with connection.cursor() as cursor:
            raw = cursor.cursor
            if outermost:
                raw.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ")
            if raw.connection.info.encoding.lower() not in ("utf-8", "utf8"):
                raise ValueError("COPY needs a UTF-8 client encoding")
            for statement, params in _statements(export):
                if not params:
                    # Django's SQL (and ours) writes a literal `%` as `%%` for the driver's
                    # parameter pass, which psycopg skips when there are no parameters.
                    statement = statement.replace("%%", "%")
                with raw.copy(statement, params or None) as copy:
                    yield from copy


def copy_rows(export: CopyExport) -> Iterator[bytes]:
    """The CSV rows PostgreSQL writes for `export`, each ending in CRLF (`copy_data`), a row
    holding `;` quoted as the Python path quotes it (`requote_csv_row`)."""
    with closing(copy_data(export)) as data:  # closed early: the COPY ends now, not at GC
        for row in data:
            yield requote_csv_row(bytes(row[:-1]) + b"\r\n")
