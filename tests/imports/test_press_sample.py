"""The real press sample, loaded through the import path as `make seed` loads it."""

import csv
from decimal import Decimal

import pytest
from django.core.management import call_command
from django.db import transaction

from clusters.choices import CollegeRole, FactKind, FigureKind
from clusters.models import (
    Citation,
    Cluster,
    College,
    Employer,
    ReportedFigure,
)
from common.qualifiers import Qualifier
from funding.choices import FundingSource
from funding.models import FundingLine
from imports.press import _converter, press_sample_load
from regions.models import Region
from tests.test_seed import counts

pytestmark = [pytest.mark.django_db, pytest.mark.long_module]

SEED_SLUGS = {
    "irk-energy",
}


@pytest.fixture(scope="module")
def press(django_db_setup, django_db_blocker, seed_snapshot):
    """Seed and press sample loaded once for the module, rolled back at its end (the seed's
    rows from the run's snapshot, tests/seeding.py, as the `seed` fixture gives them)."""
    with django_db_blocker.unblock(), transaction.atomic():
        if not seed_snapshot.restore():
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


def test_every_item_row_is_in_the_registry_once(press):
    """No pinned counts of real data: every row of every file of items is one cluster of the
    registry — its base college (whatever the spelling) the base of exactly one cluster of
    its subject (two only for two industries), citing the row's item."""
    from clusters.matching import OrgIndex, college_names

    converter = _converter()
    industries, regions = converter.reference()
    rows = [r for path in converter.input_files() for r in converter.read_rows(path)]
    index = OrgIndex(region_bound=True)
    for college in College.objects.all():
        index.add(pk=college.pk, names=college_names(college), region_id=college.region_id)
    region_ids = dict(Region.objects.values_list("code", "pk"))
    checked = 0
    for row in rows:
        base, _town = converter.college_and_town(row["base_college"])
        code = regions[row["region"]]
        if not base:
            continue
        found = index.find(base, region_ids[code])
        assert found.sure is not None, base
        clusters = Cluster.objects.filter(
            region__code=code,
            cluster_colleges__college=found.sure.pk,
            cluster_colleges__role=CollegeRole.BASE,
        )
        address = converter.source_key(row)
        assert clusters.filter(sources__url=address).count() == 1, (base, address)
        industries_of = [c.industry_id for c in clusters]
        assert len(industries_of) == 1 or len(set(industries_of)) == len(industries_of)
        checked += 1
    _tables, stats = converter.convert(rows, industries, regions)
    assert checked == stats["cluster rows"] - stats["rows naming no base college (draft)"]
    assert f"{stats['cluster rows']} строк о кластерах" in press["report"]


def test_no_organisation_is_two_records_or_a_placeholder(press):
    """Over the whole seeded registry: no name is a placeholder, and no two colleges of one
    subject (nor two employers) are surely one organisation by the shared matcher."""
    from clusters.matching import OrgIndex, college_names, employer_names, placeholder

    for model, names, bound in (
        (College, college_names, True),
        (Employer, employer_names, False),
    ):
        index = OrgIndex(region_bound=bound)
        for org in model.objects.order_by("pk"):
            name = names(org)[0]
            assert placeholder(name) is None, name
            found = index.find(name, org.region_id, inn=org.inn)
            assert found.sure is None, f"«{name}» is «{found.sure and found.sure.name}»"
            index.add(pk=org.pk, names=names(org), region_id=org.region_id, inn=org.inn)


def test_every_published_cluster_cites_a_source_with_an_address_and_words(press):
    for cluster in Cluster.objects.filter(is_published=True).exclude(slug__in=press["seed"]):
        assert cluster.sources.exclude(url="").exists(), cluster.name
        assert cluster.citations.exclude(quote="").exists(), cluster.name


def test_items_on_seed_clusters_add_to_them_and_never_overwrite(press):
    """Press items on the eight seed clusters merge into them: a fact the seed holds keeps
    its value (another value is a conflict for staff), the items add their sources."""
    for cluster in Cluster.objects.filter(slug__in=press["seed"]):
        name, is_published, industry_id, kind, _updated = press["seed"][cluster.slug]
        assert (cluster.name, cluster.is_published) == (name, is_published)
        assert cluster.industry_id == industry_id or industry_id is None
        assert cluster.kind == kind or kind == ""
    smolensk = Cluster.objects.get(slug__in=press["seed"], region__code="67")
    assert smolensk.sources.filter(url__startswith="http").exists()  # a press item too


def test_loading_it_again_changes_nothing(press):
    first = counts()
    press_sample_load()
    assert counts() == first


def test_rows_of_the_same_cluster_merge_into_one_citing_every_source(press):
    # Сокольский лесопромышленный политехнический техникум: two press items.
    cluster = cluster_of("Сокольский лесопромышленный политехнический техникум")
    assert cluster.sources.count() >= 2
    base = cluster.cluster_colleges.get(role=CollegeRole.BASE)
    assert base.citations.count() == cluster.sources.count()  # each item states its base


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
    assert {Decimal(150_000_000), Decimal(200_000_000), Decimal(300_000_000)} <= {
        line.amount_rub for line in voronezh
    }
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


def test_inferred_links_are_marked_implied_and_do_not_hide_the_cluster(press, client):
    # Industry «(implied by name)»: Байкало-Амурский институт железнодорожного транспорта.
    implied = Cluster.objects.get(
        cluster_colleges__college__full_name__startswith="Байкало-Амурский институт"
    )
    assert implied.is_published  # its base college and region are stated
    industry = implied.citations.get(fact=FactKind.INDUSTRY)
    assert industry.is_implied
    assert "не подтверждено" in client.get(implied.get_absolute_url()).content.decode()
    # kommersant.ru/doc/7989782: employers matched by list order are implied, not stated.
    kommersant = Citation.objects.filter(
        source__url__contains="kommersant.ru/doc/7989782", fact=FactKind.EMPLOYER
    )
    assert kommersant.exists() and not kommersant.filter(is_implied=False).exists()
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


# --- the crawl of every public URL over what `manage.py seed` loads -------------------------


@pytest.fixture
def seeded_registry(press, tmp_path, settings):
    """What `manage.py seed` leaves — the seed, the press sample, the totals recomputed and
    every record's first history — with the open data published: the module's loaded data
    (one load serves the fact checks above and the crawl), in this test's transaction."""
    from funding.services import funding_totals_recompute_all
    from history.services import history_record_initial

    settings.MEDIA_ROOT = str(tmp_path)
    funding_totals_recompute_all()
    history_record_initial()
    call_command("publish_open_data", verbosity=0)


def test_every_public_url_of_the_seeded_registry_tells_the_truth(seeded_registry):
    """The crawl of tests/crawl.py: no 5xx, no «0 ₽» for unknown money, every page and export
    over the real, messy data (clusters with no industry, no kind, no year, joint money)."""
    from django.test import Client

    from tests.crawl import crawl, problems_report

    published = Cluster.objects.visible_to(None)
    assert published.filter(industry__isnull=True).exists()
    assert published.filter(kind="").exists()
    assert published.filter(selection_year__isnull=True).exists()
    crawler = crawl(Client())
    assert crawler.read > 1000
    assert not crawler.problems, "\n".join(problems_report(crawler))
