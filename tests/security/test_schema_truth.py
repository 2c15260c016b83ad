"""The OpenAPI schema says what the code does: open reads, errors, filter types (issue 10)."""

import pytest
import yaml

from common.api.schema import SERVER_ERRORS

pytestmark = pytest.mark.django_db


@pytest.fixture(scope="module")
def schema(django_db_setup, django_db_blocker):
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
    assert set(_parameter(schema, "/api/v1/clusters/", "funding_source")["schema"]["enum"]) == {
        "federal",
        "regional",
        "employer",
        "extrabudgetary",
    }
    assert _parameter(schema, "/api/v1/clusters/", "fiscal_year")["schema"]["type"] == "integer"
    assert _parameter(schema, "/api/v1/clusters/", "kind")["schema"]["enum"]
    page_size = _parameter(schema, "/api/v1/clusters/", "page_size")["schema"]
    assert page_size == {"type": "integer", "minimum": 1}  # above 500: 500 (issue 20)
    ordering = _parameter(schema, "/api/v1/clusters/", "ordering")
    assert ordering["schema"]["type"] == "array"
    assert "-selection_year" in ordering["schema"]["items"]["enum"]
    assert ordering["explode"] is False


def test_served_schema_is_valid_openapi(api_client):
    from openapi_spec_validator import validate

    response = api_client.get("/api/v1/schema/")
    assert response.status_code == 200
    validate(yaml.safe_load(response.content))


# Issue 20: what schemathesis --checks all found the schema and the API disagreeing on.
def _query(schema, path, name):
    operation = schema["paths"][path]["get"]
    return next(p for p in operation["parameters"] if p["name"] == name and p["in"] == "query")


def test_query_parameters_say_how_the_api_reads_them(seed, api_client):
    schema = yaml.safe_load(api_client.get("/api/v1/schema/").content)
    region = _query(schema, "/api/v1/clusters/", "region")
    assert "38" in region["schema"]["enum"] and "x" not in region["schema"]["enum"]
    assert _query(schema, "/api/v1/stats/", "industry")["schema"]["enum"]
    q = _query(schema, "/api/v1/clusters/", "q")
    assert q["allowEmptyValue"] is True and q["schema"]["pattern"] == "^[^\\u0000]*$"
    assert _query(schema, "/api/v1/changes/", "page")["schema"]["minimum"] == 1
    assert _query(schema, "/api/v1/changes/", "region")["schema"]["enum"], "region ids"
    size = _query(schema, "/api/v1/colleges/", "page_size")
    assert (
        size["schema"] == {"type": "integer", "minimum": 1}
        and "больше 500 — 500" in size["description"]
    )


@pytest.mark.parametrize("value", ["0", "-1", "abc", "1.5"])
def test_a_page_size_that_is_not_a_positive_integer_is_refused(api_client, seed, value):
    response = api_client.get("/api/v1/colleges/", {"page_size": value})
    assert response.status_code == 400
    assert "больше нуля" in response.json()["page_size"][0]


@pytest.mark.parametrize(("value", "rows"), [("", 50), ("501", 500), ("3", 3)])
def test_a_page_size_is_taken_up_to_its_bound(api_client, seed, value, rows):
    body = api_client.get("/api/v1/colleges/", {"page_size": value}).json()
    assert len(body["results"]) == min(rows, body["count"])


@pytest.mark.parametrize(
    ("path", "params"),
    [
        ("/api/v1/clusters/", {"selection_year": "0.5"}),
        ("/api/v1/clusters/", {"fiscal_year": "2023.5"}),
        ("/api/v1/clusters/", {"college": "1.5"}),
        ("/api/v1/funding-lines/", {"fiscal_year": "0.5"}),
        ("/api/v1/stats/", {"fiscal_year": "0.5"}),
    ],
)
def test_a_year_or_id_that_is_not_an_integer_is_refused(api_client, seed, path, params):
    response = api_client.get(path, params)
    assert response.status_code == 400
    assert list(params) == list(response.json())


def test_a_parameter_given_twice_is_refused(api_client, seed):
    response = api_client.get("/api/v1/clusters/?selection_year=2023&selection_year=2024")
    assert response.status_code == 400
    assert "«selection_year» указан несколько раз" in response.json()["detail"]
    assert api_client.get("/api/v1/clusters/?selection_year=&q=").status_code == 200


