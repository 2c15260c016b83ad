"""Totals in the admin: read-only, on the cluster page with their freshness, recomputed on demand."""

from decimal import Decimal

import pytest
from django.urls import reverse

from clusters.models import Cluster
from funding.models import ClusterFundingTotal, NationalFundingTotal, RegionFundingTotal
from funding.services import funding_totals_check

pytestmark = pytest.mark.django_db

NBSP = "\u00a0"


def test_cluster_page_shows_totals_by_source_with_qualifier_marks(seed, admin_client_logged):
    cluster = Cluster.objects.get(slug="smo-mechanical-engineering")
    page = admin_client_logged.get(reverse("admin:clusters_cluster_change", args=[cluster.pk]))
    text = page.content.decode()
    assert "Итоги финансирования" in text
    assert f"≈{NBSP}153{NBSP}000{NBSP}000{NBSP}₽" in text
    assert f"≈{NBSP}37{NBSP}000{NBSP}000{NBSP}₽" in text  # the derived employer share
    assert f"100{NBSP}000{NBSP}000{NBSP}₽" in text
    assert "Пересчитано:" in text and "устарели" not in text


def test_cluster_page_shows_the_stale_marker(seed, admin_client_logged):
    cluster = Cluster.objects.get(slug="alt-light-industry")
    ClusterFundingTotal.objects.filter(cluster=cluster).update(is_stale=True)
    page = admin_client_logged.get(reverse("admin:clusters_cluster_change", args=[cluster.pk]))
    assert "Итоги устарели" in page.content.decode()
    listing = admin_client_logged.get(reverse("admin:clusters_cluster_changelist"))
    assert f"130{NBSP}000{NBSP}000{NBSP}₽ (устарело)" in listing.content.decode()


def test_at_least_totals_are_marked_in_the_totals_admin(seed, admin_client_logged):
    page = admin_client_logged.get(reverse("admin:funding_regionfundingtotal_changelist"))
    assert f"не{NBSP}менее 232{NBSP}000{NBSP}000{NBSP}₽" in page.content.decode()


def test_recompute_action_fixes_the_selected_clusters(seed, admin_client_logged):
    cluster = Cluster.objects.get(slug="irk-energy")
    ClusterFundingTotal.objects.filter(cluster=cluster).update(total_rub=1, is_stale=True)
    RegionFundingTotal.objects.filter(region=cluster.region).update(total_rub=1)
    response = admin_client_logged.post(
        reverse("admin:clusters_cluster_changelist"),
        {"action": "recompute_funding_totals", "_selected_action": [cluster.pk]},
        follow=True,
    )
    assert "Итоги пересчитаны для кластеров: 1" in response.content.decode()
    total = ClusterFundingTotal.objects.get(cluster=cluster)
    assert (total.total_rub, total.is_stale) == (Decimal(100_000_000), False)
    assert funding_totals_check() == []


@pytest.mark.parametrize(
    "model", ["clusterfundingtotal", "regionfundingtotal", "nationalfundingtotal"]
)
def test_totals_cannot_be_added_changed_or_deleted_by_hand(seed, admin_client_logged, model):
    add = admin_client_logged.get(reverse(f"admin:funding_{model}_add"))
    assert add.status_code == 403
    obj = {
        "clusterfundingtotal": ClusterFundingTotal,
        "regionfundingtotal": RegionFundingTotal,
        "nationalfundingtotal": NationalFundingTotal,
    }[model].objects.first()
    url = reverse(f"admin:funding_{model}_change", args=[obj.pk])
    page = admin_client_logged.get(url)
    assert page.status_code == 200 and 'name="_save"' not in page.content.decode()
    assert admin_client_logged.post(url, {"total_rub": "1"}).status_code == 403
    delete = reverse(f"admin:funding_{model}_delete", args=[obj.pk])
    assert admin_client_logged.post(delete, {"post": "yes"}).status_code == 403
    assert funding_totals_check() == []


def test_staff_can_list_only_stale_totals(seed, admin_client_logged):
    RegionFundingTotal.objects.filter(fiscal_year=2023).update(is_stale=True)
    url = reverse("admin:funding_regionfundingtotal_changelist")
    page = admin_client_logged.get(url, {"is_stale__exact": "1"})
    assert page.status_code == 200
    assert page.context["cl"].result_count == 2


def test_every_door_writes_a_funding_line_with_the_same_fields():
    """funding.models.LINE_FIELDS, once: the admin form and inline, the API's read and write
    serializers show the same fields of a line (the inline takes its cluster's place)."""
    from clusters.admin import FundingLineInline
    from funding.api.serializers import FundingLineSerializer, FundingLineWriteSerializer
    from funding.forms import FundingLineForm
    from funding.models import LINE_FIELDS

    assert list(FundingLineForm().fields) == LINE_FIELDS
    assert list(FundingLineWriteSerializer().fields) == LINE_FIELDS
    read = [f for f in FundingLineSerializer().fields if f in LINE_FIELDS]
    assert read == LINE_FIELDS
    assert ["cluster", "region", *FundingLineInline.fields] == LINE_FIELDS
