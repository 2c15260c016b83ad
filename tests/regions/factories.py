import factory

from regions.choices import RegionKind
from regions.models import FederalDistrict, Region


class FederalDistrictFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = FederalDistrict
        django_get_or_create = ["code"]

    code = factory.Sequence(lambda n: f"FD{n}")
    name = factory.Sequence(lambda n: f"Тестовый федеральный округ {n}")


class RegionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Region
        django_get_or_create = ["code"]

    code = factory.Sequence(lambda n: f"{n % 100:02d}")
    name = factory.Sequence(lambda n: f"Тестовая область {n}")
    kind = RegionKind.OBLAST
    federal_district = factory.SubFactory(FederalDistrictFactory)
    slug = factory.Sequence(lambda n: f"test-region-{n}")
