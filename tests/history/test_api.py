import pytest
from django.contrib.auth.models import Permission
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

pytestmark = pytest.mark.django_db
URL = "/api/v1/changes/"


def test_changes_are_not_for_the_public_or_for_staff_without_the_permission(
    seed, api_client, editor_api_client
):
    assert api_client.get(URL).status_code in (401, 403)
    assert editor_api_client.get(URL).status_code == 403


def test_staff_with_the_permission_read_the_feed_with_filters(seed, staff_editor):
    staff_editor.user_permissions.add(Permission.objects.get(codename="view_change"))
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {Token.objects.create(user=staff_editor).key}")
    response = client.get(URL, {"model": "funding.fundingline", "region": 67, "page_size": 2})
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["page"] == 1 and body["has_next"] is True
    first = body["results"][0]
    assert first["model"] == "funding.fundingline"
    assert first["action"] == "создание"
    assert {"field", "before", "after"} <= set(first["changes"][0])
    assert "None" not in response.content.decode()
    assert client.get(URL, {"since": "вчера"}).status_code == 400
