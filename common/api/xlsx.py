"""XLSX for API lists and admin selections: Russian headers, typed cells, bounded memory.

The columns are those of the CSV (`common.api.csv.csv_columns`: nested summaries flattened to
dotted paths, a list's values joined with «; »), each with a Russian header built from the
model fields' verbose names («Субъект РФ: код»). A cell is typed by its serializer field
(`Column.kind`): integers and decimals are numbers (money in «# ##0,00»), dates and times are
dates (ДД.ММ.ГГГГ, ДД.ММ.ГГГГ ЧЧ:ММ, Moscow time as the API writes it), booleans «да»/«нет»,
choice codes their Russian labels, everything else text, so region codes such as «01» stay
text; text that looks like a formula is neutralised. The sheet has its header frozen, an
autofilter over every row and column widths by kind. The workbook is written as the rows come
(`xlsx_stream`: a zip of the few fixed parts and one sheet of inline strings, deflated on the
way), so a whole export is streamed from its first row in bounded memory.

The same typed cells, written as Russian text, are the CSV for Russian Excel
(`?dialect=excel-ru`: `people_text`), so the XLSX of a list equals that CSV cell for cell.
"""

from __future__ import annotations

import datetime as dt
import re
import tempfile
import zipfile
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
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


# What a column holds, by serializer field (`column_kind`).
TEXT, INTEGER, DECIMAL, MONEY = "text", "integer", "decimal", "money"
DATE, DATETIME, BOOLEAN = "date", "datetime", "boolean"
NUMBER_KINDS = (INTEGER, DECIMAL, MONEY)
YES, NO = "да", "нет"
# Cell styles of xl/styles.xml: 1 the bold header, then one per kind that needs a format.
STYLES = {MONEY: 2, DATE: 3, DATETIME: 4}
EXCEL_EPOCH = dt.datetime(1899, 12, 30)  # serial day 0 of the 1900 date system, as used
# Spreadsheets count days right from here on (before it the 1900 system has its false 29
# February, and nothing before 1900): an earlier date is written as text.
EXCEL_FIRST_DAY = dt.datetime(1900, 3, 1)
SERIAL_PLACES = Decimal("1e-10")  # a time of day in days, to a hundredth of a millisecond


@dataclass(frozen=True)
class Column:
    """One spreadsheet column: the dotted path into a row, its Russian header, whether it is
    a number, the labels of its choice codes, what kind of value it holds (`kind`; inside a
    list every value is written as text, each part as its `kind` reads) and whether it is a
    list's (`in_list`)."""

    path: str
    label: str
    is_number: bool = False
    choices: tuple[tuple[str, str], ...] = ()
    kind: str = ""
    in_list: bool = False

    @property
    def cell_kind(self) -> str:
        """How the cell is written: a list's values are text; an old-style column (no kind)
        is a number or text."""
        if self.in_list:
            return TEXT
        if self.kind:
            return self.kind
        return DECIMAL if self.is_number else TEXT


def column_kind(field: serializers.Field, name: str = "") -> str:
    """The kind of value a serializer field writes (money: a two-place decimal `*_rub`)."""
    if isinstance(field, serializers.BooleanField):
        return BOOLEAN
    if isinstance(field, serializers.DateTimeField):
        return DATETIME
    if isinstance(field, serializers.DateField):
        return DATE
    if isinstance(field, serializers.IntegerField):
        return INTEGER
    if isinstance(field, serializers.DecimalField):
        return MONEY if field.decimal_places == 2 and name.endswith("_rub") else DECIMAL
    if isinstance(field, serializers.FloatField):
        return DECIMAL
    return TEXT


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


