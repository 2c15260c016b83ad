"""Facet counts add up: each option's count is the size of the list its link leads to."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from clusters import facets
from clusters.facets import CLUSTER_FACETS
from clusters.models import Industry
from regions.models import FederalDistrict, Region
from tests.totals import recompute_totals

pytestmark = pytest.mark.django_db

# Every active-filter combination the table checks, year and source included.
COMBINATIONS = [
    {},
    {"fiscal_year": "2025"},
    {"fiscal_year": "2023"},
    {"funding_source": "federal"},
    {"fiscal_year": "2023", "funding_source": "federal"},
    {"fiscal_year": "2025", "funding_source": "federal"},
    {"funding_source": "employer"},
    {"federal_district": "SIB"},
    {"federal_district": "SIB", "funding_source": "regional"},
    {"region": "22"},
    {"industry": "mechanical-engineering"},
    {"industry": "mechanical-engineering", "fiscal_year": "2023"},
    {"kind": "education_cluster"},
    {"selection_year": "2022"},
    {"q": "машиностроительный"},
    {"q": "алтай", "funding_source": "federal"},
    {"has_employers": "true"},
]


def _option_value(name: str, key) -> str:
    """The URL value of a facet option (codes and slugs, as the catalogue's links use)."""
    if name == "federal_district":
        return FederalDistrict.objects.get(pk=key).code
    if name == "region":
        return Region.objects.get(pk=key).code
    if name == "industry":
        return Industry.objects.get(pk=key).slug
    return str(key)


@pytest.fixture
def seeded(seed):
    recompute_totals()


@pytest.mark.parametrize(
    "params", COMBINATIONS, ids=lambda p: "&".join(f"{k}={v}" for k, v in p.items()) or "none"
)
def test_every_facet_count_equals_the_list_it_leads_to(client, seeded, params):
    response = client.get("/clusters/", params)
    assert response.status_code == 200
    counts = response.context["facet_counts"]
    assert set(counts) == set(CLUSTER_FACETS)
    checked = 0
    for name, options in counts.items():
        for key, expected in options.items():
            target = {**params, name: _option_value(name, key)}
            listed = client.get("/clusters/", target).context["paginator"].count
            assert listed == expected, (name, key, target)
            checked += 1
    # With no filter every facet has options; a year or source filter narrows them.
    assert checked or params.get("fiscal_year") == "2025"


def test_year_and_source_narrow_the_district_count(client, seeded):
    response = client.get("/clusters/", {"fiscal_year": "2023", "funding_source": "federal"})
    listed = response.context["paginator"].count
    by_district = response.context["facet_counts"]["federal_district"]
    assert sum(by_district.values()) == listed
    sfd = FederalDistrict.objects.get(code="SIB").pk
    assert by_district.get(sfd, 0) <= listed


@pytest.mark.parametrize(
    "params", COMBINATIONS, ids=lambda p: "&".join(f"{k}={v}" for k, v in p.items()) or "none"
)
def test_facets_grouped_in_one_statement_equal_one_query_each(client, seeded, monkeypatch, params):
    """The facets whose filter is empty are counted together (GROUPING SETS): the same counts
    as a GROUP BY each, in fewer queries."""
    with CaptureQueriesContext(connection) as grouped_queries:
        grouped = client.get("/clusters/", params).context["facet_counts"]
    monkeypatch.setattr(facets, "_grouped", lambda *args: None)
    with CaptureQueriesContext(connection) as single_queries:
        single = client.get("/clusters/", params).context["facet_counts"]
    assert grouped == single
    if connection.vendor == "postgresql":  # elsewhere the facets are counted one by one
        assert len(grouped_queries) < len(single_queries)
