"""POST /api/v1/extract/: staff only, answers the issue's JSON shape, writes nothing."""

from pathlib import Path

import pytest

from clusters.models import Cluster, Source

SMOLENSK = (Path(__file__).resolve().parent / "seeds" / "004_c8ccfdd2582e0d5c.txt").read_text(
    encoding="utf-8"
)
URL = "/api/v1/extract/"


@pytest.mark.django_db
def test_anonymous_callers_are_refused(api_client):
    response = api_client.post(URL, {"text": SMOLENSK}, format="json")
    assert response.status_code in (401, 403)


@pytest.mark.django_db
def test_users_who_are_not_staff_are_refused(stranger_api_client):
    response = stranger_api_client.post(URL, {"text": SMOLENSK}, format="json")
    assert response.status_code == 403


def test_staff_get_the_smolensk_proposals_and_nothing_is_written(seed, editor_api_client):
    clusters, sources = Cluster.objects.count(), Source.objects.count()
    response = editor_api_client.post(URL, {"text": SMOLENSK}, format="json")
    assert response.status_code == 200
    body = response.json()
    (cluster,) = body["clusters"]
    assert cluster == {
        "region": "Смоленская область",
        "industry": "mechanical-engineering",
        "kind": "production_center",
        "base_college": "Смоленская академия профессионального образования",
        "network_colleges": [],
        "employers": [],
        "year": None,
    }
    assert {(m["amount"], m["qualifier"], m["source"]) for m in body["money"]} == {
        (153_000_000, "approximately", "unknown"),
        (100_000_000, "exact", "federal"),
        (16_000_000, "exact", "regional"),
    }
    assert all(m["quote"] in SMOLENSK for m in body["money"] + body["figures"])
    assert {
        "kind": "students",
        "value": 560,
        "qualifier": "at_least",
        "scope": "Смоленская академия профессионального образования",
        "quote": "более 560 студентов",
    } in body["figures"]
    assert (Cluster.objects.count(), Source.objects.count()) == (clusters, sources)


@pytest.mark.django_db
def test_a_missing_text_is_a_field_error_in_json(editor_api_client):
    response = editor_api_client.post(URL, {}, format="json")
    assert response.status_code == 400
    assert "text" in response.json()
