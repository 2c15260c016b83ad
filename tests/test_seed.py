"""The real seed data: loaded the way `make seed` loads it, it holds the seed facts exactly."""

from decimal import Decimal

import pytest
from django.apps import apps
from django.core.management import call_command
from django.db import connection, models, transaction

from clusters.choices import CollegeRole, FigureKind
from clusters.models import Cluster, ReportedFigure
from common.qualifiers import Qualifier
from funding.choices import FundingSource
from funding.models import FundingLine
from regions.models import FederalDistrict, Region

pytestmark = pytest.mark.django_db

MLN = Decimal("1000000")


def counts() -> dict[str, int]:
    return {
        m._meta.label: m._default_manager.count()
        for app in ("regions", "clusters", "funding")
        for m in apps.get_app_config(app).get_models()
    }


def test_loading_seed_twice_leaves_the_same_row_counts(seed):
    first = counts()
    call_command("seed", no_migrate=True, no_press=True)
    assert counts() == first


def _rows_of(snapshot) -> dict[str, list[str]]:
    """Each table the seed fills, its rows as a sorted list, minus what depends on when and
    after what the command ran: timestamps it took from the clock, and the generated keys of
    rows the fixtures do not give (history rows, totals, many-to-many links)."""
    import json
    from pathlib import Path

    from django.conf import settings

    given = {
        entry["model"]
        for name in ("01_regions.json", "02_industries.json", "03_seed.json")
        for entry in json.loads((Path(settings.BASE_DIR) / "fixtures" / name).read_text())
    }
    by_table = {m._meta.db_table: m for m in apps.get_models(include_auto_created=True)}
    rows = {}
    with connection.cursor() as cursor:
        for table in snapshot.data:
            model = by_table[table]
            generated = (  # history, totals, many-to-many rows: keys from a sequence
                isinstance(model._meta.pk, models.AutoField)
                and model._meta.label_lower not in given
            )
            cursor.execute(f"SELECT * FROM {connection.ops.quote_name(table)}")
            names = [column.name for column in cursor.description]
            rows[table] = sorted(
                repr(
                    tuple(
                        "<now>"
                        if hasattr(value, "tzinfo") and value >= snapshot.captured_at
                        else value
                        for name, value in zip(names, row, strict=True)
                        if not (generated and name == model._meta.pk.column)
                    )
                )
                for row in cursor.fetchall()
            )
    return rows


def test_the_seed_fixtures_copy_is_what_the_seed_command_writes(seed_snapshot):
    """The fast path of the `seed` fixture (tests/seeding.py) against the command itself."""
    assert seed_snapshot.usable
    assert {"clusters_cluster", "funding_fundingline", "funding_regionfundingtotal"} <= set(
        seed_snapshot.data
    )
    with transaction.atomic():
        call_command("seed", no_migrate=True, no_press=True)
        plain = _rows_of(seed_snapshot)
        transaction.set_rollback(True)
    assert all(count == 0 for count in counts().values())
    # A fixture that wrote before the seed: no copy (the `seed` fixture runs the command).
    with transaction.atomic():
        FederalDistrict.objects.create(code="XX", name="Икс")
        assert not seed_snapshot.restore()
        transaction.set_rollback(True)
    assert seed_snapshot.restore()
    fast = _rows_of(seed_snapshot)
    assert fast == plain
    assert counts()["clusters.Cluster"] == 8


def test_reference_lists_are_complete(seed):
    assert Region.objects.count() == 89
    assert FederalDistrict.objects.count() == 8
    assert Region.objects.filter(federal_district__isnull=True).count() == 4
    assert Region.objects.get(code="38").federal_district.code == "SIB"
    assert apps.get_model("clusters", "Industry").objects.count() == 24


