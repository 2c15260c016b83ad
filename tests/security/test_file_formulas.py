"""Every file the registry writes guards formula cells and quotes cells for `,` and `;` readers
(issue 20): the API's CSV (Python and PostgreSQL paths, both dialects) and XLSX, the open-data
files, the import templates and the admin's XLSX export."""

import csv
import io

import pytest
from openpyxl import load_workbook

from clusters.models import College, Industry
from common.spreadsheet import (
    csv_row_writer,
    requote_csv_row,
    safe_csv,
    spreadsheet_safe,
    spreadsheet_unguard,
)
from opendata.services import opendata_publish
from tests.clusters.factories import ClusterCollegeFactory, ClusterFactory

FORMULAS = ["=1+1", "+1", "-1", "@x", "\t=1+1", "\r=1+1", "'=1+1"]
SPLIT = "Колледж;=2+5;хвост"  # Russian Excel reads `;` as the cell separator
SPLIT_SAFE = "Колледж;'=2+5;хвост"  # what every file holds: no piece starts a formula
LEADS = ("=", "+", "-", "@", "\t", "\r")


def _body(response) -> bytes:
    assert response.status_code == 200, response.status_code
    return b"".join(response.streaming_content) if response.streaming else response.content


def _rows(body: bytes, delimiter: str = ",") -> list[list[str]]:
    text = body.decode("utf-8-sig")
    return list(csv.reader(io.StringIO(text, newline=""), delimiter=delimiter))


def _assert_no_live_cell(body: bytes) -> None:
    """Read as Russian Excel reads it (`;`) and as a comma reader: no cell starts a formula."""
    for delimiter in (",", ";"):
        for row in _rows(body, delimiter):
            for cell in row:
                assert not cell.startswith(LEADS), (delimiter, cell)


@pytest.mark.parametrize("value", [*FORMULAS, SPLIT, "просто текст", "", "a'b"])
def test_the_guard_is_reversible(value):
    assert spreadsheet_unguard(spreadsheet_safe(value)) == value


def test_a_cell_holding_the_other_separator_is_quoted_in_both_dialects():
    assert csv_row_writer(",")(["1", SPLIT, "x"]) == f'1,"{SPLIT}",x\r\n'
    assert csv_row_writer(";")(["1", "1,5", SPLIT]) == f'1;"1,5";"{SPLIT}"\r\n'
    assert spreadsheet_safe(SPLIT) == SPLIT_SAFE
    assert spreadsheet_safe("\r=1+1") == "'\r'=1+1"
    assert spreadsheet_safe("строка\n- пункт") == "строка\n'- пункт"
    assert csv_row_writer(",")(["1", "plain"]) == "1,plain\r\n"
    # A row PostgreSQL wrote is quoted the same way, line breaks and quotes kept.
    copied = f'1,{SPLIT},"a ""b""\nc"\r\n'.encode()
    assert requote_csv_row(copied) == f'1,"{SPLIT}","a ""b""\nc"\r\n'.encode()
    assert safe_csv([["=1+1", SPLIT, -1, None]]) == f"'=1+1,\"{SPLIT_SAFE}\",'-1,\r\n".encode()


@pytest.fixture
def hostile_college(db):
    """A published cluster whose college and cluster names are every hostile value in turn."""
    names = [*FORMULAS, SPLIT]
    for index, name in enumerate(names):
        cluster = ClusterFactory(name=f"{name} {index}" if index else name)
        ClusterCollegeFactory(cluster=cluster, college__full_name=name, role="base")
    return names


@pytest.mark.django_db
@pytest.mark.parametrize("prefix", ["clusters", "colleges"])  # Python path, PostgreSQL's COPY
def test_api_csv_guards_and_quotes(api_client, hostile_college, prefix):
    body = _body(api_client.get(f"/api/v1/{prefix}/?format=csv"))
    _assert_no_live_cell(body)
    text = body.decode("utf-8-sig")
    assert f'"{SPLIT_SAFE}' in text and "'=1+1" in text and "'@x" in text and "'+1" in text
    assert "''=1+1" in text  # a leading apostrophe is kept visible


@pytest.mark.django_db
def test_api_csv_for_russian_excel_guards_and_quotes(api_client, hostile_college):
    body = _body(api_client.get("/api/v1/colleges/?format=csv&dialect=excel-ru"))
    _assert_no_live_cell(body)
    assert f'"{SPLIT_SAFE}"' in body.decode("utf-8-sig")


@pytest.mark.django_db
@pytest.mark.parametrize("prefix", ["clusters", "colleges"])
def test_api_xlsx_guards(api_client, hostile_college, prefix):
    body = _body(api_client.get(f"/api/v1/{prefix}/?format=xlsx"))
    sheet = load_workbook(io.BytesIO(body)).active
    texts = [c.value for row in sheet.iter_rows() for c in row if isinstance(c.value, str)]
    assert all(not text.startswith(LEADS) for text in texts)
    assert "'=1+1" in texts and any(t.startswith("'-1") for t in texts)
    assert any(t.startswith(SPLIT_SAFE) for t in texts)


@pytest.mark.django_db
def test_open_data_files_guard_and_quote(client, settings, tmp_path, hostile_college):
    settings.MEDIA_ROOT = str(tmp_path)
    written = opendata_publish()
    for identifier in ("clusters", "colleges"):
        name = written[identifier]
        body = _body(client.get(f"/open-data/files/7710168360-{identifier}/{name}"))
        _assert_no_live_cell(body)
        assert f'"{SPLIT_SAFE}'.encode() in body and b"'=1+1" in body


@pytest.mark.django_db
def test_import_templates_guard_values_from_the_database(admin_client_logged, seed):
    Industry.objects.filter(pk=Industry.objects.order_by("pk")[0].pk).update(name="=1+1")
    body = _body(admin_client_logged.get("/admin/imports/importjob/template/clusters.xlsx"))
    book = load_workbook(io.BytesIO(body))
    texts = [
        c.value for ws in book for row in ws.iter_rows() for c in row if isinstance(c.value, str)
    ]
    assert "'=1+1" in texts and "=1+1" not in texts
    body = _body(admin_client_logged.get("/admin/imports/importjob/template/clusters.csv"))
    _assert_no_live_cell(body)


@pytest.mark.django_db
def test_admin_xlsx_export_guards(admin_client_logged, hostile_college):
    pks = list(College.objects.filter(full_name__in=hostile_college).values_list("pk", flat=True))
    response = admin_client_logged.post(
        "/admin/clusters/college/",
        {"action": "export_selected_xlsx", "_selected_action": pks},
    )
    sheet = load_workbook(io.BytesIO(_body(response))).active
    texts = [c.value for row in sheet.iter_rows() for c in row if isinstance(c.value, str)]
    assert all(not text.startswith(LEADS) for text in texts)
    assert "'=1+1" in texts and "'\t=1+1" in texts and SPLIT_SAFE in texts
