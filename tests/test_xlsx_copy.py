"""XLSX whose sheet rows PostgreSQL writes (common/api/xlsx_copy.py) is the Python path's.

Every list endpoint of the router is exported twice — once as the view chooses (COPY for a flat
row plan), once with COPY switched off (row dicts and `xlsx._cell_xml`) — by an anonymous
client and by staff who may see drafts, over the CSV parity test's hostile values
(tests/test_csv_copy.py) and those only XML minds: `&`, `<`, `>`, quotes, characters XML 1.0
cannot hold, `%` and braces (SQL and format strings), a backslash, choice codes that are no
choice or several. The workbooks' parts are compared byte for byte.
"""

import io
import re
import zipfile
from dataclasses import replace
from decimal import Decimal

import psycopg
import pytest
from django.db import connection, models
from openpyxl import load_workbook
from rest_framework import serializers

from clusters.models import College, Employer, Source
from common.api import csv_copy, rows, xlsx_copy
from common.api.xlsx import (
    NUMBER_KINDS,
    Column,
    _row_xml,
    column_cell_xml,
    column_kind,
    drop_non_xml,
    xlsx_columns,
)
from config.api import router
from funding.models import FundingLine
from regions.api.serializers import RegionSerializer
from regions.models import Region
from tests.test_csv_copy import KINDS, LIST_ENDPOINTS, PYTHON_ONLY, write_hostile_values

pytestmark = pytest.mark.django_db

XML_HOSTILE = [
    "a & b <c> \"d\" 'e'",
    "\x01=после управляющего символа",
    "\x0bвертикальная\x0cтабуляция\x1f",
    "\ufffeне символы\uffff",
    "100% {фигурные} {value} {cell}",
    "обратный \\ слэш \\x01",
    "&amp; уже сущность",
    "😀 эмодзи и Ё",
]
CHOICE_HOSTILE = [
    "krai; oblast",
    "x; krai",
    "=krai",
    "неизвестно",
    "krai; ",
    "; krai",
    "",
    "krai;oblast",
]


@pytest.fixture
def hostile_data(draft_cluster):
    """The CSV parity test's hostile rows (the seed, a draft with money, awkward text)."""
    return write_hostile_values()


@pytest.fixture
def xml_hostile_data(hostile_data):
    """The CSV's hostile rows, some text columns then holding what only XML minds, and funding
    lines whose choice columns hold codes that are no choice, several codes, or none."""
    text_columns = {
        College: ["full_name", "town"],
        Employer: ["name"],
        Source: ["title", "publisher"],
        FundingLine: ["note"],
        Region: ["name_en"],
    }
    for model, columns in text_columns.items():
        for index, pk in enumerate(model.objects.order_by("pk").values_list("pk", flat=True)):
            model.objects.filter(pk=pk).update(
                **{
                    column: XML_HOSTILE[(index + offset) % len(XML_HOSTILE)]
                    for offset, column in enumerate(columns)
                }
            )
    # A region's kind has no check constraint (a funding line's source has one).
    for index, pk in enumerate(Region.objects.order_by("pk").values_list("pk", flat=True)):
        Region.objects.filter(pk=pk).update(kind=CHOICE_HOSTILE[index % len(CHOICE_HOSTILE)])
    return hostile_data


def _export(client, url, params) -> bytes:
    response = client.get(url, {**params, "format": "xlsx"})
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment; filename=")
    return b"".join(response.streaming_content)


def _parts(body: bytes) -> dict[str, bytes]:
    with zipfile.ZipFile(io.BytesIO(body)) as archive:
        return {name: archive.read(name) for name in archive.namelist()}


def _python_export(monkeypatch, client, url, params) -> bytes:
    with monkeypatch.context() as patched:
        patched.setattr(xlsx_copy, "copy_query", lambda *args: None)
        return _export(client, url, params)


def _orderable(prefix: str, variants: list[dict]) -> list[dict]:
    """The variants whose `ordering` the list takes (its fields, or the key: issue 20 refuses
    any other with a 400, where it used to be dropped quietly)."""
    viewset = next(v for p, v, _ in router.registry if p == prefix)
    fields = {*(getattr(viewset, "ordering_fields", None) or ()), "id", "pk"}
    return [v for v in variants if v.get("ordering", "id").removeprefix("-") in fields]


