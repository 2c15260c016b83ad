"""Home, open data, robots.txt, sitemap.xml and the 404 page."""

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from clusters.models import Cluster
from tests.clusters.factories import ClusterFactory
from tests.totals import recompute_totals

pytestmark = pytest.mark.django_db


def text(response) -> str:
    html = response.content.decode().replace("\u00a0", " ")
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


@pytest.fixture
def seeded(seed):
    recompute_totals()


def test_home_shows_national_figures_and_money_by_source(client, seeded):
    response = client.get("/")
    assert response.status_code == 200
    page = text(response)
    assert "8 кластеров" in page
    assert "5 субъектов РФ" in page
    assert "13 колледжей и техникумов" in page
    assert "600 млн ₽ федеральный бюджет" in page
    assert "не менее 22 млн ₽ внебюджетные средства" in page
    assert "≈ 715 000 000 ₽" in page
    html = response.content.decode()
    assert '<svg viewBox="0 0' in html and '<title id="national-funding-title">' in html
    assert "Сибирский федеральный округ" in page
    assert "Машиностроение 4 кластера" in page


def test_home_query_count_does_not_grow_with_the_data(client, seeded):
    def count() -> int:
        with CaptureQueriesContext(connection) as queries:
            client.get("/")
        return len(queries)

    few = count()
    ClusterFactory.create_batch(20)
    # 7 before the map; the map adds the regions and the clusters per region.
    assert count() == few == 9


def test_home_without_totals_still_renders(client, seed):
    assert client.get("/").status_code == 200


def test_open_data_page_links_csv_and_api_docs_and_marks_the_licence_placeholder(client, db):
    response = client.get("/open-data/")
    html = response.content.decode()
    for path in ("clusters", "colleges", "employers", "funding-lines"):
        assert f'href="/api/v1/{path}/?format=csv"' in html
    assert 'href="/api/v1/docs/"' in html
    assert "[Заполняет министерство.]" in html


def test_robots_txt_points_to_the_sitemap(client, db):
    response = client.get("/robots.txt")
    assert response["Content-Type"].startswith("text/plain")
    assert "Sitemap: http://testserver/sitemap.xml" in response.content.decode()
    assert "Disallow: /admin/" in response.content.decode()


def _sitemap_pages(client) -> str:
    """The index and every sitemap it lists, as one text."""
    index = client.get("/sitemap.xml")
    assert index.status_code == 200
    assert "<sitemapindex" in index.content.decode()
    locations = re.findall(r"<loc>http://testserver(/[^<]+)</loc>", index.content.decode())
    assert locations
    parts = [index.content.decode()]
    for location in locations:
        response = client.get(location.replace("&amp;", "&"))
        assert response.status_code == 200, location
        parts.append(response.content.decode())
    return "\n".join(parts)


def test_sitemap_lists_published_clusters_only(client, seeded):
    Cluster.objects.filter(slug="irk-energy").update(is_published=False, review_state="draft")
    xml = _sitemap_pages(client)
    assert "/clusters/smo-mechanical-engineering/" in xml
    assert "/clusters/irk-energy/" not in xml
    assert "/regions/" in xml and "/districts/sib/" in xml


def test_sitemap_is_an_index_of_bounded_pages(client, seeded, monkeypatch):
    from common import sitemaps

    monkeypatch.setattr(sitemaps.ClusterSitemap, "limit", 3)
    index = client.get("/sitemap.xml").content.decode()
    published = Cluster.objects.visible_to(None).count()
    pages = -(-published // 3)
    assert pages > 1
    for page in range(2, pages + 1):
        assert f"/sitemap-clusters.xml?p={page}</loc>" in index
    seen = []
    for page in range(1, pages + 1):
        xml = client.get("/sitemap-clusters.xml", {"p": page}).content.decode()
        found = re.findall(r"/clusters/([a-z0-9-]+)/</loc>", xml)
        assert len(found) <= 3
        seen += found
    assert sorted(seen) == sorted(Cluster.objects.visible_to(None).values_list("slug", flat=True))


def test_404_page_is_in_russian(client, db):
    response = client.get("/nowhere/")
    assert response.status_code == 404
    assert '<html lang="ru">' in response.content.decode()
    assert "Страница не найдена" in response.content.decode()


@pytest.mark.parametrize(
    "url", ["/", "/clusters/", "/regions/", "/industries/", "/open-data/", "/districts/sib/"]
)
def test_every_page_has_one_h1_and_a_description(client, seeded, url):
    html = client.get(url).content.decode()
    assert html.count("<h1") == 1
    assert '<meta name="description" content="' in html
    assert "<title>" in html
