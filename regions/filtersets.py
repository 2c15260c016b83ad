import django_filters as filters
from django.db.models import Q

from common.filtersets import RegistryFilterSet
from regions.choices import RegionKind
from regions.models import FederalDistrict, Region


class FederalDistrictFilterSet(RegistryFilterSet):
    q = filters.CharFilter(field_name="name", lookup_expr="icontains", label="Поиск")

    class Meta:
        model = FederalDistrict
        fields: list[str] = []


class RegionFilterSet(RegistryFilterSet):
    q = filters.CharFilter(method="search", label="Поиск")
    federal_district = filters.ModelChoiceFilter(
        queryset=FederalDistrict.objects.all(), to_field_name="code", label="Федеральный округ"
    )
    kind = filters.ChoiceFilter(choices=RegionKind.choices, label="Вид субъекта")
    code = filters.CharFilter(label="Код субъекта")

    class Meta:
        model = Region
        fields: list[str] = []

    def search(self, queryset, name, value):
        return queryset.filter(Q(name__icontains=value) | Q(name_en__icontains=value))
