"""CSV of any list: same filters and rows as JSON, flattened, BOM, streamed without a cap."""

import csv
import io

import pytest
from django.http import StreamingHttpResponse

from clusters.models import Cluster
from common.api.csv import flatten
from regions.models import Region
from tests.clusters.factories import ClusterFactory, IndustryFactory

pytestmark = pytest.mark.django_db


def read_csv(response) -> tuple[list[str], list[list[str]]]:
    body = b"".join(response.streaming_content) if response.streaming else response.content
    text = body.decode("utf-8")
    assert text.startswith("\ufeff"), "Excel needs the BOM to read Cyrillic"
    rows = list(csv.reader(io.StringIO(text[1:])))
    # A complete export ends with the marker and its row count; a cut-off one does not.
    assert rows[-1] == ["#END", str(len(rows) - 2)], rows[-1]
    return rows[0], rows[1:-1]


@pytest.mark.parametrize(
    ("url", "params"),
    [
        ("/api/v1/clusters/", {"industry": "mechanical-engineering"}),
        ("/api/v1/clusters/", {"region": "22", "ordering": "-slug"}),
        ("/api/v1/funding-lines/", {"region": "22"}),
        ("/api/v1/funding-lines/", {"funding_source": "federal", "ordering": "-amount_rub"}),
        ("/api/v1/colleges/", {"cluster": "irk-energy"}),
        ("/api/v1/regions/", {"federal_district": "SIB"}),
        ("/api/v1/cluster-colleges/", {"role": "base"}),
    ],
)
def test_csv_of_a_filtered_list_has_the_same_rows_as_its_json(seed, api_client, url, params):
    json_rows = api_client.get(url, {**params, "page_size": 500}).json()["results"]
    response = api_client.get(url, {**params, "format": "csv"})
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    header, rows = read_csv(response)
    expected = [flatten(row, header) for row in json_rows]
    if "ordering" in params:
        assert rows == expected
    else:  # a whole export comes in id order
        assert sorted(rows) == sorted(expected)
    assert len(rows) == len(json_rows) > 0


def test_cluster_csv_columns_are_flattened_and_stable(seed, api_client):
    header, rows = read_csv(api_client.get("/api/v1/clusters/", {"format": "csv", "region": "38"}))
    for column in (
        "slug",
        "region.code",
        "region.name",
        "federal_district.code",
        "industry.slug",
        "base_college.full_name",
        "network_colleges.full_name",
        "employers.name",
        "programmes.code",
        "figures.kind",
        "funding_total.federal_rub",
        "funding_total.federal_qualifier",
        "funding_total.computed_at",
        "funding_total.is_stale",
    ):
        assert column in header
    by_slug = {row[header.index("slug")]: row for row in rows}
    energy = by_slug["irk-energy"]
    assert energy[header.index("region.code")] == "38"
    network = energy[header.index("network_colleges.full_name")].split("; ")
    assert len(network) == 4 and "Ангарский политехнический техникум" in network
    # The same columns for an empty list.
    empty_header, empty_rows = read_csv(
        api_client.get("/api/v1/clusters/", {"format": "csv", "selection_year": "1999"})
    )
    assert (empty_header, empty_rows) == (header, [])


def test_accept_text_csv_gives_csv(seed, api_client):
    response = api_client.get("/api/v1/funding-lines/", HTTP_ACCEPT="text/csv")
    assert response.status_code == 200
    header, rows = read_csv(response)
    assert len(rows) == 11
    assert "amount_rub" in header


def test_csv_errors_are_json(seed, api_client):
    response = api_client.get("/api/v1/clusters/", {"format": "csv", "region": "00"})
    assert response.status_code == 400
    assert response["Content-Type"].startswith("application/json")
    assert "region" in response.json()


def test_csv_of_a_long_list_is_streamed_whole(seed, api_client, django_assert_max_num_queries):
    region = Region.objects.get(code="38")
    industry = IndustryFactory()
    Cluster.objects.bulk_create(ClusterFactory.build_batch(3000, region=region, industry=industry))
    total = Cluster.objects.count()
    # Streamed in chunks of 500: each chunk costs the row query plus four prefetches,
    # the count of queries grows with chunks, never with rows one by one.
    with django_assert_max_num_queries(5 * (total // 500 + 1) + 5):
        response = api_client.get("/api/v1/clusters/", {"format": "csv"})
        assert isinstance(response, StreamingHttpResponse)
        header, rows = read_csv(response)
    assert len(rows) == total  # no page cap
    assert 'filename="clusters.csv"' in response["Content-Disposition"]


def test_csv_hides_unpublished_clusters_and_their_lines(draft_cluster, api_client):
    _, rows = read_csv(api_client.get("/api/v1/clusters/", {"format": "csv"}))
    assert not any("irk-draft" in row for row in rows)
    assert len(rows) == 8
    header, rows = read_csv(api_client.get("/api/v1/funding-lines/", {"format": "csv"}))
    assert len(rows) == 11
    assert "777000000.00" not in {row[header.index("amount_rub")] for row in rows}
