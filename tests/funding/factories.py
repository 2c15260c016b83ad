from decimal import Decimal

import factory

from funding.choices import FundingSource
from funding.models import FundingLine
from tests.clusters.factories import ClusterFactory, SourceFactory


class FundingLineFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = FundingLine

    cluster = factory.SubFactory(ClusterFactory)
    region = factory.LazyAttribute(lambda line: line.cluster.region if line.cluster else None)
    fiscal_year = 2023
    funding_source = FundingSource.FEDERAL
    amount_rub = Decimal("100000000")
    source = factory.SubFactory(SourceFactory)
