"""`manage.py recompute_totals`: finds the wrong totals, reports them, fixes them."""

from decimal import Decimal
from io import StringIO

import pytest
from django.core.management import call_command

from clusters.models import Cluster
from funding.models import ClusterFundingTotal, RegionFundingTotal
from funding.services import funding_totals_check

pytestmark = pytest.mark.django_db


def run(*args) -> str:
    out = StringIO()
    call_command("recompute_totals", *args, stdout=out)
    return out.getvalue()


def test_recompute_totals_reports_and_fixes_a_corrupted_total(seed):
    cluster = Cluster.objects.get(slug="alt-light-industry")
    ClusterFundingTotal.objects.filter(cluster=cluster).update(total_rub=Decimal("1"))
    RegionFundingTotal.objects.filter(region=cluster.region, fiscal_year=2023).update(is_stale=True)
    output = run()
    assert "Исправлено итогов: 2" in output
    assert f"cluster [{cluster.pk}]: wrong (total_rub 1.00 → 130000000" in output
    assert "region" in output and "stale" in output
    assert ClusterFundingTotal.objects.get(cluster=cluster).total_rub == 130_000_000
    assert funding_totals_check() == []
    assert "Исправлено итогов: 0" in run()


def test_recompute_totals_check_only_changes_nothing(seed):
    ClusterFundingTotal.objects.update(total_rub=Decimal("1"))
    with pytest.raises(SystemExit):
        run("--check")
    assert set(ClusterFundingTotal.objects.values_list("total_rub", flat=True)) == {1}
    assert "совпадают" in (run(), run("--check"))[1]


def test_seed_command_leaves_the_totals_true(seed):
    assert funding_totals_check() == []


def test_a_new_cluster_has_its_total_row_at_once_and_the_check_stays_silent(
    seed, django_capture_on_commit_callbacks
):
    from clusters.models import Industry
    from clusters.services import cluster_create
    from regions.models import Region

    with django_capture_on_commit_callbacks(execute=True):
        cluster = cluster_create(
            actor=None,
            name="Новый кластер без денег",
            slug="new-without-money",
            industry=Industry.objects.first(),
            region=Region.objects.get(code="38"),
        )
    total = ClusterFundingTotal.objects.get(cluster=cluster)
    # Unknown is not zero: no line feeds it, and it says so.
    assert (total.total_rub, total.line_count, total.has_data, total.is_known) == (
        None,
        0,
        False,
        False,
    )
    assert not total.is_stale and total.computed_at is not None
    assert funding_totals_check() == []
    assert "совпадают" in run("--check")  # no SystemExit: nothing to report