def xlsx_columns(
    serializer: serializers.BaseSerializer, prefix: str = "", head: str = "", in_list: bool = False
):
    """Columns for every readable field, nested summaries flattened, with Russian headers."""
    if isinstance(serializer, serializers.ListSerializer):
        serializer = serializer.child
    columns: list[Column] = []
    for name, field in serializer.fields.items():
        if field.write_only:
            continue
        path = f"{prefix}{name}"
        label = russian_label(serializer, name, field)
        many = isinstance(field, serializers.ListSerializer | serializers.ListField)
        nested = field.child if many else field
        if isinstance(nested, serializers.Serializer):
            columns.extend(
                xlsx_columns(
                    nested, prefix=f"{path}.", head=f"{head}{label}: ", in_list=in_list or many
                )
            )
        else:
            kind = column_kind(nested, name)
            listed = in_list or many
            choices = ()
            if isinstance(nested, serializers.ChoiceField):
                choices = tuple((str(k), str(v)) for k, v in nested.choices.items())
            columns.append(
                Column(
                    path,
                    f"{head}{label}",
                    kind in NUMBER_KINDS and not listed,
                    choices,
                    kind=kind,
                    in_list=listed,
                )
            )
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


def _leaves(data: Any, parts: list[str]) -> list[Any]:
    """The values at a dotted path, a list's items each (as `csv._lookup` joins them)."""
    if not parts:
        return list(data) if isinstance(data, list) else [data]
    if data is None:
        return []
    if isinstance(data, list):
        return [leaf for item in data for leaf in _leaves(item, parts)]
    return _leaves(data.get(parts[0]), parts[1:])


def _scalar_at(row: dict[str, Any], parts: list[str]) -> Any:
    value: Any = row
    for part in parts:
        value = value.get(part) if isinstance(value, dict) else None
    return value


def _date(value: Any) -> dt.date | None:
    if isinstance(value, dt.date):
        return value
    try:
        return dt.date.fromisoformat(str(value)[:10])
    except ValueError:
        return None


def _datetime(value: Any) -> dt.datetime | None:
    """The wall-clock time the API writes (Moscow time), to the second: a spreadsheet has no
    time zones."""
    if not isinstance(value, dt.datetime):
        try:
            value = dt.datetime.fromisoformat(str(value))
        except ValueError:
            return None
    return value.replace(tzinfo=None, microsecond=0)


def _day_text(day: dt.date) -> str:
    """ДД.ММ.ГГГГ, the year in four digits whatever the platform's strftime does."""
    return f"{day.day:02d}.{day.month:02d}.{day.year:04d}"


def people_text(value: Any, kind: str) -> str:
    """A value as Russian readers write it: «100000000,50», «24.01.2025», «24.01.2025 18:12»,
    «да»/«нет»; None an empty text. The text of the CSV for Russian Excel, and of a list's
    values in the XLSX."""
    if value is None:
        return ""
    if kind == BOOLEAN or isinstance(value, bool):
        if isinstance(value, str):
            return value
        return YES if value else NO
    if kind == DATETIME or isinstance(value, dt.datetime):
        moment = _datetime(value)
        return f"{_day_text(moment)} {moment:%H:%M}" if moment else str(value)
    if kind == DATE or isinstance(value, dt.date):
        day = _date(value)
        return _day_text(day) if day else str(value)
    if kind in NUMBER_KINDS or isinstance(value, int | Decimal | float):
        return str(value).replace(".", ",")
    return str(value)


def cell_value(row: dict[str, Any], column: Column) -> Any:
    """What a cell holds, typed by its column: a number, a date, a naive datetime, «да»/«нет»,
    or neutralised text (a choice as its label; a list's values each as people write them,
    joined with «; »)."""
    parts = column.path.split(".")
    kind = column.cell_kind
    if kind in NUMBER_KINDS:
        value = _scalar_at(row, parts)
        if value is None or isinstance(value, bool):
            return None
        if isinstance(value, int | Decimal | float):
            return value
        return _number(str(value))
    if kind == DATE:
        value = _scalar_at(row, parts)
        return None if value is None else (_date(value) or spreadsheet_safe(str(value)))
    if kind == DATETIME:
        value = _scalar_at(row, parts)
        return None if value is None else (_datetime(value) or spreadsheet_safe(str(value)))
    if kind == BOOLEAN:
        value = _scalar_at(row, parts)
        return None if value is None else (YES if value else NO)
    if column.in_list:
        labels = dict(column.choices)
        values = _leaves(row, parts)
        texts = [
            labels.get(str(v), str(v))
            if column.choices and v is not None
            else people_text(v, column.kind)
            for v in values
        ]
        text = LIST_SEPARATOR.join(texts)
        return spreadsheet_safe(text) if text != "" else None
    text = _lookup(row, parts)
    if column.choices and text:
        # Choice codes read as their Russian labels («федеральный бюджет», not «federal»).
        labels = dict(column.choices)
        text = LIST_SEPARATOR.join(labels.get(v, v) for v in text.split(LIST_SEPARATOR))
    return spreadsheet_safe(text) if text != "" else None


