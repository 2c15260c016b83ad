"""The totals SQL is compiled once per kind and process: a recompute joins ready text and
never rebuilds the qualifier rule's SQL (funding/services/values.py, statements.py)."""

from decimal import Decimal
from unittest import mock

import pytest

from funding import services
from funding.models import ClusterFundingTotal, RegionFundingTotal
from funding.services import values
from tests.clusters.factories import ClusterFactory
from tests.funding.factories import FundingLineFactory

pytestmark = pytest.mark.django_db


def test_a_recompute_after_the_first_builds_no_sql_of_the_qualifier_rule(django_user_model):
    cluster = ClusterFactory(is_published=True)
    line = FundingLineFactory(cluster=cluster, amount_rub=Decimal("100"))
    services.funding_totals_recompute_all()  # the first run in this process may compile
    with mock.patch.object(values, "combine_sql", wraps=values.combine_sql) as compiled:
        services.funding_line_update(actor=None, line=line, amount_rub=Decimal("250"))
        services.funding_totals_recompute_all()
    assert compiled.call_count == 0
    # …and the totals are still right, by the plain path.
    assert ClusterFundingTotal.objects.get(cluster=cluster).total_rub == Decimal("250")
    region = RegionFundingTotal.objects.get(region=cluster.region, fiscal_year=line.fiscal_year)
    assert region.total_rub == Decimal("250")
    assert services.funding_totals_check() == []
