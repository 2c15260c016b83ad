"""Query counts of every API list and every public page: pinned, and the same for 5 and 500.

The data grows from 5 to 500 clusters, each with a base and a network college, an employer,
a figure, two programmes and a funding line, all in one region, district and industry, so every
list and page below has more rows to show the second time. Each count is pinned with the
queries it is made of; a change that adds a query per row (or per page) fails here first.
"""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from clusters.choices import CollegeRole
from clusters.models import (
    Cluster,
    ClusterCollege,
    ClusterEmployer,
    College,
    Employer,
    Industry,
    ReportedFigure,
    Source,
)
from funding.models import FundingLine
from funding.services import funding_totals_recompute_all
from regions.models import Region
from tests.clusters.factories import (
    ClusterEmployerFactory,
    ClusterFactory,
    CollegeFactory,
    EmployerFactory,
    ProgrammeFactory,
    ReportedFigureFactory,
)
from tests.funding.factories import FundingLineFactory

pytestmark = pytest.mark.django_db

# API lists, anonymous, ?page_size=500. Each starts with the paginator's COUNT, then the page.
API_LISTS = {
    # count; the districts
    "federal-districts": 2,
    # count; the regions (+ district joined)
    "regions": 2,
    # count; the industries
    "industries": 2,
    # count; the programmes
    "programmes": 2,
    # count; the colleges (+ region joined)
    "colleges": 2,
    # count; the employers (+ region, industry joined)
    "employers": 2,
    # count; the page of clusters (+ region, district, industry, totals joined), each row
    # written as JSON by the database with its nested lists as correlated subqueries
    # (base and network colleges, employers, programmes, figures: common/api/json_sql.py)
    "clusters": 2,
    # count; the memberships (+ cluster, college joined)
    "cluster-colleges": 2,
    # count; the partnerships (+ cluster, employer joined)
    "cluster-employers": 2,
    # count; the lines (+ cluster, industry, region, district, source joined)
    "funding-lines": 2,
}

# Public pages, anonymous. The clusters shown on a page come with region, district, industry
# and totals joined, then 4 prefetches: memberships (+ colleges), partnerships (+ employers),
# programmes, figures ("the 4 row prefetches" below).
PAGES = {
    # clusters, colleges, employers counted; national totals; the map's regions, their
    # cluster counts and their reported counts; districts; the subjects outside them;
    # industries; latest clusters; the country's reported count
    "home": 12,
    # the list's count and the 5 facets (district, region, industry, kind, year) in one
    # GROUPING SETS statement, both over the counts of clusters; 3 option lists (district,
    # region, industry); the page's cluster ids, then those clusters; their base colleges
    # (the card's one prefetch); the country's reported count
    "catalogue": 9,
    # the cluster (+ joins, and its completeness facts as computed columns); the 4 row
    # prefetches; sources; funding lines (+ sources); the lines' citations (+ sources); the
    # cluster's citations (+ sources)
    "cluster": 9,
    # the map's regions, their cluster counts and reported counts; districts; their regions;
    # regions without a district; the regions' cluster counts; the regions' reported counts;
    # the country's reported count
    "regions": 9,
    # the region; its clusters counted; the page's cluster ids, then those clusters; their
    # base colleges; the completeness block: the page's clusters with gaps, their facts as
    # computed columns; its totals; its region-level lines; its reported count
    "region": 9,
    # the district; its regions' cluster counts; its regions; its totals; the page's cluster
    # ids, then those clusters; their base colleges; the regions' reported counts; the
    # country's clusters and reported count
    "district": 10,
    # the industries; the clusters counted by industry (the «без отрасли» count and the
    # country's total are that count's); the country's reported count
    "industries": 3,
    # the industry; its totals; its clusters counted; the page's cluster ids, then those
    # clusters; their base colleges; the country's clusters and reported count
    "industry": 8,
    # the college; its memberships (+ clusters)
    "college": 2,
    # the employer; its partnerships (+ clusters)
    "employer": 2,
    # a static page
    "open-data": 0,
    # the sitemap index: each of 6 sections' least and greatest key (one index probe each; the
    # static pages need none), no COUNT, no latest change
    "sitemap": 6,
    # one section: its table's least and greatest key, then its page's key range (slug, date)
    "sitemap-clusters": 2,
    # the registry beside the national figures: clusters, regions, industries in one
    # aggregate, employers; the national reported counts; every gap counted in one aggregate
    # (its «any» is the paginator's count); the page of clusters with gaps, each fact a column
    # the database computes; the regions with a reported count, their clusters counted, and
    # their reported counts
    "completeness": 7,
    # the paginator's count; the page of colleges (+ region joined); the filter's regions and
    # industries
    "colleges": 4,
    # the paginator's count; the page of employers (+ region, industry joined); the filter's
    # regions and industries
    "employers": 4,
}


