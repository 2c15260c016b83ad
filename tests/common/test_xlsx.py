"""XLSX of API lists (opened with openpyxl) and Russian CSV headers on request."""

import csv
import io
from decimal import Decimal

import pytest
from openpyxl import load_workbook

from common.api.xlsx import XLSX_MEDIA_TYPE
from common.spreadsheet import spreadsheet_safe
from tests.clusters.factories import ClusterFactory
from tests.regions.factories import RegionFactory

pytestmark = pytest.mark.django_db


def read_xlsx(response) -> list[tuple]:
    body = b"".join(response.streaming_content) if response.streaming else response.content
    sheet = load_workbook(io.BytesIO(body), read_only=True).active
    return list(sheet.iter_rows(values_only=True))


def column(rows: list[tuple], header: str) -> list:
    index = rows[0].index(header)
    return [row[index] for row in rows[1:]]


def test_cluster_xlsx_has_russian_headers_numbers_as_numbers_and_text_region_codes(
    seed, api_client
):
    response = api_client.get("/api/v1/clusters/", {"format": "xlsx"})
    assert response.status_code == 200
    assert response["Content-Type"] == XLSX_MEDIA_TYPE
    assert 'filename="clusters.xlsx"' in response["Content-Disposition"]
    rows = read_xlsx(response)
    header = rows[0]
    assert "Название" in header
    assert "Субъект РФ: Код субъекта" in header
    assert "Год отбора" in header
    assert not [h for h in header if h.isascii() and h != "ID"], header
    assert len(rows) - 1 == api_client.get("/api/v1/clusters/").json()["count"]
    years = [y for y in column(rows, "Год отбора") if y is not None]
    assert years and all(isinstance(y, int) for y in years)
    codes = column(rows, "Субъект РФ: Код субъекта")
    assert all(isinstance(code, str) and len(code) == 2 for code in codes)


def test_funding_line_xlsx_amounts_are_numeric_cells(seed, api_client):
    rows = read_xlsx(api_client.get("/api/v1/funding-lines/", {"format": "xlsx"}))
    header = rows[0]
    amount = next(h for h in header if h.startswith("Сумма"))
    amounts = column(rows, amount)
    assert amounts and all(isinstance(a, int | float | Decimal) for a in amounts)
    assert sum(amounts) > 0
    assert "федеральный бюджет" in column(rows, "Источник средств")


def test_region_code_with_leading_zero_stays_text(api_client):
    RegionFactory(code="01", name="Республика Адыгея", slug="adygeya")
    rows = read_xlsx(api_client.get("/api/v1/regions/", {"format": "xlsx", "code": "01"}))
    assert "01" in column(rows, "Код субъекта")


def test_formula_looking_text_is_neutralised_in_xlsx(api_client):
    ClusterFactory(name='=HYPERLINK("http://evil","x")', slug="evil")
    rows = read_xlsx(api_client.get("/api/v1/clusters/", {"format": "xlsx"}))
    assert column(rows, "Название") == ['\'=HYPERLINK("http://evil","x")']


@pytest.mark.parametrize("value", ["=1+1", "+7", "-1", "@SUM(A1)", "\tx"])
def test_spreadsheet_safe_prefixes_formula_starts(value):
    assert spreadsheet_safe(value) == "'" + value


def test_spreadsheet_safe_keeps_plain_text_and_numbers():
    assert spreadsheet_safe("Кластер") == "Кластер"
    assert spreadsheet_safe(-5) == -5


def test_xlsx_of_a_filtered_list_has_only_its_rows(seed, api_client):
    rows = read_xlsx(api_client.get("/api/v1/clusters/", {"format": "xlsx", "region": "38"}))
    assert set(column(rows, "Субъект РФ: Код субъекта")) == {"38"}


def test_csv_labels_ru_gives_russian_headers_and_same_rows(seed, api_client):
    plain = api_client.get("/api/v1/clusters/", {"format": "csv"})
    russian = api_client.get("/api/v1/clusters/", {"format": "csv", "labels": "ru"})

    def parse(response):
        text = b"".join(response.streaming_content).decode("utf-8")
        assert text.startswith("\ufeff")
        return list(csv.reader(io.StringIO(text[1:])))

    plain_rows, russian_rows = parse(plain), parse(russian)
    assert plain_rows[0][0] == "slug"
    assert "Название" in russian_rows[0] and "slug" not in russian_rows[0]
    assert len(plain_rows[0]) == len(russian_rows[0])
    assert plain_rows[1:] == russian_rows[1:]
