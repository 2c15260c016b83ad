"""An import a clerk can use: the roles that import, files as Russian Excel saves them,
regions by name, two rows on one record refused naming both, templates with an example and
the allowed values, and a preview of every row with new organisations flagged."""

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import load_workbook

from accounts.services import staff_user_create
from clusters.models import College, MatchProposal
from imports.choices import ImportStatus, RowStatus
from imports.models import ImportJob
from imports.services import import_part_read
from tests.imports.conftest import csv_bytes, part, run
from tests.regions.factories import RegionFactory

pytestmark = pytest.mark.django_db

HEADER = ["ИНН", "Полное наименование", "Субъект РФ (код)"]


@pytest.fixture
def pskov(db):
    return RegionFactory(code="60", name="Псковская область", slug="pskov")


def logged_in(client, username: str, role: str, regions: list[str] | None = None):
    user, password = staff_user_create(username=username, role=role, region_codes=regions or [])
    client.force_login(user)
    return user


@pytest.mark.parametrize(
    ("role", "regions", "status"),
    [
        ("federal-editor", None, 200),
        ("regional-editor", ["60"], 200),
        ("reviewer", None, 403),
    ],
)
def test_the_editors_roles_may_open_the_import(client, pskov, role, regions, status):
    logged_in(client, "clerk", role, regions)
    assert client.get(reverse("admin:imports_importjob_add")).status_code == status


def test_a_regional_editor_imports_their_region_and_only_it(client, pskov):
    RegionFactory(code="22", name="Алтайский край", slug="altai")
    logged_in(client, "pskov", "regional-editor", ["60"])
    upload = SimpleUploadedFile(
        "colleges.csv",
        csv_bytes(HEADER, ["", "Псковский колледж", "Псковская область"], ["", "Колледж", "22"]),
    )
    response = client.post(
        reverse("admin:imports_importjob_add"), {"kind": "colleges", "file": upload}
    )
    page = client.get(response["Location"]).content.decode()
    assert "Строка 3, отказано" in page and "Подтвердить и записать" not in page
    upload = SimpleUploadedFile("colleges.csv", csv_bytes(HEADER, ["", "Псковский колледж", "60"]))
    response = client.post(
        reverse("admin:imports_importjob_add"), {"kind": "colleges", "file": upload}
    )
    client.post(response["Location"])
    assert College.objects.get().region == pskov


def test_a_file_saved_by_russian_excel_is_read(pskov):
    # «CSV (разделители — точки с запятой)»: cp1251, «;», «₽» saved as «?», a decimal comma.
    text = (
        "Кластер;Субъект РФ (код);Финансовый год;Источник средств;Сумма, ?;Источник\r\n"
        "Кластер Псковского колледжа;Псковская область;2024;федеральный бюджет;"
        "100 000 000,00;https://example.org\r\n"
    )
    imported = import_part_read(
        kind="funding", filename="funding.csv", content=text.encode("cp1251")
    )
    assert imported.rows == [
        (
            2,
            {
                "cluster": "Кластер Псковского колледжа",
                "region": "Псковская область",
                "fiscal_year": "2024",
                "funding_source": "федеральный бюджет",
                "amount_rub": "100 000 000,00",
                "source": "https://example.org",
            },
        )
    ]


def test_two_rows_on_one_record_are_an_error_naming_both(pskov):
    header = ["inn", "full_name", "region"]
    result = run(
        part(
            "colleges",
            header,
            ["", "Псковский политехнический колледж", "60"],
            ["", "Другой колледж", "60"],
            ["", "ГБПОУ «Псковский политехнический колледж»", "Псковская область"],
        ),
        commit=False,
    )
    assert [r["status"] for r in result.rows] == [RowStatus.NEW, RowStatus.NEW, RowStatus.ERROR]
    assert result.rows[2]["errors"][0].startswith("Строка 4 повторяет строку 2")


def test_region_by_name_or_code(pskov):
    header = ["full_name", "region"]
    for region in ("60", "Псковская область", "псковская  область"):
        result = run(part("colleges", header, [f"Колледж {region}", region]), commit=False)
        assert result.rows[0]["status"] == RowStatus.NEW, result.rows[0]


def test_a_near_match_is_flagged_and_proposed_not_merged(pskov):
    header = ["full_name", "region"]
    run(part("colleges", header, ["Великолукский политехнический колледж", "60"]))
    result = run(part("colleges", header, ["Великолуцкий политехнический колледж", "60"]))
    notes = result.rows[0]["notes"]
    assert result.rows[0]["new_organisations"] == ["Великолуцкий политехнический колледж"]
    assert notes and notes[0].startswith("возможно, это «Великолукский политехнический колледж»")
    assert College.objects.count() == 2 and MatchProposal.objects.count() == 1


@pytest.mark.parametrize("kind", ["clusters", "funding", "figures", "colleges"])
def test_the_xlsx_template_has_an_example_and_the_allowed_values(admin_client_logged, pskov, kind):
    url = reverse("admin:imports_importjob_template", kwargs={"kind": kind, "ext": "xlsx"})
    book = load_workbook(io.BytesIO(admin_client_logged.get(url).content))
    data, values = book["Данные"], book["Допустимые значения"]
    header = [c.value for c in data[1]]
    example = [c.value for c in data[2]]
    assert any(str(v or "").startswith("Пример") for v in example)
    allowed = {values.cell(1, c).value: c for c in range(1, values.max_column + 1)}
    assert any(label.startswith("Субъект РФ") for label in allowed)
    region_column = allowed[next(h for h in header if h.startswith("Субъект"))]
    assert "Псковская область" in [
        values.cell(r, region_column).value for r in range(2, values.max_row + 1)
    ]
    assert data.data_validations.dataValidation  # drop-down lists on the data sheet
    # The example left in the file is not imported.
    buffer = io.BytesIO()
    book.save(buffer)
    assert import_part_read(kind=kind, filename="t.xlsx", content=buffer.getvalue()).rows == []


def test_the_preview_shows_every_row_and_speaks_russian(admin_client_logged, pskov, monkeypatch):
    monkeypatch.setattr("imports.admin.PREVIEW_ROWS", 3)
    rows = [["", f"Колледж № {n}", "60"] for n in range(4)] + [["", "Колледж", "99"]]
    upload = SimpleUploadedFile("colleges.csv", csv_bytes(HEADER, *rows))
    response = admin_client_logged.post(
        reverse("admin:imports_importjob_add"), {"kind": "colleges", "file": upload}
    )
    job = ImportJob.objects.get()
    assert job.status == ImportStatus.FAILED
    page = admin_client_logged.get(response["Location"]).content.decode()
    assert "В файле 5\u00a0строк" in page
    assert "Новая: 4" in page and "Ошибка: 1" in page
    assert "Новых организаций будет создано: 4" in page
    assert "Колледж № 0" in page and "Страница 1 из 2" in page
    second = admin_client_logged.get(response["Location"] + "?page=2").content.decode()
    assert "Строка 6, столбец «Субъект РФ (код или название)»" in second
    errors = admin_client_logged.get(response["Location"] + "?status=error").content.decode()
    assert "Колледж № 0" not in errors and "«99» не найден" in errors