def serial(value: dt.date | dt.datetime) -> int | Decimal:
    """A date as the spreadsheet's day number; a datetime as days and the fraction of its day
    (ten places, rounded half up as PostgreSQL's round())."""
    if isinstance(value, dt.datetime):
        seconds = int((value - EXCEL_EPOCH).total_seconds())
        return (Decimal(seconds) / Decimal(86400)).quantize(SERIAL_PLACES, ROUND_HALF_UP)
    return (value - EXCEL_EPOCH.date()).days


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
    # Styles: 1 the bold header, 2 money «# ##0,00», 3 a date, 4 a date and time (STYLES).
    "xl/styles.xml": (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
        '<styleSheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
        '<numFmts count="2"><numFmt numFmtId="164" formatCode="DD.MM.YYYY"/>'
        '<numFmt numFmtId="165" formatCode="DD.MM.YYYY HH:MM"/></numFmts>'
        '<fonts count="2"><font><sz val="11"/><name val="Calibri"/></font>'
        '<font><b/><sz val="11"/><name val="Calibri"/></font></fonts>'
        '<fills count="2"><fill><patternFill patternType="none"/></fill>'
        '<fill><patternFill patternType="gray125"/></fill></fills>'
        '<borders count="1"><border><left/><right/><top/><bottom/><diagonal/></border></borders>'
        '<cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/></cellStyleXfs>'
        '<cellXfs count="5"><xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/>'
        '<xf numFmtId="0" fontId="1" fillId="0" borderId="0" xfId="0" applyFont="1"/>'
        '<xf numFmtId="4" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/>'
        '<xf numFmtId="164" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/>'
        '<xf numFmtId="165" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/>'
        "</cellXfs>"
        '<cellStyles count="1"><cellStyle name="Normal" xfId="0" builtinId="0"/></cellStyles>'
        "</styleSheet>"
    ),
}
_WORKBOOK = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    '<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
    'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">'
    '<sheets><sheet name="{title}" sheetId="1" r:id="rId1"/></sheets>'
    '<definedNames><definedName name="_xlnm._FilterDatabase" localSheetId="0" hidden="1">'
    "'{quoted}'!{range}</definedName></definedNames></workbook>"
)
_SHEET_HEAD = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    '<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
    # The header row stays in view while the rows scroll.
    '<sheetViews><sheetView workbookViewId="0"><pane ySplit="1" topLeftCell="A2" '
    'activePane="bottomLeft" state="frozen"/></sheetView></sheetViews>'
    "<cols>{cols}</cols><sheetData>"
)
_SHEET_TAIL = '</sheetData><autoFilter ref="{range}"/></worksheet>'
# Column widths (in characters) by kind; text by its header, within bounds.
WIDTHS = {INTEGER: 10, DECIMAL: 12, MONEY: 18, DATE: 12, DATETIME: 17, BOOLEAN: 8}
TEXT_WIDTH = (14, 48)
WIDE_TEXT = ("name", "full_name", "title", "exact_wording", "note", "description", "url")


def column_letter(number: int) -> str:
    """1 → A, 27 → AA: a spreadsheet column's letters."""
    letters = ""
    while number:
        number, remainder = divmod(number - 1, 26)
        letters = chr(65 + remainder) + letters
    return letters


def column_width(column: Column) -> int:
    if column.cell_kind in WIDTHS:
        return max(WIDTHS[column.cell_kind], min(len(column.label) + 2, TEXT_WIDTH[1]))
    low, high = TEXT_WIDTH
    if column.path.rsplit(".", 1)[-1] in WIDE_TEXT or column.in_list:
        low = 36
    return max(low, min(len(column.label) + 2, high))


