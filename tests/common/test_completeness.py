"""«Полнота данных»: the public page, the blocks on region and cluster pages, the staff worklist."""

import re

import pytest

from tests.totals import recompute_totals

pytestmark = pytest.mark.django_db


def text(response) -> str:
    html = response.content.decode().replace("\u00a0", " ")
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


@pytest.fixture
def seeded(seed):
    recompute_totals()


def test_completeness_page_lists_missing_facts_and_official_figures(client, seeded):
    response = client.get("/completeness/")
    assert response.status_code == 200
    page = text(response)
    assert "Полнота данных" in page
    # The official figure with its date and source, beside the registry's own count.
    assert "506 — В настоящее время в 86 регионах функционирует 506 кластеров" in page
    assert "13 февраля 2026 г." in page
    assert 'href="https://www.tatar-inform.ru/' in response.content.decode()
    assert re.search(r"Кластеров 8 506", page)
    # Gaps, cluster by cluster.
    # Moscow region and Orenburg (no source), the two Altai clusters (joint money only)
    assert "Нет сведений о деньгах — 4 кластера" in page
    assert "Сумма названа только совместно с другими кластерами субъекта" in page  # Altai
    assert "Работодателей по данным источника 16, в реестре по названию — 0" in page  # Smolensk
    assert "Не указан год отбора" in page
    assert "панели управления" not in page  # no worklist for the public


def test_completeness_never_shows_a_draft_to_the_public(client, draft_cluster):
    assert "Черновик: ОПЦ «Химия»" not in text(client.get("/completeness/"))


def test_staff_see_the_same_list_as_a_worklist_with_admin_links(client, seeded, superuser):
    client.force_login(superuser)
    response = client.get("/completeness/")
    html = response.content.decode()
    assert "Список работы" in text(response)
    assert re.search(r'href="/admin/clusters/cluster/\d+/change/"', html)


def test_cluster_page_lists_what_is_missing(client, seeded):
    page = text(client.get("/clusters/smo-mechanical-engineering/"))
    assert "Чего в реестре ещё нет" in page
    assert "Не указан год отбора" in page
    assert "Работодателей по данным источника 16, в реестре по названию — 0" in page


def test_region_page_compares_with_the_press_figure_and_lists_gaps(client, seeded):
    page = text(client.get("/regions/altai-krai/"))
    assert "Кластеры субъекта: в реестре и в прессе" in page
    assert "10 — 10 кластеров" in page and "29 декабря 2025 г." in page
    assert "Сумма названа только совместно с другими кластерами субъекта" in page


def test_favicon_is_served(client, db):
    response = client.get("/favicon.ico")
    assert response.status_code == 301
    assert response["Location"].endswith(".svg")
