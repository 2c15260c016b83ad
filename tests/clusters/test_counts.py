"""The counts of published clusters (clusters.ClusterCount): the public's counts summed over
them equal the counts of the clusters themselves, the services keep them in step, the
invariant checks them, and a user who sees drafts is counted from the clusters."""

from __future__ import annotations

import pytest
from django.db import connection
from django.db.models import Count
from django.test.utils import CaptureQueriesContext

from accounts.services import staff_user_create
from clusters import counts as cluster_counts_module
from clusters import facets, services
from clusters.choices import ClusterKind, CollegeRole
from clusters.counts import cluster_count, cluster_counts
from clusters.facets import facet_counts
from clusters.filtersets import ClusterFilterSet
from clusters.models import Cluster, ClusterCount
from funding.services import funding_totals_check, funding_totals_reconcile
from funding.services.counts import cluster_counts_check, cluster_counts_recompute
from tests.clusters.factories import (
    ClusterCollegeFactory,
    ClusterFactory,
    IndustryFactory,
    SourceFactory,
)
from tests.regions.factories import FederalDistrictFactory, RegionFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def registry():
    """Published clusters and drafts over two districts; clusters with no industry, no kind,
    no selection year; a region with no cluster and one with only a draft."""
    north, south = FederalDistrictFactory(code="N1"), FederalDistrictFactory(code="S1")
    a = RegionFactory(code="91", name="Область А", federal_district=north)
    b = RegionFactory(code="92", name="Область Б", federal_district=north)
    c = RegionFactory(code="93", name="Область В", federal_district=south)
    empty = RegionFactory(code="94", name="Область Г", federal_district=south)
    drafts_only = RegionFactory(code="95", name="Область Д", federal_district=None)
    x, y = IndustryFactory(slug="x-industry"), IndustryFactory(slug="y-industry")
    shapes = [
        (a, x, ClusterKind.PRODUCTION_CENTER, 2022, True),
        (a, x, ClusterKind.PRODUCTION_CENTER, 2022, True),
        (a, None, "", None, True),
        (a, y, ClusterKind.EDUCATION_CLUSTER, 2023, False),
        (b, y, ClusterKind.EDUCATION_CLUSTER, 2023, True),
        (b, None, ClusterKind.PRODUCTION_CENTER, 2024, True),
        (c, x, "", 2024, True),
        (c, x, "", 2024, False),
        (drafts_only, y, ClusterKind.PRODUCTION_CENTER, 2022, False),
    ]
    for region, industry, kind, year, published in shapes:
        ClusterFactory(
            region=region,
            industry=industry,
            kind=kind,
            selection_year=year,
            is_published=published,
        )
    return {"a": a, "b": b, "c": c, "empty": empty, "drafts_only": drafts_only, "x": x}


@pytest.fixture
def federal():
    return staff_user_create(username="fed", role="federal-editor", password="pw")[0]


def _plain(user, group_by=None, **lookups):
    rows = Cluster.objects.visible_to(user).filter(**lookups).order_by()
    if group_by is None:
        return rows.count()
    return dict(rows.values_list(group_by).annotate(n=Count("pk")))


LOOKUPS = [
    {},
    {"region__code": "91"},
    {"region__code": "94"},
    {"region__code": "95"},
    {"region__federal_district__code": "N1"},
    {"industry__slug": "x-industry"},
    {"industry__isnull": True},
    {"kind": ""},
    {"kind": ClusterKind.EDUCATION_CLUSTER},
    {"selection_year": 2024},
    {"selection_year__isnull": True},
    {"region__code": "91", "industry__isnull": True},
]
GROUPS = ["region", "region__federal_district", "industry", "kind", "selection_year"]


@pytest.mark.parametrize("lookups", LOOKUPS, ids=str)
def test_the_public_counts_equal_the_clusters_counted(registry, lookups):
    assert cluster_count(None, **lookups) == _plain(None, **lookups)
    for group_by in GROUPS:
        assert cluster_counts(None, group_by, **lookups) == _plain(None, group_by, **lookups)


def test_the_public_counts_read_the_counts_not_the_clusters(registry):
    with CaptureQueriesContext(connection) as queries:
        cluster_counts(None, "region", region__federal_district__code="N1")
        cluster_count(None)
    sql = " ".join(q["sql"] for q in queries.captured_queries)
    assert ClusterCount._meta.db_table in sql
    assert f'FROM "{Cluster._meta.db_table}"' not in sql


def test_a_user_who_sees_drafts_is_counted_from_the_clusters(registry, federal):
    assert cluster_count(federal) == Cluster.objects.count() == 9
    assert cluster_count(None) == Cluster.objects.filter(is_published=True).count() == 6
    assert cluster_counts(federal, "region") == _plain(federal, "region")
    assert cluster_counts(None, "region").get(registry["drafts_only"].pk) is None


def test_a_count_by_a_field_the_counts_do_not_have_is_refused(registry):
    with pytest.raises(ValueError, match="launch_year"):
        cluster_count(None, launch_year=2024)
    with pytest.raises(ValueError, match="status"):
        cluster_counts(None, "status")


FACET_PARAMS = [
    {},
    {"region": "91"},
    {"federal_district": "N1"},
    {"industry": "x-industry"},
    {"industry": "none"},
    {"kind": "none"},
    {"kind": "education_cluster"},
    {"selection_year": "2024"},
    {"federal_district": "N1", "industry": "none", "selection_year": "2022"},
    {"region": "94"},
]


