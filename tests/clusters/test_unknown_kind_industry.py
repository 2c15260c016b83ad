"""A cluster whose source names no kind or industry («не указано») shows on every door."""

import pytest

from funding.models import IndustryFundingTotal
from funding.services import funding_totals_recompute_all
from tests.clusters.factories import ClusterFactory
from tests.funding.factories import FundingLineFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def unknown():
    return ClusterFactory(kind="", industry=None, slug="unknown", name="Кластер без отрасли")


def test_cluster_page_says_industry_and_kind_are_not_given(client, unknown):
    page = client.get(unknown.get_absolute_url()).content.decode()
    assert "не указана" in page
    assert "не указан" in page


def test_catalogue_lists_a_cluster_without_industry(client, unknown):
    page = client.get("/clusters/").content.decode()
    assert "Кластер без отрасли" in page
    assert "отрасль не указана" in page


def test_api_gives_null_industry(api_client, unknown):
    row = api_client.get("/api/v1/clusters/").json()["results"][0]
    assert row["industry"] is None
    assert row["kind"] == ""
    assert api_client.get("/api/v1/clusters/unknown/").json()["industry"] is None


def test_money_of_a_cluster_without_industry_counts_in_no_industry(unknown):
    FundingLineFactory(cluster=unknown)
    funding_totals_recompute_all()
    assert not IndustryFundingTotal.objects.exists()
