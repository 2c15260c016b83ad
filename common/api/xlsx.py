"""XLSX for API lists and admin selections: Russian headers, typed cells, bounded memory.

The columns are those of the CSV (`common.api.csv.csv_columns`: nested summaries flattened to
dotted paths), each with a Russian header built from the model fields' verbose names
(«Субъект РФ: код»). Numbers (integers, decimals) are written as numbers, everything else as
text, so region codes such as «01» stay text; text that looks like a formula is neutralised.
openpyxl's write-only workbook streams rows to a temporary file, so memory stays bounded
whatever the number of rows.
"""

from __future__ import annotations

import re
import tempfile
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any

from django.core.exceptions import FieldDoesNotExist
from django.http import FileResponse
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Font
from rest_framework import serializers
from rest_framework.renderers import BaseRenderer

from common.api.csv import LIST_SEPARATOR, _lookup, _rows_of
from common.spreadsheet import spreadsheet_safe

XLSX_MEDIA_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
CYRILLIC = re.compile("[а-яё]", re.IGNORECASE)
# Headers for fields that no model field names (ids, computed fields).
FALLBACK_LABELS = {
    "id": "ID",
    "source_id": "Источник (ID)",
    "url": "Ссылка",
    "computed_at": "Рассчитано",
    "is_stale": "Устарело",
    "cluster_count": "Число кластеров",
    "amount_rub": "Сумма, ₽",
    "qualifier": "Точность",
    "fiscal_year": "Финансовый год",
    "funding_source": "Источник средств",
}
# Headers that name what a nested field holds better than the model relation it reads.
NAMED_LABELS = {
    "base_college": "Базовая организация",
    "network_colleges": "Сетевые организации",
    "employers": "Работодатели",
    "funding_total": "Итоги финансирования",
}
NUMERIC_FIELDS = (serializers.IntegerField, serializers.DecimalField, serializers.FloatField)
CHUNK_ROWS = 500


@dataclass(frozen=True)
class Column:
    """One spreadsheet column: the dotted path into a row, its Russian header, its cell type."""

    path: str
    label: str
    is_number: bool = False
    choices: tuple[tuple[str, str], ...] = ()


def _model_label(serializer: serializers.BaseSerializer, field: serializers.Field) -> str | None:
    model = getattr(getattr(serializer, "Meta", None), "model", None)
    if model is None or field.source == "*":
        return None
    label = None
    for attr in field.source_attrs:
        try:
            model_field = model._meta.get_field(attr)
        except (FieldDoesNotExist, AttributeError):
            return None
        model = model_field.related_model
        if hasattr(model_field, "verbose_name"):
            label = str(model_field.verbose_name)
        else:  # a reverse relation (a cluster's funding lines): the other model's plural
            label = str(model._meta.verbose_name_plural)
    return label


def russian_label(serializer: serializers.BaseSerializer, name: str, field) -> str:
    """The header of a field: its own label when Russian, else its model field's verbose name."""
    label = str(field.label or "")
    if name in NAMED_LABELS and not CYRILLIC.search(label):
        return NAMED_LABELS[name]
    if CYRILLIC.search(label):
        return label[:1].upper() + label[1:]
    label = _model_label(serializer, field) or FALLBACK_LABELS.get(name) or name
    return label[:1].upper() + label[1:]


def xlsx_columns(serializer: serializers.BaseSerializer, prefix: str = "", head: str = ""):
    """Columns for every readable field, nested summaries flattened, with Russian headers."""
    if isinstance(serializer, serializers.ListSerializer):
        serializer = serializer.child
    columns: list[Column] = []
    for name, field in serializer.fields.items():
        if field.write_only:
            continue
        path = f"{prefix}{name}"
        label = russian_label(serializer, name, field)
        nested = field.child if isinstance(field, serializers.ListSerializer) else field
        if isinstance(nested, serializers.Serializer):
            columns.extend(xlsx_columns(nested, prefix=f"{path}.", head=f"{head}{label}: "))
        else:
            is_number = isinstance(nested, NUMERIC_FIELDS) and nested is field
            choices = ()
            if isinstance(nested, serializers.ChoiceField):
                choices = tuple((str(k), str(v)) for k, v in nested.choices.items())
            columns.append(Column(path, f"{head}{label}", is_number, choices))
    return columns


def csv_labels(serializer: serializers.BaseSerializer) -> list[str]:
    """The Russian headers of the CSV columns, in the same order (for `?labels=ru`)."""
    return [column.label for column in xlsx_columns(serializer)]


def _number(text: str) -> int | Decimal | str:
    try:
        number = Decimal(text)
    except InvalidOperation:
        return text
    if number == number.to_integral_value() and "." not in text and "e" not in text.lower():
        return int(number)
    return number


def cell_value(row: dict[str, Any], column: Column) -> Any:
    """What a cell holds: a number for a numeric column, neutralised text otherwise."""
    parts = column.path.split(".")
    if column.is_number:
        value: Any = row
        for part in parts:
            value = value.get(part) if isinstance(value, dict) else None
        if value is None or isinstance(value, bool):
            return None
        if isinstance(value, int | Decimal | float):
            return value
        return _number(str(value))
    text = _lookup(row, parts)
    if column.choices and text:
        # Choice codes read as their Russian labels («федеральный бюджет», not «federal»).
        labels = dict(column.choices)
        text = LIST_SEPARATOR.join(labels.get(v, v) for v in text.split(LIST_SEPARATOR))
    return spreadsheet_safe(text) if text != "" else None


def xlsx_file(columns: list[Column], rows: Iterable[dict[str, Any]], *, title: str = "Данные"):
    """A one-sheet workbook in a temporary file (rewound): bold Russian headers, then a row
    per dict. openpyxl's write-only mode streams rows to disk, so memory stays bounded."""
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(title=title[:31])
    bold = Font(bold=True)
    header = []
    for column in columns:
        cell = WriteOnlyCell(sheet, value=column.label)
        cell.font = bold
        header.append(cell)
    sheet.append(header)
    for row in rows:
        sheet.append([cell_value(row, column) for column in columns])
    handle = tempfile.TemporaryFile()
    workbook.save(handle)
    handle.seek(0)
    return handle


def xlsx_bytes(
    columns: list[Column], rows: Iterable[dict[str, Any]], *, title: str = "Данные"
) -> bytes:
    with xlsx_file(columns, rows, title=title) as handle:
        return handle.read()


def xlsx_response(handle, filename: str) -> FileResponse:
    """A download of a workbook file, sent in chunks from disk."""
    return FileResponse(
        handle, as_attachment=True, filename=f"{filename}.xlsx", content_type=XLSX_MEDIA_TYPE
    )


class XLSXRenderer(BaseRenderer):
    """Renders a page, a list or one object as XLSX; whole lists are built by the view."""

    media_type = XLSX_MEDIA_TYPE
    format = "xlsx"
    charset = None
    render_style = "binary"

    def render(self, data, accepted_media_type=None, renderer_context=None) -> bytes:
        rows = _rows_of(data)
        view = (renderer_context or {}).get("view")
        columns = view.xlsx_columns() if hasattr(view, "xlsx_columns") else None
        if not columns:
            keys = list(rows[0].keys()) if rows else []
            columns = [Column(key, FALLBACK_LABELS.get(key, key)) for key in keys]
        return xlsx_bytes(columns, rows)
