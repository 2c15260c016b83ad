"""CSV for API lists: columns flattened from the serializer, rows streamed, UTF-8 with a BOM.

Nested summaries become dotted columns (`region.code`), lists are joined with "; " (a list of
objects gives one column per field: `network_colleges.full_name`). The columns come from the
serializer's declaration, not from the data, so they are the same for every page and filter.
"""

from __future__ import annotations

import csv
from collections.abc import Iterable, Iterator
from typing import Any

from rest_framework import serializers
from rest_framework.renderers import BaseRenderer

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
    """One CSV row: the value at each dotted column, lists joined with "; "."""
    return [_lookup(row, column.split(".")) for column in columns]


class _Echo:
    """A file-like object whose write() returns the line instead of storing it."""

    def write(self, value: str) -> str:
        return value


def csv_lines(
    columns: list[str], rows: Iterable[dict[str, Any]], *, header: list[str] | None = None
) -> Iterator[str]:
    """The BOM and header (the column codes unless given), then one line per row, lazily."""
    writer = csv.writer(_Echo())
    yield BOM + writer.writerow(header or columns)
    for row in rows:
        yield writer.writerow(flatten(row, columns))


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
        columns = view.csv_columns() if hasattr(view, "csv_columns") else None
        if not columns:
            columns = list(rows[0].keys()) if rows else []
        return "".join(csv_lines(columns, rows)).encode("utf-8")