def _grow(clusters: int) -> None:
    """`clusters` more published clusters in one region, each with a base and a network
    college, an employer, a figure, two programmes and a funding line, written in bulk (the
    models write nothing in save() of their own), then the totals computed."""
    region = Region.objects.get(code="22")
    industry = Industry.objects.get(slug="mechanical-engineering")
    source = Source.objects.first()
    programmes = ProgrammeFactory.create_batch(2)
    new = Cluster.objects.bulk_create(
        ClusterFactory.build_batch(clusters, region=region, industry=industry)
    )
    colleges = College.objects.bulk_create(CollegeFactory.build_batch(2 * clusters, region=region))
    employers = Employer.objects.bulk_create(EmployerFactory.build_batch(clusters))
    ClusterCollege.objects.bulk_create(
        ClusterCollege(cluster=cluster, college=colleges[2 * i + n], role=role)
        for i, cluster in enumerate(new)
        for n, role in enumerate((CollegeRole.BASE, CollegeRole.NETWORK))
    )
    ClusterEmployer.objects.bulk_create(
        ClusterEmployerFactory.build(cluster=cluster, employer=employers[i])
        for i, cluster in enumerate(new)
    )
    ReportedFigure.objects.bulk_create(
        ReportedFigureFactory.build(cluster=cluster, source=source) for cluster in new
    )
    through = Cluster.programmes.through
    through.objects.bulk_create(
        through(cluster=cluster, programme=programme) for cluster in new for programme in programmes
    )
    FundingLine.objects.bulk_create(
        FundingLineFactory.build(cluster=cluster, region=region, source=source) for cluster in new
    )
    funding_totals_recompute_all()


def _count(client, url, params=None) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url, params or {})
        assert response.status_code == 200, (url, response.status_code)
        if getattr(response, "streaming", False):
            b"".join(response.streaming_content)
    return len(queries)


def _pages() -> dict[str, str]:
    cluster = Cluster.objects.filter(region__code="22").order_by("pk").first()
    college = College.objects.filter(cluster_colleges__cluster=cluster).first()
    employer = Employer.objects.filter(cluster_employers__cluster=cluster).first()
    region = Region.objects.get(code="22")
    return {
        "home": "/",
        "catalogue": "/clusters/",
        "cluster": cluster.get_absolute_url(),
        "regions": "/regions/",
        "region": region.get_absolute_url(),
        "district": f"/districts/{region.federal_district.code}/",
        "industries": "/industries/",
        "industry": "/industries/mechanical-engineering/",
        "college": college.get_absolute_url(),
        "employer": employer.get_absolute_url(),
        "open-data": "/open-data/",
        "sitemap": "/sitemap.xml",
        "sitemap-clusters": "/sitemap-clusters.xml",
        "completeness": "/completeness/",
        "colleges": "/colleges/",
        "employers": "/employers/",
    }


def _measure(api_client, client) -> dict[str, int]:
    counts = {
        f"api:{prefix}": _count(api_client, f"/api/v1/{prefix}/", {"page_size": 500})
        for prefix in API_LISTS
    }
    counts.update({f"page:{name}": _count(client, url) for name, url in _pages().items()})
    return counts


def test_query_counts_are_pinned_and_do_not_grow_with_the_rows(seed, api_client, client):
    _grow(5)
    few = _measure(api_client, client)
    _grow(495)
    many = _measure(api_client, client)
    assert Cluster.objects.count() > 500
    assert few == many
    assert {k[4:]: v for k, v in few.items() if k.startswith("api:")} == API_LISTS
    assert {k[5:]: v for k, v in few.items() if k.startswith("page:")} == PAGES


def test_a_list_counts_its_rows_without_the_columns_joins(seed, api_client):
    """The paginator's COUNT reads the filtered rows only: the page's own joins (region,
    district, industry, source, written into each row) are not in it — they cannot change how
    many rows there are — while the gate's join is (a line of a draft is not counted)."""
    FundingLineFactory.create_batch(3, fiscal_year=2022, funding_source="federal")
    with CaptureQueriesContext(connection) as queries:
        response = api_client.get(
            "/api/v1/funding-lines/", {"fiscal_year": 2022, "funding_source": "federal"}
        )
    assert response.status_code == 200 and response.json()["count"] >= 3
    count_sql = next(q["sql"] for q in queries.captured_queries if "COUNT(*)" in q["sql"])
    assert '"clusters_cluster"' in count_sql  # the gate: is the line's cluster published
    for joined in ("clusters_source", "regions_federaldistrict", "clusters_industry"):
        assert joined not in count_sql, joined


def test_a_list_page_asked_again_is_planned_once_per_connection(seed, api_client):
    """Server-side binding with psycopg's prepare threshold (config/settings/base.py): the
    page statement a list runs again and again on one connection is prepared, not planned on
    every request."""
    if connection.vendor != "postgresql":
        pytest.skip("prepared statements are PostgreSQL's")
    for _ in range(6):
        assert api_client.get("/api/v1/clusters/", {"status": "operating"}).status_code == 200
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM pg_prepared_statements WHERE statement LIKE %s",
            ["%json_build_object%"],
        )
        assert cursor.fetchone()[0] >= 1


@pytest.mark.django_db
def test_an_api_list_builds_its_gated_queryset_once(api_client, monkeypatch, settings):
    """The gate, the filters and the ordering are applied to one queryset per request (the
    ordering's default no longer builds a second one just to learn the model)."""
    from clusters.models import ClusterQuerySet

    settings.RESPONSE_CACHE_SECONDS = 0
    calls = []
    real = ClusterQuerySet.visible_to
    monkeypatch.setattr(
        ClusterQuerySet, "visible_to", lambda self, user: calls.append(user) or real(self, user)
    )
    assert api_client.get("/api/v1/clusters/", HTTP_ACCEPT="application/json").status_code == 200
    assert len(calls) == 1
