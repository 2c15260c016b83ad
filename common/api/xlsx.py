"""XLSX for API lists and admin selections: Russian headers, typed cells, bounded memory.

The columns are those of the CSV (`common.api.csv.csv_columns`: nested summaries flattened to
dotted paths), each with a Russian header built from the model fields' verbose names
(«Субъект РФ: код»). Numbers (integers, decimals) are written as numbers, everything else as
text, so region codes such as «01» stay text; text that looks like a formula is neutralised.
The workbook is written as the rows come (`xlsx_stream`: a zip of the few fixed parts and one
sheet of inline strings, deflated on the way), so a whole export is streamed from its first row
in bounded memory.
"""

from __future__ import annotations

import re
import tempfile
import zipfile
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from itertools import islice
from typing import Any

from django.core.exceptions import FieldDoesNotExist
from django.http import FileResponse, StreamingHttpResponse
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


def _escaped(char: str) -> str:
    if char == "'":
        return "''"
    if char == "%":
        return "%%"
    if char.isprintable() and char != "\\":
        return char
    return f"\\U{ord(char):08x}"


def sql_literal(text: str) -> str:
    """`text` as an SQL string literal (an E'' one, escaping what is not printable), `%`
    doubled as in Django's SQL (`csv_copy.copy_data` reads it back)."""
    if text.isprintable() and "\\" not in text:
        return "'" + "".join(_escaped(char) for char in text) + "'"
    return "E'" + "".join(_escaped(char) for char in text) + "'"


def labelled_sql(text: str, choices: tuple[tuple[str, str], ...]) -> str:
    """The same reading of choice codes in SQL, for the rows PostgreSQL writes (xlsx_copy):
    each `; `-separated part of the text expression `text` that is a code becomes its label;
    a text without the separator is read whole (an empty text stays empty)."""

    def mapped(part: str, codes: Iterable[tuple[str, str]]) -> str:
        whens = " ".join(f"WHEN {sql_literal(k)} THEN {sql_literal(v)}" for k, v in codes)
        return f"CASE {part} {whens} ELSE {part} END" if whens else part

    separator = sql_literal(LIST_SEPARATOR)
    parts = (
        f"(SELECT string_agg({mapped('_xlsx_part', choices)}, {separator} ORDER BY _xlsx_n)"
        f" FROM unnest(string_to_array({text}, {separator}))"
        " WITH ORDINALITY AS _xlsx_parts(_xlsx_part, _xlsx_n))"
    )
    whole = mapped(text, [(k, v) for k, v in choices if k != ""])
    return f"CASE WHEN strpos({text}, {separator}) > 0 THEN {parts} ELSE {whole} END"


_PARTS = {
    "[Content_Types].xml": (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
        '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
        '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
        '<Default Extension="xml" ContentType="application/xml"/>'
        '<Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
        '<Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
        '<Override PartName="/xl/styles.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.styles+xml"/>'
        "</Types>"
    ),
    "_rels/.rels": (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
        '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
        '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/>'
        "</Relationships>"
    ),
    "xl/_rels/workbook.xml.rels": (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
        '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
        '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/>'
        '<Relationship Id="rId2" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/styles" Target="styles.xml"/>'
        "</Relationships>"
    ),
    "xl/styles.xml": (  # style 1: the bold header
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
        '<styleSheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
        '<fonts count="2"><font><sz val="11"/><name val="Calibri"/></font>'
        '<font><b/><sz val="11"/><name val="Calibri"/></font></fonts>'
        '<fills count="2"><fill><patternFill patternType="none"/></fill>'
        '<fill><patternFill patternType="gray125"/></fill></fills>'
        '<borders count="1"><border><left/><right/><top/><bottom/><diagonal/></border></borders>'
        '<cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/></cellStyleXfs>'
        '<cellXfs count="2"><xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/>'
        '<xf numFmtId="0" fontId="1" fillId="0" borderId="0" xfId="0" applyFont="1"/></cellXfs>'
        '<cellStyles count="1"><cellStyle name="Normal" xfId="0" builtinId="0"/></cellStyles>'
        "</styleSheet>"
    ),
}
_WORKBOOK = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    '<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
    'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">'
    '<sheets><sheet name="{title}" sheetId="1" r:id="rId1"/></sheets></workbook>'
)
_SHEET_HEAD = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    '<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>'
)
_SHEET_TAIL = "</sheetData></worksheet>"
# The pieces of a sheet row, for the rows written here and those PostgreSQL writes (xlsx_copy).
ROW_OPEN, ROW_CLOSE = "<row>", "</row>"
EMPTY_CELL = "<c/>"
NUMBER_OPEN, NUMBER_CLOSE = "<c><v>", "</v></c>"
TEXT_OPEN, TEXT_CLOSE = '<c t="inlineStr"><is><t xml:space="preserve">', "</t></is></c>"
# XML 1.0 has no place for these (openpyxl refuses them): they are dropped from text cells.
_XML_ESCAPES = {ord("&"): "&amp;", ord("<"): "&lt;", ord(">"): "&gt;", ord('"'): "&quot;"}
_XML_ESCAPES.update({c: None for c in [*range(0, 9), 11, 12, *range(14, 32), 0xFFFE, 0xFFFF]})


def _cell_xml(value: Any, style: str = "") -> str:
    if value is None:
        return EMPTY_CELL
    if isinstance(value, bool):
        value = "true" if value else "false"
    if isinstance(value, int | Decimal | float):
        return f"<c{style}><v>{value}</v></c>"
    text = str(value).translate(_XML_ESCAPES)
    return f'<c{style} t="inlineStr"><is><t xml:space="preserve">{text}</t></is></c>'


