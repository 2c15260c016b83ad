"""XLSX whose sheet rows PostgreSQL writes: `COPY (<one <row> of XML a row>) TO STDOUT`.

The Python path (`xlsx.xlsx_stream`) serialises a row dict and writes one XML cell at a time,
~170 µs a row. For a flat row plan (the condition under which the CSV is COPY's,
common/api/csv_copy.py) the database writes each row's XML itself, and Python only frames and
deflates it (`xlsx.xlsx_sheet_stream`). A cell is the CSV's cell SQL (`csv_copy.value_sql`:
what each serializer field writes, by field class and column type) put the way
`xlsx.cell_value` and `xlsx._cell_xml` put it:

- a number column (`Column.cell_kind`: an integer or decimal field) is a number, `<c><v>…</v></c>`,
  unguarded, as `cell_value` passes numbers, money with its style;
- a date or a datetime is its day number (`serial_sql`, `xlsx.serial`) with its style; a
  boolean «да» or «нет»;
- every other column is an inline string of the CSV's cell (`csv_copy.guarded_sql`: the formula
  guard, an empty text an empty cell), a choice's code read as its label first
  (`cell_value`'s `Column.choices`, `xlsx.labelled_sql`), then XML-escaped (`xlsx.xml_text_sql`, from
  `xlsx._XML_ESCAPES`); the characters XML cannot hold are dropped from the rows' bytes as
  they come (`xlsx.drop_non_xml`, the same table: `translate()` in SQL nearly tripled the COPY's
  time);
- a null value or an absent related object is `<c/>`.

A column these rules do not cover makes `copy_query()` return None and the export takes the
Python path, as does any database but PostgreSQL. The rows are read as csv_copy reads them (id
ranges, one REPEATABLE READ snapshot, COPY cancelled when the client hangs up), in COPY's
binary format: a row's one text field arrives as its UTF-8 bytes, nothing to unescape.
`tests/test_xlsx_copy.py` holds the sheets of the two paths equal byte for byte.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import closing
from dataclasses import dataclass

from django.db import connections
from django.db.models import F, Func, QuerySet, TextField
from rest_framework import serializers

from common.api import csv_copy, rows
from common.api.csv_copy import Cell, CopyExport
from common.api.rows import CellSpec
from common.api.xlsx import (
    BOOLEAN,
    DATE,
    DATETIME,
    EMPTY_CELL,
    NO,
    NUMBER_CLOSE,
    NUMBER_KINDS,
    ROW_CLOSE,
    ROW_OPEN,
    TEXT_CLOSE,
    TEXT_OPEN,
    YES,
    Column,
    drop_non_xml,
    labelled_sql,
    sql_literal,
    style_attr,
    xlsx_sheet_stream,
    xlsx_stream,
    xml_text_sql,
)

COPY_CHUNK_BYTES = 1 << 16
# COPY's binary format: a file header before a statement's first row, then per row the field
# count (int16, here 1) and the field's length (int32) before its bytes, and -1 (int16) last.
BINARY_SIGNATURE = b"PGCOPY\n\xff\r\n\x00"
BINARY_HEADER = len(BINARY_SIGNATURE) + 8  # flags and header extension length, int32 each
ONE_FIELD = b"\x00\x01"
ROW_PREFIX = 6  # the field count and the length
TRAILER = b"\xff\xff"


@dataclass(frozen=True)
class CellXml:
    """One cell in SQL: its content from column expression `{value}` (NULL for an empty cell),
    the XML around it, and whether the content needs XML's escapes."""

    content: str
    open: str
    close: str
    escaped: bool

    def xml_sql(self, content: str) -> str:
        """The cell's XML from its compiled content: `<c/>` when that is NULL."""
        text = xml_text_sql(content) if self.escaped else content
        return (
            f"coalesce({sql_literal(self.open)} || {text} || {sql_literal(self.close)},"
            f" {sql_literal(EMPTY_CELL)})"
        )


def date_cell_sql(value: str, kind: str, zone: str | None, style: str) -> str:
    """A date's or a datetime's whole cell in SQL, as `xlsx._cell_xml` writes it: its day
    number (`xlsx.serial`: days since 1899-12-30; a datetime the wall-clock time in `zone` to
    the second, the fraction of its day to ten places — numeric at twenty, then round(), half
    away from zero as Decimal's ROUND_HALF_UP) with its style; before 1 March 1900, which
    spreadsheets cannot count to, its text ДД.ММ.ГГГГ[ ЧЧ:ММ]."""
    if kind == DATE:
        moment = f"({value})::date"
        number = f"({moment} - DATE '1899-12-30')::text"
        text = f"to_char({moment}, 'DD.MM.YYYY')"
        first = "DATE '1900-03-01'"
    else:
        moment = f"date_trunc('second', ({value}) AT TIME ZONE '{zone}')"
        seconds = f"(extract(epoch FROM {moment}) - extract(epoch FROM TIMESTAMP '1899-12-30'))"
        number = f"round({seconds}::numeric(30, 20) / 86400, 10)::text"
        text = f"to_char({moment}, 'DD.MM.YYYY HH24:MI')"
        first = "TIMESTAMP '1900-03-01'"
    return (
        f"CASE WHEN {moment} < {first}"
        f" THEN {sql_literal(TEXT_OPEN)} || {text} || {sql_literal(TEXT_CLOSE)}"
        f" ELSE {sql_literal(f'<c{style}><v>')} || {number} || {sql_literal(NUMBER_CLOSE)} END"
    )


