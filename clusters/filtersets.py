"""One FilterSet per listable model, shared by the public pages, the API and exports.

Filter names are a public contract (bookmarked URLs, API clients): readable codes and slugs,
`q` for free-text search.
"""

import django_filters as filters
from django.db.models import Exists, OuterRef, Q, QuerySet

from clusters.choices import (
    ClusterKind,
    ClusterStatus,
    CollegeRole,
    EmployerRole,
    ProgrammeLevel,
    ReviewState,
)
from clusters.models import (
    Cluster,
    ClusterCollege,
    ClusterEmployer,
    College,
    Employer,
    Industry,
    Programme,
)
from common.filtersets import PageFilterSet, RegistryFilterSet
from funding.choices import FundingSource
from regions.models import FederalDistrict, Region

# The option lists of the pages' selects read what an option shows — its value (code or
# slug) and its label (the name, the models' __str__) — not every column of the row.


def _region_filter(field_name: str = "region") -> filters.ModelChoiceFilter:
    return filters.ModelChoiceFilter(
        field_name=field_name,
        queryset=Region.objects.only("code", "name").order_by("name"),
        to_field_name="code",
        label="Субъект РФ",
    )


def _district_filter(field_name: str) -> filters.ModelChoiceFilter:
    return filters.ModelChoiceFilter(
        field_name=field_name,
        queryset=FederalDistrict.objects.only("code", "name").order_by("name"),
        to_field_name="code",
        label="Федеральный округ",
    )


# The value of a filter that asks for the rows whose field the sources do not give
# (`?industry=none`, `?kind=none`): clusters whose industry or kind is «не указан(а)».
NOT_GIVEN = "none"


def _industry_filter(
    field_name: str = "industry", *, not_given: str | None = None
) -> filters.ModelChoiceFilter:
    return filters.ModelChoiceFilter(
        field_name=field_name,
        queryset=Industry.objects.only("slug", "name").order_by("name"),
        to_field_name="slug",
        label="Отрасль",
        null_label=not_given,
        null_value=NOT_GIVEN,
    )


class ClusterFilterSet(PageFilterSet):
    q = filters.CharFilter(method="search", label="Поиск")
    federal_district = _district_filter("region__federal_district")
    region = _region_filter()
    industry = _industry_filter(not_given="Отрасль не указана")
    kind = filters.ChoiceFilter(
        choices=ClusterKind.choices,
        null_label="Тип не указан",
        null_value=NOT_GIVEN,
        method="filter_kind",
        label="Тип",
    )
    status = filters.ChoiceFilter(choices=ClusterStatus.choices, label="Статус")
    selection_year = filters.NumberFilter(label="Год отбора")
    launch_year = filters.NumberFilter(label="Год первого набора")
    fiscal_year = filters.NumberFilter(method="filter_fiscal_year", label="Финансовый год")
    funding_source = filters.ChoiceFilter(
        choices=FundingSource.choices, method="filter_funding_source", label="Источник средств"
    )
    has_employers = filters.BooleanFilter(
        method="filter_has_employers", label="Есть работодатели-партнёры"
    )
    college = filters.NumberFilter(
        field_name="cluster_colleges__college",
        method="filter_college",
        label="Образовательная организация (id)",
    )
    employer = filters.NumberFilter(
        field_name="cluster_employers__employer",
        method="filter_employer",
        label="Работодатель (id)",
    )
    programme = filters.CharFilter(
        field_name="programmes__code", method="filter_programme", label="Код профессии"
    )
    is_published = filters.BooleanFilter(label="Опубликован")
    review_state = filters.ChoiceFilter(choices=ReviewState.choices, label="Состояние проверки")

    # The API schema of the method filters that mean one set of values (common/api/schema.py).
    parameter_schemas = {"funding_source": {"type": "string", "enum": list(FundingSource.values)}}

    class Meta:
        model = Cluster
        fields: list[str] = []

    def search(self, queryset: QuerySet[Cluster], name: str, value: str) -> QuerySet[Cluster]:
        # One search per request: the list and every facet (clusters/facets.py re-applies the
        # filters) take what it matched among this filterset's rows, searched once (on
        # PostgreSQL `ClusterQuerySet.search` reads the matched ids at once).
        searched = self.__dict__.setdefault("_searched", {})
        if value not in searched:
            searched[value] = self.queryset.search(value)
        return queryset.filter(pk__in=searched[value].values("pk"))

    def filter_kind(self, queryset, name, value):
        # A kind the sources do not give is stored empty (not NULL): «тип не указан».
        return queryset.filter(kind="" if value == NOT_GIVEN else value)

    def filter_fiscal_year(self, queryset, name, value: int):  # int: the API schema's type
        return queryset  # applied with funding_source in filter_queryset, on the same line

    def filter_funding_source(self, queryset, name, value: str):
        return queryset  # see filter_fiscal_year

    # Conditions on related rows are EXISTS subqueries, never joins: a cluster is one row of
    # the list however many lines, colleges or programmes match, so neither the list nor a
    # facet count needs DISTINCT (which sorts every matching row).

    def filter_college(self, queryset, name, value):
        return queryset.filter(
            Exists(ClusterCollege.objects.filter(cluster=OuterRef("pk"), college=value))
        )

    def filter_employer(self, queryset, name, value):
        return queryset.filter(
            Exists(ClusterEmployer.objects.filter(cluster=OuterRef("pk"), employer=value))
        )

    def filter_programme(self, queryset, name, value):
        return queryset.filter(
            Exists(
                Cluster.programmes.through.objects.filter(
                    cluster=OuterRef("pk"), programme__code=value
                )
            )
        )

    def filter_queryset(self, queryset):
        queryset = super().filter_queryset(queryset)
        line = self.funding_line_conditions(self.form.cleaned_data)
        return queryset.filter(line) if line is not None else queryset

    @staticmethod
    def funding_line_conditions(cleaned_data: dict) -> Exists | None:
        """Year and source must hold for one and the same funding line: "federal money in
        2023", not "some 2023 money and some federal money". Facet counts reuse this."""
        line = {}
        if cleaned_data.get("fiscal_year") is not None:
            line["fiscal_year"] = cleaned_data["fiscal_year"]
        if cleaned_data.get("funding_source"):
            line["funding_source"] = cleaned_data["funding_source"]
        if not line:
            return None
        from funding.models import FundingLine

        return Exists(FundingLine.objects.filter(cluster=OuterRef("pk"), **line))

    def filter_has_employers(self, queryset, name, value):
        partners = Exists(ClusterEmployer.objects.filter(cluster=OuterRef("pk")))
        return queryset.filter(partners if value else ~partners)


