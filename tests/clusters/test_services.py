"""The write services hold the business rules once, whatever the door."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management import call_command
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from accounts.services import staff_user_create
from clusters import services
from clusters.choices import CollegeRole, ReviewState
from clusters.models import Cluster, ClusterCollege
from funding.models import ClusterFundingTotal
from tests.clusters.factories import (
    ClusterCollegeFactory,
    ClusterFactory,
    CollegeFactory,
    IndustryFactory,
    SourceFactory,
)
from tests.regions.factories import RegionFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def regions():
    return RegionFactory(code="91", name="Область А"), RegionFactory(code="92", name="Область Б")


@pytest.fixture
def federal():
    return staff_user_create(username="fed", role="federal-editor", password="pw")[0]


@pytest.fixture
def regional(regions):
    return staff_user_create(
        username="reg", role="regional-editor", region_codes=["91"], password="pw"
    )[0]


def _api(user) -> APIClient:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {Token.objects.create(user=user).key}")
    return client


def test_a_new_cluster_is_a_draft_with_its_total_row(
    regions, federal, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        cluster = services.cluster_create(
            actor=federal,
            name="Новый",
            slug="new",
            industry=IndustryFactory(),
            region=regions[0],
        )
    assert (cluster.is_published, cluster.review_state) == (False, ReviewState.DRAFT)
    assert ClusterFundingTotal.objects.filter(cluster=cluster, line_count=0).exists()


def test_publishing_through_the_api_without_a_base_college_is_refused(regions, federal):
    response = _api(federal).post(
        "/api/v1/clusters/",
        {
            "slug": "no-base",
            "name": "Без базовой",
            "kind": "production_center",
            "status": "selected",
            "industry": IndustryFactory().slug,
            "region": "91",
            "is_published": True,
            "sources": [SourceFactory().pk],
        },
        format="json",
    )
    assert response.status_code == 400, response.content
    assert "базов" in response.content.decode()
    assert not Cluster.objects.filter(slug="no-base").exists()  # all or nothing


def test_publishing_needs_a_source(regions, federal):
    cluster = ClusterFactory(region=regions[0], is_published=False)
    ClusterCollegeFactory(cluster=cluster, role=CollegeRole.BASE)
    with pytest.raises(ValidationError, match="источник"):
        services.cluster_publish(actor=federal, cluster=cluster)
    cluster.sources.add(SourceFactory())
    services.cluster_publish(actor=federal, cluster=cluster)
    assert Cluster.objects.get(pk=cluster.pk).review_state == ReviewState.PUBLISHED


def test_a_published_cluster_keeps_exactly_one_base_college(regions, federal):
    cluster = ClusterFactory(region=regions[0])
    base = ClusterCollegeFactory(cluster=cluster, role=CollegeRole.BASE)
    base_pk = base.pk
    with pytest.raises(ValidationError):
        services.cluster_part_delete(actor=federal, row=base)
    base = ClusterCollege.objects.get(pk=base_pk)  # the delete was rolled back
    # ...but the base may be swapped in one write.
    network = ClusterCollegeFactory(cluster=cluster, role=CollegeRole.NETWORK)
    base.role = CollegeRole.NETWORK
    network.role = CollegeRole.BASE
    services.cluster_parts_write(
        actor=federal,
        cluster=cluster,
        model=ClusterCollege,
        change=[(base, {}), (network, {})],
    )
    assert ClusterCollege.objects.get(cluster=cluster, role=CollegeRole.BASE).pk == network.pk


def test_regional_editor_works_in_their_region_only(regions, regional):
    own = ClusterFactory(region=regions[0], is_published=False)
    other = ClusterFactory(region=regions[1], is_published=False)
    services.cluster_update(actor=regional, cluster=own, name="Своё")
    with pytest.raises(PermissionDenied):
        services.cluster_update(actor=regional, cluster=other, name="Чужое")
    with pytest.raises(PermissionDenied):  # no moving a cluster out of one's regions
        services.cluster_update(actor=regional, cluster=own, region=regions[1])
    with pytest.raises(PermissionDenied):
        services.college_create(actor=regional, full_name="Чужой колледж", region=regions[1])
    college = services.college_create(actor=regional, full_name="Свой колледж", region=regions[0])
    assert college.pk


def test_regional_editor_submits_for_review_and_cannot_publish(regions, regional, federal):
    cluster = ClusterFactory(region=regions[0], is_published=False)
    ClusterCollegeFactory(cluster=cluster, role=CollegeRole.BASE)
    cluster.sources.add(SourceFactory())
    with pytest.raises(PermissionDenied):
        services.cluster_publish(actor=regional, cluster=cluster)
    services.cluster_submit_for_review(actor=regional, cluster=cluster)
    assert Cluster.objects.awaiting_review().filter(pk=cluster.pk).exists()
    services.cluster_return(actor=federal, cluster=cluster, comment="Укажите год отбора.")
    cluster.refresh_from_db()
    assert (cluster.review_state, cluster.review_comment) == (
        ReviewState.RETURNED,
        "Укажите год отбора.",
    )
    services.cluster_submit_for_review(actor=regional, cluster=cluster)
    services.cluster_publish(actor=federal, cluster=cluster)
    assert Cluster.objects.visible_to(None).filter(pk=cluster.pk).exists()


def test_a_staff_flag_alone_sees_no_draft(regions, django_user_model):
    draft = ClusterFactory(region=regions[0], is_published=False)
    staff = django_user_model.objects.create_user("s", password="pw", is_staff=True)
    assert not Cluster.objects.visible_to(staff).filter(pk=draft.pk).exists()
    assert not Cluster.objects.editable_by(staff).exists()


def test_create_staff_user_makes_a_regional_editor_in_one_command(regions, capsys):
    call_command("create_staff_user", "ivanova", "--role", "regional-editor", "--regions", "91")
    out = capsys.readouterr().out
    assert "Региональный редактор" in out and "Пароль:" in out
    from django.contrib.auth import get_user_model

    user = get_user_model().objects.get(username="ivanova")
    assert user.is_staff and not user.is_superuser
    own = ClusterFactory(region=regions[0], is_published=False)
    other = ClusterFactory(region=regions[1], is_published=False)
    assert set(Cluster.objects.editable_by(user)) == {own}
    assert other not in Cluster.objects.visible_to(user)


def test_create_staff_user_refuses_a_regional_editor_without_regions(regions):
    from django.core.management.base import CommandError

    with pytest.raises(CommandError, match="субъект"):
        call_command("create_staff_user", "x", "--role", "regional-editor")
    with pytest.raises(CommandError, match="Нет субъектов"):
        call_command("create_staff_user", "x", "--role", "regional-editor", "--regions", "00")


def test_a_member_college_of_drafts_only_is_hidden_until_publication(regions, federal):
    college = CollegeFactory(region=regions[0])
    draft = ClusterFactory(region=regions[0], is_published=False)
    ClusterCollegeFactory(cluster=draft, college=college, role=CollegeRole.BASE)
    from clusters.models import College

    assert college not in College.objects.visible_to(None)
    draft.sources.add(SourceFactory())
    services.cluster_publish(actor=federal, cluster=draft)
    assert college in College.objects.visible_to(None)


def test_one_region_check_refuses_a_cluster_and_a_funding_line_alike(regions, regional):
    """clusters/services.require_region is the one region check: a funding line of another
    region is refused with the same words as a cluster there (nothing said of which right)."""
    from funding import services as funding_services
    from tests.funding.factories import FundingLineFactory

    other = ClusterFactory(region=regions[1], is_published=False)
    line = FundingLineFactory(cluster=None, region=regions[1])
    with pytest.raises(PermissionDenied) as cluster_refusal:
        services.cluster_update(actor=regional, cluster=other, name="Чужое")
    with pytest.raises(PermissionDenied) as line_refusal:
        funding_services.funding_line_update(actor=regional, line=line, amount_rub=1)
    with pytest.raises(PermissionDenied) as delete_refusal:
        funding_services.funding_line_delete(actor=regional, line=line)
    assert str(line_refusal.value) == str(delete_refusal.value) == str(cluster_refusal.value)


def test_a_source_is_deleted_through_its_service(regions, regional, federal, client):
    """The admin deletes a source through clusters.services.source_delete: the right to
    delete is asked, and a cited source is refused with a clear reason, never a 500."""
    from clusters.models import Source
    from tests.funding.factories import FundingLineFactory

    free = SourceFactory(title="Ничья новость")
    cited = FundingLineFactory(cluster=None, region=regions[0]).source
    with pytest.raises(PermissionDenied):
        services.source_delete(actor=regional, source=free)
    with pytest.raises(ValidationError, match="ссылаются сведения реестра"):
        services.source_delete(actor=federal, source=cited)
    client.force_login(federal)
    response = client.post(f"/admin/clusters/source/{free.pk}/delete/", {"post": "yes"})
    assert response.status_code == 302
    assert not Source.objects.filter(pk=free.pk).exists()
    assert Source.objects.filter(pk=cited.pk).exists()