@pytest.mark.parametrize(
    ("path", "params", "field"),
    [
        ("/api/v1/clusters/", {"has_employers": "maybe"}, "has_employers"),
        ("/api/v1/funding-lines/", {"has_cluster": "да"}, "has_cluster"),
        ("/api/v1/regions/", {"ordering": "name,password"}, "ordering"),
        ("/api/v1/colleges/", {"dialect": "excel"}, "dialect"),
        ("/api/v1/colleges/", {"labels": "en", "format": "csv"}, "labels"),
    ],
)
def test_a_value_the_schema_does_not_allow_is_refused(api_client, seed, path, params, field):
    response = api_client.get(path, params)
    assert response.status_code == 400
    assert field in response.json()


@pytest.mark.parametrize("value", ["true", "false", "", "unknown"])
def test_yes_no_filters_still_take_yes_no_or_nothing(api_client, client, seed, value):
    assert api_client.get("/api/v1/clusters/", {"has_employers": value}).status_code == 200
    assert client.get("/clusters/", {"has_employers": value}).status_code == 200


def test_ordering_by_the_primary_key_is_taken_and_listed(api_client, seed):
    rows = api_client.get("/api/v1/colleges/", {"ordering": "-id"}).json()["results"]
    assert [r["id"] for r in rows] == sorted((r["id"] for r in rows), reverse=True)
    assert api_client.get("/api/v1/colleges/", {"ordering": "-pk"}).status_code == 200
    schema = yaml.safe_load(api_client.get("/api/v1/schema/").content)
    assert "-id" in _query(schema, "/api/v1/clusters/", "ordering")["schema"]["items"]["enum"]


def test_an_export_checks_its_page_number_as_json_does(api_client, seed):
    assert api_client.get("/api/v1/colleges/", {"format": "csv", "page": "true"}).status_code == 404
    assert api_client.get("/api/v1/colleges/", {"page": "true"}).status_code == 404
    assert api_client.get("/api/v1/colleges/", {"format": "csv", "page": "1"}).status_code == 200
    response = api_client.get("/api/v1/colleges/", {"format": "csv", "page_size": "null"})
    assert response.status_code == 400 and "page_size" in response.json()


def test_a_text_field_takes_a_string_not_a_number(editor_api_client, seed):
    response = editor_api_client.post(
        "/api/v1/employers/", {"name": 0, "region": None}, format="json"
    )
    assert response.status_code == 400
    assert response.json()["name"] == ["Ожидается строка."]
    response = editor_api_client.post("/api/v1/extract/", {"text": 0}, format="json")
    assert response.status_code == 400 and "text" in response.json()


def test_stats_group_by_lists_its_dimensions(api_client, seed):
    schema = yaml.safe_load(api_client.get("/api/v1/schema/").content)
    group_by = _query(schema, "/api/v1/stats/", "group_by")
    assert group_by["schema"]["items"]["enum"] == [
        "federal_district",
        "region",
        "industry",
        "fiscal_year",
        "funding_source",
    ]
    assert group_by["schema"]["uniqueItems"] is True and group_by["explode"] is False
    assert api_client.get("/api/v1/stats/", {"group_by": "region,industry"}).status_code == 400
    assert api_client.get("/api/v1/stats/", {"group_by": "region,fiscal_year"}).status_code == 200


def test_the_catalogue_source_filter_takes_only_a_known_source(api_client, client, seed):
    response = api_client.get("/api/v1/clusters/", {"funding_source": "-58800"})
    assert response.status_code == 400 and "funding_source" in response.json()
    assert api_client.get("/api/v1/clusters/", {"funding_source": "federal"}).status_code == 200
    assert client.get("/clusters/", {"funding_source": "federal"}).status_code == 200


def test_a_reference_filter_lists_its_not_given_value(api_client, seed):
    schema = yaml.safe_load(api_client.get("/api/v1/schema/").content)
    industry = _query(schema, "/api/v1/clusters/", "industry")["schema"]["enum"]
    assert "none" in industry and "mechanical-engineering" in industry
    assert api_client.get("/api/v1/clusters/", {"industry": "none"}).status_code == 200
