"""Funding totals services: recompute from the lines, exactly the touched scopes, the invariant."""

from decimal import Decimal

import pytest
from django.db.models import QuerySet

from clusters.models import Cluster
from common.qualifiers import Qualifier, TotalQualifier
from funding.choices import FundingSource
from funding.models import (
    ClusterFundingTotal,
    FederalDistrictFundingTotal,
    FundingLine,
    IndustryFundingTotal,
    NationalFundingTotal,
    RegionFundingTotal,
)
from funding.scopes import Scopes, scopes_of_lines
from funding.services import (
    funding_totals_check,
    funding_totals_mark_stale,
    funding_totals_recompute,
    funding_totals_recompute_all,
    funding_totals_recompute_for_clusters,
    funding_totals_sweep_stale,
)
from regions.models import Region
from tests.clusters.factories import ClusterFactory
from tests.funding.factories import FundingLineFactory

pytestmark = pytest.mark.django_db

MLN = Decimal("1000000")


def region(code: str) -> Region:
    return Region.objects.get(code=code)


def test_seed_cluster_totals_match_the_seed_facts(seed):
    altai = ClusterFundingTotal.objects.get(cluster__slug="alt-light-industry")
    assert altai.total_rub == 130 * MLN
    assert (altai.federal_rub, altai.employer_rub, altai.regional_rub) == (
        100 * MLN,
        20 * MLN,
        10 * MLN,
    )
    # No line gives its extrabudgetary money: unknown (NULL), so 130 mln is the known parts.
    assert (altai.extrabudgetary_rub, altai.extrabudgetary_qualifier) == (None, None)
    assert altai.parts_known == ["federal", "regional", "employer"]
    assert not altai.is_complete
    assert altai.qualifier == Qualifier.EXACT
    assert altai.line_count == 3
    assert altai.computed_at is not None and not altai.is_stale

    smolensk = ClusterFundingTotal.objects.get(cluster__slug="smo-mechanical-engineering")
    assert smolensk.total_rub == 153 * MLN
    assert smolensk.qualifier == Qualifier.APPROXIMATELY
    assert smolensk.employer_qualifier == Qualifier.APPROXIMATELY
    assert smolensk.federal_qualifier == Qualifier.EXACT

    # A cluster the sources give no money for has its row, and every figure of it unknown.
    orenburg = ClusterFundingTotal.objects.get(cluster__slug="ore-mechanical-engineering")
    assert (orenburg.total_rub, orenburg.qualifier, orenburg.line_count) == (None, None, 0)
    assert orenburg.parts_known == [] and orenburg.rub_display() == "сведений нет"


def test_seed_region_totals_count_joint_lines_and_keep_a_no_year_bucket(seed):
    altai_2023 = RegionFundingTotal.objects.get(region=region("22"), fiscal_year=2023)
    # The 200 + 10 + «более 22» mln given jointly for the two 2023 Altai clusters.
    assert altai_2023.federal_rub == 200 * MLN
    assert altai_2023.regional_rub == 10 * MLN
    assert altai_2023.extrabudgetary_rub == 22 * MLN
    assert altai_2023.extrabudgetary_qualifier == Qualifier.AT_LEAST
    assert altai_2023.qualifier == Qualifier.AT_LEAST
    assert altai_2023.total_rub == 232 * MLN

    altai_no_year = RegionFundingTotal.objects.get(region=region("22"), fiscal_year__isnull=True)
    assert altai_no_year.total_rub == 130 * MLN  # the light-industry cluster's money
    assert altai_no_year.scope_label().endswith("год не указан")

    irkutsk = RegionFundingTotal.objects.get(region=region("38"), fiscal_year=2023)
    assert (irkutsk.federal_rub, irkutsk.total_rub) == (200 * MLN, 200 * MLN)
    assert not RegionFundingTotal.objects.filter(region=region("38"), fiscal_year__isnull=True)


def test_seed_district_industry_and_national_totals(seed):
    siberia = region("22").federal_district
    assert (
        FederalDistrictFundingTotal.objects.get(
            federal_district=siberia, fiscal_year=2023
        ).total_rub
        == (200 + 232) * MLN
    )
    # Joint lines have no cluster, so no industry: only the two Irkutsk grants count in 2023.
    assert sum(t.total_rub for t in IndustryFundingTotal.objects.filter(fiscal_year=2023)) == (
        200 * MLN
    )
    national = NationalFundingTotal.objects.get(fiscal_year=2023)
    assert national.total_rub == 432 * MLN and national.qualifier == Qualifier.AT_LEAST
    no_year = NationalFundingTotal.objects.get(fiscal_year__isnull=True)
    assert no_year.total_rub == (130 + 153) * MLN
    assert no_year.qualifier == Qualifier.APPROXIMATELY


