"""Exports for people: the XLSX of every list is its CSV cell for cell, typed and formatted
for a spreadsheet; the CSV for Russian Excel (`?dialect=excel-ru`) the same cells as text."""

import csv
import datetime as dt
import io
import zipfile
from decimal import Decimal

import pytest
from openpyxl import load_workbook

from tests.test_csv_copy import LIST_ENDPOINTS

pytestmark = pytest.mark.django_db


def _body(client, url, **params) -> bytes:
    response = client.get(url, params)
    assert response.status_code == 200, response.content[:300]
    return b"".join(response.streaming_content)


def _csv(body: bytes, delimiter: str = ",") -> list[list[str]]:
    text = body.decode("utf-8")
    assert text.startswith("\ufeff")
    rows = list(csv.reader(io.StringIO(text[1:]), delimiter=delimiter))
    assert rows[-1][0] == "#END" and int(rows[-1][1]) == len(rows) - 2  # header, end marker
    return rows[:-1]


def _people(cell) -> str:
    """An XLSX cell as the CSV for Russian Excel writes it (money with its two places)."""
    value = cell.value
    if value is None:
        return ""
    if isinstance(value, dt.datetime):
        if value.time() == dt.time(0):  # a date cell reads back as midnight
            return f"{value:%d.%m.%Y}"
        value = (value + dt.timedelta(microseconds=500_000)).replace(microsecond=0)
        return f"{value:%d.%m.%Y %H:%M}"
    if isinstance(value, float | int) and cell.number_format == "#,##0.00":
        return f"{Decimal(repr(value)):.2f}".replace(".", ",")
    if isinstance(value, float):
        return format(Decimal(repr(value)).normalize(), "f").replace(".", ",")
    return str(value)


def _numbers_equal(xlsx_value, csv_cell: str) -> bool:
    return Decimal(csv_cell.replace(",", ".")) == Decimal(repr(xlsx_value))


@pytest.fixture
def exported(draft_cluster):
    """The seed, a draft with money, a published cluster with no industry, kind or year."""
    from regions.models import Region
    from tests.clusters.factories import ClusterFactory, ProgrammeFactory

    bare = ClusterFactory(
        slug="bare",
        industry=None,
        kind="",
        selection_year=None,
        region=Region.objects.get(code="93"),
    )
    bare.programmes.add(*ProgrammeFactory.create_batch(2))


@pytest.mark.parametrize("prefix", LIST_ENDPOINTS)
def test_the_xlsx_of_every_list_is_its_csv_cell_for_cell(exported, persona_client, prefix):
    url = f"/api/v1/{prefix}/"
    sheet = load_workbook(io.BytesIO(_body(persona_client, url, format="xlsx"))).active
    cells = [list(row) for row in sheet.iter_rows()]
    people = _csv(_body(persona_client, url, format="csv", dialect="excel-ru"), ";")
    plain = _csv(_body(persona_client, url, format="csv"))
    labelled = _csv(_body(persona_client, url, format="csv", labels="ru"))
    # Every column of the CSV, in its order, under the Russian header `?labels=ru` gives.
    header = [cell.value for cell in cells[0]]
    assert header == people[0] == labelled[0] and len(plain[0]) == len(header)
    assert len(cells) == len(people) == len(plain) > 1
    for xlsx_row, people_row, plain_row in zip(cells[1:], people[1:], plain[1:], strict=True):
        for label, code, cell, text, raw in zip(
            header, plain[0], xlsx_row, people_row, plain_row, strict=True
        ):
            value = cell.value
            where = (prefix, label, raw)
            assert _people(cell) == text, where
            assert (value is None) == (raw == ""), where  # an empty cell is an empty cell
            if isinstance(value, int | float) and not isinstance(value, bool):
                assert _numbers_equal(value, raw), where  # a number, not text
            if code.endswith(("_id", ".id")) or code == "id":
                # An id is a number; a list's ids are its text («5; 4; 2»), as in the CSV.
                listed = isinstance(value, str) and all(p.isdigit() for p in raw.split("; "))
                assert raw == "" or isinstance(value, int) or listed, where


