"""Funding tasks: called synchronously, through a real worker on Redis, and with a dead broker."""

from decimal import Decimal

import pytest
from django.db import connections
from django.urls import reverse

from clusters.models import Cluster
from clusters.services import cluster_delete
from funding.models import (
    ClusterFundingTotal,
    FederalDistrictFundingTotal,
    FundingLine,
    IndustryFundingTotal,
    NationalFundingTotal,
    RegionFundingTotal,
)
from funding.scopes import Scopes
from funding.services import funding_line_update, funding_totals_check, funding_totals_reconcile
from funding.tasks import (
    funding_totals_recompute_all_task,
    funding_totals_recompute_task,
    funding_totals_reconcile_task,
)
from tests.funding.conftest import wait_until
from tests.test_admin import _change_form_data, _errors

MLN = Decimal("1000000")


@pytest.mark.django_db
def test_recompute_task_takes_primitive_scopes_and_returns_rows_written(seed):
    cluster = Cluster.objects.get(slug="alt-light-industry")
    ClusterFundingTotal.objects.filter(cluster=cluster).update(total_rub=0)
    result = funding_totals_recompute_task(Scopes(cluster_ids={cluster.pk}).to_primitives())
    assert result == {"cluster_year": 0, "cluster": 1}  # only the row that was wrong is written
    assert ClusterFundingTotal.objects.get(cluster=cluster).total_rub == 130 * MLN


@pytest.mark.django_db
def test_recompute_all_and_reconcile_tasks(seed):
    NationalFundingTotal.objects.update(total_rub=1)
    assert funding_totals_reconcile_task()["corrected"] == 2
    assert funding_totals_check() == []
    # Everything is already true: a full recompute writes no row (computed_at stays).
    assert funding_totals_recompute_all_task()["cluster"] == 0


def test_reconcile_runs_on_a_beat_schedule():
    from django.conf import settings

    from config.celery import app

    entry = app.conf.beat_schedule["funding-totals-reconcile"]
    assert entry["task"] == "funding.tasks.funding_totals_reconcile_task"
    assert entry["schedule"] == settings.FUNDING_RECONCILE_EVERY_SECONDS
    assert entry["task"] in app.tasks


def _edit_line_in_admin(client, line: FundingLine, **changes) -> None:
    url = reverse("admin:funding_fundingline_change", args=[line.pk])
    form = _change_form_data(client, url)
    # A changed sum needs its reason (kept in the history).
    form.update({"amount_rub_reason": "проверка пересчёта итогов", **changes})
    response = client.post(url, form)
    assert response.status_code == 302, _errors(response)


def _total(model, **lookup):
    row = model.objects.filter(**lookup).first()
    return None if row is None else row.total_rub


@pytest.mark.celery_worker
@pytest.mark.django_db(transaction=True)
def test_admin_edit_reaches_every_total_through_a_real_worker(
    redis_worker, seed, admin_client_logged
):
    # Irkutsk «Энергетика»: its 100 mln of 2023 becomes 150 mln given for 2024.
    line = FundingLine.objects.get(cluster__slug="irk-energy")
    cluster, region = line.cluster, line.region
    district, industry = region.federal_district, cluster.industry
    before = NationalFundingTotal.objects.get(fiscal_year=2023).computed_at

    _edit_line_in_admin(
        admin_client_logged,
        line,
        amount_rub="150000000",
        amount_rub_reason="уточнено",
        fiscal_year="2024",
    )

    def done() -> bool:
        # The main thread's reads must see the worker's commits: no long transaction here.
        # Each table is written in its own transaction, industry totals last (funding/services/
        # sql.py KINDS): wait for those too, or a loaded machine reads between the two.
        return (
            NationalFundingTotal.objects.filter(fiscal_year=2024).exists()
            and NationalFundingTotal.objects.get(fiscal_year=2023).computed_at != before
            and IndustryFundingTotal.objects.filter(industry=industry, fiscal_year=2024).exists()
        )

    assert wait_until(done), "the worker did not recompute within the deadline"
    assert _total(ClusterFundingTotal, cluster=cluster) == 150 * MLN
    assert _total(RegionFundingTotal, region=region, fiscal_year=2023) == 100 * MLN
    assert _total(RegionFundingTotal, region=region, fiscal_year=2024) == 150 * MLN
    fd = FederalDistrictFundingTotal
    assert _total(fd, federal_district=district, fiscal_year=2023) == 332 * MLN
    assert _total(fd, federal_district=district, fiscal_year=2024) == 150 * MLN
    assert _total(IndustryFundingTotal, industry=industry, fiscal_year=2023) is None
    assert _total(IndustryFundingTotal, industry=industry, fiscal_year=2024) == 150 * MLN
    assert _total(NationalFundingTotal, fiscal_year=2023) == 332 * MLN
    assert _total(NationalFundingTotal, fiscal_year=2024) == 150 * MLN
    assert funding_totals_check() == []
    connections.close_all()


