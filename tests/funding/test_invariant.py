"""The invariant at DEMO scale: after random edits, moves and deletes through the write
services, every stored total equals the sum of its lines, roll-ups included."""

import random
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.db import connection, transaction
from django.db.models import Sum

from bench.demo_data import DEMO_SOURCE_TITLE, SQL
from clusters import services as cluster_services
from clusters.choices import ReviewState
from clusters.models import Cluster, Industry, Source
from common.qualifiers import Qualifier
from funding.choices import FundingSource
from funding.models import (
    ClusterFundingTotal,
    ClusterYearFundingTotal,
    FederalDistrictFundingTotal,
    FundingLine,
    IndustryFundingTotal,
    NationalFundingTotal,
    RegionFundingTotal,
)
from funding.services import funding_totals_check, funding_totals_recompute_all
from funding.services import lines as line_services
from regions.models import Region

pytestmark = pytest.mark.django_db

DEMO_CLUSTERS = 2000  # × 10 lines, plus 1 000 region-level lines (PostgreSQL; SQLite: 300)
YEARS = [None, 2022, 2023, 2024, 2025, 2026]


@pytest.fixture
def demo(db):
    # Reference lists only: the demo SQL numbers its rows from the first cluster and college.
    call_command("loaddata", "fixtures/01_regions.json", "fixtures/02_industries.json", verbosity=0)
    params = {
        "title": DEMO_SOURCE_TITLE,
        "clusters": DEMO_CLUSTERS,
        "lines": 10,
        "colleges": 2,
        "employers": 2,
        "region_lines": 1000,
    }
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            for statement in SQL:
                cursor.execute(statement, params)
    else:  # the embedded default runs the same services: the same kind of rows, fewer
        _demo_orm(clusters=300, lines=10, region_lines=150)
    funding_totals_recompute_all()
    assert funding_totals_check() == []


def _demo_orm(*, clusters: int, lines: int, region_lines: int) -> None:
    """The demo SQL's clusters and lines (bench/demo_data.py), through the ORM (SQLite)."""
    source = Source.objects.create(title=DEMO_SOURCE_TITLE, publisher="генератор демо-данных")
    industries = list(Industry.objects.order_by("pk"))
    regions = list(Region.objects.order_by("pk"))
    published = ReviewState.PUBLISHED
    Cluster.objects.bulk_create(
        Cluster(
            name=f"ДЕМО-кластер {g}",
            slug=f"demo-{g}",
            industry=industries[g % len(industries)],
            region=regions[(g * 7) % len(regions)],
            is_published=g % 20 != 0,
            review_state=published if g % 20 != 0 else ReviewState.DRAFT,
        )
        for g in range(1, clusters + 1)
    )
    sources = list(FundingSource)
    rows = []
    for number, cluster in enumerate(Cluster.objects.order_by("pk")):
        for k in range(lines):
            g = number * lines + k
            rows.append(
                FundingLine(
                    cluster=cluster,
                    region_id=cluster.region_id,
                    fiscal_year=None if g % 10 == 0 else 2022 + g % 4,
                    funding_source=sources[g % 4],
                    amount_rub=Decimal((g * 7919) % 100000) * 1000,
                    qualifier=Qualifier.APPROXIMATELY if g % 17 == 0 else Qualifier.EXACT,
                    source=source,
                )
            )
    rows += [
        FundingLine(
            region=regions[g % len(regions)],
            fiscal_year=2022 + g % 4,
            funding_source=FundingSource.FEDERAL,
            amount_rub=Decimal(200_000_000),
            source=source,
        )
        for g in range(1, region_lines + 1)
    ]
    FundingLine.objects.bulk_create(rows)


