"""Generated-looking hostile query values on every list: never a 500 (issue 10)."""

import pytest

pytestmark = pytest.mark.django_db

# Past bigint, past Decimal, not numbers, broken UTF-8, a lone surrogate, an override, long.
VALUES = "99999999999999999999999|1e400|NaN|%FF%FE|%ED%A0%80|%E2%80%AE|" + "x" * 3000
API_QUERY = {
    "/api/v1/clusters/": "selection_year fiscal_year college region q page page_size ordering",
    "/api/v1/funding-lines/": "amount_min amount_max fiscal_year cluster page",
    "/api/v1/stats/": "group_by fiscal_year region",
    "/api/v1/colleges/": "inn cluster q",
}
SITE_QUERY = {"/clusters/": "selection_year region q page college fiscal_year"}


def _cases(targets: dict[str, str]) -> list[tuple[str, str]]:
    """One request per path and value, the value in every parameter at once."""
    return [
        (path, "&".join(f"{name}={value}" for name in names.split()))
        for path, names in targets.items()
        for value in VALUES.split("|")
    ]


@pytest.fixture
def lenient_client(client):
    client.raise_request_exception = False
    return client


@pytest.mark.parametrize(("path", "query"), _cases(API_QUERY))
def test_hostile_api_query_values_are_answered_without_a_500(lenient_client, path, query):
    response = lenient_client.get(f"{path}?{query}")
    assert response.status_code < 500, response.content[:300]
    assert response["Content-Type"].startswith("application/json")


@pytest.mark.parametrize(("path", "query"), _cases(SITE_QUERY))
def test_hostile_catalogue_query_values_are_answered_without_a_500(lenient_client, path, query):
    response = lenient_client.get(f"{path}?{query}")
    assert response.status_code < 500, response.content[:300]


@pytest.mark.parametrize(
    "path",
    [
        "/api/v1/colleges/99999999999999999999999/",
        "/api/v1/funding-lines/9223372036854775808/",
        "/api/v1/programmes/-99999999999999999999/",
        "/colleges/99999999999999999999999/",
        "/employers/9223372036854775808/",
    ],
)
def test_ids_past_bigint_in_the_path_are_not_a_500(lenient_client, path):
    response = lenient_client.get(path)
    assert response.status_code in (400, 404), response.content[:300]