def xml_text_sql(text: str) -> str:
    """The text expression `text` with XML's specials escaped as `_cell_xml` escapes them. The
    characters XML cannot hold are dropped from the rows' bytes instead (`drop_non_xml`):
    `translate()` with their 31 characters nearly tripled the COPY's time."""
    escapes = sorted(
        ((chr(c), to) for c, to in _XML_ESCAPES.items() if to is not None),
        key=lambda pair: pair[0] != "&",  # `&` first, or the others' `&` would be escaped again
    )
    sql = text
    for char, entity in escapes:
        sql = f"replace({sql}, {sql_literal(char)}, {sql_literal(entity)})"
    return sql


_DROPPED = [chr(c) for c, to in _XML_ESCAPES.items() if to is None]
_DROPPED_BYTES = bytes(ord(c) for c in _DROPPED if ord(c) < 0x80)
_DROPPED_SEQUENCES = [c.encode("utf-8") for c in _DROPPED if ord(c) >= 0x80]


def drop_non_xml(data: bytes) -> bytes:
    """UTF-8 `data` without the characters `_cell_xml` drops (`_XML_ESCAPES`), in one pass of
    C. Exact on bytes: a byte below 0x80 in UTF-8 is always that character, never part of
    another's sequence."""
    data = data.translate(None, _DROPPED_BYTES)
    for sequence in _DROPPED_SEQUENCES:
        if sequence in data:
            data = data.replace(sequence, b"")
    return data


class _Sink:
    """A write-only, unseekable stream whose bytes are taken out as they come (zipfile then
    writes data descriptors instead of seeking back)."""

    def __init__(self) -> None:
        self.chunks: list[bytes] = []
        self.position = 0

    def write(self, data: bytes) -> int:
        self.chunks.append(bytes(data))
        self.position += len(data)
        return len(data)

    def tell(self) -> int:
        return self.position

    def seekable(self) -> bool:
        return False

    def flush(self) -> None:
        pass

    def take(self) -> bytes:
        data = b"".join(self.chunks)
        self.chunks = []
        return data


def _row_xml(row: dict[str, Any], columns: list[Column]) -> str:
    cells = "".join(_cell_xml(cell_value(row, column)) for column in columns)
    return f"{ROW_OPEN}{cells}{ROW_CLOSE}"


def xlsx_stream(
    columns: list[Column], rows: Iterable[dict[str, Any]], *, title: str = "Данные"
) -> Iterator[bytes]:
    """A one-sheet workbook, written as it goes: bold Russian headers, then a row per dict,
    numbers as numbers, text as inline strings (see `xlsx_sheet_stream`)."""
    sheet_rows = (_row_xml(row, columns) for row in rows)
    batches = iter(lambda: "".join(islice(sheet_rows, CHUNK_ROWS)).encode("utf-8"), b"")
    return xlsx_sheet_stream(columns, batches, title=title)


def xlsx_sheet_stream(
    columns: list[Column], row_chunks: Iterable[bytes], *, title: str = "Данные"
) -> Iterator[bytes]:
    """The workbook around sheet rows already written (UTF-8 `<row>` XML, a batch a chunk):
    the fixed parts, the bold headers, the rows, the sheet's end and the central directory.
    The zip goes to the response as the chunks come (nothing is held but the current one), so
    the first bytes leave at once and memory stays bounded whatever the number of rows. The
    central directory is written last and only after the last row: a download cut off on the
    way (a killed worker, a database error) is never a whole workbook."""
    sink = _Sink()
    try:
        with zipfile.ZipFile(
            sink, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=1
        ) as archive:
            for name, part in _PARTS.items():
                archive.writestr(name, part)
            archive.writestr(
                "xl/workbook.xml", _WORKBOOK.format(title=title[:31].translate(_XML_ESCAPES))
            )
            with archive.open("xl/worksheets/sheet1.xml", "w", force_zip64=True) as sheet:
                header = "".join(_cell_xml(column.label, ' s="1"') for column in columns)
                sheet.write(f"{_SHEET_HEAD}{ROW_OPEN}{header}{ROW_CLOSE}".encode())
                for chunk in row_chunks:
                    sheet.write(chunk)
                    if data := sink.take():
                        yield data
                sheet.write(_SHEET_TAIL.encode("utf-8"))
    finally:
        # Closed early (the client hung up): end the rows' COPY now, not when garbage is
        # collected. An error on the way leaves the central directory unsent in the sink.
        close = getattr(row_chunks, "close", None)
        if close is not None:
            close()
    yield sink.take()


def xlsx_file(columns: list[Column], rows: Iterable[dict[str, Any]], *, title: str = "Данные"):
    """The workbook of `xlsx_stream` in a temporary file (rewound)."""
    handle = tempfile.TemporaryFile()
    for chunk in xlsx_stream(columns, rows, title=title):
        handle.write(chunk)
    handle.seek(0)
    return handle


def xlsx_bytes(
    columns: list[Column], rows: Iterable[dict[str, Any]], *, title: str = "Данные"
) -> bytes:
    with xlsx_file(columns, rows, title=title) as handle:
        return handle.read()


def xlsx_streaming_response(chunks: Iterable[bytes], filename: str) -> StreamingHttpResponse:
    """A download of a workbook written while it is sent."""
    response = StreamingHttpResponse(chunks, content_type=XLSX_MEDIA_TYPE)
    response["Content-Disposition"] = f'attachment; filename="{filename}.xlsx"'
    return response


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