@pytest.mark.parametrize("prefix", LIST_ENDPOINTS)
def test_sql_writes_the_python_paths_sheet_for_every_list(
    xml_hostile_data, persona_client, monkeypatch, prefix
):
    url = f"/api/v1/{prefix}/"
    monkeypatch.setattr(csv_copy, "COPY_ID_RANGE", 3)  # several id ranges, some of them empty
    copies = []
    copy_rows = xlsx_copy.copy_rows
    monkeypatch.setattr(xlsx_copy, "copy_rows", lambda *a: copies.append(a) or copy_rows(*a))
    for params in _orderable(prefix, [{}, {"ordering": "-id"}, {"ordering": "-updated_at"}]):
        copies.clear()
        copied = _parts(_export(persona_client, url, params))
        assert bool(copies) == (prefix not in PYTHON_ONLY), "COPY where it can be, only there"
        written = _parts(_python_export(monkeypatch, persona_client, url, params))
        assert copied == written, params
        sheet = copied["xl/worksheets/sheet1.xml"]
        rows = sheet.count(b"<row>")
        tail = re.search(
            rb'</row></sheetData><autoFilter ref="A1:[A-Z]+(\d+)"/></worksheet>$', sheet
        )
        assert rows > 2 and tail and int(tail.group(1)) == rows  # the filter covers every row


def _sheet(body: bytes) -> list[tuple]:
    return list(load_workbook(io.BytesIO(body), read_only=True).active.iter_rows(values_only=True))


def test_the_hostile_values_reach_the_sheet_as_python_writes_them(
    xml_hostile_data, editor_api_client, api_client
):
    body = _export(editor_api_client, "/api/v1/funding-lines/", {})
    cells = {value for row in _sheet(body)[1:] for value in row}
    assert '\'=HYPERLINK("http://example.org","x")' in cells and "'@SUM(A1)" in cells
    assert "'\tтабуляция" in cells and "строка\nс CRLF" in cells  # XML reads CRLF as LF
    assert "a & b <c> \"d\" 'e'" in cells and "&amp; уже сущность" in cells
    assert "=после управляющего символа" in cells  # the guard sees the character XML drops
    assert "вертикальнаятабуляция" in cells and "не символы" in cells
    assert "100% {фигурные} {value} {cell}" in cells and "обратный \\ слэш \\x01" in cells
    assert "федеральный бюджет" in cells and "средства работодателей" in cells  # choice labels
    amounts = {value for value in cells if isinstance(value, int | float)}
    assert {0.01, 1234567.89, 100000000.5, 777000000} <= amounts  # numbers, not text
    # Dates are dates; one a spreadsheet cannot count to (before 1 March 1900) is its text.
    assert "31.12.0999" in cells and "01.01.1900 02:30" in cells
    anonymous = _sheet(_export(api_client, "/api/v1/funding-lines/", {}))
    assert 777000000 not in {value for row in anonymous for value in row}  # the draft's
    kinds = set(_column(_sheet(_export(api_client, "/api/v1/regions/", {})), "Вид субъекта"))
    assert {"край; область", "x; край", "'=krai", "неизвестно", None} <= kinds
    assert {"край; ", "; край", "krai;oblast"} <= kinds


def _column(sheet: list[tuple], header: str) -> list:
    index = sheet[0].index(header)
    return [row[index] for row in sheet[1:]]


@pytest.mark.parametrize(
    "params",
    [
        {"fiscal_year": "-3095630"},  # beyond the integer column: Django compiles it to no SQL
        {"fiscal_year": "99999999999", "funding_source": "federal", "ordering": "-id"},
        {"fiscal_year": "2024", "region": "22", "funding_source": "federal"},  # no such line
    ],
)
def test_a_filter_no_line_meets_exports_a_whole_workbook_of_the_header(
    hostile_data, persona_client, monkeypatch, params
):
    copies = []
    copy_rows = xlsx_copy.copy_rows
    monkeypatch.setattr(xlsx_copy, "copy_rows", lambda *a: copies.append(a) or copy_rows(*a))
    copied = _export(persona_client, "/api/v1/funding-lines/", params)
    assert copies
    assert _parts(copied) == _parts(
        _python_export(monkeypatch, persona_client, "/api/v1/funding-lines/", params)
    )
    (header,) = _sheet(copied)
    assert header[0] == "ID"


def test_a_client_that_hangs_up_leaves_the_connection_clean(seed, api_client, monkeypatch):
    region = Region.objects.get(code="22")
    source = Source.objects.first()
    FundingLine.objects.bulk_create(
        FundingLine(
            region=region, fiscal_year=2024, funding_source="federal", qualifier="exact",
            amount_rub=Decimal(n), source=source, note=f"примечание {n} " * 20,
        )
        for n in range(3000)
    )  # fmt: skip
    copies = []
    copy_rows = xlsx_copy.copy_rows
    monkeypatch.setattr(xlsx_copy, "copy_rows", lambda *a: copies.append(a) or copy_rows(*a))
    savepoints = len(connection.savepoint_ids)
    response = api_client.get("/api/v1/funding-lines/", {"format": "xlsx"})
    chunks = iter(response.streaming_content)
    first = next(chunks)
    assert copies and first.startswith(b"PK")
    assert connection.connection.info.transaction_status == psycopg.pq.TransactionStatus.ACTIVE
    # What the WSGI server does when the client is gone; the request's end would then close
    # the test's connection (it is inside the test's transaction): keep it, to look at it.
    monkeypatch.setattr(connection, "close_if_unusable_or_obsolete", lambda: None)
    response.close()
    status = connection.connection.info.transaction_status
    assert status == psycopg.pq.TransactionStatus.INTRANS  # the test's own transaction, healthy
    assert len(connection.savepoint_ids) == savepoints
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM funding_fundingline")
        assert cursor.fetchone()[0] >= 3000


