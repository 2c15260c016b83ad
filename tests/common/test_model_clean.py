"""The shared model base's clean_fields(): a foreign key to an object already loaded is not
asked of the database again; one given only as an id still is, and a missing one is refused."""

from decimal import Decimal

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


# --- check constraints: one query, the same errors as Django's one-by-one -------------------


def _check_models():
    from django.apps import apps
    from django.db.models import CheckConstraint

    from common.models import TimeStampedModel

    return [
        model
        for model in apps.get_models()
        if issubclass(model, TimeStampedModel)
        and any(type(c) is CheckConstraint for c in model._meta.constraints)
    ]


def _fields_read(condition) -> set[str]:
    """The field names a constraint's condition reads (lookups and F())."""
    from django.db.models import F, Q

    names = set()
    for child in condition.children if isinstance(condition, Q) else [condition]:
        if isinstance(child, Q):
            names |= _fields_read(child)
        elif isinstance(child, tuple):
            names.add(child[0].split("__")[0])
            if isinstance(child[1], F):
                names.add(child[1].name)
    return names


def _candidates(field) -> list:
    from datetime import date

    from django.db import models

    if field.choices:
        values = [value for value, _label in field.flatchoices] + ["", "zzz"]
    elif isinstance(field, models.BooleanField):
        values = [True, False]
    elif isinstance(field, models.DecimalField):
        values = [Decimal(-1), Decimal(0), Decimal("0.5"), Decimal(10**9)]
    elif isinstance(field, models.IntegerField):
        values = [-1, 0, 1, 2019, 2024, 2100]
    elif isinstance(field, models.DateField):
        values = [date(2000, 1, 1), date(2024, 6, 1), date(2040, 1, 1)]
    elif isinstance(field, models.ForeignKey):
        return [None, 1]
    else:
        values = ["", "x", "  "]
    return [None, *values] if field.null else values


def _errors(instance, plain: bool) -> dict:
    from django.db.models import Model

    try:
        (Model.validate_constraints if plain else type(instance).validate_constraints)(instance)
    except ValidationError as exc:
        return {k: [str(m) for m in v] for k, v in exc.message_dict.items()}
    return {}


def test_check_constraints_say_what_django_says_on_every_model():
    """For every model of the registry with check constraints, 40 instances of values each
    constraint reads, in and out of range: the one-query answer equals Django's own."""
    import random

    from django.db.models import CheckConstraint

    from tests.clusters.factories import ClusterFactory

    cluster = ClusterFactory()
    models = _check_models()
    assert len(models) >= 5
    rng = random.Random(21)
    compared = broken = 0
    for model in models:
        read = set()
        for constraint in model._meta.constraints:
            if type(constraint) is CheckConstraint:
                read |= _fields_read(constraint.condition)
        fields = [model._meta.get_field(name) for name in sorted(read)]
        for _ in range(40):
            instance = model()
            for field in fields:
                value = rng.choice(_candidates(field))
                if field.many_to_one:
                    setattr(instance, field.attname, value and cluster.region_id)
                else:
                    setattr(instance, field.attname, value)
            ours, django = _errors(instance, plain=False), _errors(instance, plain=True)
            assert ours == django, (
                model.__name__,
                {f.name: getattr(instance, f.attname) for f in fields},
            )
            compared += 1
            broken += bool(ours)
    assert broken > compared // 10  # the values did break constraints


def test_a_models_check_constraints_are_one_query(django_assert_max_num_queries):
    line = FundingLineFactory()
    line = FundingLine.objects.select_related("cluster", "region", "source").get(pk=line.pk)
    with django_assert_max_num_queries(20) as captured:
        line.full_clean()
    checks = [q["sql"] for q in captured if '"_check' in q["sql"]]
    assert len(checks) == 1
    assert checks[0].count("COALESCE") >= 3  # every check constraint of the model in it
