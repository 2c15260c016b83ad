"""The OpenAPI schema validates, documents every filter, and every GET it lists answers."""

import re

import pytest
import yaml
from django.core.management import call_command
from openapi_spec_validator import validate

from clusters.filtersets import (
    ClusterCollegeFilterSet,
    ClusterEmployerFilterSet,
    ClusterFilterSet,
    CollegeFilterSet,
    EmployerFilterSet,
    IndustryFilterSet,
    ProgrammeFilterSet,
)
from clusters.models import ClusterCollege, ClusterEmployer, College, Employer, Programme
from funding.filtersets import FundingLineFilterSet
from funding.models import FundingLine
from regions.filtersets import FederalDistrictFilterSet, RegionFilterSet

pytestmark = pytest.mark.django_db

FILTERSETS = {
    "/api/v1/federal-districts/": FederalDistrictFilterSet,
    "/api/v1/regions/": RegionFilterSet,
    "/api/v1/industries/": IndustryFilterSet,
    "/api/v1/programmes/": ProgrammeFilterSet,
    "/api/v1/colleges/": CollegeFilterSet,
    "/api/v1/employers/": EmployerFilterSet,
    "/api/v1/clusters/": ClusterFilterSet,
    "/api/v1/cluster-colleges/": ClusterCollegeFilterSet,
    "/api/v1/cluster-employers/": ClusterEmployerFilterSet,
    "/api/v1/funding-lines/": FundingLineFilterSet,
}


@pytest.fixture
def schema(api_client):
    response = api_client.get("/api/v1/schema/", {"format": "json"})
    assert response.status_code == 200
    return response.json()


def test_schema_is_valid_openapi(schema):
    validate(schema)


def test_spectacular_validates_without_warnings(tmp_path):
    out = tmp_path / "schema.yaml"
    call_command("spectacular", "--validate", "--fail-on-warn", "--file", str(out))
    assert yaml.safe_load(out.read_text())["openapi"].startswith("3.")


def test_schema_describes_every_filter_ordering_and_page_size(schema):
    for path, filterset in FILTERSETS.items():
        params = {p["name"] for p in schema["paths"][path]["get"]["parameters"]}
        missing = set(filterset.base_filters) - params
        assert not missing, f"{path} does not document {sorted(missing)}"
        assert {"ordering", "page", "page_size"} <= params


def test_schema_documents_stats_parameters_and_lookups(schema):
    params = {p["name"] for p in schema["paths"]["/api/v1/stats/"]["get"]["parameters"]}
    assert {"group_by", "fiscal_year", "funding_source", "region", "industry"} <= params
    detail = schema["paths"]["/api/v1/clusters/{slug}/"]["get"]["parameters"]
    slug = next(p for p in detail if p["name"] == "slug")
    assert slug["in"] == "path" and "slug" in slug["description"]
    assert "/api/v1/regions/{code}/" in schema["paths"]
    assert "/api/v1/industries/{slug}/" in schema["paths"]
    assert "/api/v1/federal-districts/{code}/" in schema["paths"]


def _example_ids() -> dict[str, str]:
    return {
        "/api/v1/federal-districts/{code}/": "/api/v1/federal-districts/SIB/",
        "/api/v1/regions/{code}/": "/api/v1/regions/38/",
        "/api/v1/industries/{slug}/": "/api/v1/industries/energy/",
        "/api/v1/clusters/{slug}/": "/api/v1/clusters/irk-energy/",
        "/api/v1/programmes/{id}/": f"/api/v1/programmes/{Programme.objects.first().pk}/",
        "/api/v1/colleges/{id}/": f"/api/v1/colleges/{College.objects.first().pk}/",
        "/api/v1/employers/{id}/": f"/api/v1/employers/{Employer.objects.first().pk}/",
        "/api/v1/cluster-colleges/{id}/": (
            f"/api/v1/cluster-colleges/{ClusterCollege.objects.first().pk}/"
        ),
        "/api/v1/cluster-employers/{id}/": (
            f"/api/v1/cluster-employers/{ClusterEmployer.objects.first().pk}/"
        ),
        "/api/v1/funding-lines/{id}/": f"/api/v1/funding-lines/{FundingLine.objects.first().pk}/",
    }


# Staff-only endpoints: refused to anonymous clients, answered for a superuser.
STAFF_ONLY = {"/api/v1/changes/"}


def test_every_documented_get_endpoint_answers_on_seed_data(seed, schema, api_client, superuser):
    from rest_framework.test import APIClient

    from tests.clusters.factories import ProgrammeFactory

    staff_client = APIClient()
    staff_client.force_authenticate(superuser)

    ProgrammeFactory()  # the seed names no programme yet
    examples = _example_ids()
    checked = 0
    for path, operations in schema["paths"].items():
        if "get" not in operations:
            continue
        url = examples.get(path, path)
        assert not re.search(r"{\w+}", url), f"no example for {path}"
        if path in STAFF_ONLY:
            assert api_client.get(url).status_code in (401, 403), path
            response = staff_client.get(url)
        else:
            response = api_client.get(url)
        assert response.status_code == 200, (path, response.content[:300])
        checked += 1
    assert checked >= 21


def test_docs_are_served_without_any_external_host(api_client):
    for url in ("/api/v1/docs/",):
        response = api_client.get(url)
        assert response.status_code == 200
        html = response.content.decode()
        assert "drf_spectacular_sidecar" in html
        external = re.findall(r"""(?:src|href)=["']?((?:https?:)?//[^"' >]+)""", html)
        assert external == [], external


def test_the_schema_is_generated_once_per_process(api_client, monkeypatch):
    """The second request gets the first one's bytes without generating anything."""
    from drf_spectacular.generators import SchemaGenerator

    from common.api import schema_view

    monkeypatch.setattr(schema_view, "_RENDERED", {})
    first = api_client.get("/api/v1/schema/")
    assert first.status_code == 200

    def fail(*args, **kwargs):
        raise AssertionError("the schema was generated again")

    monkeypatch.setattr(SchemaGenerator, "get_schema", fail)
    second = api_client.get("/api/v1/schema/")
    assert second.status_code == 200
    assert second.content == first.content
    assert second["Content-Type"] == first["Content-Type"]
