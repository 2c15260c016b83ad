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
    # 9 before the map (the subjects outside every district and the country's reported count
    # among them); the map adds the regions, the clusters per region and their reported counts.
    assert count() == few == 12


def test_home_without_totals_still_renders(client, seed):
    assert client.get("/").status_code == 200


def test_open_data_page_links_csv_and_api_docs_and_never_shows_the_licence_placeholder(client, db):
    response = client.get("/open-data/")
    html = response.content.decode()
    for path in ("clusters", "colleges", "employers", "funding-lines"):
        assert f'href="/api/v1/{path}/?format=csv"' in html
        # Beside every CSV link, the CSV for Russian Excel and the XLSX.
        assert f'href="/api/v1/{path}/?format=csv&amp;dialect=excel-ru"' in html
        assert f'href="/api/v1/{path}/?format=xlsx"' in html
    assert 'href="/api/v1/docs/"' in html
    assert "[Заполняет министерство.]" not in html


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
    from overview import sitemaps

    monkeypatch.setattr(sitemaps.ClusterSitemap, "limit", 3)
    index = client.get("/sitemap.xml").content.decode()
    pages = len(re.findall(r"/sitemap-clusters\.xml(?:\?p=\d+)?</loc>", index))
    assert pages > 1
    for page in range(2, pages + 1):
        assert f"/sitemap-clusters.xml?p={page}</loc>" in index
    seen = []
    for page in range(1, pages + 1):
        xml = client.get("/sitemap-clusters.xml", {"p": page}).content.decode()
        found = re.findall(r"/clusters/([a-z0-9-]+)/</loc>", xml)
        assert len(found) <= 3
        seen += found
    # Every published cluster on exactly one page, no other address.
    assert sorted(seen) == sorted(Cluster.objects.visible_to(None).values_list("slug", flat=True))
    assert client.get("/sitemap-clusters.xml", {"p": pages + 1}).status_code == 404
    assert client.get("/sitemap-clusters.xml", {"p": "x"}).status_code == 404