def _cluster_filter(field_name: str) -> filters.CharFilter:
    # Gated by the base FilterSet (common/filtersets.py): only clusters the user may see, so
    # a draft's members cannot be discovered by guessing its slug.
    return filters.CharFilter(field_name=f"{field_name}__slug", label="Кластер (slug)")


class CollegeFilterSet(PageFilterSet):
    q = filters.CharFilter(method="search", label="Поиск")
    federal_district = _district_filter("region__federal_district")
    region = _region_filter()
    inn = filters.CharFilter(label="ИНН")
    ogrn = filters.CharFilter(label="ОГРН")
    town = filters.CharFilter(lookup_expr="icontains", label="Населённый пункт")
    cluster = _cluster_filter("cluster_colleges__cluster")
    industry = filters.ModelChoiceFilter(
        field_name="cluster_colleges__cluster__industry",
        queryset=Industry.objects.only("slug", "name").order_by("name"),
        to_field_name="slug",
        label="Отрасль кластера",
        distinct=True,
    )
    cluster_kind = filters.ChoiceFilter(
        field_name="cluster_colleges__cluster__kind",
        choices=ClusterKind.choices,
        label="Тип кластера",
        distinct=True,
    )

    class Meta:
        model = College
        fields: list[str] = []

    def search(self, queryset, name, value):
        return queryset.filter(
            Q(full_name__icontains=value) | Q(short_name__icontains=value) | Q(inn=value)
        )


class EmployerFilterSet(PageFilterSet):
    q = filters.CharFilter(method="search", label="Поиск")
    federal_district = _district_filter("region__federal_district")
    region = _region_filter()
    industry = _industry_filter()
    inn = filters.CharFilter(label="ИНН")
    ogrn = filters.CharFilter(label="ОГРН")
    cluster = _cluster_filter("cluster_employers__cluster")
    cluster_kind = filters.ChoiceFilter(
        field_name="cluster_employers__cluster__kind",
        choices=ClusterKind.choices,
        label="Тип кластера",
        distinct=True,
    )

    class Meta:
        model = Employer
        fields: list[str] = []

    def search(self, queryset, name, value):
        return queryset.filter(Q(name__icontains=value) | Q(inn=value))


class IndustryFilterSet(RegistryFilterSet):
    q = filters.CharFilter(field_name="name", lookup_expr="icontains", label="Поиск")

    class Meta:
        model = Industry
        fields: list[str] = []


class ProgrammeFilterSet(RegistryFilterSet):
    q = filters.CharFilter(method="search", label="Поиск")
    level = filters.ChoiceFilter(choices=ProgrammeLevel.choices, label="Вид")
    code = filters.CharFilter(lookup_expr="startswith", label="Код (начало)")

    class Meta:
        model = Programme
        fields: list[str] = []

    def search(self, queryset, name, value):
        return queryset.filter(Q(name__icontains=value) | Q(code__startswith=value))


class ClusterCollegeFilterSet(RegistryFilterSet):
    cluster = filters.CharFilter(field_name="cluster__slug", label="Кластер (slug)")
    college = filters.NumberFilter(field_name="college", label="Образовательная организация (id)")
    role = filters.ChoiceFilter(choices=CollegeRole.choices, label="Роль")

    class Meta:
        model = ClusterCollege
        fields: list[str] = []


class ClusterEmployerFilterSet(RegistryFilterSet):
    cluster = filters.CharFilter(field_name="cluster__slug", label="Кластер (slug)")
    employer = filters.NumberFilter(field_name="employer", label="Работодатель (id)")
    role = filters.ChoiceFilter(choices=EmployerRole.choices, label="Роль")

    class Meta:
        model = ClusterEmployer
        fields: list[str] = []
