"""Every write service of funding lines and clusters schedules, on commit, the recompute of
exactly the scopes it touched; writes that bypass them are healed by the reconcile."""

import random
import threading
from decimal import Decimal
from unittest import mock

import pytest
from django.core.exceptions import ValidationError
from django.db import connection, connections, transaction

from clusters import services as cluster_services
from clusters.models import Cluster
from funding import services as line_services
from funding.models import (
    ClusterFundingTotal,
    FederalDistrictFundingTotal,
    FundingLine,
    IndustryFundingTotal,
    NationalFundingTotal,
    RegionFundingTotal,
)
from funding.services import funding_totals_check, funding_totals_recompute_all
from regions.models import Region
from tests.clusters.factories import ClusterFactory, IndustryFactory
from tests.funding.factories import FundingLineFactory
from tests.regions.factories import FederalDistrictFactory


def counting_enqueues():
    """Count the recomputes enqueued (each write service has its own atomic block, and so
    its own on-commit part; what matters is that they are enqueued once)."""
    from funding.services import scheduling

    return mock.patch.object(
        scheduling, "funding_totals_enqueue", wraps=scheduling.funding_totals_enqueue
    )


MLN = Decimal("1000000")
pytestmark = pytest.mark.django_db


def _total(model, **lookup):
    row = model.objects.filter(**lookup).first()
    return None if row is None else row.total_rub


def test_moving_a_line_to_another_cluster_corrects_both(seed, django_capture_on_commit_callbacks):
    energy = Cluster.objects.get(slug="irk-energy")
    metallurgy = Cluster.objects.get(slug="irk-metallurgy")
    line = energy.funding_lines.get()
    with django_capture_on_commit_callbacks(execute=True):
        line_services.funding_line_update(actor=None, line=line, cluster=metallurgy)
    assert _total(ClusterFundingTotal, cluster=energy) is None  # no line left: unknown, not 0
    assert _total(ClusterFundingTotal, cluster=metallurgy) == 200 * MLN
    assert _total(IndustryFundingTotal, industry=energy.industry, fiscal_year=2023) is None
    assert _total(IndustryFundingTotal, industry=metallurgy.industry, fiscal_year=2023) == (
        200 * MLN
    )
    assert funding_totals_check() == []


def test_moving_a_line_to_another_year_corrects_both(seed, django_capture_on_commit_callbacks):
    line = FundingLine.objects.get(
        cluster__slug="smo-mechanical-engineering", funding_source="federal"
    )
    with django_capture_on_commit_callbacks(execute=True):
        line_services.funding_line_update(actor=None, line=line, fiscal_year=2023)
    region = line.region
    assert _total(RegionFundingTotal, region=region, fiscal_year__isnull=True) == 53 * MLN
    assert _total(RegionFundingTotal, region=region, fiscal_year=2023) == 100 * MLN
    district = region.federal_district
    assert _total(FederalDistrictFundingTotal, federal_district=district, fiscal_year=2023) == (
        100 * MLN
    )
    assert _total(NationalFundingTotal, fiscal_year=2023) == 532 * MLN
    assert _total(NationalFundingTotal, fiscal_year__isnull=True) == 183 * MLN
    assert funding_totals_check() == []


def test_deleting_a_clusters_lines_makes_its_totals_unknown(
    seed, django_capture_on_commit_callbacks
):
    cluster = Cluster.objects.get(slug="alt-light-industry")
    with (
        counting_enqueues() as enqueue,
        django_capture_on_commit_callbacks(execute=True),
        transaction.atomic(),
    ):
        for line in cluster.funding_lines.all():
            line_services.funding_line_delete(actor=None, line=line)
    assert enqueue.call_count == 1  # one recompute for the whole transaction
    total = ClusterFundingTotal.objects.get(cluster=cluster)
    assert (total.total_rub, total.line_count, total.is_stale) == (None, 0, False)
    assert total.parts_known == [] and not total.has_data
    assert not RegionFundingTotal.objects.filter(region=cluster.region, fiscal_year=None).exists()
    assert not IndustryFundingTotal.objects.filter(industry=cluster.industry).exists()
    assert funding_totals_check() == []


