from common.api.schema import lookup_schema
from common.api.viewsets import RegistryReadOnlyViewSet
from regions.api.serializers import FederalDistrictSerializer, RegionSerializer
from regions.filtersets import FederalDistrictFilterSet, RegionFilterSet
from regions.models import FederalDistrict, Region


@lookup_schema("code", "Код федерального округа, например CEN.")
class FederalDistrictViewSet(RegistryReadOnlyViewSet):
    """The eight federal districts."""

    queryset = FederalDistrict.objects.all()
    serializer_class = FederalDistrictSerializer
    filterset_class = FederalDistrictFilterSet
    lookup_field = "code"
    ordering_fields = ["code", "name"]
    csv_filename = "federal-districts"


@lookup_schema("code", "Двузначный код субъекта по классификатору ФНС, например 38.")
class RegionViewSet(RegistryReadOnlyViewSet):
    """Federal subjects with their federal district."""

    queryset = Region.objects.select_related("federal_district")
    serializer_class = RegionSerializer
    filterset_class = RegionFilterSet
    lookup_field = "code"
    lookup_value_regex = "[0-9]{2}"
    ordering_fields = ["code", "name"]
    csv_filename = "regions"
