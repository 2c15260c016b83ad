"""Public region, federal district and region list pages with the real seed data."""

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from clusters.models import Cluster
from regions.models import Region
from tests.clusters.factories import ClusterFactory
from tests.totals import recompute_totals

pytestmark = pytest.mark.django_db


# «0 ₽» / «0 млн ₽» as a whole figure (not the tail of «200 000 000 ₽»).
ZERO = re.compile(r"(?:^|[^\d\s])\s*0 (?:₽|млн|тыс)")


def text(response) -> str:
    html = response.content.decode().replace("\u00a0", " ")
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


@pytest.fixture
def seeded(seed):
    recompute_totals()


def test_irkutsk_region_page_lists_its_two_clusters(client, seeded):
    region = Region.objects.get(code="38")
    response = client.get(region.get_absolute_url())
    assert response.status_code == 200
    assert {c.name for c in response.context["clusters"]} == {
        "ОПЦ (кластер) «Энергетика», Иркутская область",
        "ОПЦ (кластер) «Металлургия», Иркутская область",
    }
    page = text(response)
    assert "Кластеры в реестре: 2" in page
    # Set against the count the region reports, with its source.
    assert (
        "В реестре 2 из 12 кластеров субъекта, о которых сообщает источник: «Областная газета»"
        in page
    )
    assert "Сибирский федеральный округ" in page
    assert "200 000 000 ₽" in page  # 2023: two federal grants of 100 mln


def test_region_page_hides_unpublished_clusters(client, seeded):
    Cluster.objects.filter(slug="irk-energy").update(is_published=False, review_state="draft")
    response = client.get(Region.objects.get(code="38").get_absolute_url())
    assert [c.slug for c in response.context["clusters"]] == ["irk-metallurgy"]


def test_altai_region_page_shows_joint_money_without_a_cluster(client, seeded):
    page = text(client.get(Region.objects.get(code="22").get_absolute_url()))
    assert "Суммы субъекта без разбивки по кластерам" in page
    assert "200 000 000 ₽ — федеральный бюджет, 2023 г." in page
    assert "не менее 22 000 000 ₽" in page
    # 2023: 200 + 10 + «более 22» mln, all region-level; the year with no year given last.
    assert "не менее 232 000 000 ₽" in page
    assert "Год не указан" in page or "год не указан" in page


def test_region_page_of_a_region_without_clusters_still_renders(client, seeded):
    response = client.get(Region.objects.get(code="77").get_absolute_url())
    assert response.status_code == 200
    page = text(response)
    # The registry does not know of any: it says so, never that there are none.
    assert "В реестре нет сведений о кластерах субъекта" in page
    assert "Кластеров нет" not in page and "кластеров нет" not in page


def test_a_region_with_a_reported_count_and_no_records_says_both(client, seeded):
    page = text(client.get(Region.objects.get(code="02").get_absolute_url()))
    assert (
        "В реестре нет сведений о кластерах субъекта; источник сообщает о 19 кластерах: "
        "Новости Mail, 27 февраля 2026 г." in page
    )


def test_unknown_region_is_404(client, seeded):
    assert client.get("/regions/atlantis/").status_code == 404


def test_district_page_lists_regions_and_clusters(client, seeded):
    response = client.get(reverse("regions:district", kwargs={"code": "sib"}))
    assert response.status_code == 200
    page = text(response)
    assert "Иркутская область в реестре 2 из 12" in page
    assert "Алтайский край в реестре 3 из 10" in page
    assert "Кластеры в реестре: 5" in page
    assert "Новосибирская область в реестре нет сведений" in page


def test_region_list_groups_regions_by_district(client, seeded):
    page = text(client.get(reverse("regions:list")))
    assert "Сибирский федеральный округ" in page
    assert "Смоленская область в реестре 1 из 5" in page
    assert "Москва в реестре нет сведений" in page


def test_region_page_query_count_does_not_grow_with_its_clusters(client, seeded):
    region = Region.objects.get(code="38")
    url = region.get_absolute_url()

    def count() -> int:
        with CaptureQueriesContext(connection) as queries:
            client.get(url)
        return len(queries)

    few = count()
    ClusterFactory.create_batch(30, region=region)
    # region; the page's cluster ids, then those clusters + their base colleges;
    # region-level lines; yearly totals; the count (over the counts of clusters);
    # «Полнота данных» for the page's clusters (each fact a column the database computes;
    # an «employers» figure, if any such cluster has one — anonymous visitors edit nothing,
    # so no query for that).
    assert count() == few == 9


@pytest.mark.parametrize("slug_code", ["50", "56"])
def test_region_no_source_gives_money_for_says_unknown_not_zero(client, seeded, slug_code):
    region = Region.objects.get(code=slug_code)
    page = text(client.get(region.get_absolute_url()))
    assert "Всего: сведений нет" in page
    assert not ZERO.search(page)


# --- the tile-grid map ------------------------------------------------------------------


def test_tile_layout_places_every_subject_once(seed):
    from regions.tilemap import TILES

    codes = set(Region.objects.values_list("code", flat=True))
    assert set(TILES) == codes and len(codes) == 89
    assert len({(col, row) for col, row, _ in TILES.values()}) == 89
    assert len({label for *_, label in TILES.values()}) == 89


@pytest.mark.parametrize("url", ["/", "/regions/"])
def test_map_links_every_subject_and_has_a_table_alternative(client, seeded, url):
    response = client.get(url)
    html = response.content.decode()
    svg = html[html.index('<svg class="tile-grid"') : html.index("</svg>", html.index("tile-grid"))]
    assert svg.count("<a href=") == 89
    irkutsk = Region.objects.get(code="38")
    # The link's name starts with the tile's visible label (WCAG 2.5.3, axe label-content-name).
    assert (
        f'<a href="{irkutsk.get_absolute_url()}" '
        'aria-label="ИРК — Иркутская область: в реестре 2 из 12"' in svg
    )
    table = html[html.index('<details class="map-table">') :]
    assert "<table>" in table and "Иркутская область" in table


def test_map_switches_to_money_by_query_string_and_says_unknown(client, seeded):
    page = text(client.get("/regions/", {"map": "money"}))
    assert "Карта субъектов по вложенным деньгам" in page
    assert "Алтайский край: не менее 362 млн ₽" in page  # joint money counts for the region
    assert "Московская область: сведений нет" in page
    assert "Иркутская область: 200 млн ₽" in page


def test_map_counts_only_published_clusters_for_the_public(client, draft_cluster):
    html = client.get("/regions/").content.decode()
    assert 'aria-label="ИРК — Иркутская область: в реестре 2 из 12"' in html  # not the draft


def test_a_region_page_lists_the_gaps_of_its_listed_clusters_only(client, db, settings):
    """The page's output does not grow with the region: «Полнота данных» names the gaps of the
    clusters listed on this page of the list (`?page=`), not of every cluster of the region."""
    settings.RESPONSE_CACHE_SECONDS = 0
    from tests.regions.factories import RegionFactory

    region = RegionFactory(code="96", name="Область пробелов")
    ClusterFactory.create_batch(25, region=region, launch_year=None)
    first = client.get(region.get_absolute_url())
    second = client.get(region.get_absolute_url(), {"page": 2})
    assert first.context["cluster_count"] == 25
    listed = [c.pk for c in first.context["clusters"]]
    assert {g.cluster.pk for g in first.context["gaps"]} == set(listed)
    assert len(first.context["gaps"]) == 20
    assert len(second.context["gaps"]) == 5
    assert "с этой страницы списка" in text(first)