def _edit(rng: random.Random, regions: list[Region], industries: list[Industry], source) -> None:
    op = rng.choice(
        ["amount", "amount", "year", "qualifier", "move_line", "delete_line", "create_line"]
        + ["region_line", "move_cluster", "industry", "publish", "delete_cluster"]
    )
    lines = FundingLine.objects.order_by("?")
    if op in {"amount", "year", "qualifier", "move_line", "delete_line"}:
        line = lines.filter(cluster__isnull=False).first()
        changes = {
            "amount": {"amount_rub": Decimal(rng.randrange(0, 10**9))},
            "year": {"fiscal_year": rng.choice(YEARS)},
            "qualifier": {"qualifier": rng.choice(list(Qualifier))},
            "move_line": {"cluster": Cluster.objects.order_by("?").first()},
        }
        if op == "delete_line":
            line_services.funding_line_delete(actor=None, line=line)
        else:
            line_services.funding_line_update(actor=None, line=line, **changes[op])
    elif op == "create_line":
        line_services.funding_line_create(
            actor=None,
            cluster=Cluster.objects.order_by("?").first(),
            fiscal_year=rng.choice(YEARS),
            funding_source=rng.choice(list(FundingSource)),
            amount_rub=Decimal(rng.randrange(1, 10**8)),
            qualifier=rng.choice(list(Qualifier)),
            source=source,
        )
    elif op == "region_line":
        line = lines.filter(cluster__isnull=True).first()
        line_services.funding_line_update(
            actor=None, line=line, region=rng.choice(regions), fiscal_year=rng.choice(YEARS)
        )
    elif op in {"move_cluster", "industry"}:
        cluster = Cluster.objects.order_by("?").first()
        field = {"move_cluster": ("region", regions), "industry": ("industry", industries)}[op]
        cluster_services.cluster_update(
            actor=None, cluster=cluster, **{field[0]: rng.choice(field[1])}
        )
    elif op == "publish":
        cluster = Cluster.objects.order_by("?").first()
        try:
            if cluster.is_published:
                cluster_services.cluster_withdraw(actor=None, cluster=cluster)
            else:
                cluster_services.cluster_publish(actor=None, cluster=cluster)
        except ValidationError:
            pass  # not publishable (e.g. no source cited): a refused write changes nothing
    elif op == "delete_cluster":
        cluster = Cluster.objects.order_by("?").first()
        cluster_services.cluster_delete(actor=None, cluster=cluster)


def test_random_edits_moves_and_deletes_keep_every_total_equal_to_its_lines(
    demo, django_capture_on_commit_callbacks
):
    rng = random.Random(20261201)
    regions = list(Region.objects.all())
    industries = list(Industry.objects.all())
    source = Source.objects.get(title=DEMO_SOURCE_TITLE)
    for _ in range(40):
        # A few writes per transaction, as an admin page with inlines or an import does.
        with django_capture_on_commit_callbacks(execute=True), transaction.atomic():
            for _ in range(rng.randint(1, 4)):
                _edit(rng, regions, industries, source)

    assert funding_totals_check() == []
    # Roll-ups in place: the parts the district, national and industry rows are summed from.
    assert ClusterYearFundingTotal.objects.exists()
    for year in YEARS:
        regions_sum = RegionFundingTotal.objects.filter(fiscal_year=year).aggregate(
            s=Sum("total_rub")
        )["s"]
        national = NationalFundingTotal.objects.filter(fiscal_year=year).first()
        assert (national.total_rub if national else None) == regions_sum
        districts = FederalDistrictFundingTotal.objects.filter(fiscal_year=year)
        in_district = RegionFundingTotal.objects.filter(
            fiscal_year=year, region__federal_district__isnull=False
        )
        assert (
            districts.aggregate(s=Sum("total_rub"))["s"]
            == in_district.aggregate(s=Sum("total_rub"))["s"]
        )
        published = ClusterYearFundingTotal.objects.filter(fiscal_year=year, is_published=True)
        industries_sum = IndustryFundingTotal.objects.filter(fiscal_year=year)
        assert (
            industries_sum.aggregate(s=Sum("total_rub"))["s"]
            == published.aggregate(s=Sum("total_rub"))["s"]
        )
    # Unknown is not zero: every cluster has a row, and one without lines says so.
    assert ClusterFundingTotal.objects.count() == Cluster.objects.count()
