"""CSV for API lists: columns flattened from the serializer, rows streamed, UTF-8 with a BOM.

Nested summaries become dotted columns (`region.code`), lists are joined with "; " (a list of
objects gives one column per field: `network_colleges.full_name`). The columns come from the
serializer's declaration, not from the data, so they are the same for every page and filter.

`?dialect=excel-ru` writes the same rows for Russian Excel, which opens a comma-separated file
as one column: `;` between cells, Russian headers, the XLSX's typed cells as Russian text
(decimal comma, dates ДД.ММ.ГГГГ, «да»/«нет», choice labels: `xlsx.people_text`), BOM.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import Any

from django.db.models import QuerySet
from rest_framework import serializers
from rest_framework.renderers import BaseRenderer

from common.api import csv_copy, rows
from common.spreadsheet import csv_row_writer, spreadsheet_safe

BOM = "\ufeff"
LIST_SEPARATOR = "; "


def csv_columns(serializer: serializers.BaseSerializer, prefix: str = "") -> list[str]:
    """Dotted column names for every field a serializer renders, nested ones flattened."""
    if isinstance(serializer, serializers.ListSerializer):
        serializer = serializer.child
    columns: list[str] = []
    for name, field in serializer.fields.items():
        if field.write_only:
            continue
        path = f"{prefix}{name}"
        nested = field.child if isinstance(field, serializers.ListSerializer) else field
        if isinstance(nested, serializers.Serializer):
            columns.extend(csv_columns(nested, prefix=f"{path}."))
        else:
            columns.append(path)
    return columns


def _scalar(value: Any) -> str:
    if value is None:
        return ""
    if value is True:
        return "true"
    if value is False:
        return "false"
    return str(value)


def _safe_scalar(value: Any) -> str:
    """A cell as CSV and XLSX write it: text, neutralised against formula injection."""
    return spreadsheet_safe(_scalar(value))


def _lookup(data: Any, parts: list[str]) -> str:
    if not parts:
        if isinstance(data, list):
            return LIST_SEPARATOR.join(_scalar(item) for item in data)
        return _scalar(data)
    if data is None:
        return ""
    if isinstance(data, list):
        return LIST_SEPARATOR.join(_lookup(item, parts) for item in data)
    return _lookup(data.get(parts[0]), parts[1:])


def flatten(row: dict[str, Any], columns: list[str]) -> list[str]:
    """One CSV row: the value at each dotted column, lists joined with "; ", every cell
    neutralised against formula injection (common/spreadsheet.py)."""
    return [spreadsheet_safe(_lookup(row, column.split("."))) for column in columns]


def csv_lines(
    columns: list[str], rows: Iterable[dict[str, Any]], *, header: list[str] | None = None
) -> Iterator[str]:
    """The BOM and header (the column codes unless given), then one line per row, lazily."""
    writerow = csv_row_writer()
    yield BOM + writerow([spreadsheet_safe(column) for column in (header or columns)])
    for row in rows:
        yield writerow(flatten(row, columns))


END_MARKER = "#END"
STREAM_BATCH = 500


def export_cells(
    serializer: serializers.BaseSerializer, queryset: QuerySet, columns: list[str], chunk_size: int
) -> Iterator[list[str]]:
    """Every row of a queryset as CSV cells, for CSV and XLSX exports alike.

    A flat plan reads `.values_list()` tuples straight into cells (no row dicts); otherwise the
    serializer's rows (planned or DRF's) are flattened. Same cells either way.
    """
    plan = rows.plan_for(serializer, queryset)
    specs = plan.cell_specs(columns) if plan is not None else None
    if specs is not None:
        return plan.iter_cells(queryset, specs, _safe_scalar, chunk_size=chunk_size)
    serialized = rows.iter_serialized(serializer, queryset, chunk_size=chunk_size)
    return (flatten(row, columns) for row in serialized)


def _header_line(columns: list[str], header: list[str] | None, delimiter: str = ",") -> str:
    writerow = csv_row_writer(delimiter)
    return BOM + writerow([spreadsheet_safe(c) for c in (header or columns)])


def _end_line(count: int, delimiter: str = ",") -> str:
    """`#END,<rows>`, written only after the last row, so a response cut off on the way (a
    killed worker, a dropped connection, a database error) can be told from a complete one;
    readers that skip comment lines (`pandas.read_csv(comment="#")`) drop it."""
    return csv_row_writer(delimiter)([END_MARKER, count])


EXCEL_RU = "excel-ru"
DIALECTS = (EXCEL_RU,)


def csv_stream(
    columns: list[str],
    cell_rows: Iterable[list[str]],
    header: list[str] | None = None,
    *,
    delimiter: str = ",",
) -> Iterator[bytes]:
    """A whole export as UTF-8 chunks of a few hundred lines, ending with `#END,<rows>`."""
    writerow = csv_row_writer(delimiter)
    batch: list[str] = [_header_line(columns, header, delimiter)]
    count = 0
    for cells in cell_rows:
        batch.append(writerow(cells))
        count += 1
        if len(batch) >= STREAM_BATCH:
            yield "".join(batch).encode("utf-8")
            batch = []
    batch.append(_end_line(count, delimiter))
    yield "".join(batch).encode("utf-8")


def people_cells(columns, rows: Iterable[dict[str, Any]]) -> Iterator[list[str]]:
    """Each row's cells as the XLSX types them (`xlsx.cell_value`), written as Russian text."""
    from common.api.xlsx import cell_value, people_text

    for row in rows:
        yield [people_text(cell_value(row, column), column.cell_kind) for column in columns]


