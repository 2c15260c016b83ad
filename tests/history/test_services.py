from decimal import Decimal

import pytest

from clusters.models import Cluster
from funding.models import FundingLine
from history.services import history_record_initial
from tests.funding.factories import FundingLineFactory

pytestmark = pytest.mark.django_db


def test_seed_gives_every_object_one_first_record(seed):
    assert all(line.history.count() == 1 for line in FundingLine.objects.all())
    assert all(c.history.get().history_type == "+" for c in Cluster.objects.all())


def test_a_second_run_writes_nothing(seed):
    assert history_record_initial() == 0


def test_imported_rows_without_history_get_their_first_record():
    line = FundingLineFactory(amount_rub=Decimal("5"))
    line.history.all().delete()
    FundingLine.objects.bulk_create(
        [
            FundingLine(
                **{
                    "cluster": line.cluster,
                    "region": line.region,
                    "funding_source": "regional",
                    "amount_rub": Decimal("7"),
                    "source": line.source,
                }
            )
        ]
    )
    assert history_record_initial(models_=[FundingLine], reason="импорт из таблицы") == 2
    reasons = set(FundingLine.history.values_list("history_change_reason", flat=True))
    assert reasons == {"импорт из таблицы"}
