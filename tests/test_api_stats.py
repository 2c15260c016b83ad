"""/api/v1/stats/: sums and counts by any dimension; drafts never leak to anonymous clients."""

from decimal import Decimal

import pytest

pytestmark = pytest.mark.django_db

URL = "/api/v1/stats/"
MLN = Decimal(1_000_000)


def stats(client, **params) -> dict:
    response = client.get(URL, params)
    assert response.status_code == 200, response.content
    return response.json()


def by_key(data: dict, dim: str, label: str = "code") -> dict:
    def key(row):
        value = row[dim]
        return value[label] if isinstance(value, dict) else value

    return {key(row): row for row in data["results"]}


def money(row) -> Decimal:
    return Decimal(row["amount_rub"] or 0)


def test_money_and_clusters_by_region(seed, api_client):
    rows = by_key(stats(api_client, group_by="region"), "region")
    assert money(rows["22"]) == 362 * MLN  # includes the lines no cluster owns
    assert rows["22"]["qualifier"] == "at_least"  # «более 22 миллионов»
    assert rows["22"]["cluster_count"] == 3
    assert (money(rows["38"]), rows["38"]["qualifier"], rows["38"]["cluster_count"]) == (
        200 * MLN,
        "exact",
        2,
    )
    assert money(rows["67"]) == 153 * MLN
    assert rows["67"]["qualifier"] == "approximately"
    # Clusters without any money still count, and their money is unknown, not 0.
    assert rows["56"]["cluster_count"] == 1
    assert (rows["56"]["amount_rub"], rows["56"]["qualifier"]) == (None, None)
    assert rows["56"]["has_funding_data"] is False
    assert rows["22"]["has_funding_data"] is True


def test_stats_never_say_zero_for_a_region_no_source_gives_money_for(seed, api_client):
    for code in ("50", "56"):  # Moscow region, Orenburg: clusters, no money facts
        row = by_key(stats(api_client, group_by="region", region=code), "region")[code]
        assert row["amount_rub"] is None
        assert row["has_funding_data"] is False


def test_federal_money_by_region_for_2023(seed, api_client):
    data = stats(api_client, group_by="region", fiscal_year=2023, funding_source="federal")
    rows = by_key(data, "region")
    assert set(rows) == {"22", "38"}
    assert money(rows["22"]) == 200 * MLN
    assert rows["22"]["cluster_count"] == 0  # the joint line names no cluster
    assert (money(rows["38"]), rows["38"]["cluster_count"]) == (200 * MLN, 2)


def test_money_by_year_and_source(seed, api_client):
    data = stats(api_client, group_by="fiscal_year,funding_source")
    rows = {(r["fiscal_year"], r["funding_source"]): r for r in data["results"]}
    assert money(rows[(2023, "federal")]) == 400 * MLN
    assert money(rows[(None, "federal")]) == 200 * MLN  # «год не указан»
    assert rows[(None, "employer")]["qualifier"] == "approximately"
    assert money(rows[(None, "employer")]) == 57 * MLN
    assert rows[(2023, "federal")]["cluster_count"] == 2
    assert data["results"][-1]["fiscal_year"] is None  # the unknown year comes last


def test_clusters_per_industry_and_district(seed, api_client):
    rows = by_key(stats(api_client, group_by="industry"), "industry", "slug")
    assert rows["mechanical-engineering"]["cluster_count"] == 4
    assert money(rows["mechanical-engineering"]) == 153 * MLN
    districts = by_key(stats(api_client, group_by="federal_district"), "federal_district")
    assert districts["SIB"]["cluster_count"] == 5
    assert districts["CEN"]["cluster_count"] == 2


def test_national_total(seed, api_client):
    (row,) = stats(api_client)["results"]
    assert money(row) == 715 * MLN
    assert row["cluster_count"] == 8
    # «почти 153 млн» (≈) and «более 22 миллионов» (не менее): no single mark is true of the sum
    assert row["qualifier"] == "mixed"