def export_people_csv(
    serializer: serializers.BaseSerializer, queryset: QuerySet, *, chunk_size: int = 2000
) -> Iterator[bytes]:
    """The CSV for Russian Excel (`?dialect=excel-ru`): the XLSX's columns and cells as text,
    `;`-separated, with Russian headers; written in Python from the serializer's rows."""
    from common.api.xlsx import xlsx_columns

    columns = xlsx_columns(serializer)
    serialized = rows.iter_serialized(serializer, queryset, chunk_size=chunk_size)
    return csv_stream(
        [column.path for column in columns],
        people_cells(columns, serialized),
        [column.label for column in columns],
        delimiter=";",
    )


COPY_CHUNK_BYTES = 1 << 16


def copied_csv_stream(
    columns: list[str], lines: Iterable[bytes], header: list[str] | None = None
) -> Iterator[bytes]:
    """The same framing (BOM and header, rows, `#END,<rows>`) around rows PostgreSQL wrote,
    in chunks of about 64 KB."""
    batch: list[bytes] = [_header_line(columns, header).encode("utf-8")]
    size = 0
    count = 0
    try:
        for line in lines:
            batch.append(line)
            count += 1
            size += len(line)
            if size >= COPY_CHUNK_BYTES:
                yield b"".join(batch)
                batch = []
                size = 0
    finally:
        # Closed early (the client hung up): end the COPY now, not when garbage is collected.
        close = getattr(lines, "close", None)
        if close is not None:
            close()
    batch.append(_end_line(count).encode("utf-8"))
    yield b"".join(batch)


def export_csv(
    serializer: serializers.BaseSerializer,
    queryset: QuerySet,
    columns: list[str],
    *,
    header: list[str] | None = None,
    chunk_size: int = 2000,
) -> Iterator[bytes]:
    """A whole export as CSV chunks: written by PostgreSQL (`COPY`, common/api/csv_copy.py)
    when the list has a flat row plan whose every column has an SQL form, else in Python
    (`export_cells`). The same bytes either way (tests/test_list_parity.py)."""
    plan = rows.plan_for(serializer, queryset)
    specs = plan.cell_specs(columns) if plan is not None else None
    if specs is not None:
        export = csv_copy.copy_query(plan, queryset, specs)
        if export is not None:
            return copied_csv_stream(columns, csv_copy.copy_rows(export), header)
    return csv_stream(columns, export_cells(serializer, queryset, columns, chunk_size), header)


def _rows_of(data: Any) -> list[dict[str, Any]]:
    if isinstance(data, dict) and isinstance(data.get("results"), list):
        return data["results"]
    if isinstance(data, list):
        return data
    return [data] if data else []


class CSVRenderer(BaseRenderer):
    """Renders a page, a list or one object as CSV; whole lists are streamed by the view."""

    media_type = "text/csv"
    format = "csv"
    charset = "utf-8"

    def render(self, data, accepted_media_type=None, renderer_context=None) -> bytes:
        rows = _rows_of(data)
        view = (renderer_context or {}).get("view")
        request = (renderer_context or {}).get("request")
        dialect = request.query_params.get("dialect") if request is not None else None
        if dialect == EXCEL_RU and hasattr(view, "xlsx_columns"):
            columns = view.xlsx_columns()
            return b"".join(
                csv_stream(
                    [c.path for c in columns],
                    people_cells(columns, rows),
                    [c.label for c in columns],
                    delimiter=";",
                )
            )
        columns = view.csv_columns() if hasattr(view, "csv_columns") else None
        if not columns:
            columns = list(rows[0].keys()) if rows else []
        return "".join(csv_lines(columns, rows)).encode("utf-8")
