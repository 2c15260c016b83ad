"""The real press sample, loaded through the import path as `make seed` loads it."""

import csv
from decimal import Decimal

import pytest
from django.core.management import call_command
from django.db import transaction

from clusters.choices import CollegeRole, FigureKind, Qualifier
from clusters.models import Cluster, ReportedFigure, Source
from funding.choices import FundingSource
from funding.models import FundingLine
from imports.press import press_sample_load
from tests.test_seed import counts

pytestmark = pytest.mark.django_db

SEED_SLUGS = {
    "irk-energy",
}


@pytest.fixture(scope="module")
def press(django_db_setup, django_db_blocker):
    """Seed and press sample loaded once for the module, rolled back at its end."""
    with django_db_blocker.unblock(), transaction.atomic():
        call_command("seed", no_migrate=True, no_press=True)
        seed_clusters = {
            c.slug: (c.name, c.is_published, c.industry_id, c.kind, c.updated_at)
            for c in Cluster.objects.all()
        }
        report = press_sample_load()
        yield {"report": report, "seed": seed_clusters}
        transaction.set_rollback(True)


def cluster_of(base_college: str) -> Cluster:
    return Cluster.objects.get(
        cluster_colleges__role=CollegeRole.BASE,
        cluster_colleges__college__full_name=base_college,
    )


def test_counts_loaded(press):
    assert press["report"].startswith(
        "209 кластеров (18 черновиков) в 68 субъектах, 139 источников"
    )
    press_only = Cluster.objects.exclude(slug__in=press["seed"])
    assert press_only.count() == 209
    assert press_only.values("region").distinct().count() == 68
    assert press_only.filter(is_published=False).count() == 18
    assert Source.objects.filter(note__startswith="Пресс-выборка").count() == 139


def test_seed_clusters_stay_exactly_as_they_are(press):
    after = {
        c.slug: (c.name, c.is_published, c.industry_id, c.kind, c.updated_at)
        for c in Cluster.objects.filter(slug__in=press["seed"])
    }
    assert after == press["seed"]


def test_loading_it_again_changes_nothing(press):
    first = counts()
    press_sample_load()
    assert counts() == first


def test_rows_of_the_same_cluster_merge_into_one_citing_every_source(press):
    # Сокольский лесопромышленный политехнический техникум: two press items.
    cluster = cluster_of("Сокольский лесопромышленный политехнический техникум")
    assert cluster.sources.count() == 2


@pytest.mark.parametrize(
    ("base", "budget", "amount", "qualifier"),
    [
        ("Рязанский колледж электроники", FundingSource.REGIONAL, 23_000_000, Qualifier.AT_LEAST),
        ("Рязанский колледж электроники", FundingSource.EMPLOYER, 5_500_000, Qualifier.AT_LEAST),
        (
            "Йошкар-Олинский строительный техникум",
            FundingSource.REGIONAL,
            15_000_000,
            Qualifier.AT_LEAST,
        ),
        ("техникум в Северодвинске", FundingSource.REGIONAL, 60_000_000, Qualifier.APPROXIMATELY),
    ],
)
def test_each_qualifier_word_of_a_cluster_sum(press, base, budget, amount, qualifier):
    line = FundingLine.objects.get(
        cluster=Cluster.objects.filter(cluster_colleges__college__full_name__startswith=base)
        .distinct()
        .get(),
        funding_source=budget,
    )
    assert (line.amount_rub, line.qualifier) == (Decimal(amount), qualifier)
    assert line.exact_wording  # the words the amount was read from


def test_do_100_mln_is_an_upper_bound(press):
    lines = FundingLine.objects.filter(qualifier=Qualifier.AT_MOST)
    assert lines.count() >= 5
    assert all(line.exact_wording.startswith("до 100 млн") for line in lines)


def test_joint_money_is_region_level_lines_never_split(press):
    voronezh = FundingLine.objects.filter(cluster__isnull=True, region__code="36")
    assert sorted(line.amount_rub for line in voronezh) == [
        Decimal(150_000_000),
        Decimal(200_000_000),
        Decimal(300_000_000),
    ]
    chuvash = FundingLine.objects.get(cluster__isnull=True, region__code="21")
    assert (chuvash.amount_rub, chuvash.qualifier) == (Decimal(190_000_000), Qualifier.AT_LEAST)
    assert chuvash.funding_source == FundingSource.FEDERAL


def test_a_sum_of_several_budgets_is_a_reported_funding_total(press):
    figure = ReportedFigure.objects.get(
        kind=FigureKind.FUNDING_TOTAL_RUB,
        cluster__cluster_colleges__college__full_name__startswith="Сокольский лесопромышленный",
    )
    assert (figure.value, figure.qualifier) == (Decimal(170_000_000), Qualifier.APPROXIMATELY)
    assert not FundingLine.objects.filter(cluster=figure.cluster).exists()


def test_rows_with_inferred_links_are_drafts(press):
    # Industry «(implied by name)»: Байкало-Амурский институт железнодорожного транспорта.
    implied = Cluster.objects.get(
        cluster_colleges__college__full_name__startswith="Байкало-Амурский институт"
    )
    assert not implied.is_published
    # kommersant.ru/doc/7989782: employers matched by list order.
    kommersant = Cluster.objects.filter(sources__url__contains="kommersant.ru/doc/7989782")
    assert kommersant.exists() and not kommersant.filter(is_published=True).exists()
    # A plainly stated row is published.
    assert cluster_of("Амурский аграрный колледж").is_published


def test_facts_a_row_leaves_empty_stay_empty(press):
    with open("../shared/data/press-sample-clusters.csv", encoding="utf-8") as handle:
        rows = list(csv.DictReader(line for line in handle if not line.startswith("#")))
    no_industry = [r for r in rows if not r["industry"] and r["base_college"]]
    assert no_industry
    for row in no_industry[:3]:
        name = row["base_college"].split(" (")[0]
        cluster = Cluster.objects.filter(cluster_colleges__college__full_name=name).first()
        if cluster is not None and cluster.sources.count() == 1:
            assert cluster.industry is None
    assert press_only_with_unknown_kind() > 0
    assert (
        not Cluster.objects.exclude(slug__in=SEED_SLUGS)
        .filter(launch_year__isnull=False, selection_year__isnull=False, launch_year__lt=2000)
        .exists()
    )


def press_only_with_unknown_kind() -> int:
    return Cluster.objects.filter(kind="").count()


def test_press_clusters_show_on_the_public_site_with_their_sources(press, client):
    cluster = cluster_of("Амурский аграрный колледж")
    page = client.get(cluster.get_absolute_url()).content.decode()
    assert "Амурский аграрный колледж" in page
    assert "ria.ru" in page
