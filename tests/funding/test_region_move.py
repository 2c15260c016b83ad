"""A funding line moved to another region: both regions must be the editor's (issue 20).

A regional editor of region A holds a region-level line of A. Moving it into region B —
directly, or by attaching it to a published cluster of B — is refused, in the API and in
the admin, and proposes nothing for review either: the line stays where it was.
"""

from decimal import Decimal

import pytest
from django.urls import reverse
from rest_framework.test import APIClient

from accounts.services import staff_user_create
from clusters import gate
from clusters.models import PendingChange
from funding.models import FundingLine
from tests.clusters.factories import ClusterFactory, SourceFactory
from tests.funding.factories import FundingLineFactory
from tests.regions.factories import RegionFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def world():
    region_a = RegionFactory(code="91", name="Область А")
    region_b = RegionFactory(code="92", name="Область Б")
    line = FundingLineFactory(
        cluster=None, region=region_a, fiscal_year=2024, amount_rub=Decimal("1000")
    )
    draft = ClusterFactory(region=region_a, is_published=False, slug="draft-a")
    draft_line = FundingLineFactory(cluster=draft, fiscal_year=2024, amount_rub=Decimal("10"))
    published_b = ClusterFactory(region=region_b, slug="published-b")
    editor, _ = staff_user_create(username="a", role="regional-editor", region_codes=["91"])
    return {
        "a": region_a,
        "b": region_b,
        "line": line,
        "draft_line": draft_line,
        "published_b": published_b,
        "editor": editor,
    }


@pytest.fixture
def api(world):
    client = APIClient()
    client.force_authenticate(world["editor"])
    return client


def _unmoved(world) -> None:
    for name in ("line", "draft_line"):
        line = FundingLine.objects.get(pk=world[name].pk)
        assert line.region == world["a"], name
    assert not PendingChange.objects.exists()


def test_api_refuses_to_move_a_line_into_a_region_the_editor_does_not_hold(world, api):
    url = f"/api/v1/funding-lines/{world['line'].pk}/"
    response = api.patch(url, {"region": "92"}, format="json")
    assert response.status_code == 403, response.content
    assert response.json()["detail"] == gate.REFUSED
    _unmoved(world)


def test_api_refuses_to_move_a_draft_line_to_a_published_cluster_of_another_region(world, api):
    url = f"/api/v1/funding-lines/{world['draft_line'].pk}/"
    response = api.patch(url, {"cluster": "published-b", "region": "92"}, format="json")
    assert response.status_code == 403, response.content
    assert response.json()["detail"] == gate.REFUSED
    _unmoved(world)


def test_api_moves_a_line_within_the_editors_regions(world, api):
    """The same request into a region the editor holds is not refused (the rule refuses
    only what it should)."""
    own = ClusterFactory(region=world["a"], is_published=False, slug="draft-a-2")
    url = f"/api/v1/funding-lines/{world['draft_line'].pk}/"
    response = api.patch(url, {"cluster": own.slug}, format="json")
    assert response.status_code == 200, response.content
    assert FundingLine.objects.get(pk=world["draft_line"].pk).cluster == own


def test_admin_refuses_to_move_a_line_into_a_region_the_editor_does_not_hold(world, client):
    client.force_login(world["editor"])
    line = world["line"]
    url = reverse("admin:funding_fundingline_change", args=[line.pk])
    form = client.get(url).context["adminform"].form
    data = {k: v for k, v in form.initial.items() if v is not None and not isinstance(v, list)}
    data.update({"region": world["b"].pk, "source": line.source_id or SourceFactory().pk})
    response = client.post(url, data)
    assert response.status_code == 200  # the form again, with the refusal
    assert response.context["adminform"].form.errors or response.context["errors"]
    _unmoved(world)