def test_the_xlsx_is_made_for_people(exported, api_client):
    body = _body(api_client, "/api/v1/funding-lines/", format="xlsx")
    workbook = load_workbook(io.BytesIO(body))
    sheet = workbook.active
    header = [c.value for c in sheet[1]]
    rows = sheet.max_row
    assert sheet.freeze_panes == "A2"  # the header stays in view
    assert sheet.auto_filter.ref == f"A1:{sheet.cell(1, len(header)).column_letter}{rows}"
    assert all(c.font.b for c in sheet[1])
    by = {name: index for index, name in enumerate(header, start=1)}
    amount = sheet.cell(2, by["Сумма, ₽"])
    assert isinstance(amount.value, int | float) and amount.number_format == "#,##0.00"
    updated = sheet.cell(2, by["Изменено"])
    assert isinstance(updated.value, dt.datetime) and updated.number_format == "DD.MM.YYYY HH:MM"
    assert sheet.column_dimensions["A"].width >= 8
    assert sheet.column_dimensions[amount.column_letter].width >= 16
    with zipfile.ZipFile(io.BytesIO(body)) as archive:
        names = archive.read("xl/workbook.xml").decode()
    assert "_xlnm._FilterDatabase" in names
    clusters = load_workbook(io.BytesIO(_body(api_client, "/api/v1/clusters/", format="xlsx")))
    sheet = clusters.active
    header = [c.value for c in sheet[1]]
    row = dict(zip(header, [c.value for c in sheet[2]], strict=True))
    assert row["Опубликован"] == "да"
    assert row["Сетевые организации: ID"] is None or isinstance(
        row["Сетевые организации: ID"], int | str
    )
    filled = [
        dict(zip(header, [c.value for c in r], strict=True)) for r in sheet.iter_rows(min_row=2)
    ]
    # The list fields' ids are there (the CSV has them): a cluster with several colleges.
    assert any(";" in str(r["Сетевые организации: ID"] or "") for r in filled)


def test_the_csv_for_russian_excel(exported, api_client):
    text = _body(api_client, "/api/v1/funding-lines/", format="csv", dialect="excel-ru").decode()
    assert text.startswith("\ufeffID;Кластер: Адрес страницы (slug);")
    rows = _csv(text.encode(), ";")
    header = rows[0]
    by = {name: index for index, name in enumerate(header)}
    amounts = [row[by["Сумма, ₽"]] for row in rows[1:]]
    assert "100000000,00" in amounts and not any("." in a for a in amounts)
    assert all(
        row[by["Источник средств"]]
        in {
            "федеральный бюджет",
            "бюджет субъекта",
            "средства работодателей",
            "внебюджетные средства",
        }
        for row in rows[1:]
    )
    assert all(len(row[by["Изменено"]]) == 16 and row[by["Изменено"]][2] == "." for row in rows[1:])


def test_an_unknown_csv_dialect_is_a_400(api_client, db):
    response = api_client.get("/api/v1/regions/", {"format": "csv", "dialect": "excel-de"})
    assert response.status_code == 400
    assert "dialect" in response.json()


def test_stats_have_a_csv_for_russian_excel(seed, api_client):
    from tests.totals import recompute_totals

    recompute_totals()
    body = api_client.get(
        "/api/v1/stats/", {"group_by": "region", "format": "csv", "dialect": "excel-ru"}
    ).content
    rows = _csv(body, ";")
    assert rows[0][:2] == ["Субъект РФ: Код", "Субъект РФ: Название"]
    irkutsk = next(row for row in rows if row[0] == "38")
    assert "200000000,00" in irkutsk and "точно" in irkutsk and "нет" in irkutsk
