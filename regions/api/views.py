from rest_framework import viewsets

from common.api.schema import lookup_schema
from common.api.viewsets import RegistryViewSetMixin
from regions.api.serializers import FederalDistrictSerializer, RegionSerializer
from regions.filtersets import FederalDistrictFilterSet, RegionFilterSet
from regions.models import FederalDistrict, Region


@lookup_schema("code", "Код федерального округа, например CEN.")
class FederalDistrictViewSet(RegistryViewSetMixin, viewsets.ReadOnlyModelViewSet):
    """The eight federal districts."""

    queryset = FederalDistrict.objects.all()
    serializer_class = FederalDistrictSerializer
    filterset_class = FederalDistrictFilterSet
    lookup_field = "code"
    ordering_fields = ["code", "name"]
    csv_filename = "federal-districts"


@lookup_schema("code", "Двузначный код субъекта по классификатору ФНС, например 38.")
class RegionViewSet(RegistryViewSetMixin, viewsets.ReadOnlyModelViewSet):
    """Federal subjects with their federal district."""

    queryset = Region.objects.select_related("federal_district")
    serializer_class = RegionSerializer
    filterset_class = RegionFilterSet
    lookup_field = "code"
    lookup_value_regex = "[0-9]{2}"
    ordering_fields = ["code", "name"]
    csv_filename = "regions"