def test_industry_within_a_region_is_answered_from_the_lines(seed, api_client):
    data = stats(api_client, group_by="industry", region="22")
    assert data["money_basis"] == "funding_lines"
    rows = data["results"]
    named = [r for r in rows if r["industry"] is not None]
    assert sum(money(r) for r in named) == 130 * MLN  # the lines of clusters
    # The joint money is a group of its own: the industries add up to the region's total.
    assert [money(r) for r in rows if r["is_joint"]] == [232 * MLN]
    assert sum(money(r) for r in rows) == 362 * MLN


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"group_by": "region,industry"}, "group_by"),
        ({"group_by": "colour"}, "group_by"),
        ({"region": "00"}, "region"),
        ({"funding_source": "lottery"}, "funding_source"),
    ],
)
def test_bad_stats_requests_are_400_naming_the_parameter(seed, api_client, params, field):
    response = api_client.get(URL, params)
    assert response.status_code == 400
    assert field in response.json()


def test_anonymous_stats_exclude_unpublished_clusters(draft_cluster, api_client):
    data = stats(api_client, group_by="region", region="38")
    (row,) = data["results"]
    assert (money(row), row["cluster_count"]) == (200 * MLN, 2)
    assert data["money_basis"] == "stored_totals"
    (national,) = stats(api_client, fiscal_year=2023)["results"]
    assert money(national) == 432 * MLN


def test_anonymous_stats_hide_drafts_in_every_grouping(draft_cluster, api_client):
    # 715 mln is all published money: 483 mln of it belongs to clusters (industries), the
    # rest is Altai's joint money, a group of its own.
    for group_by, expected in (
        ("", 715),
        ("fiscal_year", 715),
        ("federal_district,funding_source", 715),
        ("industry", 715),
    ):
        data = stats(api_client, group_by=group_by)
        assert data["money_basis"] == "stored_totals"
        assert sum(money(r) for r in data["results"]) == expected * MLN, group_by
    assert stats(api_client)["results"][0]["cluster_count"] == 8


def test_staff_stats_include_drafts_summed_from_the_lines(draft_cluster, editor_api_client):
    data = stats(editor_api_client, group_by="region", region="38")
    assert data["money_basis"] == "funding_lines"
    (row,) = data["results"]
    assert (money(row), row["cluster_count"]) == (977 * MLN, 3)


def test_staff_stats_use_stored_totals_where_no_draft_has_money(draft_cluster, editor_api_client):
    data = stats(editor_api_client, group_by="region", region="67")
    assert data["money_basis"] == "stored_totals"
    assert money(data["results"][0]) == 153 * MLN


@pytest.mark.parametrize(
    "params",
    [
        {},
        {"group_by": "region"},
        {"group_by": "federal_district,fiscal_year"},
        {"group_by": "industry,funding_source"},
        {"group_by": "fiscal_year,funding_source"},
        {"group_by": "region", "fiscal_year": "2023", "funding_source": "federal"},
        {"group_by": "funding_source", "federal_district": "SIB"},
        {"group_by": "fiscal_year", "industry": "mechanical-engineering"},
    ],
)
def test_stored_totals_and_the_lines_give_the_same_answer(seed, api_client, params):
    from funding.models import (
        FederalDistrictFundingTotal,
        IndustryFundingTotal,
        NationalFundingTotal,
        RegionFundingTotal,
    )

    stored = stats(api_client, **params)
    assert stored["money_basis"] == "stored_totals"
    for model in (
        RegionFundingTotal,
        FederalDistrictFundingTotal,
        IndustryFundingTotal,
        NationalFundingTotal,
    ):
        model.objects.all().delete()
    from_lines = stats(api_client, **params)
    assert from_lines["money_basis"] == "funding_lines"
    assert stored["results"] == from_lines["results"]


def test_stats_as_csv(seed, api_client):
    response = api_client.get(URL, {"group_by": "region", "format": "csv"})
    text = response.content.decode("utf-8")
    assert text.startswith(
        "\ufeffregion.code,region.name,is_joint,cluster_count,amount_rub,qualifier,parts_known"
    )
    assert "38,Иркутская область,false,2,200000000.00,exact,federal" in text


@pytest.fixture
def messy(seed):
    """The seed plus what the press sample brings: a published cluster with no industry and
    money, joint money of a region (Altai's, in the seed), and a subject outside every
    federal district with a cluster and money."""
    from clusters.models import Source
    from funding.services import funding_totals_recompute_all
    from regions.models import Region
    from tests.clusters.factories import ClusterFactory
    from tests.funding.factories import FundingLineFactory

    source = Source.objects.first()
    no_industry = ClusterFactory(
        slug="no-industry", industry=None, kind="", region=Region.objects.get(code="38")
    )
    FundingLineFactory(cluster=no_industry, amount_rub=620 * MLN, source=source)
    outside = Region.objects.get(code="93")  # ДНР: no federal district
    assert outside.federal_district_id is None
    outside_cluster = ClusterFactory(slug="dnr-cluster", region=outside, industry=None)
    FundingLineFactory(
        cluster=outside_cluster, amount_rub=77 * MLN, source=source, funding_source="regional"
    )
    funding_totals_recompute_all()
    return no_industry