def _cols_xml(columns: list[Column]) -> str:
    return "".join(
        f'<col min="{i}" max="{i}" width="{column_width(column)}" customWidth="1"/>'
        for i, column in enumerate(columns, start=1)
    )


def _filter_range(columns: list[Column], rows: int) -> str:
    return f"$A$1:${column_letter(max(len(columns), 1))}${rows + 1}"


# The pieces of a sheet row, for the rows written here and those PostgreSQL writes (xlsx_copy).
ROW_OPEN, ROW_CLOSE = "<row>", "</row>"
ROW_OPEN_BYTES = ROW_OPEN.encode()
EMPTY_CELL = "<c/>"
NUMBER_OPEN, NUMBER_CLOSE = "<c><v>", "</v></c>"
TEXT_OPEN, TEXT_CLOSE = '<c t="inlineStr"><is><t xml:space="preserve">', "</t></is></c>"
# XML 1.0 has no place for these (openpyxl refuses them): they are dropped from text cells.
_XML_ESCAPES = {ord("&"): "&amp;", ord("<"): "&lt;", ord(">"): "&gt;", ord('"'): "&quot;"}
_XML_ESCAPES.update({c: None for c in [*range(0, 9), 11, 12, *range(14, 32), 0xFFFE, 0xFFFF]})


def style_attr(column: Column) -> str:
    """The cell's style attribute for its column's kind (money, date, datetime), or ""."""
    style = STYLES.get(column.cell_kind)
    return f' s="{style}"' if style else ""


def _cell_xml(value: Any, style: str = "") -> str:
    if value is None:
        return EMPTY_CELL
    if isinstance(value, bool):
        value = YES if value else NO
    if isinstance(value, dt.date):
        first = EXCEL_FIRST_DAY if isinstance(value, dt.datetime) else EXCEL_FIRST_DAY.date()
        if value < first:  # no day number for it: its text
            value = people_text(value, DATETIME if isinstance(value, dt.datetime) else DATE)
            return f'<c t="inlineStr"><is><t xml:space="preserve">{value}</t></is></c>'
        value = serial(value)
    if isinstance(value, Decimal):  # positional digits, as PostgreSQL's numeric text
        return f"<c{style}><v>{value:f}</v></c>"
    if isinstance(value, int | float):
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


def column_cell_xml(row: dict[str, Any], column: Column) -> str:
    """One cell of a row as the Python path writes it: typed value, its column's style."""
    return _cell_xml(cell_value(row, column), style_attr(column))


def _row_xml(row: dict[str, Any], columns: list[Column]) -> str:
    cells = "".join(column_cell_xml(row, column) for column in columns)
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
    rows = 0
    try:
        with zipfile.ZipFile(
            sink, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=1
        ) as archive:
            for name, part in _PARTS.items():
                archive.writestr(name, part)
            with archive.open("xl/worksheets/sheet1.xml", "w", force_zip64=True) as sheet:
                header = "".join(_cell_xml(column.label, ' s="1"') for column in columns)
                head = _SHEET_HEAD.format(cols=_cols_xml(columns))
                sheet.write(f"{head}{ROW_OPEN}{header}{ROW_CLOSE}".encode())
                for chunk in row_chunks:
                    sheet.write(chunk)
                    # A text cell escapes «<»: every «<row>» of the chunk opens a row.
                    rows += chunk.count(ROW_OPEN_BYTES)
                    if data := sink.take():
                        yield data
                cells = _filter_range(columns, rows).replace("$", "")
                sheet.write(_SHEET_TAIL.format(range=cells).encode("utf-8"))
            # The workbook names the filtered range, known once the last row is written.
            sheet_title = title[:31].translate(_XML_ESCAPES)
            archive.writestr(
                "xl/workbook.xml",
                _WORKBOOK.format(
                    title=sheet_title,
                    quoted=sheet_title.replace("'", "''"),
                    range=_filter_range(columns, rows),
                ),
            )
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
