"""The planned list rows (common/api/rows.py) are exactly DRF's, for every list endpoint.

Each endpoint of the router is read three times through the API — its rows written as JSON by
the database (common/api/json_sql.py), by the row plan in Python, and with the plan switched
off (DRF's serializer on model instances) — by an anonymous client and by
staff who may see drafts, over data with the awkward cases: a draft with money, a region with no
district, a cluster with no totals and no members, odd characters, null identifiers, a region-
level funding line with no cluster.
"""

from decimal import Decimal

import pytest

from clusters.api.serializers import ClusterSerializer
from clusters.models import Cluster, Source
from common.api import json_sql
from common.api import rows as rows_module
from common.api import viewsets as viewsets_module
from config.api import router
from funding.services import funding_totals_recompute_all
from regions.models import Region
from tests.clusters.factories import (
    ClusterCollegeFactory,
    ClusterEmployerFactory,
    ClusterFactory,
    ProgrammeFactory,
    ReportedFigureFactory,
)
from tests.funding.factories import FundingLineFactory
from tests.regions.factories import RegionFactory

pytestmark = pytest.mark.django_db

VALID_INN = "7707083893"
LIST_ENDPOINTS = sorted(prefix for prefix, _, _ in router.registry)


@pytest.fixture
def awkward_data(draft_cluster):
    """The seed, a draft with money, and the cases a hand-written row path gets wrong."""
    ClusterFactory(region=RegionFactory(code="99", federal_district=None))
    odd = ClusterFactory(website="", launch_year=None)
    ClusterCollegeFactory(cluster=odd, college__inn=VALID_INN, college__short_name="ОК")
    ClusterCollegeFactory(cluster=odd, college__inn=None)
    ClusterEmployerFactory(cluster=odd, note="через «кавычки» и \u2028", employer__inn=None)
    ReportedFigureFactory(cluster=odd, as_of=None, value="0.5")
    ReportedFigureFactory(cluster=odd, kind="students", value=12)
    odd.programmes.set(ProgrammeFactory.create_batch(3))
    FundingLineFactory(
        cluster=None,
        region=Region.objects.get(code="22"),
        fiscal_year=None,
        amount_rub=Decimal("0.01"),
        source=Source.objects.first(),
    )
    funding_totals_recompute_all()
    return odd


def _get(client, url, params):
    response = client.get(url, params)
    assert response.status_code == 200, response.content
    return response


@pytest.mark.parametrize("prefix", LIST_ENDPOINTS)
def test_every_list_endpoint_has_a_row_plan(prefix):
    viewset = dict((p, v) for p, v, _ in router.registry)[prefix]
    view = viewset(action="list", request=None, format_kwarg=None, kwargs={})
    view.request = type("R", (), {"user": None, "query_params": {}})()
    queryset = view.get_queryset()
    serializer = view.get_serializer_class()(many=True, context={})
    assert rows_module.plan_for(serializer, queryset) is not None, prefix


@pytest.mark.parametrize("prefix", LIST_ENDPOINTS)
@pytest.mark.parametrize("params", [{}, {"ordering": "-pk"}])
def test_planned_rows_equal_the_serializers_for_each_persona(
    awkward_data, persona_client, monkeypatch, prefix, params
):
    url = f"/api/v1/{prefix}/"
    query = {"page_size": 500, **params}
    written = []
    json_rows = viewsets_module.json_rows
    monkeypatch.setattr(viewsets_module, "json_rows", lambda *a: written.append(a) or json_rows(*a))
    fast = _get(persona_client, url, query)
    assert written, "the database writes the rows of every list endpoint (json_sql.py)"
    fast_csv = b"".join(_get(persona_client, url, {**query, "format": "csv"}).streaming_content)
    with monkeypatch.context() as patched:
        patched.setattr(viewsets_module, "json_rows", lambda *args: None)
        planned = _get(persona_client, url, query)  # the row plan written in Python
    assert fast.content == planned.content
    with monkeypatch.context() as patched:
        patched.setattr(viewsets_module, "plan_for", lambda *args: None)
        patched.setattr(rows_module, "plan_for", lambda *args: None)
        slow = _get(persona_client, url, query)
        slow_csv = b"".join(_get(persona_client, url, {**query, "format": "csv"}).streaming_content)
    assert fast.json()["count"] > 0
    assert fast.json() == slow.json()
    assert fast.content == slow.content  # byte for byte, so the ETag is the same too
    assert fast["ETag"] == slow["ETag"]
    assert fast_csv == slow_csv