@pytest.mark.parametrize(
    "group_by",
    [
        "industry",
        "federal_district",
        "region",
        "fiscal_year",
        "funding_source",
        "industry,fiscal_year",
        "federal_district,funding_source",
    ],
)
def test_every_grouping_adds_up_to_the_national_total(messy, api_client, group_by):
    (national,) = stats(api_client)["results"]
    assert money(national) == (715 + 620 + 77) * MLN
    data = stats(api_client, group_by=group_by)
    assert data["money_basis"] == "stored_totals"
    assert sum(money(r) for r in data["results"]) == money(national), group_by
    clusters = sum(r["cluster_count"] or 0 for r in data["results"] if not r["is_joint"])
    if "fiscal_year" not in group_by and "funding_source" not in group_by:
        assert clusters == national["cluster_count"], group_by


def test_industry_groups_name_the_unknown_industry_and_the_joint_money(messy, api_client):
    rows = stats(api_client, group_by="industry")["results"]
    unknown = [r for r in rows if r["industry"] is None and not r["is_joint"]]
    joint = [r for r in rows if r["is_joint"]]
    assert [money(r) for r in unknown] == [(620 + 77) * MLN]
    assert unknown[0]["cluster_count"] == 2

    # Altai's two clusters of 2023 got their money jointly: 200 + 10 + «более 22» mln.
    assert [(money(r), r["qualifier"], r["cluster_count"]) for r in joint] == [
        (232 * MLN, "at_least", None)
    ]
    assert rows[-1]["is_joint"] and rows[-2] is unknown[0]  # after the named industries


def test_subjects_outside_the_districts_are_a_group_of_their_own(messy, api_client):
    rows = stats(api_client, group_by="federal_district")["results"]
    outside = [r for r in rows if r["federal_district"] is None]
    assert [(money(r), r["cluster_count"], r["parts_known"]) for r in outside] == [
        (77 * MLN, 1, ["regional"])
    ]


def test_a_group_says_which_budget_parts_its_sum_covers(messy, api_client):
    rows = by_key(stats(api_client, group_by="region"), "region")
    assert rows["38"]["parts_known"] == ["federal"]
    assert rows["93"]["parts_known"] == ["regional"]
    assert rows["56"]["parts_known"] == []  # Orenburg: a cluster, no money facts


def test_the_lines_give_the_same_groups_as_the_stored_totals(messy, api_client):
    from funding.models import IndustryFundingTotal, NationalFundingTotal

    stored = stats(api_client, group_by="industry,funding_source")
    IndustryFundingTotal.objects.all().delete()
    NationalFundingTotal.objects.all().delete()
    from_lines = stats(api_client, group_by="industry,funding_source")
    assert from_lines["money_basis"] == "funding_lines"
    assert stored["results"] == from_lines["results"]


@pytest.mark.parametrize(
    "params",
    [
        {"group_by": "region"},
        {"group_by": "federal_district"},
        {"group_by": "industry"},
        {"group_by": "region", "federal_district": "SIB"},
        {"group_by": "industry", "region": "22"},
        {"group_by": "region", "fiscal_year": "2023"},  # a line condition: from the clusters
        {},
    ],
    ids=str,
)
def test_cluster_counts_over_the_counts_equal_the_clusters_counted(
    seed, api_client, monkeypatch, settings, params
):
    """The public's cluster counts are summed over the counts of clusters (clusters/counts.py)
    and equal those counted from the clusters, drafts and clusters with no industry included."""
    settings.RESPONSE_CACHE_SECONDS = 0  # both answers rendered
    from clusters.models import Cluster
    from funding import stats as funding_stats
    from tests.clusters.factories import ClusterFactory

    region = Cluster.objects.filter(region__code="22").first().region
    ClusterFactory(region=region, industry=None, is_published=True)
    ClusterFactory(region=region, is_published=False)
    counted = stats(api_client, **params)["results"]
    monkeypatch.setattr(funding_stats, "from_counts", lambda user: False)
    assert counted == stats(api_client, **params)["results"]
