"""The full recompute on PostgreSQL outside a transaction: the cluster×year check runs on a
second connection beside the cluster and region×industry checks (funding.services.recompute.
_recompute_all). It must repair exactly what the one-table-at-a-time path repairs."""

from decimal import Decimal

import pytest
from django.core.management import call_command
from django.db import connection
from django.db.models import F

from funding.models import (
    ClusterFundingTotal,
    ClusterYearFundingTotal,
    RegionFundingTotal,
    RegionIndustryFundingTotal,
)
from funding.services import funding_totals_check, funding_totals_recompute_all
from funding.services import recompute as totals_sql
from regions.models import Region

pytestmark = [
    pytest.mark.django_db(transaction=True),  # committed data: the second connection sees it
    pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL's full check"),
]


@pytest.fixture
def committed_seed(transactional_db):
    call_command("seed", no_migrate=True, no_press=True)
    assert funding_totals_check() == []


def test_side_by_side_full_recompute_repairs_wrong_parts_under_consistent_rollups(
    committed_seed, monkeypatch
):
    threaded = []
    original = totals_sql._wrong_scopes_in_thread
    monkeypatch.setattr(
        totals_sql,
        "_wrong_scopes_in_thread",
        lambda kind: threaded.append(kind.name) or original(kind),
    )
    # A wrong part whose roll-ups were summed from it: only the check of the parts against
    # the lines can see it, and its cluster and region×industry rows must be rewritten too.
    part = ClusterYearFundingTotal.objects.filter(is_published=True).order_by("pk").first()
    bump = Decimal(5)
    ClusterYearFundingTotal.objects.filter(pk=part.pk).update(total_rub=F("total_rub") + bump)
    ClusterFundingTotal.objects.filter(cluster_id=part.cluster_id).update(
        total_rub=F("total_rub") + bump
    )
    RegionIndustryFundingTotal.objects.filter(
        region_id=part.region_id, industry_id=part.industry_id, fiscal_year=part.fiscal_year
    ).update(total_rub=F("total_rub") + bump)
    # A part carrying the wrong region, with a region×industry row that counts it there.
    moved = ClusterYearFundingTotal.objects.filter(is_published=True).exclude(
        cluster_id=part.cluster_id
    )[0]
    elsewhere = Region.objects.exclude(pk=moved.region_id).order_by("pk").first()
    ClusterYearFundingTotal.objects.filter(pk=moved.pk).update(region_id=elsewhere.pk)
    RegionIndustryFundingTotal.objects.create(
        region_id=elsewhere.pk,
        industry_id=moved.industry_id,
        fiscal_year=moved.fiscal_year,
        total_rub=moved.total_rub,
        line_count=moved.line_count,
    )
    # And plain damage to every table the checks read side by side, and after them.
    other = ClusterFundingTotal.objects.exclude(cluster_id=part.cluster_id)
    other.filter(pk=other.filter(line_count__gt=0).values("pk")[:1]).update(total_rub=1)
    stale = RegionIndustryFundingTotal.objects.exclude(region_id=elsewhere.pk).order_by("pk")
    stale.filter(pk=stale.values("pk")[:1]).update(is_stale=True)
    RegionFundingTotal.objects.filter(
        pk=RegionFundingTotal.objects.order_by("pk").values("pk")[:1]
    ).update(total_rub=7)
    assert funding_totals_check() != []

    report = funding_totals_recompute_all()

    assert threaded == ["cluster_year"]
    assert funding_totals_check() == []
    assert report.rows["cluster_year"] == 2
    # The row that counted the moved part in the wrong region is gone; the bumped one
    # (and the stale one, unless it is the same row) rewritten.
    assert not RegionIndustryFundingTotal.objects.filter(
        region_id=elsewhere.pk, industry_id=moved.industry_id, fiscal_year=moved.fiscal_year
    ).exists()
    assert report.rows["region_industry"] >= 2


def test_healthy_side_by_side_full_recompute_writes_nothing(committed_seed):
    before = list(ClusterYearFundingTotal.objects.values_list("pk", "computed_at"))
    report = funding_totals_recompute_all()
    assert set(report.rows.values()) == {0}
    assert list(ClusterYearFundingTotal.objects.values_list("pk", "computed_at")) == before
