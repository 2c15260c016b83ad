"""RegistryFilterSet (common/filtersets.py): django-filter's filtering and errors, built with
shallow filter copies and one form class per FilterSet class."""

import django_filters as filters
import pytest
from django.http import QueryDict
from django.test import RequestFactory
from django_filters.filters import FilterMethod

from clusters.filtersets import ClusterFilterSet, CollegeFilterSet
from clusters.models import Cluster, College
from common.filtersets import RegistryFilterSet
from funding.filtersets import FundingLineFilterSet
from funding.models import FundingLine
from history.filtersets import ChangeFilterSet
from regions.filtersets import RegionFilterSet
from regions.models import Region

pytestmark = pytest.mark.django_db


def _all_filtersets(cls=RegistryFilterSet):
    for sub in cls.__subclasses__():
        yield sub
        yield from _all_filtersets(sub)


def test_every_filterset_of_the_registry_is_built_on_the_shared_base():
    names = {cls.__name__ for cls in _all_filtersets()}
    assert {"ClusterFilterSet", "FundingLineFilterSet", "RegionFilterSet"} <= names
    assert {"ChangeFilterSet", "CollegeFilterSet", "EmployerFilterSet"} <= names


CONCRETE = [cls for cls in _all_filtersets() if cls._meta.model is not None]


@pytest.mark.parametrize("filterset_class", CONCRETE, ids=lambda c: c.__name__)
def test_a_request_s_filters_are_its_own(filterset_class):
    """Each filter is a copy bound to this FilterSet: its own `extra`, and a `method=` filter
    calls this FilterSet's method — nothing points back at the class's filters."""
    first, second = filterset_class(QueryDict()), filterset_class(QueryDict())
    for name, base in filterset_class.base_filters.items():
        mine, theirs = first.filters[name], second.filters[name]
        assert mine is not base and mine is not theirs
        assert mine.parent is first and theirs.parent is second
        assert mine.extra == base.extra and mine.extra is not base.extra
        assert not any(value is base for value in vars(mine).values())
        if isinstance(vars(mine).get("filter"), FilterMethod):
            assert mine.filter.f is mine
            assert mine.filter.method == getattr(first, base.method)


def test_the_form_class_is_built_once_and_its_fields_are_never_shared():
    first = ClusterFilterSet(QueryDict("status=operating"), Cluster.objects.all())
    second = ClusterFilterSet(QueryDict("status=nonsense"), Cluster.objects.all())
    assert type(first.form) is type(second.form)
    assert first.form.fields["status"] is not second.form.fields["status"]
    assert first.form.fields["region"].queryset is not second.form.fields["region"].queryset
    assert first.is_valid() and not second.is_valid()
    assert "status" in second.errors and "status" not in first.errors
    assert first.form.cleaned_data["status"] == "operating"


def test_a_filter_built_from_the_request_gets_a_form_for_each_request(seed):
    """A queryset that depends on the request: no form class is kept for the FilterSet."""

    class ByRequest(RegistryFilterSet):
        region = filters.ModelChoiceFilter(
            to_field_name="code",
            queryset=lambda request: Region.objects.filter(code=request.GET["allowed"]),
        )

        class Meta:
            model = Cluster
            fields: list[str] = []

    factory = RequestFactory()

    def valid(allowed, asked):
        request = factory.get("/", {"allowed": allowed})
        filterset = ByRequest(QueryDict(f"region={asked}"), Cluster.objects.all(), request=request)
        return filterset.is_valid()

    assert valid("38", "38")
    assert not valid("67", "38")
    assert valid("67", "67")
    assert "_registry_form_class" not in vars(ByRequest)


PARAMS = [
    "",
    "status=operating&federal_district=SIB",
    "region=38&industry=energy&kind=nonsense",
    "fiscal_year=2023&funding_source=federal&has_employers=true",
    "q=энергетика&selection_year=abc",
    "region=00&college=1&employer=x&programme=13.01.10",
    "fiscal_year=-1000000000000",
    "code=38&federal_district=CEN&kind=republic",
    "source=federal&year=2022&cluster=irk-energy",
    "model=cluster&since=2020-01-01&region=38",
    "model=nonsense&until=yesterday&user=999999",
]


@pytest.mark.parametrize(
    ("filterset_class", "model"),
    [
        (ClusterFilterSet, Cluster),
        (CollegeFilterSet, College),
        (FundingLineFilterSet, FundingLine),
        (RegionFilterSet, Region),
        (ChangeFilterSet, Cluster.history.model),
    ],
    ids=lambda value: getattr(value, "__name__", ""),
)
def test_the_same_rows_and_errors_as_django_filter_s_own(seed, monkeypatch, filterset_class, model):
    """Against django-filter's FilterSet (deep copies, a form class each time), on the seed."""

    def outcome(data):
        queryset = model._default_manager.all()
        filterset = filterset_class(QueryDict(data), queryset)
        if not filterset.is_valid():
            return "invalid", dict(filterset.errors)
        return "valid", sorted(filterset.qs.values_list("pk", flat=True))

    fast = [outcome(data) for data in PARAMS]
    with monkeypatch.context() as plain:
        plain.setattr(RegistryFilterSet, "__init__", filters.FilterSet.__init__)
        plain.setattr(RegistryFilterSet, "get_form_class", filters.FilterSet.get_form_class)
        slow = [outcome(data) for data in PARAMS]
    assert fast == slow
    assert any(kind == "invalid" for kind, _ in fast)
    assert any(kind == "valid" and rows for kind, rows in fast)
