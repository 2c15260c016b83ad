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
    from regions.models import Region
    from tests.clusters.factories import ClusterFactory

    # A cluster whose industry no source gives: a cluster more, not an industry more.
    ClusterFactory(industry=None, kind="", region=Region.objects.get(code="38"))
    response = client.get("/completeness/")
    assert response.status_code == 200
    page = text(response)
    assert "Полнота данных" in page
    # The official figure with its date and source, beside the registry's own count.
    assert "506 — «В настоящее время в 86 регионах функционирует 506 кластеров" in page
    assert "13 февраля 2026 г." in page and "г.." not in page
    assert 'href="https://www.tatar-inform.ru/' in response.content.decode()
    assert re.search(r"Кластеры 9 506", page)
    assert re.search(r"Отрасли 5 24", page)
    # The regions furthest from the count reported for them, largest gap first.
    table = page[page.index("Кластеры субъектов: по данным источников и в реестре") :]
    assert table.index("Республика Башкортостан 19") < table.index("Московская область 17")
    assert re.search(
        r"Республика Башкортостан 19 \(Новости Mail, 27 февраля 2026 г\., .*?\) нет сведений 19",
        table,
    )
    # Gaps, cluster by cluster.
    # Moscow region and Orenburg (no source), the two Altai clusters (joint money only), and
    # the cluster with no industry added here
    assert "Нет сведений о деньгах — 5 кластеров" in page
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
    assert "В реестре 3 из 10 кластеров субъекта, о которых сообщает источник: altai.news, " in page
    assert "29 декабря 2025 г., страница источника" in page
    assert "Сумма названа только совместно с другими кластерами субъекта" in page


def test_favicon_is_served(client, db):
    response = client.get("/favicon.ico")
    assert response.status_code == 301
    assert response["Location"].endswith(".svg")


def _complete(cluster):
    """Everything the page asks for: a base college, both years, a line from each budget."""
    from clusters.choices import CollegeRole
    from funding.choices import FundingSource
    from tests.clusters.factories import ClusterCollegeFactory
    from tests.funding.factories import FundingLineFactory

    ClusterCollegeFactory(cluster=cluster, role=CollegeRole.BASE)
    for source in FundingSource:
        FundingLineFactory(cluster=cluster, funding_source=source)
    return cluster


def test_gaps_are_found_counted_and_paginated_by_the_database(client):
    """Five kinds of cluster, and 55 more lacking only a base college: the summary counts each
    gap over every cluster, the list pages through exactly the clusters with gaps."""
    from clusters.choices import FigureKind
    from funding.choices import FundingSource
    from tests.clusters.factories import (
        ClusterEmployerFactory,
        ClusterFactory,
        ReportedFigureFactory,
    )
    from tests.funding.factories import FundingLineFactory
    from tests.regions.factories import RegionFactory

    region = RegionFactory(name="Аа-область")  # first in the page's order
    kw = {"region": region, "selection_year": 2023, "launch_year": 2024}
    _complete(ClusterFactory(name="Полный", **kw))
    ClusterFactory(name="Без денег", **kw)
    FundingLineFactory(cluster=None, region=region)  # joint money of the region
    one_budget = ClusterFactory(name="Один бюджет", **kw)
    FundingLineFactory(cluster=one_budget, funding_source=FundingSource.FEDERAL)
    employers = _complete(ClusterFactory(name="Мало работодателей", **kw))
    ReportedFigureFactory(cluster=employers, kind=FigureKind.EMPLOYERS, value=3)
    ClusterEmployerFactory(cluster=employers)
    _complete(ClusterFactory(name="Без годов", region=region, selection_year=None))
    for n in range(55):
        cluster = ClusterFactory(name=f"Без базовой {n:02d}", **kw)
        for source in FundingSource:
            FundingLineFactory(cluster=cluster, funding_source=source)
    ClusterFactory(name="Черновик без всего", region=region, is_published=False)

    page = text(client.get("/completeness/"))
    assert "Всего в реестре 60 кластеров." in page
    # base college: «Без денег», «Один бюджет» and the 55; money: «Без денег»; years: «Без годов»
    assert "Не указана базовая организация — 57 кластеров" in page
    assert "Не указан год отбора — 1 кластер" in page
    assert "Нет сведений о деньгах — 1 кластер" in page
    assert "Работодатели названы не все — 1 кластер" in page
    # 59 clusters with gaps, in name order: «Без базовой 00–49» on the first page of 50...
    assert all(f"Без базовой {n:02d}" in page for n in range(50))
    assert "Без базовой 50" not in page
    # ...and the other 9 on the second; the complete cluster and the draft on neither.
    second = text(client.get("/completeness/?page=2"))
    assert sum(f"Без базовой {n:02d}" in second for n in range(55)) == 5
    for shown in ("Без годов", "Без денег", "Мало работодателей", "Один бюджет"):
        assert shown in second
    for hidden in ("Полный", "Черновик"):
        assert hidden not in page and hidden not in second
    assert "Сумма названа только совместно с другими кластерами субъекта" in second
    assert "Нет сведений: " in second  # «Один бюджет»: the budgets no line names
    assert "Работодателей по данным источника 3, в реестре по названию — 1" in second
