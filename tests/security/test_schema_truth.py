"""The OpenAPI schema says what the code does: open reads, errors, filter types (issue 10)."""

import pytest
import yaml

from common.api.schema import SERVER_ERRORS

pytestmark = pytest.mark.django_db


@pytest.fixture(scope="module")
def schema(django_db_blocker):
    from drf_spectacular.generators import SchemaGenerator

    with django_db_blocker.unblock():
        return SchemaGenerator().get_schema(request=None, public=True)


def _operations(schema):
    for path, operations in schema["paths"].items():
        for method, operation in operations.items():
            yield path, method.upper(), operation


# Reads for staff only: the change feed (history.view_change).
STAFF_READS = {"/api/v1/changes/"}


def test_reads_need_no_credentials_writes_do(schema):
    for path, method, operation in _operations(schema):
        if method == "GET" and path not in STAFF_READS:
            assert {} in operation["security"], path
        else:
            assert {} not in operation["security"], (method, path)


@pytest.mark.parametrize(
    ("method", "codes"),
    [
        ("GET", {"200", "400", "401", "404", "429"}),
        ("POST", {"400", "401", "403", "409", "413", "429"}),
        ("PUT", {"200", "400", "401", "403", "404", "409", "412", "413", "429"}),
        ("PATCH", {"200", "400", "401", "403", "404", "409", "412", "413", "429"}),
        ("DELETE", {"204", "401", "403", "404", "409", "412", "429"}),
    ],
)
def test_every_operation_documents_its_errors_as_json(schema, method, codes):
    seen = 0
    for path, op_method, operation in _operations(schema):
        if op_method != method:
            continue
        seen += 1
        documented = set(operation["responses"])
        if method == "POST" and "200" in documented:
            # A POST that creates nothing (POST /api/v1/extract/ answers proposals) says 200.
            documented.add("201")
        assert codes <= documented, (method, path)
        assert {"200", "201", "204"} & documented, (method, path)
        for code, response in operation["responses"].items():
            if code.startswith(("4", "5")) and code not in SERVER_ERRORS:
                assert "application/json" in response["content"], (method, path, code)
    assert seen


def _parameter(schema, path, name):
    parameters = schema["paths"][path]["get"]["parameters"]
    return next(p for p in parameters if p["name"] == name)


def test_filters_carry_their_types_and_allowed_values(schema):
    assert _parameter(schema, "/api/v1/clusters/", "funding_source")["schema"]["enum"] == [
        "federal",
        "regional",
        "employer",
        "extrabudgetary",
    ]
    assert _parameter(schema, "/api/v1/clusters/", "fiscal_year")["schema"]["type"] == "integer"
    assert _parameter(schema, "/api/v1/clusters/", "kind")["schema"]["enum"]
    page_size = _parameter(schema, "/api/v1/clusters/", "page_size")["schema"]
    assert (page_size["minimum"], page_size["maximum"]) == (1, 500)
    ordering = _parameter(schema, "/api/v1/clusters/", "ordering")
    assert ordering["schema"]["type"] == "array"
    assert "-selection_year" in ordering["schema"]["items"]["enum"]
    assert ordering["explode"] is False


def test_served_schema_is_valid_openapi(api_client):
    from openapi_spec_validator import validate

    response = api_client.get("/api/v1/schema/")
    assert response.status_code == 200
    validate(yaml.safe_load(response.content))