@pytest.mark.celery_worker
@pytest.mark.django_db(transaction=True)
def test_deleting_a_cluster_through_a_real_worker_recomputes_its_scopes(redis_worker, seed):
    cluster = Cluster.objects.get(slug="smo-mechanical-engineering")
    region = cluster.region
    cluster_delete(actor=None, cluster=cluster)
    assert wait_until(lambda: not RegionFundingTotal.objects.filter(region=region).exists()), (
        "the worker did not recompute within the deadline"
    )
    assert funding_totals_check() == []
    connections.close_all()


@pytest.mark.django_db
def test_save_succeeds_with_the_broker_down_and_reconcile_heals(
    dead_broker, seed, admin_client_logged, django_capture_on_commit_callbacks, caplog
):
    line = FundingLine.objects.get(cluster__slug="alt-light-industry", funding_source="regional")
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        _edit_line_in_admin(
            admin_client_logged,
            line,
            amount_rub="15000000",
            amount_rub_reason="уточнено",
            fiscal_year="2024",
        )
    assert len(callbacks) == 1
    line.refresh_from_db()
    assert (line.amount_rub, line.fiscal_year) == (15 * MLN, 2024)  # the edit is kept
    assert "flagging stale" in caplog.text

    cluster_total = ClusterFundingTotal.objects.get(cluster=line.cluster)
    assert cluster_total.is_stale and cluster_total.total_rub == 130 * MLN  # old, and says so
    old_bucket = RegionFundingTotal.objects.get(region=line.region, fiscal_year__isnull=True)
    assert old_bucket.is_stale
    new_bucket = RegionFundingTotal.objects.get(region=line.region, fiscal_year=2024)
    assert new_bucket.is_stale and new_bucket.computed_at is None  # created to carry the flag
    assert NationalFundingTotal.objects.get(fiscal_year=2024).is_stale
    assert {d.problem for d in funding_totals_check()} == {"wrong"}

    report = funding_totals_reconcile()
    assert report.corrected >= 5
    assert funding_totals_check() == []
    cluster_total.refresh_from_db()
    assert not cluster_total.is_stale and cluster_total.total_rub == 135 * MLN
    assert RegionFundingTotal.objects.get(region=line.region, fiscal_year=2024).total_rub == (
        15 * MLN
    )
    assert not RegionFundingTotal.objects.filter(is_stale=True).exists()


@pytest.mark.django_db
def test_a_dead_broker_answers_fast(dead_broker, seed, django_capture_on_commit_callbacks):
    import time

    line = FundingLine.objects.get(cluster__slug="irk-energy")
    started = time.monotonic()
    with django_capture_on_commit_callbacks(execute=True):
        funding_line_update(actor=None, line=line, amount_rub=1)
    assert time.monotonic() - started < 5
    assert ClusterFundingTotal.objects.get(cluster=line.cluster).is_stale