def test_smolensk_cluster_holds_its_seed_facts(seed):
    cluster = Cluster.objects.get(slug="smo-mechanical-engineering")
    base = cluster.cluster_colleges.get(role=CollegeRole.BASE).college
    assert base.full_name == "Смоленская академия профессионального образования"
    lines = {line.funding_source: line for line in cluster.funding_lines.all()}
    assert lines[FundingSource.FEDERAL].amount_rub == 100 * MLN
    assert lines[FundingSource.REGIONAL].amount_rub == 16 * MLN
    employer = lines[FundingSource.EMPLOYER]
    assert employer.amount_rub == 37 * MLN
    assert employer.qualifier == Qualifier.APPROXIMATELY
    assert "153" in employer.note
    assert sum(line.amount_rub for line in lines.values()) == 153 * MLN
    total = cluster.figures.get(kind=FigureKind.FUNDING_TOTAL_RUB)
    assert (total.value, total.qualifier) == (153 * MLN, Qualifier.APPROXIMATELY)
    assert cluster.figures.get(kind=FigureKind.EMPLOYERS).value == 16
    students = cluster.figures.get(kind=FigureKind.STUDENTS)
    assert (students.value, students.qualifier) == (560, Qualifier.AT_LEAST)
    assert all(line.fiscal_year is None for line in lines.values())


def test_irkutsk_energy_cluster_has_four_named_network_colleges(seed):
    cluster = Cluster.objects.get(slug="irk-energy")
    names = set(
        cluster.cluster_colleges.filter(role=CollegeRole.NETWORK).values_list(
            "college__full_name", flat=True
        )
    )
    assert names == {
        "Усольский индустриальный техникум",
        "Черемховский горнотехнический колледж им. М.И. Щадова",
        "Иркутский техникум авиастроения и материалообработки",
        "Ангарский политехнический техникум",
    }
    assert cluster.cluster_colleges.get(role=CollegeRole.BASE).college.full_name == (
        "Иркутский энергетический колледж"
    )
    assert (cluster.selection_year, cluster.launch_year) == (2022, 2023)


def test_altai_joint_money_is_region_level_and_not_split(seed):
    joint = FundingLine.objects.filter(region__code="22", cluster__isnull=True)
    assert {(line.funding_source, line.amount_rub, line.qualifier) for line in joint} == {
        (FundingSource.FEDERAL, 200 * MLN, Qualifier.EXACT),
        (FundingSource.REGIONAL, 10 * MLN, Qualifier.EXACT),
        (FundingSource.EXTRABUDGETARY, 22 * MLN, Qualifier.AT_LEAST),
    }
    for slug in ("alt-mechanical-engineering", "alt-transport"):
        assert not FundingLine.objects.filter(cluster__slug=slug).exists()


def test_altai_light_industry_money_adds_up_to_its_stated_total(seed):
    cluster = Cluster.objects.get(slug="alt-light-industry")
    assert sum(line.amount_rub for line in cluster.funding_lines.all()) == 130 * MLN
    assert cluster.cluster_employers.get().employer.name == "АО «БТК групп»"
    assert cluster.selection_year == 2022 and cluster.launch_year is None


def test_facts_the_seeds_do_not_give_stay_empty(seed):
    for slug in (
        "ore-mechanical-engineering",
        "mos-mechanical-engineering",
        "smo-mechanical-engineering",
        "alt-transport",
    ):
        cluster = Cluster.objects.get(slug=slug)
        assert cluster.selection_year is None and cluster.launch_year is None
    assert not apps.get_model("clusters", "College").objects.exclude(inn=None).exists()


def test_every_seed_record_cites_its_seed_document(seed):
    assert all(c.sources.exists() for c in Cluster.objects.all())
    assert set(FundingLine.objects.values_list("source__document_ref", flat=True)) <= {
        f"seeds/{name}"
        for name in (
            "000_7f35a00beffbff5d.txt",
            "001_8001ba0a9021a267.txt",
            "004_c8ccfdd2582e0d5c.txt",
        )
    }
    assert ReportedFigure.objects.count() == 9
    assert FundingLine.objects.count() == 11
    assert Cluster.objects.count() == 8