def test_deleting_a_cluster_recomputes_its_region(seed, django_capture_on_commit_callbacks):
    cluster = Cluster.objects.get(slug="smo-mechanical-engineering")
    with django_capture_on_commit_callbacks(execute=True):
        cluster_services.cluster_delete(actor=None, cluster=cluster)
    assert not RegionFundingTotal.objects.filter(region=cluster.region).exists()
    assert _total(NationalFundingTotal, fiscal_year__isnull=True) == 130 * MLN
    assert funding_totals_check() == []


def test_cluster_changing_industry_moves_its_money(seed, django_capture_on_commit_callbacks):
    cluster = Cluster.objects.get(slug="irk-energy")
    old_industry, new_industry = cluster.industry, IndustryFactory()
    with django_capture_on_commit_callbacks(execute=True):
        cluster_services.cluster_update(actor=None, cluster=cluster, industry=new_industry)
    assert _total(IndustryFundingTotal, industry=old_industry) is None
    assert _total(IndustryFundingTotal, industry=new_industry, fiscal_year=2023) == 100 * MLN
    assert funding_totals_check() == []


def test_cluster_changing_region_takes_its_lines_along(seed, django_capture_on_commit_callbacks):
    cluster = Cluster.objects.get(slug="irk-energy")
    old_region, new_region = cluster.region, Region.objects.get(code="22")
    with django_capture_on_commit_callbacks(execute=True):
        cluster_services.cluster_update(actor=None, cluster=cluster, region=new_region)
    assert set(cluster.funding_lines.values_list("region", flat=True)) == {new_region.pk}
    assert _total(RegionFundingTotal, region=old_region, fiscal_year=2023) == 100 * MLN
    assert _total(RegionFundingTotal, region=new_region, fiscal_year=2023) == 332 * MLN
    assert funding_totals_check() == []


def test_region_changing_district_moves_its_money(seed, django_capture_on_commit_callbacks):
    region = Region.objects.get(code="67")
    old_district, new_district = region.federal_district, FederalDistrictFactory()
    with django_capture_on_commit_callbacks(execute=True):
        region.federal_district = new_district
        region.save()
    assert _total(FederalDistrictFundingTotal, federal_district=old_district) is None
    assert _total(FederalDistrictFundingTotal, federal_district=new_district) == 153 * MLN
    assert funding_totals_check() == []


def test_a_raw_queryset_update_schedules_nothing_and_the_reconcile_heals_it(
    seed, django_capture_on_commit_callbacks
):
    """Side effects are explicit: only the services schedule; bulk SQL is the reconcile's."""
    from funding.services import funding_totals_reconcile

    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        count = FundingLine.objects.filter(fiscal_year=2023).update(fiscal_year=2024)
    assert (count, len(callbacks)) == (5, 0)
    assert funding_totals_check() != []
    report = funding_totals_reconcile()
    assert report.corrected > 0
    assert not NationalFundingTotal.objects.filter(fiscal_year=2023).exists()
    assert _total(NationalFundingTotal, fiscal_year=2024) == 432 * MLN
    assert funding_totals_check() == []


def test_bulk_create_schedules_one_recompute(seed, django_capture_on_commit_callbacks):
    cluster = Cluster.objects.get(slug="ore-mechanical-engineering")
    source = cluster.sources.first() or FundingLine.objects.first().source
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        line_services.funding_lines_bulk_create(
            actor=None,
            lines=[
                {
                    "cluster": cluster,
                    "fiscal_year": 2025,
                    "funding_source": "federal",
                    "amount_rub": MLN,
                    "source": source,
                }
                for _ in range(3)
            ],
        )
    assert len(callbacks) == 1
    assert _total(ClusterFundingTotal, cluster=cluster) == 3 * MLN
    assert _total(NationalFundingTotal, fiscal_year=2025) == 3 * MLN
    assert funding_totals_check() == []


def test_bulk_create_writes_nothing_when_one_line_is_bad(seed):
    cluster = Cluster.objects.get(slug="ore-mechanical-engineering")
    source = FundingLine.objects.first().source
    good = {"cluster": cluster, "funding_source": "federal", "amount_rub": MLN, "source": source}
    before = FundingLine.objects.count()
    with pytest.raises(ValidationError) as caught:
        line_services.funding_lines_bulk_create(
            actor=None, lines=[good, {**good, "amount_rub": Decimal("-1")}]
        )
    assert "строка 2" in caught.value.message_dict
    assert FundingLine.objects.count() == before


