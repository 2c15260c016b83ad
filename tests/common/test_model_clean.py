"""The shared model base's clean_fields(): a foreign key to an object already loaded is not
asked of the database again; one given only as an id still is, and a missing one is refused."""

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, transaction

from funding.models import FundingLine
from tests.clusters.factories import ClusterFactory
from tests.funding.factories import FundingLineFactory

pytestmark = pytest.mark.django_db


def _existence_queries(captured) -> list[str]:
    return [q["sql"] for q in captured if 'AS "a"' in q["sql"] and "LIMIT 1" in q["sql"]]


def test_a_loaded_related_object_is_not_looked_up_again(django_assert_max_num_queries):
    line = FundingLineFactory()
    line = FundingLine.objects.select_related("cluster", "region", "source").get(pk=line.pk)
    with django_assert_max_num_queries(10) as captured:
        line.clean_fields()
    assert _existence_queries(captured) == []


def test_a_key_given_as_an_id_is_looked_up(django_assert_max_num_queries):
    line = FundingLineFactory()
    line = FundingLine.objects.get(pk=line.pk)  # nothing related loaded
    with django_assert_max_num_queries(10) as captured:
        line.clean_fields()
    assert len(_existence_queries(captured)) >= 2  # cluster, region, source


def test_a_missing_related_row_given_as_an_id_is_refused():
    line = FundingLineFactory()
    line.cluster_id = 10**9  # also drops the cached cluster (its key no longer matches)
    with pytest.raises(ValidationError) as refused:
        line.clean_fields()
    assert "cluster" in refused.value.message_dict


def test_a_loaded_object_deleted_since_is_refused_by_the_database():
    line = FundingLineFactory()
    other = ClusterFactory()
    line.cluster = other
    line.region = other.region
    other_pk = other.pk
    type(other).objects.filter(pk=other_pk).delete()
    line.clean_fields()  # not asked again: the object was loaded
    with pytest.raises(IntegrityError), transaction.atomic():
        line.save()
        connection.check_constraints()  # the keys are deferred: checked now, not at commit
