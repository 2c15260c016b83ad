import django_filters as filters

from clusters.models import Industry
from common.filtersets import RegistryFilterSet
from common.qualifiers import Qualifier
from funding.choices import FundingSource
from funding.models import FundingLine
from regions.models import FederalDistrict, Region


class FundingLineFilterSet(RegistryFilterSet):
    federal_district = filters.ModelChoiceFilter(
        field_name="region__federal_district",
        queryset=FederalDistrict.objects.all(),
        to_field_name="code",
        label="Федеральный округ",
    )
    region = filters.ModelChoiceFilter(
        queryset=Region.objects.all(), to_field_name="code", label="Субъект РФ"
    )
    industry = filters.ModelChoiceFilter(
        field_name="cluster__industry",
        queryset=Industry.objects.all(),
        to_field_name="slug",
        label="Отрасль",
    )
    cluster = filters.CharFilter(field_name="cluster__slug", label="Кластер")
    has_cluster = filters.BooleanFilter(
        field_name="cluster", lookup_expr="isnull", exclude=True, label="Относится к кластеру"
    )
    fiscal_year = filters.NumberFilter(label="Финансовый год")
    has_fiscal_year = filters.BooleanFilter(
        field_name="fiscal_year", lookup_expr="isnull", exclude=True, label="Год указан"
    )
    funding_source = filters.ChoiceFilter(choices=FundingSource.choices, label="Источник средств")
    qualifier = filters.ChoiceFilter(choices=Qualifier.choices, label="Точность")
    amount_min = filters.NumberFilter(field_name="amount_rub", lookup_expr="gte", label="Сумма от")
    amount_max = filters.NumberFilter(field_name="amount_rub", lookup_expr="lte", label="Сумма до")

    class Meta:
        model = FundingLine
        fields: list[str] = []