def test_a_workbook_cut_off_by_an_error_is_never_whole(seed, api_client, monkeypatch):
    """A database error after the first rows: what was sent has no central directory."""
    copy_rows = xlsx_copy.copy_rows

    def failing(export):
        rows = copy_rows(export)
        yield next(rows)
        rows.close()
        raise psycopg.OperationalError("the server went away")

    monkeypatch.setattr(xlsx_copy, "copy_rows", failing)
    monkeypatch.setattr(xlsx_copy, "COPY_CHUNK_BYTES", 1)  # a chunk a row
    response = api_client.get("/api/v1/funding-lines/", {"format": "xlsx"})
    sent = []
    with pytest.raises(psycopg.OperationalError):
        for chunk in response.streaming_content:
            sent.append(chunk)
    assert sent and b"".join(sent).startswith(b"PK")
    with pytest.raises(zipfile.BadZipFile):
        zipfile.ZipFile(io.BytesIO(b"".join(sent)))


def _python_cell(column: Column, spec: rows.CellSpec, value) -> str:
    """The cell the Python path writes: the row dict the plan writes, then `cell_value`."""
    row = {"v": None if value is None else spec.represent(value)}
    return column_cell_xml(row, column)


CHOICES = (("federal", "федеральный бюджет"), ("regional", "бюджет {субъекта}, 100%"), ("", "—"))
XLSX_KINDS = [
    *KINDS,
    (serializers.CharField(), models.TextField(), "text", XML_HOSTILE),
    (
        serializers.ChoiceField(choices=CHOICES),
        models.CharField(max_length=20),
        "text",
        [*CHOICE_HOSTILE, "federal", "regional; federal; x", "; ", "federal;regional"],
    ),
    (serializers.CharField(), models.IntegerField(), "integer", [-5, 0, 12]),
    (serializers.IntegerField(), models.BigIntegerField(), "bigint", [-(2**62), 2**62]),
]


@pytest.mark.parametrize(("drf_field", "model_field", "sql_type", "values"), XLSX_KINDS)
def test_each_cell_kind_is_written_in_sql_as_in_python(drf_field, model_field, sql_type, values):
    """The SQL of each kind's cell XML (then `drop_non_xml`, as for every row) against
    `_cell_xml(cell_value(row))`, null included."""
    spec = rows.CellSpec("v", (), rows._represent(drf_field), drf_field, model_field)
    choices = tuple((str(k), str(v)) for k, v in getattr(drf_field, "choices", {}).items())
    kind = column_kind(drf_field, "amount_rub")  # a two-place decimal is money here
    column = Column("v", "v", kind in NUMBER_KINDS, choices, kind=kind)
    xml = xlsx_copy.cell_xml_sql(column, spec)
    assert xml is not None
    content = xml.content.replace("{value}", f"(%(v)s)::{sql_type}")
    with connection.cursor() as cursor:
        for value in [*values, None]:
            cursor.execute(f"SELECT {xml.xml_sql(content)}", {"v": value})
            written = drop_non_xml(cursor.fetchone()[0].encode()).decode()  # as copy_rows does
            assert written == _python_cell(column, spec, value), value


@pytest.mark.parametrize("ordering", ["name", "pk"])  # one statement without parameters; ranges
def test_a_literal_percent_reaches_the_sheet_with_or_without_parameters(seed, ordering):
    """SQL literals double `%` as Django's SQL does; a COPY without parameters reads it back
    too (psycopg's parameter pass skips a statement without any)."""
    serializer = RegionSerializer(many=True)
    queryset = Region.objects.order_by(ordering)
    columns = [
        replace(column, choices=(("oblast", "область, 100%"), ("krai", "край %s %%")))
        if column.choices
        else column
        for column in xlsx_columns(serializer)
    ]
    specs = rows.plan_for(serializer, queryset).cell_specs([c.path for c in columns])
    export = xlsx_copy.copy_query(queryset, columns, specs)
    written = b"".join(xlsx_copy.copy_rows(export)).decode()
    python = "".join(_row_xml(row, columns) for row in rows.iter_serialized(serializer, queryset))
    assert written == python and "область, 100%<" in written and "край %s %%<" in written
