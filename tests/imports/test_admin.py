"""The admin door: template downloads, upload → preview → confirm → result, big files on a
worker with progress, and the site-wide «Экспорт выбранного в XLSX» action."""

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import load_workbook

from clusters.models import College
from imports.choices import ImportStatus
from imports.models import ImportJob
from imports.services import import_job_create, import_job_run, import_job_schedule
from tests.clusters.factories import CollegeFactory
from tests.imports.conftest import csv_bytes

pytestmark = pytest.mark.django_db

HEADER = ["ИНН", "Полное наименование", "Субъект РФ (код)"]


@pytest.mark.parametrize("ext", ["xlsx", "csv"])
def test_template_download_has_russian_headers(admin_client_logged, ext):
    url = reverse("admin:imports_importjob_template", kwargs={"kind": "clusters", "ext": ext})
    response = admin_client_logged.get(url)
    assert response.status_code == 200
    if ext == "xlsx":
        header = next(
            load_workbook(io.BytesIO(response.content)).active.iter_rows(values_only=True)
        )
    else:
        lines = response.content.decode("utf-8-sig").strip().splitlines()
        header = lines[0].split(";")  # «;»: Russian Excel opens it in columns
        assert lines[1].startswith(";Пример:")  # the example row (never imported)
    assert "Название" in header and "Базовая организация" in header


def test_upload_previews_then_confirm_writes(admin_client_logged, region):
    upload = SimpleUploadedFile("colleges.csv", csv_bytes(HEADER, ["", "Колледж связи", "38"]))
    response = admin_client_logged.post(
        reverse("admin:imports_importjob_add"), {"kind": "colleges", "file": upload}
    )
    job = ImportJob.objects.get()
    assert response.status_code == 302
    assert job.status == ImportStatus.PREVIEWED
    assert not College.objects.exists()
    page = admin_client_logged.get(response["Location"]).content.decode()
    assert "Колледж связи" in page and "Подтвердить и записать" in page

    response = admin_client_logged.post(response["Location"])
    job.refresh_from_db()
    assert job.status == ImportStatus.DONE
    assert College.objects.get().full_name == "Колледж связи"
    assert "все строки записаны" in admin_client_logged.get(response["Location"]).content.decode()


def test_file_with_an_error_shows_it_and_cannot_be_confirmed(admin_client_logged, region):
    upload = SimpleUploadedFile(
        "colleges.csv", csv_bytes(HEADER, ["", "Колледж", "38"], ["", "Колледж 2", "99"])
    )
    response = admin_client_logged.post(
        reverse("admin:imports_importjob_add"), {"kind": "colleges", "file": upload}
    )
    page = admin_client_logged.get(response["Location"]).content.decode()
    assert "Строка 3, столбец «Субъект РФ (код или название)»" in page
    assert "Подтвердить и записать" not in page
    admin_client_logged.post(response["Location"])
    assert not College.objects.exists()


def test_a_large_file_runs_on_a_worker_with_progress(
    superuser, region, django_capture_on_commit_callbacks, monkeypatch
):
    # 10 000-row files go to the worker; a smaller limit keeps the test quick.
    monkeypatch.setattr("imports.services.INLINE_MAX_BYTES", 1000)
    monkeypatch.setattr("imports.services.PROGRESS_EVERY", 50)
    rows = [["", f"Колледж № {n}", "38"] for n in range(300)]
    job = import_job_create(
        kind="colleges", filename="big.csv", content=csv_bytes(HEADER, *rows), actor=superuser
    )
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        assert import_job_schedule(job=job, commit=False) is True
    assert len(callbacks) == 1  # the Celery task, run eagerly here
    job.refresh_from_db()
    assert (job.status, job.total_rows, job.processed_rows) == (ImportStatus.PREVIEWED, 300, 300)
    assert job.percent == 100 and job.counts == {"new": 300, "new_organisations": 300}
    assert not College.objects.exists()
    with django_capture_on_commit_callbacks(execute=True):
        import_job_schedule(job=job, commit=True)
    assert College.objects.count() == 300


def test_a_job_runs_once(superuser, region):
    job = import_job_create(
        kind="colleges",
        filename="c.csv",
        content=csv_bytes(HEADER, ["", "К", "38"]),
        actor=superuser,
    )
    assert import_job_run(job_id=job.pk, commit=False) is not None
    assert import_job_run(job_id=job.pk, commit=False) is None  # already claimed
    assert import_job_run(job_id=job.pk, commit=True) is not None
    assert import_job_run(job_id=job.pk, commit=True) is None
    assert College.objects.count() == 1


def test_running_job_page_shows_a_progress_bar(admin_client_logged, superuser):
    job = ImportJob.objects.create(
        kind="colleges",
        filename="big.csv",
        content=b"",
        created_by=superuser,
        status=ImportStatus.RUNNING,
        total_rows=10000,
        processed_rows=2500,
    )
    page = admin_client_logged.get(reverse("admin:imports_importjob_job", args=[job.pk]))
    html = page.content.decode()
    assert '<progress max="100" value="25"' in html
    assert 'http-equiv="refresh"' in html


def test_admin_action_exports_the_selection_as_xlsx(admin_client_logged, region):
    chosen = CollegeFactory(full_name="=cmd|' /C calc'!A0", region=region, inn="3808012348")
    CollegeFactory(full_name="Другой", region=region)
    response = admin_client_logged.post(
        reverse("admin:clusters_college_changelist"),
        {"action": "export_selected_xlsx", "_selected_action": [chosen.pk]},
    )
    assert response.status_code == 200
    body = b"".join(response.streaming_content)
    rows = list(load_workbook(io.BytesIO(body)).active.iter_rows(values_only=True))
    header = rows[0]
    assert "Полное наименование" in header and "Субъект РФ" in header
    assert len(rows) == 2
    row = dict(zip(header, rows[1], strict=True))
    assert row["Полное наименование"] == "'=cmd|' /C calc'!A0"
    assert row["ИНН"] == "3808012348"
    assert isinstance(row["ID"], int)
