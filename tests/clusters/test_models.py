from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from clusters.choices import CollegeRole
from clusters.models import ClusterCollege, College
from clusters.validators import validate_inn, validate_ogrn
from tests.clusters.factories import ClusterCollegeFactory, ClusterFactory, CollegeFactory
from tests.funding.factories import FundingLineFactory

pytestmark = pytest.mark.django_db

VALID_INN = "7707083893"  # Сбербанк, a published legal-entity INN with a valid check digit
VALID_OGRN = "1027700132195"


def test_second_base_college_is_refused_by_the_database():
    cluster = ClusterFactory()
    ClusterCollegeFactory(cluster=cluster, role=CollegeRole.BASE)
    other = CollegeFactory(region=cluster.region)
    with pytest.raises(IntegrityError), transaction.atomic():
        ClusterCollege.objects.create(cluster=cluster, college=other, role=CollegeRole.BASE)


def test_second_base_college_is_refused_by_validation_with_russian_message():
    cluster = ClusterFactory()
    ClusterCollegeFactory(cluster=cluster, role=CollegeRole.BASE)
    membership = ClusterCollege(
        cluster=cluster, college=CollegeFactory(region=cluster.region), role=CollegeRole.BASE
    )
    with pytest.raises(ValidationError, match="только одна базовая"):
        membership.full_clean()


def test_college_sits_in_a_cluster_only_once():
    membership = ClusterCollegeFactory()
    with pytest.raises(IntegrityError), transaction.atomic():
        ClusterCollege.objects.create(
            cluster=membership.cluster, college=membership.college, role=CollegeRole.NETWORK
        )


def test_college_may_sit_in_several_clusters():
    college = CollegeFactory()
    ClusterCollegeFactory(college=college, role=CollegeRole.BASE)
    ClusterCollegeFactory(college=college, role=CollegeRole.NETWORK)
    assert college.cluster_colleges.count() == 2


def test_negative_amount_is_refused_by_the_database():
    line = FundingLineFactory()
    with pytest.raises(IntegrityError), transaction.atomic():
        type(line).objects.filter(pk=line.pk).update(amount_rub=Decimal("-1"))


def test_negative_amount_is_refused_by_validation():
    line = FundingLineFactory.build(amount_rub=Decimal("-5"), cluster=ClusterFactory())
    line.source.save()
    with pytest.raises(ValidationError) as err:
        line.full_clean()
    assert "amount_rub" in err.value.message_dict


@pytest.mark.parametrize(
    ("inn", "message"),
    [("7707083890", "контрольная цифра"), ("12345", "10 цифр"), ("77070838AB", "10 цифр")],
)
def test_bad_inn_is_refused_with_a_russian_message(inn, message):
    college = CollegeFactory.build(inn=inn, region=ClusterFactory().region)
    with pytest.raises(ValidationError) as err:
        college.full_clean()
    assert message in " ".join(err.value.message_dict["inn"])


def test_inn_of_wrong_shape_is_refused_by_the_database():
    college = CollegeFactory()
    with pytest.raises(IntegrityError), transaction.atomic():
        College.objects.filter(pk=college.pk).update(inn="123")


def test_inn_is_unique_when_present_and_may_be_empty_for_many():
    CollegeFactory(inn=VALID_INN)
    CollegeFactory(inn=None)
    CollegeFactory(inn=None)
    with pytest.raises(IntegrityError), transaction.atomic():
        CollegeFactory(inn=VALID_INN)


def test_valid_identifiers_pass():
    validate_inn(VALID_INN)
    validate_ogrn(VALID_OGRN)
    with pytest.raises(ValidationError, match="контрольная цифра"):
        validate_ogrn("1027700132194")


def test_launch_year_cannot_precede_selection_year():
    cluster = ClusterFactory.build(selection_year=2023, launch_year=2022)
    with pytest.raises(ValidationError) as err:
        cluster.clean()
    assert "launch_year" in err.value.message_dict


def test_funding_line_region_must_match_its_cluster():
    line = FundingLineFactory()
    other = ClusterFactory()
    line.region = other.region
    with pytest.raises(ValidationError) as err:
        line.full_clean()
    assert "region" in err.value.message_dict