def cell_xml_sql(column: Column, spec: CellSpec) -> CellXml | None:
    """The SQL of one sheet cell, or None when it has no SQL form here."""
    found = csv_copy.value_sql(spec, "{value}")
    if found is None:
        return None
    kind = column.cell_kind
    style = style_attr(column)
    if kind in NUMBER_KINDS:
        if found.kind not in ("integer", "decimal"):
            return None
        # The number's digits, unguarded (`cell_value` passes numbers as they are).
        return CellXml(f"({found.sql})::text", f"<c{style}><v>", NUMBER_CLOSE, escaped=False)
    if kind in (DATE, DATETIME):
        if found.kind != kind:
            return None
        zone = csv_copy._zone_name(spec.drf_field) if kind == DATETIME else None
        if kind == DATETIME and zone is None:
            return None
        # The whole cell is the content: a day number, or text before spreadsheets' days.
        return CellXml(date_cell_sql("{value}", kind, zone, style), "", "", escaped=False)
    if kind == BOOLEAN:
        if found.kind != "boolean":
            return None
        yes_no = f"CASE WHEN {{value}} THEN {sql_literal(YES)} WHEN NOT {{value}} THEN {sql_literal(NO)} END"
        return CellXml(yes_no, TEXT_OPEN, TEXT_CLOSE, escaped=False)
    if column.choices:
        if found.kind != "text":
            return None
        content = csv_copy.text_cell_sql(labelled_sql(found.sql, column.choices))
    else:
        content = csv_copy.guarded_sql(found)
    # A number's, a date's or a boolean's text (guarded) holds nothing XML would escape.
    return CellXml(content, TEXT_OPEN, TEXT_CLOSE, escaped=found.kind == "text")


class _SheetRow(Func):
    """One sheet row's XML in SQL: `<row>`, each cell's XML (`<c/>` for an empty one),
    `</row>`. The cells are `Cell`s: NULL when a relation crossed on the way is absent."""

    output_field = TextField()

    def __init__(self, cells: list[tuple[Cell, CellXml]]):
        super().__init__(*(cell for cell, _ in cells))
        self.xml = [xml for _, xml in cells]

    def as_sql(self, compiler, connection, **extra_context):
        parts = []
        for expression, xml in zip(self.source_expressions, self.xml, strict=True):
            sql, params = compiler.compile(expression)
            if params:  # as in Cell: columns compile without parameters
                raise ValueError("a cell compiled with parameters")
            parts.append(xml.xml_sql(sql))
        row = " || ".join([sql_literal(ROW_OPEN), *parts, sql_literal(ROW_CLOSE)])
        return row, []


def copy_query(
    queryset: QuerySet, columns: list[Column], specs: list[CellSpec]
) -> CopyExport | None:
    """The sheet rows of this export as PostgreSQL writes them, one text field a row, or None
    if a cell has no SQL form, the database is not PostgreSQL or the rows are DISTINCT (its
    ordering columns would be selected too)."""
    if connections[queryset.db].vendor != "postgresql" or queryset.query.distinct:
        return None
    cells = []
    for column, spec in zip(columns, specs, strict=True):
        xml = cell_xml_sql(column, spec)
        if xml is None:
            return None
        cells.append((Cell(xml.content, F(spec.path), *(F(g) for g in spec.guards)), xml))
    select = queryset.prefetch_related(None).annotate(_xlsx_row=_SheetRow(cells))
    select = select.values_list("_xlsx_row")
    return CopyExport(select, csv_copy.id_order(queryset), options="(FORMAT binary)")


def copy_rows(export: CopyExport) -> Iterator[bytes]:
    """The sheet rows PostgreSQL writes for `export` (csv_copy.copy_data), in chunks of about
    64 KB, without the characters XML cannot hold (`xlsx.drop_non_xml`)."""
    batch: list[memoryview] = []
    size = 0
    with closing(csv_copy.copy_data(export)) as data:  # closed early: the COPY ends now
        for message in data:
            if message[:2] != ONE_FIELD:  # a statement's first message, or its last
                if message[: len(BINARY_SIGNATURE)] == BINARY_SIGNATURE:
                    message = message[BINARY_HEADER:]
                if message == TRAILER:
                    continue
                if message[:2] != ONE_FIELD:
                    raise ValueError("not a sheet row in COPY's binary format")
            batch.append(message[ROW_PREFIX:])  # its own buffer: held, not copied
            size += len(message)
            if size >= COPY_CHUNK_BYTES:
                yield drop_non_xml(b"".join(batch))
                batch = []
                size = 0
    if batch:
        yield drop_non_xml(b"".join(batch))


def export_xlsx(
    serializer: serializers.BaseSerializer,
    queryset: QuerySet,
    columns: list[Column],
    *,
    chunk_size: int = 2000,
    title: str = "Данные",
) -> Iterator[bytes]:
    """A whole export as a workbook streamed as it is written: its sheet rows written by
    PostgreSQL when the list has a flat row plan whose every cell has an SQL form, else in
    Python from the serializer's rows. The same sheet either way."""
    plan = rows.plan_for(serializer, queryset)
    specs = plan.cell_specs([column.path for column in columns]) if plan is not None else None
    if specs is not None:
        export = copy_query(queryset, columns, specs)
        if export is not None:
            return xlsx_sheet_stream(columns, copy_rows(export), title=title)
    serialized = rows.iter_serialized(serializer, queryset, chunk_size=chunk_size)
    return xlsx_stream(columns, serialized, title=title)
