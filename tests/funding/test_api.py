"""The funding-lines API: filters on the seed data, visibility and validated writes."""

import pytest

from clusters.models import Source
from funding.models import FundingLine

pytestmark = pytest.mark.django_db

LIST = "/api/v1/funding-lines/"


def count(client, params: dict) -> int:
    response = client.get(LIST, params)
    assert response.status_code == 200, response.content
    return response.json()["count"]


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({}, 11),
        ({"region": "22"}, 6),
        ({"region": "38"}, 2),
        ({"federal_district": "CEN"}, 3),
        ({"industry": "mechanical-engineering"}, 3),
        ({"cluster": "smo-mechanical-engineering"}, 3),
        ({"has_cluster": "false"}, 3),
        ({"has_cluster": "true"}, 8),
        ({"fiscal_year": "2023"}, 5),
        ({"has_fiscal_year": "false"}, 6),
        ({"funding_source": "federal", "fiscal_year": "2023"}, 3),
        ({"funding_source": "employer"}, 2),
        ({"qualifier": "at_least"}, 1),
        ({"qualifier": "approximately"}, 1),
        ({"amount_min": "100000000"}, 5),
        ({"amount_max": "16000000"}, 3),
    ],
)
def test_funding_line_filters_narrow_the_seed_data(seed, api_client, params, expected):
    assert count(api_client, params) == expected


def test_line_row_carries_its_context(seed, api_client):
    row = api_client.get(LIST, {"qualifier": "at_least"}).json()["results"][0]
    assert row["cluster"] is None
    assert row["region"] == {"code": "22", "name": "Алтайский край"}
    assert row["federal_district"]["code"] == "SIB"
    assert (row["amount_rub"], row["funding_source"]) == ("22000000.00", "extrabudgetary")
    assert row["source"]["title"]


def test_lines_of_unpublished_clusters_are_hidden_from_anonymous(draft_cluster, api_client):
    assert count(api_client, {}) == 11
    assert count(api_client, {"cluster": "irk-draft"}) == 0
    draft_line = draft_cluster.funding_lines.get()
    assert api_client.get(f"{LIST}{draft_line.pk}/").status_code == 404


def test_staff_see_the_lines_of_drafts(draft_cluster, editor_api_client):
    assert count(editor_api_client, {}) == 12


def line_payload(**overrides) -> dict:
    return {
        "cluster": "irk-energy",
        "fiscal_year": 2024,
        "funding_source": "regional",
        "amount_rub": "5000000.00",
        "qualifier": "exact",
        "source": Source.objects.order_by("pk").first().pk,
        **overrides,
    }


def test_staff_create_a_line_and_it_takes_the_cluster_region(seed, editor_api_client):
    response = editor_api_client.post(LIST, line_payload(), format="json")
    assert response.status_code == 201, response.json()
    assert response.json()["region"]["code"] == "38"
    assert FundingLine.objects.get(pk=response.json()["id"]).region.code == "38"


def test_negative_amount_is_a_400_naming_amount(seed, editor_api_client):
    response = editor_api_client.post(LIST, line_payload(amount_rub="-1.00"), format="json")
    assert response.status_code == 400
    assert list(response.json()) == ["amount_rub"]
    assert count(editor_api_client, {}) == 11


def test_unknown_region_is_a_400_naming_region(seed, editor_api_client):
    response = editor_api_client.post(LIST, line_payload(cluster=None, region="99"), format="json")
    assert response.status_code == 400
    assert list(response.json()) == ["region"]


def test_region_other_than_the_clusters_is_a_400_naming_region(seed, editor_api_client):
    response = editor_api_client.post(LIST, line_payload(region="22"), format="json")
    assert response.status_code == 400
    assert response.json() == {"region": ["Субъект строки должен совпадать с субъектом кластера."]}


def test_line_without_cluster_needs_a_region(seed, editor_api_client):
    response = editor_api_client.post(LIST, line_payload(cluster=None), format="json")
    assert response.status_code == 400
    assert "region" in response.json()


def test_unknown_funding_source_is_a_400_naming_it(seed, editor_api_client):
    response = editor_api_client.post(LIST, line_payload(funding_source="lottery"), format="json")
    assert response.status_code == 400
    assert list(response.json()) == ["funding_source"]


def test_anonymous_and_unprivileged_writes_are_refused(seed, api_client, stranger_api_client):
    line = FundingLine.objects.order_by("pk").first()
    assert api_client.post(LIST, line_payload(), format="json").status_code == 401
    assert api_client.patch(f"{LIST}{line.pk}/", {"amount_rub": "1"}).status_code == 401
    assert stranger_api_client.post(LIST, line_payload(), format="json").status_code == 403
    assert stranger_api_client.delete(f"{LIST}{line.pk}/").status_code == 403
    assert FundingLine.objects.count() == 11


def test_stale_if_match_on_a_line_is_a_412(seed, editor_api_client):
    line = FundingLine.objects.get(qualifier="at_least")
    url = f"{LIST}{line.pk}/"
    etag = editor_api_client.get(url)["ETag"]
    FundingLine.objects.filter(pk=line.pk).update(note="правка коллеги")
    response = editor_api_client.patch(
        url, {"amount_rub": "1.00"}, format="json", HTTP_IF_MATCH=etag
    )
    assert response.status_code == 412
    line.refresh_from_db()
    assert line.amount_rub == 22_000_000


def test_a_line_written_through_the_api_updates_the_cluster_total(
    seed, editor_api_client, django_capture_on_commit_callbacks
):
    from clusters.models import Cluster

    before = Cluster.objects.get(slug="irk-energy").funding_total.total_rub
    with django_capture_on_commit_callbacks(execute=True):
        response = editor_api_client.post(LIST, line_payload(), format="json")
    assert response.status_code == 201, response.json()
    total = Cluster.objects.get(slug="irk-energy").funding_total
    assert total.total_rub == before + 5_000_000
    assert total.regional_rub == 5_000_000
    assert not total.is_stale
    shown = editor_api_client.get("/api/v1/clusters/irk-energy/").json()["funding_total"]
    assert shown["total_rub"] == f"{before + 5_000_000:.2f}"

    line_id = response.json()["id"]
    with django_capture_on_commit_callbacks(execute=True):
        assert editor_api_client.delete(f"{LIST}{line_id}/").status_code == 204
    assert Cluster.objects.get(slug="irk-energy").funding_total.total_rub == before
