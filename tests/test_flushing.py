"""The fast end of a committing test (tests/flushing.py) leaves the database as Django's flush
leaves it, and steps aside when it cannot show that."""

import pytest
from django.apps import apps
from django.contrib.auth.models import Group, Permission
from django.contrib.contenttypes.models import ContentType
from django.core.management import call_command
from django.db import connection

from tests import flushing
from tests.clusters.factories import ClusterCollegeFactory, ClusterEmployerFactory
from tests.funding.factories import FundingLineFactory

pytestmark = pytest.mark.django_db(transaction=True)


def _full_flush() -> None:
    call_command("flush", verbosity=0, interactive=False, reset_sequences=False)
    flushing.take_baseline("default")


def _write(django_user_model) -> None:
    """Rows in many tables: a cluster with its colleges, employers, money and its totals'
    inputs, a user in a group, history rows (the services' and factories' saves)."""
    membership = ClusterCollegeFactory()
    ClusterEmployerFactory(cluster=membership.cluster)
    FundingLineFactory(cluster=membership.cluster, fiscal_year=2024)
    user = django_user_model.objects.create_user("writer", "w@example.org", "pw")
    user.groups.add(Group.objects.order_by("pk").first() or Group.objects.create(name="g"))


def _state() -> dict:
    """Every table's row count, and the reference rows by natural key (ids differ between two
    full flushes: Django's flush does not reset sequences)."""
    counts = {}
    with connection.cursor() as cursor:
        for table in sorted(connection.introspection.django_table_names(only_existing=True)):
            cursor.execute(f"SELECT count(*) FROM {connection.ops.quote_name(table)}")
            counts[table] = cursor.fetchone()[0]
    return {
        "counts": counts,
        "content_types": sorted(ContentType.objects.values_list("app_label", "model")),
        "permissions": sorted(
            Permission.objects.values_list("content_type__app_label", "codename")
        ),
        "groups": sorted(
            (g.name, tuple(sorted(g.permissions.values_list("codename", flat=True))))
            for g in Group.objects.all()
        ),
    }


def test_the_fast_end_leaves_what_a_full_flush_leaves(django_user_model):
    _full_flush()
    _write(django_user_model)
    assert sum(_state()["counts"].values()) > sum(len(v) for v in flushing._baselines["default"])
    assert flushing.fast_flush("default")
    after_fast = _state()

    _write(django_user_model)
    _full_flush()
    after_full = _state()

    assert after_fast == after_full
    written = [t for t, n in after_fast["counts"].items() if n]
    assert set(written) == set(flushing._baselines["default"])  # only the reference tables
    assert apps.get_model("clusters", "Cluster").objects.count() == 0


def test_a_changed_reference_table_gets_the_full_flush(django_user_model):
    _full_flush()
    assert "auth_group_permissions" in flushing._baselines["default"]  # the roles' groups
    group = Group.objects.order_by("pk").first()
    group.permissions.add(Permission.objects.order_by("pk").first())
    group.permissions.remove(*group.permissions.all())
    assert not flushing.fast_flush("default")  # the groups' permissions differ from the baseline


def test_without_a_baseline_the_fast_end_steps_aside():
    flushing._baselines.pop("default", None)
    assert not flushing.fast_flush("default")
