"""Broker outage: a write stays fast, the totals say they are stale, and the sweep heals them."""

import time
from decimal import Decimal
from unittest import mock

import pytest
from django.db import OperationalError, connections, transaction
from django.db.models import QuerySet

from clusters.models import Cluster
from funding.models import ClusterFundingTotal, FundingLine, RegionFundingTotal
from funding.scopes import scopes_of_lines
from funding.services import funding_totals_check
from funding.services.lines import funding_line_update
from funding.tasks import funding_totals_recompute_task, funding_totals_sweep_stale_task
from tests.funding.conftest import DEAD_BROKER_URL, celery_broker, wait_until

MLN = Decimal("1000000")


def _timed_edit(line: FundingLine, amount: Decimal) -> float:
    started = time.perf_counter()
    with transaction.atomic():  # the commit publishes the recompute
        funding_line_update(actor=None, line=line, amount_rub=amount)
    return time.perf_counter() - started


def test_the_stale_sweep_runs_every_minute_on_the_beat():
    from django.conf import settings

    from config.celery import app

    entry = app.conf.beat_schedule["funding-totals-sweep-stale"]
    assert entry["task"] == "funding.tasks.funding_totals_sweep_stale_task"
    assert entry["schedule"] == settings.FUNDING_STALE_SWEEP_EVERY_SECONDS <= 60
    assert entry["task"] in app.tasks


@pytest.mark.celery_worker
@pytest.mark.django_db(transaction=True)
def test_a_write_with_the_broker_down_is_as_fast_as_with_it_up_and_the_sweep_heals(
    redis_worker, seed, capsys
):
    line = FundingLine.objects.get(cluster__slug="irk-energy")
    up = [_timed_edit(line, (101 + i) * MLN) for i in range(3)]
    assert wait_until(lambda: funding_totals_check() == []), "the worker did not recompute"

    with celery_broker(DEAD_BROKER_URL):
        down = [_timed_edit(line, (120 + i) * MLN) for i in range(3)]
    line.refresh_from_db()
    assert line.amount_rub == 122 * MLN  # every edit is kept
    median_up, median_down = sorted(up)[1], sorted(down)[1]
    with capsys.disabled():
        print(
            f"\nwrite + commit + publish (median of 3), broker up: {median_up * 1000:.0f} ms, "
            f"broker down: {median_down * 1000:.0f} ms (max {max(down) * 1000:.0f} ms)"
        )
    assert max(down) < 1.0
    # About as long as with the broker up: no connect retries, flags written in one go.
    assert median_down < median_up + 0.3

    cluster_total = ClusterFundingTotal.objects.get(cluster=line.cluster)
    assert cluster_total.is_stale and cluster_total.total_rub == 103 * MLN  # old, and says so
    assert RegionFundingTotal.objects.get(region=line.region, fiscal_year=2023).is_stale

    # The broker is back: the next beat tick of the sweep recomputes exactly the stale rows.
    assert funding_totals_sweep_stale_task()
    assert funding_totals_check() == []
    assert ClusterFundingTotal.objects.get(cluster=line.cluster).total_rub == 122 * MLN
    assert funding_totals_sweep_stale_task() == {}
    connections.close_all()


@pytest.mark.django_db
def test_the_totals_are_flagged_stale_after_the_recompute_tasks_last_retry(seed):
    cluster = Cluster.objects.get(slug="alt-light-industry")
    lines = FundingLine.objects.filter(cluster=cluster)
    scopes = scopes_of_lines(lines)
    QuerySet.update(lines, amount_rub=MLN)  # an edit whose recompute will keep failing
    failing = mock.patch(
        "funding.tasks.funding_totals_recompute", side_effect=OperationalError("db gone")
    )
    with failing, pytest.raises(OperationalError):  # eager tasks propagate their error
        funding_totals_recompute_task.apply(
            kwargs={"scopes": scopes.to_primitives()},
            retries=funding_totals_recompute_task.max_retries,
        )
    assert ClusterFundingTotal.objects.get(cluster=cluster).is_stale
    assert {d.problem for d in funding_totals_check()} >= {"wrong"}
    funding_totals_sweep_stale_task()
    assert funding_totals_check() == []