def test_invariant_holds_after_full_recompute_and_catches_every_kind_of_error(seed):
    assert funding_totals_check() == []
    ClusterFundingTotal.objects.filter(cluster__slug="alt-light-industry").update(
        total_rub=1, qualifier=Qualifier.APPROXIMATELY
    )
    RegionFundingTotal.objects.filter(region=region("38")).delete()
    NationalFundingTotal.objects.create(fiscal_year=1999, total_rub=5)
    IndustryFundingTotal.objects.filter(fiscal_year=2023).update(is_stale=True)

    problems = {(d.kind, d.problem) for d in funding_totals_check()}
    assert problems == {
        ("cluster", "wrong"),
        ("region", "missing"),
        ("national", "extra"),
        ("industry", "stale"),
    }
    wrong = next(d for d in funding_totals_check() if d.problem == "wrong")
    assert "total_rub" in str(wrong)


def test_recompute_of_given_scopes_touches_only_them(seed):
    smolensk = Cluster.objects.get(slug="smo-mechanical-engineering")
    altai = Cluster.objects.get(slug="alt-light-industry")
    before = ClusterFundingTotal.objects.get(cluster=altai).computed_at
    lines = FundingLine.objects.filter(cluster=smolensk, funding_source=FundingSource.FEDERAL)
    QuerySet.update(lines, amount_rub=90 * MLN)  # behind the signals' back
    report = funding_totals_recompute(scopes=Scopes(cluster_ids={smolensk.pk}))
    assert report.rows == {"cluster_year": 1, "cluster": 1}
    assert ClusterFundingTotal.objects.get(cluster=smolensk).total_rub == 143 * MLN
    assert ClusterFundingTotal.objects.get(cluster=altai).computed_at == before
    # The region row was not in the scopes, so it is still the old figure.
    smo_region = RegionFundingTotal.objects.get(region=smolensk.region)
    assert smo_region.total_rub == 153 * MLN
    funding_totals_recompute(scopes=scopes_of_lines(smolensk.funding_lines.all()))
    assert RegionFundingTotal.objects.get(region=smolensk.region).total_rub == 143 * MLN
    assert funding_totals_check() == []


def test_scope_without_lines_loses_its_row_and_a_cluster_becomes_unknown(seed):
    irk = Cluster.objects.get(slug="irk-energy")
    scopes = scopes_of_lines(irk.funding_lines.all())
    irk.funding_lines.all()._raw_delete(irk.funding_lines.all().db)
    funding_totals_recompute(scopes=scopes)
    total = ClusterFundingTotal.objects.get(cluster=irk)
    assert (total.total_rub, total.federal_rub, total.line_count) == (None, None, 0)
    assert not IndustryFundingTotal.objects.filter(industry=irk.industry_id).exists()
    assert RegionFundingTotal.objects.get(region=irk.region, fiscal_year=2023).total_rub == (
        100 * MLN
    )
    assert funding_totals_check() == []


def test_recompute_for_clusters_covers_their_regions_and_years(seed):
    irk = Cluster.objects.get(slug="irk-metallurgy")
    RegionFundingTotal.objects.all().update(total_rub=0)
    ClusterFundingTotal.objects.all().update(total_rub=0)
    report = funding_totals_recompute_for_clusters(cluster_ids=[irk.pk])
    assert report.rows["cluster"] == 1
    assert ClusterFundingTotal.objects.get(cluster=irk).total_rub == 100 * MLN
    assert RegionFundingTotal.objects.get(region=irk.region, fiscal_year=2023).total_rub == (
        200 * MLN
    )
    assert RegionFundingTotal.objects.get(region=region("22"), fiscal_year=2023).total_rub == 0