def test_drafts_are_hidden_from_anonymous_and_shown_to_staff(
    awkward_data, api_client, editor_api_client
):
    def slugs(client):
        rows = _get(client, "/api/v1/clusters/", {"page_size": 500}).json()["results"]
        return {row["slug"] for row in rows}

    assert "irk-draft" not in slugs(api_client)
    assert "irk-draft" in slugs(editor_api_client)
    lines = _get(api_client, "/api/v1/funding-lines/", {"page_size": 500}).json()["results"]
    assert Decimal("777000000") not in {Decimal(line["amount_rub"]) for line in lines}


def test_a_plan_is_the_serializer_for_every_cluster_one_by_one(awkward_data):
    """Against the serializer on single instances, not only on a prefetched list."""
    queryset = Cluster.objects.with_related().select_related("funding_total").order_by("pk")
    expected = [ClusterSerializer(cluster).data for cluster in queryset]
    plan = rows_module.plan_for(ClusterSerializer(many=True), queryset)
    assert plan is not None
    assert plan.rows(list(plan.values_queryset(queryset))) == expected


def test_an_unplannable_field_falls_back_to_drf_instead_of_failing():
    from rest_framework import serializers

    class WithMethod(ClusterSerializer):
        shout = serializers.SerializerMethodField()

        class Meta(ClusterSerializer.Meta):
            fields = [*ClusterSerializer.Meta.fields, "shout"]

        def get_shout(self, obj):
            return obj.name.upper()

    queryset = Cluster.objects.with_related()
    assert rows_module.plan_for(WithMethod(many=True), queryset) is None


def test_rows_the_database_writes_are_the_serializers_one_by_one(awkward_data):
    """The JSON rows of json_sql.py against the serializer on single instances: every cluster,
    drafts included, with and without members, totals and a district."""
    queryset = Cluster.objects.with_related().select_related("funding_total").order_by("pk")
    expected = [ClusterSerializer(cluster).data for cluster in queryset]
    plan = rows_module.plan_for(ClusterSerializer(many=True), queryset)
    texts = json_sql.json_rows(plan, queryset)
    assert texts is not None
    assert json_sql.load(plan, texts) == expected
    assert any(row["funding_total"] is None for row in expected)  # the finalized rows
    assert any(row["federal_district"] is None for row in expected)
    assert any(row["base_college"] is None for row in expected)


def test_a_field_without_an_sql_form_keeps_the_python_plan(awkward_data):
    """A field class with its own to_representation and no `sql_value` is planned, not
    written by the database: the row plan in Python writes it, still the serializer's."""
    from rest_framework import serializers

    class Shouting(serializers.CharField):
        def to_representation(self, value):
            return str(value).upper()

    class WithShout(ClusterSerializer):
        shout = Shouting(source="name", read_only=True)

        class Meta(ClusterSerializer.Meta):
            fields = [*ClusterSerializer.Meta.fields, "shout"]

    queryset = Cluster.objects.with_related().select_related("funding_total").order_by("pk")
    plan = rows_module.plan_for(WithShout(many=True), queryset)
    assert plan is not None
    assert json_sql.json_rows(plan, queryset) is None
    rows = plan.rows(list(plan.values_queryset(queryset)))
    assert rows == [WithShout(cluster).data for cluster in queryset]
    assert rows[0]["shout"] == rows[0]["name"].upper()


def test_a_row_of_more_fields_than_one_sql_call_takes_keeps_the_python_plan(awkward_data):
    """json_build_object takes at most 100 arguments: a row of 51 fields is not sent to the
    database (it would fail there), the Python plan writes it."""
    from rest_framework import serializers

    fields = {f"name_{i}": serializers.CharField(source="name", read_only=True) for i in range(51)}
    Wide = type("Wide", (serializers.Serializer,), fields)
    queryset = Cluster.objects.order_by("pk")
    plan = rows_module.plan_for(Wide(many=True), queryset)
    assert plan is not None
    assert json_sql.json_rows(plan, queryset) is None
    assert plan.rows(list(plan.values_queryset(queryset)))[0]["name_50"] == queryset[0].name