def test_a_rolled_back_edit_schedules_nothing(seed, django_capture_on_commit_callbacks):
    line = FundingLine.objects.get(cluster__slug="irk-energy")
    with django_capture_on_commit_callbacks() as callbacks:
        try:
            with transaction.atomic():
                line_services.funding_line_update(actor=None, line=line, amount_rub=1)
                raise RuntimeError("abandon")
        except RuntimeError:
            pass
    assert callbacks == []


def test_fixtures_loaded_raw_schedule_nothing(seed, django_capture_on_commit_callbacks):
    from django.core.management import call_command

    with django_capture_on_commit_callbacks() as callbacks:
        call_command("loaddata", "fixtures/03_seed.json", verbosity=0)
    assert callbacks == []


@pytest.mark.skipif("connection.vendor != 'postgresql'", reason="row and advisory locks")
@pytest.mark.django_db(transaction=True)
def test_concurrent_edits_of_one_cluster_always_end_with_the_true_sum():
    """Eight threads edit the lines of one cluster at once; each commit triggers a recompute
    (in-process, eager) of the same scopes. Whatever the interleaving, the totals end equal to
    the sum of the lines."""
    assert connection.vendor == "postgresql"
    cluster = ClusterFactory()
    other_region = ClusterFactory(region__federal_district=cluster.region.federal_district).region
    lines = [FundingLineFactory(cluster=cluster, amount_rub=i) for i in range(1, 9)]
    FundingLineFactory(cluster=None, region=other_region)
    funding_totals_recompute_all()
    start = threading.Barrier(len(lines))
    errors: list[BaseException] = []

    def edit(pk: int, seed_value: int) -> None:
        rng = random.Random(seed_value)
        try:
            start.wait()
            for _ in range(6):
                line_services.funding_line_update(
                    actor=None,
                    line=FundingLine.objects.get(pk=pk),
                    amount_rub=Decimal(rng.randint(1, 10**9)),
                    fiscal_year=rng.choice([2023, 2024, None]),
                )
        except BaseException as exc:  # reported by the main thread
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=edit, args=(line.pk, i)) for i, line in enumerate(lines)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert not any(thread.is_alive() for thread in threads)
    assert errors == []
    assert funding_totals_check() == []
    total = ClusterFundingTotal.objects.get(cluster=cluster)
    assert total.total_rub == sum(line.amount_rub for line in cluster.funding_lines.all())
    assert total.line_count == 8


def test_a_drafts_money_counts_for_its_cluster_but_not_in_public_totals(
    django_capture_on_commit_callbacks,
):
    """Region, district, industry and national totals are public: a draft's lines stay out
    until it is published, and leave again when it is withdrawn."""
    from tests.clusters.factories import ClusterCollegeFactory, SourceFactory

    draft = ClusterFactory(is_published=False)
    ClusterCollegeFactory(cluster=draft, role="base")
    draft.sources.add(SourceFactory())
    with django_capture_on_commit_callbacks(execute=True):
        line_services.funding_line_create(
            actor=None,
            cluster=draft,
            fiscal_year=2024,
            funding_source="federal",
            amount_rub=Decimal("7000000"),
            source=SourceFactory(),
        )
    assert ClusterFundingTotal.objects.get(cluster=draft).total_rub == Decimal("7000000")
    assert not RegionFundingTotal.objects.filter(region=draft.region, fiscal_year=2024).exists()
    assert not NationalFundingTotal.objects.filter(fiscal_year=2024).exists()

    with django_capture_on_commit_callbacks(execute=True):
        cluster_services.cluster_publish(actor=None, cluster=draft)
    region = RegionFundingTotal.objects.get(region=draft.region, fiscal_year=2024)
    assert region.total_rub == Decimal("7000000")
    assert NationalFundingTotal.objects.get(fiscal_year=2024).total_rub == Decimal("7000000")

    with django_capture_on_commit_callbacks(execute=True):
        cluster_services.cluster_withdraw(actor=None, cluster=draft)
    assert not RegionFundingTotal.objects.filter(region=draft.region, fiscal_year=2024).exists()
