"""Each filter narrows the seed data correctly, and every filterable field has a filter."""

import pytest

from clusters.filtersets import ClusterFilterSet, CollegeFilterSet, EmployerFilterSet
from clusters.models import Cluster, College, Employer
from funding.filtersets import FundingLineFilterSet
from funding.models import FundingLine

pytestmark = pytest.mark.django_db


def slugs(params: dict) -> set[str]:
    fs = ClusterFilterSet(params, queryset=Cluster.objects.all())
    assert fs.is_valid(), fs.errors
    return set(fs.qs.values_list("slug", flat=True))


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({"region": "38"}, {"irk-energy", "irk-metallurgy"}),
        (
            {"industry": "mechanical-engineering"},
            {
                "ore-mechanical-engineering",
                "mos-mechanical-engineering",
                "smo-mechanical-engineering",
                "alt-mechanical-engineering",
            },
        ),
        ({"federal_district": "CEN"}, {"mos-mechanical-engineering", "smo-mechanical-engineering"}),
        ({"kind": "education_cluster"}, {"mos-mechanical-engineering"}),
        (
            {"status": "selected"},
            {"irk-energy", "irk-metallurgy", "alt-mechanical-engineering", "alt-transport"},
        ),
        ({"selection_year": "2022"}, {"irk-energy", "irk-metallurgy", "alt-light-industry"}),
        ({"launch_year": "2023"}, {"irk-energy", "irk-metallurgy"}),
        ({"fiscal_year": "2023"}, {"irk-energy", "irk-metallurgy"}),
        ({"funding_source": "employer"}, {"alt-light-industry", "smo-mechanical-engineering"}),
        ({"has_employers": "true"}, {"alt-light-industry"}),
        ({"q": "Смоленская академия"}, {"smo-mechanical-engineering"}),
        ({"q": "Энергетика"}, {"irk-energy"}),
        ({"region": "22", "industry": "transport"}, {"alt-transport"}),
    ],
)
def test_cluster_filters_narrow_the_seed_data(seed, params, expected):
    assert slugs(params) == expected


def test_has_employers_false_is_the_complement(seed):
    assert len(slugs({"has_employers": "false"})) == 7


def test_unknown_region_code_is_a_form_error(seed):
    fs = ClusterFilterSet({"region": "00"}, queryset=Cluster.objects.all())
    assert not fs.is_valid()
    assert "region" in fs.errors


def test_college_and_employer_filters(seed):
    colleges = CollegeFilterSet({"cluster": "irk-energy"}, queryset=College.objects.all()).qs
    assert colleges.count() == 5
    assert CollegeFilterSet({"region": "67"}, queryset=College.objects.all()).qs.count() == 1
    employers = EmployerFilterSet({"q": "БТК"}, queryset=Employer.objects.all()).qs
    assert [e.name for e in employers] == ["АО «БТК групп»"]


def test_funding_line_filters(seed):
    def count(params):
        return FundingLineFilterSet(params, queryset=FundingLine.objects.all()).qs.count()

    assert count({"region": "22"}) == 6
    assert count({"has_cluster": "false"}) == 3
    assert count({"has_fiscal_year": "false"}) == 6
    assert count({"funding_source": "federal", "fiscal_year": "2023"}) == 3
    assert count({"qualifier": "at_least"}) == 1
    assert count({"industry": "mechanical-engineering"}) == 3
    assert count({"federal_district": "CEN"}) == 3


@pytest.mark.parametrize(
    ("filterset", "model", "not_filtered"),
    [
        (
            ClusterFilterSet,
            Cluster,
            {
                "name",
                "slug",
                "description",
                "management_board",
                "review_comment",
                "website",
                "sources",
                "created_at",
                "updated_at",
                "id",
            },
        ),
        (
            CollegeFilterSet,
            College,
            # Other spellings of the name are searched (`q`), not filtered.
            {"full_name", "short_name", "aliases", "website", "created_at", "updated_at", "id"},
        ),
        (
            EmployerFilterSet,
            Employer,
            {"name", "aliases", "website", "created_at", "updated_at", "id"},
        ),
        (
            FundingLineFilterSet,
            FundingLine,
            {"amount_rub", "source", "exact_wording", "note", "created_at", "updated_at", "id"},
        ),
    ],
)
def test_every_filterable_field_has_a_filter(filterset, model, not_filtered):
    """Text, free-form and bookkeeping fields aside, a new field must get a filter."""
    names = set(filterset.base_filters)
    targets = {f.field_name.split("__")[0] for f in filterset.base_filters.values()}
    fields = {f.name for f in model._meta.get_fields() if not f.auto_created or f.concrete}
    missing = {f for f in fields - not_filtered if f not in names and f not in targets}
    missing -= {"history"}
    assert not missing, f"{filterset.__name__} has no filter for {sorted(missing)}"


def test_fiscal_year_and_funding_source_must_hold_for_the_same_line():
    from tests.funding.factories import FundingLineFactory

    cluster = FundingLineFactory(fiscal_year=2023, funding_source="regional").cluster
    FundingLineFactory(cluster=cluster, fiscal_year=2024, funding_source="federal")
    assert slugs({"fiscal_year": "2023", "funding_source": "federal"}) == set()
    assert slugs({"fiscal_year": "2024", "funding_source": "federal"}) == {cluster.slug}
    assert slugs({"fiscal_year": "2023"}) == {cluster.slug}