def test_mark_stale_flags_only_the_rows_the_lines_no_longer_match_and_the_sweep_heals(seed):
    line = FundingLine.objects.filter(
        cluster__slug="alt-light-industry", funding_source=FundingSource.REGIONAL
    )
    altai = Cluster.objects.get(slug="alt-light-industry")
    scopes = scopes_of_lines(line)
    QuerySet.update(line, fiscal_year=2030)  # behind the signals' back
    scopes.update(scopes_of_lines(line))
    untouched = ClusterFundingTotal.objects.get(cluster=altai).computed_at

    assert funding_totals_mark_stale(scopes=scopes) > 0
    # Moving a line to another year leaves the cluster's all-years total as it is.
    cluster_total = ClusterFundingTotal.objects.get(cluster=altai)
    assert not cluster_total.is_stale and cluster_total.computed_at == untouched
    old_bucket = RegionFundingTotal.objects.get(region=altai.region, fiscal_year__isnull=True)
    assert old_bucket.is_stale
    created = RegionFundingTotal.objects.get(region=altai.region, fiscal_year=2030)
    assert created.is_stale and created.computed_at is None and not created.has_data
    assert NationalFundingTotal.objects.get(fiscal_year=2030).is_stale
    assert IndustryFundingTotal.objects.get(industry=altai.industry, fiscal_year=2030).is_stale
    assert funding_totals_check() != []

    report = funding_totals_sweep_stale()
    assert report.rows and funding_totals_check() == []
    assert RegionFundingTotal.objects.get(region=altai.region, fiscal_year=2030).total_rub == (
        10 * MLN
    )
    assert funding_totals_sweep_stale().rows == {}  # nothing left to sweep


def test_mark_stale_for_a_drafts_line_flags_no_public_total(seed):
    draft = ClusterFactory(is_published=False, region=region("22"))
    FundingLineFactory(cluster=draft, fiscal_year=2023, amount_rub=5 * MLN)
    funding_totals_recompute_all()
    public = [RegionFundingTotal, FederalDistrictFundingTotal, IndustryFundingTotal]
    public.append(NationalFundingTotal)
    before = {model: list(model.objects.values_list("computed_at", "is_stale")) for model in public}
    line = FundingLine.objects.filter(cluster=draft)
    scopes = scopes_of_lines(line)
    QuerySet.update(line, amount_rub=6 * MLN, fiscal_year=2031)
    scopes.update(scopes_of_lines(line))

    funding_totals_mark_stale(scopes=scopes)
    assert ClusterFundingTotal.objects.get(cluster=draft).is_stale
    after = {model: list(model.objects.values_list("computed_at", "is_stale")) for model in public}
    assert after == before
    assert not NationalFundingTotal.objects.filter(fiscal_year=2031).exists()


def test_total_qualifier_says_exactly_what_its_lines_allow_per_source_and_overall():
    cluster = ClusterFactory()
    FundingLineFactory(cluster=cluster, amount_rub=10)
    FundingLineFactory(cluster=cluster, amount_rub=5, qualifier=Qualifier.AT_LEAST)
    funding_totals_recompute_all()
    total = ClusterFundingTotal.objects.get(cluster=cluster)
    assert (total.federal_rub, total.qualifier) == (15, TotalQualifier.AT_LEAST)
    FundingLineFactory(
        cluster=cluster,
        amount_rub=1,
        funding_source=FundingSource.EMPLOYER,
        qualifier=Qualifier.APPROXIMATELY,
    )
    FundingLineFactory(
        cluster=cluster,
        amount_rub=2,
        funding_source=FundingSource.REGIONAL,
        qualifier=Qualifier.AT_MOST,
    )
    funding_totals_recompute_all()
    total.refresh_from_db()
    # ≈ with «не менее» and «не более»: no single mark would be true of the sum.
    assert total.qualifier == TotalQualifier.MIXED
    assert total.federal_qualifier == TotalQualifier.AT_LEAST
    assert total.employer_qualifier == TotalQualifier.APPROXIMATELY
    assert total.regional_qualifier == TotalQualifier.AT_MOST
    assert (total.extrabudgetary_rub, total.extrabudgetary_qualifier) == (None, None)
    assert total.total_rub == 18
    assert "смешанная" in total.rub_display() and total.qualifier_note
    assert funding_totals_check() == []


def test_scopes_survive_the_trip_through_a_task_message():
    scopes = Scopes(
        cluster_ids={3, 1},
        region_industry_years={(22, None, None), (22, 5, 2023)},
        region_years={(22, None), (22, 2023)},
        district_years={(1, 2024)},
        industry_years={(5, None)},
        national_years={None, 2023},
    )
    assert Scopes.from_primitives(scopes.to_primitives()) == scopes
