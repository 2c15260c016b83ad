"""A clerk imports a spreadsheet through the admin in real headless Chromium: the federal
editor anywhere, the regional editor in their region; a file as Russian Excel saves it
(cp1251, «;»), a region given by its name; preview, then confirm."""

import pytest

from accounts.services import staff_user_create
from clusters.models import Cluster, College
from tests.regions.factories import RegionFactory
from tests.test_browser import ARTIFACTS, browser  # noqa: F401

pytestmark = pytest.mark.browser

FILE = (
    "Название;Субъект РФ;Базовая организация;Сетевые организации;Источники;Опубликован\r\n"
    "Кластер Псковского политехнического колледжа;Псковская область;"
    "Псковский политехнический колледж;Великолукский политехнический колледж;;нет\r\n"
).encode("cp1251")


@pytest.fixture
def site(transactional_db, live_server):
    RegionFactory(code="60", name="Псковская область", slug="pskov")
    return live_server.url


@pytest.mark.parametrize(("role", "regions"), [("federal-editor", []), ("regional-editor", ["60"])])
def test_an_editor_imports_a_file_saved_by_russian_excel(browser, site, tmp_path, role, regions):  # noqa: F811
    staff_user_create(username="clerk", role=role, region_codes=regions, password="pw-clerk-1")
    path = tmp_path / "кластеры.csv"
    path.write_bytes(FILE)
    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="ru-RU")
    page = context.new_page()
    page.goto(site + "/admin/login/")
    page.get_by_label("Имя пользователя").fill("clerk")
    page.get_by_label("Пароль").fill("pw-clerk-1")
    page.get_by_role("button", name="Войти").click()
    page.wait_for_url(site + "/admin/")

    page.goto(site + "/admin/imports/importjob/add/")
    page.get_by_label("Вид данных").select_option(label="кластеры с участниками")
    page.get_by_label("Файл").set_input_files(str(path))
    page.locator("input[type=submit], button[type=submit]").last.click()
    page.wait_for_load_state("load")
    preview = page.content()
    assert "Это проверка: ничего ещё не записано" in preview, preview[-3000:]
    assert "Новых организаций будет создано: 2" in preview
    assert not Cluster.objects.exists()
    page.screenshot(path=ARTIFACTS / f"import-{role}-preview.png", full_page=True)

    page.get_by_role("button", name="Подтвердить и записать").click()
    page.wait_for_load_state("load")
    assert "все строки записаны" in page.content()
    cluster = Cluster.objects.get()
    assert cluster.region.code == "60" and not cluster.is_published
    assert College.objects.count() == 2
    context.close()
