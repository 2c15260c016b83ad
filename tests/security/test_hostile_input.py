"""Hostile bytes in paths, query strings and bodies get a 4xx, never a 500 (issue 10)."""

import json

import pytest
from django.test import override_settings

pytestmark = pytest.mark.django_db

NUL_API_PATHS = [
    "/api/v1/clusters/irk%00/",
    "/api/v1/industries/en%00ergy/",
    "/api/v1/federal-districts/S%00IB/",
    "/api/v1/regions/3%008/",
]


@pytest.mark.parametrize("path", NUL_API_PATHS)
def test_nul_in_api_path_is_json_404(api_client, seed, path):
    response = api_client.get(path)
    assert response.status_code == 404
    assert response["Content-Type"].startswith("application/json")
    assert response.json() == {"detail": "Страница не найдена."}


@pytest.mark.parametrize("path", ["/districts/S%00IB/", "/clusters/irk%00/", "/static/%00.css"])
def test_nul_in_site_path_is_the_russian_404_page(client, seed, path):
    response = client.get(path)
    assert response.status_code == 404
    assert "Страница не найдена" in response.content.decode()


def test_other_control_characters_in_path_are_404(api_client, seed):
    assert api_client.get("/api/v1/clusters/irk%1b/").status_code == 404
    assert api_client.get("/api/v1/clusters/irk%7f/").status_code == 404


def test_nul_in_api_query_is_json_400(api_client, seed):
    response = api_client.get("/api/v1/clusters/?region=3%008")
    assert response.status_code == 400
    assert "недопустимые символы" in response.json()["detail"]


def test_nul_in_query_key_is_400(api_client, seed):
    assert api_client.get("/api/v1/clusters/?reg%00ion=38").status_code == 400


def test_nul_in_site_query_is_the_russian_400_page(client, seed):
    response = client.get("/clusters/?q=%D1%85%00")
    assert response.status_code == 400
    assert "Неверный запрос" in response.content.decode()


def test_huge_integer_in_query_is_400_not_500(api_client, seed):
    # PostgreSQL refuses a bigint past its range in the lookup (DataError).
    response = api_client.get("/api/v1/clusters/?selection_year=99999999999999999999999")
    assert response.status_code in (200, 400)


def _cluster_body(**overrides):
    body = {
        "name": "ОПЦ «Проверка»",
        "slug": "proverka",
        "kind": "production_center",
        "industry": "mechanical-engineering",
        "region": "38",
    }
    body.update(overrides)
    return body


def test_nul_in_slug_field_of_write_body_is_json_400(editor_api_client, seed):
    response = editor_api_client.post(
        "/api/v1/clusters/", _cluster_body(region="3\u00008"), format="json"
    )
    assert response.status_code == 400
    assert "NUL" in response.json()["detail"]


def test_nul_in_json_key_is_json_400(editor_api_client, seed):
    response = editor_api_client.post(
        "/api/v1/clusters/",
        json.dumps({"re\u0000gion": "38"}),
        content_type="application/json",
    )
    assert response.status_code == 400


def test_nul_in_form_body_is_400(editor_api_client, seed):
    response = editor_api_client.post(
        "/api/v1/clusters/", _cluster_body(region="3\x008"), format="multipart"
    )
    assert response.status_code == 400


def test_deeply_nested_json_is_json_400(editor_api_client, seed):
    body = "[" * 100_000 + "]" * 100_000
    response = editor_api_client.post("/api/v1/clusters/", body, content_type="application/json")
    assert response.status_code == 400
    assert "вложенность" in response.json()["detail"]


def test_json_past_the_depth_limit_is_400_below_it_is_parsed(editor_api_client, seed):
    nested: object = "x"
    for _ in range(40):
        nested = [nested]
    deep = {"name": nested}
    response = editor_api_client.post("/api/v1/clusters/", deep, format="json")
    assert response.status_code == 400
    assert "вложенность" in response.json()["detail"]
    shallow = editor_api_client.post("/api/v1/clusters/", {"name": [["x"]]}, format="json")
    assert shallow.status_code == 400
    assert "name" in shallow.json()  # a field error: the body was parsed


@override_settings(DATA_UPLOAD_MAX_MEMORY_SIZE=1000)
def test_oversize_api_body_is_json_413(editor_api_client, seed):
    response = editor_api_client.post(
        "/api/v1/clusters/", _cluster_body(description="я" * 2000), format="json"
    )
    assert response.status_code == 413
    assert response["Content-Type"].startswith("application/json")
    assert "1000 байт" in response.json()["detail"]


@override_settings(DATA_UPLOAD_MAX_MEMORY_SIZE=1000)
def test_oversize_body_without_content_length_is_json_413(editor_api_client, seed):
    # A chunked body announces no length: Django's own limit fires while DRF reads it.
    from django.core.exceptions import RequestDataTooBig

    from common.api.exceptions import registry_exception_handler

    response = registry_exception_handler(RequestDataTooBig("too big"), {})
    assert response.status_code == 413
    assert "1000 байт" in response.data["detail"]


def test_unrouted_api_path_is_json_404_not_the_html_page(api_client, seed):
    response = api_client.get("/api/v1/clusters/a.b/")
    assert response.status_code == 404
    assert response["Content-Type"].startswith("application/json")
    assert response.json() == {"detail": "Страница не найдена."}


def test_site_404_stays_the_russian_page(client, seed):
    response = client.get("/no-such-page/")
    assert response.status_code == 404
    assert response["Content-Type"].startswith("text/html")


def test_nul_in_urlencoded_form_body_is_400(editor_api_client, seed):
    # Found by schemathesis on main: POST /api/v1/funding-lines/ as a form with a NUL inside
    # the `cluster` slug gave 500 (PostgreSQL refused the lookup).
    response = editor_api_client.post(
        "/api/v1/funding-lines/",
        "cluster=ab%00c&region=24&funding_source=regional&qualifier=at_least&amount_rub=26",
        content_type="application/x-www-form-urlencoded",
    )
    assert response.status_code == 400
    assert "NUL" in response.json()["detail"]
