"""The crawl of every public URL (tests/crawl.py) over a generated sparse registry: every
nullable field null, every optional relation missing — no kind, industry, years, programmes,
figures' dates, short names, INN, towns, websites, publishers, addresses or dates of sources,
employers' regions and industries; money without a year, joint money, a cluster with no money,
a subject outside every federal district, and no reported count for any region."""

from decimal import Decimal

import pytest
from django.conf import settings
from django.core.management import call_command
from django.db import transaction
from django.test import Client, override_settings

from tests.crawl import crawl, problems_report

pytestmark = pytest.mark.django_db


def sparse_registry() -> None:
    """The reference lists (subjects, districts, industries) and the barest registry on them."""
    from clusters.choices import ClusterKind, CollegeRole, FigureKind
    from clusters.models import Source
    from common.qualifiers import Qualifier
    from funding.choices import FundingSource
    from funding.services import funding_totals_recompute_all
    from regions.models import Region
    from tests.clusters.factories import (
        ClusterCollegeFactory,
        ClusterEmployerFactory,
        ClusterFactory,
        ReportedFigureFactory,
    )
    from tests.funding.factories import FundingLineFactory

    fixtures = settings.BASE_DIR / "fixtures"
    call_command("loaddata", str(fixtures / "01_regions.json"), verbosity=0)
    call_command("loaddata", str(fixtures / "02_industries.json"), verbosity=0)
    source = Source.objects.create(title="Сообщение пресс-службы")  # no publisher, date, URL
    irkutsk, donetsk = Region.objects.get(code="38"), Region.objects.get(code="93")
    bare = {"kind": "", "industry": None, "selection_year": None, "launch_year": None}
    clusters = []
    for number, region in enumerate([irkutsk, irkutsk, donetsk, donetsk], start=1):
        cluster = ClusterFactory(name=f"Кластер {number}", region=region, **bare)
        cluster.sources.add(source)
        ClusterCollegeFactory(
            cluster=cluster, role=CollegeRole.BASE, college__full_name=f"Колледж {number}"
        )
        clusters.append(cluster)
    # A draft without anything, and a published cluster of a known kind and industry to set
    # the unknown ones against.
    ClusterFactory(name="Черновик", region=irkutsk, is_published=False, **bare)
    ClusterFactory(name="Кластер с отраслью", region=irkutsk, kind=ClusterKind.PRODUCTION_CENTER)
    ClusterEmployerFactory(
        cluster=clusters[0], employer__name="ООО «Партнёр»", employer__region=None
    )
    ReportedFigureFactory(cluster=clusters[1], kind=FigureKind.STUDENTS, value=120, source=source)
    # Money: a year no source gives, an estimate, a bound; joint money of a region; the
    # fourth cluster has none at all.
    FundingLineFactory(cluster=clusters[0], fiscal_year=None, source=source)
    FundingLineFactory(
        cluster=clusters[1],
        fiscal_year=None,
        funding_source=FundingSource.REGIONAL,
        amount_rub=Decimal("17000000.50"),
        qualifier=Qualifier.APPROXIMATELY,
        source=source,
    )
    FundingLineFactory(
        cluster=clusters[2],
        funding_source=FundingSource.EMPLOYER,
        qualifier=Qualifier.AT_LEAST,
        source=source,
    )
    FundingLineFactory(cluster=None, region=donetsk, fiscal_year=None, source=source)
    funding_totals_recompute_all()


@pytest.fixture(scope="module")
def sparse(django_db_setup, django_db_blocker, tmp_path_factory):
    media = tmp_path_factory.mktemp("media")
    with (
        override_settings(MEDIA_ROOT=str(media)),
        django_db_blocker.unblock(),
        transaction.atomic(),
    ):
        sparse_registry()
        call_command("publish_open_data", verbosity=0)
        yield
        transaction.set_rollback(True)


def test_every_public_url_of_a_sparse_registry_tells_the_truth(sparse):
    from clusters.models import College, Source

    assert not Source.objects.exclude(publisher="").exists()
    assert not College.objects.filter(inn__isnull=False).exists()
    crawler = crawl(Client())
    assert crawler.read > 250
    assert not crawler.problems, "\n".join(problems_report(crawler))


def test_the_sparse_registry_says_what_it_does_not_know(sparse):
    client = Client()
    page = client.get("/regions/irkutsk-oblast/").content.decode().replace("\u00a0", " ")
    assert "В реестре 3 кластера субъекта." in page  # no reported count to set it against
    assert "сведений нет" in page
    region = client.get("/regions/moscow/").content.decode()
    assert "В реестре нет сведений о кластерах субъекта." in region
    data = client.get("/api/v1/stats/", {"group_by": "industry"}).json()["results"]
    assert [r["is_joint"] for r in data if r["industry"] is None] == [False, True]


@pytest.mark.parametrize(
    ("text", "found"),
    [
        ("Всего: 0\u00a0₽", True),
        ("≈\u00a00\u00a0млн\u00a0₽", True),
        ("100\u00a0000\u00a0000\u00a0₽", False),
        ("17\u00a0000\u00a0000,50\u00a0₽", False),
        ("Отрасль: None", True),
        ("Кластеров нет.", True),
        ("Нет сведений о деньгах — 2 кластера", False),
        ("13 февраля 2026\u00a0г..", True),
    ],
)
def test_the_crawl_sees_what_a_page_must_not_say(text, found):
    from tests.crawl import check_text

    assert bool(check_text("/", text)) is found


def test_the_crawl_sees_an_unknown_part_shown_as_zero_in_json():
    from tests.crawl import check_json

    total = {"regional_rub": "0.00", "regional_qualifier": "exact"}
    assert check_json("/api", {"funding_total": total})
    unknown = {"regional_rub": None, "regional_qualifier": "exact"}
    assert check_json("/api", {"funding_total": unknown})
    assert not check_json(
        "/api", {"funding_total": {"regional_rub": None, "regional_qualifier": None}}
    )
