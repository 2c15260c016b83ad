import pytest

pytestmark = pytest.mark.django_db


def test_regions_are_looked_up_by_code_and_filtered(seed, api_client):
    response = api_client.get("/api/v1/regions/38/")
    assert response.status_code == 200
    assert response.json()["federal_district"] == {
        "code": "SIB",
        "name": "Сибирский федеральный округ",
    }
    assert api_client.get("/api/v1/regions/", {"page_size": 500}).json()["count"] == 89
    sib = api_client.get("/api/v1/regions/", {"federal_district": "SIB"}).json()
    assert "38" in {r["code"] for r in sib["results"]}
    assert api_client.get("/api/v1/regions/", {"code": "67"}).json()["count"] == 1
    kind = api_client.get("/api/v1/regions/", {"kind": "federal_city"}).json()["count"]
    assert kind >= 3
    assert api_client.get("/api/v1/regions/", {"q": "Иркутская"}).json()["count"] == 1


def test_federal_districts_are_looked_up_by_code(seed, api_client):
    assert api_client.get("/api/v1/federal-districts/").json()["count"] == 8
    response = api_client.get("/api/v1/federal-districts/CEN/")
    assert response.json()["name"] == "Центральный федеральный округ"
    assert api_client.get("/api/v1/federal-districts/", {"q": "Сибир"}).json()["count"] == 1


def test_reference_lists_are_read_only(seed, editor_api_client):
    response = editor_api_client.post("/api/v1/regions/", {"code": "99"}, format="json")
    assert response.status_code == 405, response.content