def test_the_sitemap_index_counts_no_rows(client, seeded, django_assert_max_num_queries):
    """The index reads each section's least and greatest key (an index probe), never a COUNT."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as queries:
        assert client.get("/sitemap.xml").status_code == 200
    assert not [q for q in queries.captured_queries if "COUNT(" in q["sql"].upper()]


def test_404_page_is_in_russian(client, db):
    response = client.get("/nowhere/")
    assert response.status_code == 404
    assert '<html lang="ru">' in response.content.decode()
    assert "Страница не найдена" in response.content.decode()


def _crash(*args, **kwargs):
    raise RuntimeError("boom")


def test_a_crash_on_the_site_is_the_russian_500_page_in_the_site_layout(client, db, monkeypatch):
    from overview.views import HomeView

    monkeypatch.setattr(HomeView, "get_context_data", _crash)
    client.raise_request_exception = False
    response = client.get("/")
    assert response.status_code == 500
    html = response.content.decode()
    assert '<html lang="ru">' in html and "Ошибка на сервере" in html
    assert 'class="site-header"' in html and 'href="/clusters/"' in html
    assert "Server Error" not in html


def test_a_crash_under_the_api_is_json(api_client, db, monkeypatch):
    from clusters.api.views import ClusterViewSet

    monkeypatch.setattr(ClusterViewSet, "list", _crash)
    api_client.raise_request_exception = False
    response = api_client.get("/api/v1/clusters/")
    assert response.status_code == 500
    assert response.json() == {"detail": "Внутренняя ошибка сервера."}


def test_the_500_page_renders_without_the_database(rf, django_assert_num_queries, monkeypatch):
    # The database may be what broke: no query, no context processor, no request in context.
    from django.db.backends.base.base import BaseDatabaseWrapper

    from overview.views import server_error

    def no_database(*args, **kwargs):
        raise AssertionError("the 500 page touched the database")

    monkeypatch.setattr(BaseDatabaseWrapper, "ensure_connection", no_database)
    response = server_error(rf.get("/clusters/"))
    assert response.status_code == 500
    assert "Ошибка на сервере" in response.content.decode()


def test_403_page_is_in_russian_in_the_site_layout(rf, db):
    from django.core.exceptions import PermissionDenied
    from django.views.defaults import permission_denied

    response = permission_denied(rf.get("/"), PermissionDenied())
    html = response.content.decode()
    assert response.status_code == 403
    assert '<html lang="ru">' in html and "Доступ запрещён" in html
    assert 'class="site-header"' in html


def test_429_page_is_in_russian_in_the_site_layout(client, db, settings):
    from common.middleware import error_response

    response = error_response(
        client.get("/").wsgi_request, 429, "Слишком много запросов. Повторите через 5 с."
    )
    html = response.content.decode()
    assert response.status_code == 429
    assert "Повторите через 5 с." in html and 'class="site-header"' in html


@pytest.mark.parametrize(
    "url",
    [
        *("/", "/clusters/", "/regions/", "/industries/", "/open-data/", "/districts/sib/"),
        *("/colleges/", "/employers/", "/completeness/"),
    ],
)
def test_every_page_has_one_h1_and_a_description(client, seeded, url):
    html = client.get(url).content.decode()
    assert html.count("<h1") == 1
    assert '<meta name="description" content="' in html
    assert "<title>" in html


def test_home_explains_a_mixed_total_in_one_line(client, seeded):
    # The national total adds Smolensk's «≈» and Altai's «не менее»: neither plain mark holds.
    page = client.get("/").content.decode().replace("\u00a0", " ")
    assert "(оценка: смешанная)" in page
    assert "Оценка: смешанная — сумма сложена из оценок разного рода" in page


def test_home_groups_add_up_to_the_whole(client, seed):
    from regions.models import Region

    total = Cluster.objects.visible_to(None).count()
    outside = Region.objects.get(code="93")  # ДНР: in no federal district
    ClusterFactory(region=outside, industry=None)
    response = client.get("/")
    context = response.context
    by_district = sum(d.cluster_count for d in context["districts"])
    by_outside = sum(r.cluster_count for r in context["outside_districts"])
    assert by_district + by_outside == total + 1
    by_industry = sum(i.cluster_count for i in context["industries"])
    assert by_industry + context["no_industry_count"] == total + 1
    page = response.content.decode().replace("\u00a0", " ")
    assert 'Донецкая Народная Республика</a> <span class="count">1 кластер' in page
    assert "(вне федеральных округов)" in page
    assert '?industry=none">Отрасль не указана</a> <span class="count">1 кластер' in page


def test_home_sets_the_registry_count_against_the_reported_one(client, seed):
    page = re.sub(r"<[^>]+>", "", client.get("/").content.decode()).replace("\u00a0", " ")
    assert "В реестре 8 из 506 кластеров, о которых сообщает источник: «Татар-информ», " in page
    assert "13 февраля 2026 г., страница источника" in page
    # The map never says a subject has no clusters: the registry knows of none.
    assert "нет кластеров" not in page and "в реестре нет сведений" in page


def test_a_chart_row_puts_its_amount_under_its_label(client, seeded):
    # «Год не указан» and «≈ 6,6 млрд ₽ (оценка: смешанная)» shared one line and overlapped.
    html = client.get("/").content.decode()
    svg = html[html.index('<figure class="chart">') : html.index("</figure>")]
    labels = re.findall(r'<text class="chart-label" x="0" y="([\d.]+)"', svg)
    values = re.findall(r'<text class="chart-value" x="0" y="([\d.]+)"', svg)
    assert labels and len(labels) == len(values)
    for label, value in zip(labels, values, strict=True):
        assert float(value) - float(label) >= 19  # a line of its own


def test_an_employer_page_says_where_it_works_when_its_region_is_not_given(client, db):
    from tests.clusters.factories import ClusterEmployerFactory

    partnership = ClusterEmployerFactory(employer__region=None, employer__industry=None)
    page = client.get(partnership.employer.get_absolute_url()).content.decode()
    text = re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", page))
    assert "Субъект РФ не указан" in text and "Отрасль не указана" in text
    assert f"Кластеры-партнёры в субъектах {partnership.cluster.region.name}" in text


def test_the_api_docs_are_a_russian_page_of_the_site(client, db):
    html = client.get("/api/v1/docs/").content.decode()
    assert '<html lang="ru">' in html
    assert "/static/js/swagger-ru.js" in html and 'href="/"' in html
    assert "<style" not in html and "<script>" not in html  # the CSP allows neither inline