@pytest.mark.parametrize("params", FACET_PARAMS, ids=str)
def test_facets_over_the_counts_equal_facets_over_the_clusters(registry, params, monkeypatch):
    def filterset():
        return ClusterFilterSet(params, queryset=Cluster.objects.visible_to(None))

    fast = filterset()
    assert facets._counted_rows(fast, facets.CLUSTER_FACETS)
    counted = facet_counts(fast)
    listed = facets.listed_count(fast)
    plain = filterset()
    assert listed == plain.qs.count()
    monkeypatch.setattr(facets, "_counted_rows", lambda *args: False)
    assert counted == facet_counts(plain)


def test_facets_of_a_search_or_of_narrowed_rows_count_the_clusters(registry):
    searched = ClusterFilterSet({"q": "Кластер"}, queryset=Cluster.objects.visible_to(None))
    assert not facets._counted_rows(searched, facets.CLUSTER_FACETS)
    narrowed = ClusterFilterSet(
        {}, queryset=Cluster.objects.visible_to(None).filter(launch_year=2024)
    )
    assert not facets._counted_rows(narrowed, facets.CLUSTER_FACETS)
    assert facets.listed_count(narrowed) is None


def test_the_catalogue_and_the_pages_count_the_same_as_the_clusters(registry, client, settings):
    settings.RESPONSE_CACHE_SECONDS = 0
    page = client.get("/clusters/")
    assert page.context["paginator"].count == 6
    region = client.get(registry["a"].get_absolute_url())
    assert region.context["cluster_count"] == 3
    district = client.get("/districts/N1/")
    assert district.context["cluster_count"] == 5
    assert [r.cluster_count for r in district.context["regions"]] == [3, 2]
    industry = client.get(registry["x"].get_absolute_url())
    assert industry.context["cluster_count"] == 3


def test_the_services_keep_the_counts_in_step(
    registry, federal, django_capture_on_commit_callbacks
):
    def step(write):
        with django_capture_on_commit_callbacks(execute=True):
            write()
        assert cluster_counts_check() == []
        cluster.refresh_from_db()

    with django_capture_on_commit_callbacks(execute=True):
        cluster = services.cluster_create(
            actor=federal,
            name="Новый",
            slug="new-one",
            industry=registry["x"],
            region=registry["a"],
            selection_year=2025,
        )
    assert cluster_counts_check() == []
    ClusterCollegeFactory(cluster=cluster, role=CollegeRole.BASE)
    cluster.sources.add(SourceFactory())
    before = cluster_count(None, region=registry["a"])
    step(lambda: services.cluster_publish(actor=federal, cluster=cluster))
    assert cluster_count(None, region=registry["a"]) == before + 1
    step(lambda: services.cluster_update(actor=federal, cluster=cluster, selection_year=2021))
    assert cluster_count(None, selection_year=2021) == 1
    step(lambda: services.cluster_update(actor=federal, cluster=cluster, kind=""))
    step(lambda: services.cluster_update(actor=federal, cluster=cluster, industry=None))
    step(lambda: services.cluster_update(actor=federal, cluster=cluster, region=registry["b"]))
    assert cluster_count(None, region=registry["a"]) == before
    step(lambda: services.cluster_withdraw(actor=federal, cluster=cluster))
    step(lambda: services.cluster_publish(actor=federal, cluster=cluster))
    with django_capture_on_commit_callbacks(execute=True):
        services.cluster_delete(actor=federal, cluster=cluster)
    assert cluster_counts_check() == []
    assert cluster_count(None, region=registry["b"]) == 2


def test_the_invariant_reports_a_wrong_count_and_the_reconcile_mends_it(registry):
    def count_problems():
        return {(p.kind, p.problem) for p in funding_totals_check() if p.kind == "cluster_count"}

    assert count_problems() == set()
    row = ClusterCount.objects.filter(region=registry["a"]).first()
    ClusterCount.objects.filter(pk=row.pk).update(cluster_count=row.cluster_count + 5)
    Cluster.objects.filter(region=registry["b"]).update(selection_year=2030)  # past the services
    assert count_problems() == {
        ("cluster_count", "wrong"),
        ("cluster_count", "missing"),
        ("cluster_count", "extra"),
    }
    funding_totals_reconcile()
    assert count_problems() == set()
    assert cluster_counts(None, "selection_year").get(2030) == 2


def test_a_recompute_of_unchanged_counts_writes_nothing(registry):
    assert cluster_counts_recompute() == 0
    assert cluster_counts_recompute(region_ids=[registry["a"].pk, registry["empty"].pk]) == 0


def test_the_module_says_which_user_is_counted_from_the_counts(federal):
    assert cluster_counts_module.from_counts(None)
    assert not cluster_counts_module.from_counts(federal)


@pytest.mark.parametrize("audience", ["public", "federal"])
def test_the_industries_page_counts_as_the_clusters_do(registry, federal, client, audience):
    """/industries/ reads its counts through clusters/counts.py: each industry's, the «без
    отрасли» count and the page's total equal the plain counts of what the reader sees."""
    user = None
    if audience == "federal":
        client.force_login(federal)
        user = federal
    response = client.get("/industries/")
    assert response.status_code == 200
    plain = _plain(user, "industry")
    shown = {industry.pk: industry.cluster_count for industry in response.context["industries"]}
    assert {pk: n for pk, n in shown.items() if n} == {
        pk: n for pk, n in plain.items() if pk is not None
    }
    assert response.context["no_industry_count"] == plain.get(None, 0)
    assert sum(plain.values()) == _plain(user)
